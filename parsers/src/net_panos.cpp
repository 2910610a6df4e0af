#include "common.hpp"
#include "net_common.hpp"

#include <array>
#include <vector>

namespace siem::parsers::detail {
namespace {

constexpr std::array<std::string_view, 4> kTypes = {",TRAFFIC,", ",THREAT,", ",SYSTEM,",
                                                    ",CONFIG,"};

auto type_marker(std::string_view p) -> bool {
  if (p.empty() || p[0] < '0' || p[0] > '9') {
    return false;
  }
  const std::string_view head = p.substr(0, 96);
  for (const auto t : kTypes) {
    if (head.find(t) != std::string_view::npos) {
      return true;
    }
  }
  return false;
}

// PAN-OS writes 0.0.0.0 and port 0 when a session was not translated.
auto is_unset_ip(std::string_view s) -> bool {
  return s.empty() || s == "0.0.0.0" || s == "::";
}

/// Palo Alto Networks PAN-OS syslog in the default CSV layout: TRAFFIC, THREAT, SYSTEM and
/// CONFIG records ("FUTURE_USE,receive time,serial,type,subtype,..."), mapped by the documented
/// field positions (PAN-OS 8-11). Unmapped fields of interest go under `paloalto.panos.*`.
/// Owned by one worker.
class PanosParser final : public FormatParser {
public:
  PanosParser() {
    info_.name = "paloalto/panos";
    info_.description = "Palo Alto Networks PAN-OS syslog CSV (TRAFFIC, THREAT, SYSTEM, CONFIG)";
    info_.detection =
        "payload starts with a digit and names ',TRAFFIC,' ',THREAT,' ',SYSTEM,' or ',CONFIG,' "
        "in its first 96 bytes; field 4 must be that type";
    info_.status = "experimental";
    info_.example =
        "1,2026/11/26 10:00:00,012345678901,TRAFFIC,end,2049,2026/11/26 10:00:00,10.0.0.5,"
        "8.8.8.8,203.0.113.9,8.8.8.8,allow-dns,,,dns,vsys1,trust,untrust,ethernet1/2,"
        "ethernet1/1,fwd,2026/11/26 10:00:00,4242,1,53535,53,40000,53,0x400019,udp,allow,"
        "180,80,100,2,2026/11/26 09:59:59,0,any,0,77,0x0,10.0.0.0-10.255.255.255,US,0,1,1,"
        "aged-out";
    f_.reserve(128);
  }

  [[nodiscard]] auto info() const -> const FormatInfo& override { return info_; }

  [[nodiscard]] auto detect(const Input& in) const -> bool override {
    return type_marker(in.payload);
  }

  auto parse(const Input& in, const ParseContext& ctx, core::Event& out)
      -> std::string_view override {
    split(in.payload);
    if (f_.size() < 7) {
      return "not a PAN-OS CSV record (too few fields)";
    }
    const std::string_view type = f_[3];
    int kind = -1;
    for (std::size_t i = 0; i < kTypes.size(); ++i) {
      if (type == kTypes[i].substr(1, kTypes[i].size() - 2)) {
        kind = static_cast<int>(i);
      }
    }
    if (kind < 0) {
      return "PAN-OS field 4 is not TRAFFIC, THREAT, SYSTEM or CONFIG";
    }
    if (in.header.kind != SyslogKind::none || in.header.pri >= 0) {
      apply_syslog_origin(in.header, out);
    }
    out.set("event.module", "paloalto");
    out.set("event.dataset", "paloalto.panos");
    out.set("observer.vendor", "Palo Alto Networks");
    out.set("observer.product", "PAN-OS");
    out.set("observer.type", "firewall");
    out.set("paloalto.panos.type", type);
    put(out, "paloalto.panos.subtype", 4);
    put(out, "observer.serial_number", 2);
    put(out, "paloalto.panos.receive_time", 1);
    if (auto t = parse_net_time(field(6), ctx)) {
      out.timestamp = t;
    } else if (auto r = parse_net_time(field(1), ctx)) {
      out.timestamp = r;
    }
    const std::string_view subtype = field(4);
    switch (kind) {
      case 0:
        out.set("event.kind", "event");
        out.set("event.category", "network");
        out.set("event.type", subtype == "start" ? "start"
                              : subtype == "end" ? "end"
                              : (subtype == "drop" || subtype == "deny") ? "denied"
                                                                         : "connection");
        session(out, false);
        traffic(out, ctx);
        break;
      case 1:
        out.set("event.kind", "alert");
        out.set("event.category", subtype == "virus" || subtype.starts_with("wildfire") ? "malware"
                                  : subtype == "url"                                   ? "web"
                                                                 : "intrusion_detection");
        out.set("event.type", "info");
        session(out, true);
        threat(out);
        break;
      case 2:
        out.set("event.kind", "event");
        out.set("event.type", "info");
        if (subtype == "auth") {
          out.set("event.category", "authentication");
        }
        put(out, "paloalto.panos.vsys", 7);
        put(out, "event.code", 8);
        put(out, "event.action", 8);
        put(out, "paloalto.panos.object", 9);
        put(out, "paloalto.panos.module", 12);
        put(out, "log.level", 13);
        put(out, "message", 14);
        seq(out, 15);
        break;
      default:
        config(out);
        break;
    }
    return {};
  }

private:
  // Splits a CSV record; quoted fields keep their inner text ("" unescaped on use).
  void split(std::string_view p) {
    f_.clear();
    quoted_.clear();
    std::size_t pos = 0;
    const std::size_t n = p.size();
    while (pos <= n && f_.size() < 512) {
      if (pos < n && p[pos] == '"') {
        std::size_t j = pos + 1;
        while (j < n) {
          if (p[j] == '"') {
            if (j + 1 < n && p[j + 1] == '"') {
              j += 2;
              continue;
            }
            break;
          }
          ++j;
        }
        f_.push_back(p.substr(pos + 1, std::min(j, n) - pos - 1));
        quoted_.push_back(true);
        pos = j + 1;
        while (pos < n && p[pos] != ',') {
          ++pos;  // junk after a closing quote belongs to no field
        }
      } else {
        const std::size_t c = p.find(',', pos);
        const std::size_t end = c == std::string_view::npos ? n : c;
        f_.push_back(p.substr(pos, end - pos));
        quoted_.push_back(false);
        pos = end;
      }
      if (pos >= n) {
        break;
      }
      ++pos;  // the comma
      if (pos == n) {
        f_.emplace_back();  // a trailing comma: one more empty field
        quoted_.push_back(false);
        break;
      }
    }
  }

  auto field(std::size_t i) -> std::string_view {
    if (i >= f_.size()) {
      return {};
    }
    const std::string_view v = f_[i];
    if (!quoted_[i] || v.find("\"\"") == std::string_view::npos) {
      return v;
    }
    unq_.clear();
    for (std::size_t k = 0; k < v.size(); ++k) {
      unq_.push_back(v[k]);
      if (v[k] == '"' && k + 1 < v.size() && v[k + 1] == '"') {
        ++k;
      }
    }
    return unq_;
  }

  void put(core::Event& out, std::string_view key, std::size_t i) {
    if (const auto v = trim(field(i)); !v.empty()) {
      out.set(key, v);
    }
  }

  void count(core::Event& out, std::string_view key, std::size_t i) {
    if (const auto v = field(i); !v.empty()) {
      set_count_or_keep(out, key, v);
    }
  }

  void seq(core::Event& out, std::size_t i) {
    if (const auto v = parse_int(field(i)); v && *v >= 0) {
      out.set_int("event.sequence", *v);
    }
  }

  // Fields 7-30, shared by TRAFFIC and THREAT.
  void session(core::Event& out, bool threat_record) {
    set_ip_or_keep(out, "source.ip", field(7));
    set_ip_or_keep(out, "destination.ip", field(8));
    const bool snat = !is_unset_ip(field(9));
    const bool dnat = !is_unset_ip(field(10));
    if (snat) {
      set_ip_or_keep(out, "source.nat.ip", field(9));
      set_port_or_keep(out, "source.nat.port", field(26));
    }
    if (dnat) {
      set_ip_or_keep(out, "destination.nat.ip", field(10));
      set_port_or_keep(out, "destination.nat.port", field(27));
    }
    put(out, threat_record ? "paloalto.panos.rule" : "rule.name", 11);
    if (const auto u = field(12); !u.empty()) {
      out.set("source.user.name", u);
      out.set("user.name", u);
    }
    put(out, "destination.user.name", 13);
    if (const auto app = field(14); !app.empty()) {
      out.set("network.application", to_lower(app, tmp_));
    }
    put(out, "paloalto.panos.vsys", 15);
    put(out, "observer.ingress.zone", 16);
    put(out, "observer.egress.zone", 17);
    put(out, "observer.ingress.interface.name", 18);
    put(out, "observer.egress.interface.name", 19);
    put(out, "paloalto.panos.log_action", 20);
    count(out, "paloalto.panos.session_id", 22);
    count(out, "paloalto.panos.repeat_count", 23);
    set_port_or_keep(out, "source.port", field(24));
    set_port_or_keep(out, "destination.port", field(25));
    put(out, "paloalto.panos.flags", 28);
    set_transport(out, field(29), tmp_);
    if (const auto action = field(30); !action.empty()) {
      out.set("event.action", action);
      if (const auto o = outcome_of_action(action); !o.empty()) {
        out.set("event.outcome", o);
      }
    }
  }

  void traffic(core::Event& out, const ParseContext& ctx) {
    count(out, "network.bytes", 31);
    count(out, "source.bytes", 32);
    count(out, "destination.bytes", 33);
    count(out, "network.packets", 34);
    if (const auto t = parse_net_time(field(35), ctx)) {
      tmp_.clear();
      core::append_rfc3339(tmp_, *t);
      out.set("event.start", tmp_);
    }
    if (const auto d = parse_int(field(36)); d && *d >= 0 && *d < 1'000'000'000) {
      out.set_int("event.duration", *d * 1'000'000'000);
    }
    put(out, "paloalto.panos.url_category", 37);
    seq(out, 39);
    put(out, "paloalto.panos.source_location", 41);
    put(out, "paloalto.panos.destination_location", 42);
    count(out, "source.packets", 44);
    count(out, "destination.packets", 45);
    put(out, "event.reason", 46);
  }

  void threat(core::Event& out) {
    const std::string_view subtype = field(4);
    if (const auto misc = field(31); !misc.empty()) {
      if (subtype == "url") {
        out.set("url.original", misc);
        const auto slash = misc.find('/');
        if (misc.find("://") == std::string_view::npos) {
          if (const auto host = misc.substr(0, slash); !host.empty()) {
            out.set("url.domain", host);
          }
          if (slash != std::string_view::npos) {
            const auto path = misc.substr(slash);
            out.set("url.path", path.substr(0, path.find('?')));
          }
        } else {
          set_url(out, misc);
        }
      } else if (subtype == "file" || subtype == "virus" || subtype.starts_with("wildfire")) {
        out.set("file.name", misc);
      } else {
        out.set("paloalto.panos.misc", misc);
      }
    }
    // "Name(12345)" or "(9999)": the threat signature is the rule.
    if (const auto tid = field(32); !tid.empty()) {
      const auto open = tid.rfind('(');
      if (open != std::string_view::npos && tid.back() == ')') {
        const auto id = tid.substr(open + 1, tid.size() - open - 2);
        const auto name = trim(tid.substr(0, open));
        if (!id.empty()) {
          out.set("rule.id", id);
        }
        if (!name.empty()) {
          out.set("rule.name", name);
        }
      } else {
        out.set("rule.name", tid);
      }
    }
    put(out, subtype == "url" ? "paloalto.panos.url_category" : "paloalto.panos.threat_category",
        33);
    put(out, "log.level", 34);
    put(out, "paloalto.panos.direction", 35);
    seq(out, 36);
    put(out, "paloalto.panos.source_location", 38);
    put(out, "paloalto.panos.destination_location", 39);
    set_hash(out, field(43));
    if (subtype == "url") {
      put(out, "user_agent.original", 46);
      put(out, "http.request.referrer", 49);
    }
  }

  void config(core::Event& out) {
    out.set("event.kind", "event");
    out.set("event.category", "configuration");
    out.set("event.type", "change");
    if (const auto host = field(7); !host.empty()) {
      out.set("source.address", host);
      set_ip_or_keep(out, "source.ip", host);
    }
    put(out, "paloalto.panos.vsys", 8);
    put(out, "event.action", 9);
    put(out, "user.name", 10);
    put(out, "paloalto.panos.client", 11);
    if (const auto result = field(12); !result.empty()) {
      out.set("paloalto.panos.result", result);
      if (result == "Succeeded") {
        out.set("event.outcome", "success");
      } else if (result == "Failed") {
        out.set("event.outcome", "failure");
      }
    }
    put(out, "paloalto.panos.configuration_path", 13);
  }

  FormatInfo info_;
  std::vector<std::string_view> f_;
  std::vector<bool> quoted_;
  std::string unq_;
  std::string tmp_;
};

}  // namespace

auto make_panos_parser() -> std::unique_ptr<FormatParser> {
  return std::make_unique<PanosParser>();
}

}  // namespace siem::parsers::detail
