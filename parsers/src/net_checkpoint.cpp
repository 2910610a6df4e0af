#include "common.hpp"
#include "net_common.hpp"
#include "scan.hpp"

#include <utility>
#include <vector>

namespace siem::parsers::detail {
namespace {

// Offset of the '[' that opens `[key:"value"; ...]` in the first KiB of `line`, or npos.
auto cp_start(std::string_view line) -> std::size_t {
  const std::string_view window = line.substr(0, 1024);
  std::size_t pos = 0;
  for (int tries = 0; tries < 4; ++tries) {
    pos = window.find('[', pos);
    if (pos == std::string_view::npos) {
      return pos;
    }
    std::size_t j = pos + 1;
    while (j < line.size() && is_dotted_key_char(line[j])) {
      ++j;
    }
    if (j > pos + 1 && j + 1 < line.size() && line[j] == ':' && line[j + 1] == '"') {
      return pos;
    }
    ++pos;
  }
  return std::string_view::npos;
}

auto is_zero_ip(std::string_view s) -> bool {
  return s == "0.0.0.0" || s == "::";
}

/// Check Point Log Exporter syslog: `[key:"value"; key:"value"; ...]`, usually after an
/// RFC 5424 header with app name "CheckPoint". Firewall, VPN and Threat Prevention fields
/// map to ECS; every other key lands under `checkpoint.checkpoint.<key>`. Owned by one worker.
class CheckpointParser final : public FormatParser {
public:
  CheckpointParser() {
    info_.name = "checkpoint/checkpoint";
    info_.description = "Check Point Log Exporter syslog ([key:\"value\"; ...])";
    info_.detection = "a '[' followed by key:\" in the first KiB of the line";
    info_.status = "experimental";
    info_.example =
        "<134>1 2026-11-26T10:00:00Z gw1 CheckPoint 26203 - [action:\"Accept\"; "
        "ifdir:\"outbound\"; origin:\"192.0.2.1\"; time:\"1795600800\"; src:\"10.0.0.5\"; "
        "dst:\"8.8.8.8\"; proto:\"17\"; s_port:\"53000\"; service:\"53\"; "
        "product:\"VPN-1 & FireWall-1\"; rule_name:\"dns\"]";
    kv_.reserve(64);
  }

  [[nodiscard]] auto info() const -> const FormatInfo& override { return info_; }

  [[nodiscard]] auto detect(const Input& in) const -> bool override {
    return cp_start(in.line) != std::string_view::npos;
  }

  auto parse(const Input& in, const ParseContext& ctx, core::Event& out)
      -> std::string_view override {
    const std::size_t start = cp_start(in.line);
    if (start == std::string_view::npos) {
      return "no Check Point [key:\"value\"] record";
    }
    kv_.clear();
    const std::string_view s = in.line;
    const std::size_t n = s.size();
    std::size_t pos = start + 1;
    while (pos < n) {
      while (pos < n && (s[pos] == ' ' || s[pos] == ';')) {
        ++pos;
      }
      if (pos >= n || s[pos] == ']') {
        break;
      }
      const std::size_t ks = pos;
      while (pos < n && is_dotted_key_char(s[pos])) {
        ++pos;
      }
      if (pos == ks || pos + 1 >= n || s[pos] != ':' || s[pos + 1] != '"') {
        break;  // not a pair: keep what was read
      }
      const std::string_view key = s.substr(ks, pos - ks);
      const std::size_t vs = pos + 2;
      std::size_t j = vs;
      while (j < n && s[j] != '"') {
        j += s[j] == '\\' ? 2 : 1;
      }
      if (j >= n) {
        break;  // truncated value: dropped
      }
      kv_.emplace_back(key, s.substr(vs, j - vs));
      pos = j + 1;
    }
    if (kv_.empty()) {
      return "empty Check Point record";
    }

    if (in.header.kind != SyslogKind::none || in.header.pri >= 0) {
      apply_syslog_origin(in.header, out);
      if (in.header.timestamp) {
        out.timestamp = in.header.timestamp;
      }
    }
    out.set("event.module", "checkpoint");
    out.set("event.dataset", "checkpoint.checkpoint");
    out.set("event.kind", "event");
    out.set("event.category", "network");
    out.set("observer.vendor", "Check Point");
    out.set("observer.type", "firewall");
    std::string_view action;
    std::string_view ifdir;
    std::string_view ifname;
    for (const auto& [k, raw] : kv_) {
      const std::string_view v = unescape(raw);
      if (v.empty()) {
        continue;
      }
      bool mapped = true;
      if (k == "time") {
        if (const auto t = parse_net_time(v, ctx)) {
          out.timestamp = t;
        } else {
          mapped = false;
        }
      } else if (k == "src") {
        mapped = set_ip(out, "source.ip", v);
      } else if (k == "dst") {
        mapped = set_ip(out, "destination.ip", v);
      } else if (k == "s_port") {
        mapped = set_port(out, "source.port", v);
      } else if (k == "service") {
        mapped = set_port(out, "destination.port", v);
      } else if (k == "proto") {
        mapped = set_transport(out, v, tmp_);
      } else if (k == "xlatesrc") {
        mapped = is_zero_ip(v) || set_ip(out, "source.nat.ip", v);
      } else if (k == "xlatedst") {
        mapped = is_zero_ip(v) || set_ip(out, "destination.nat.ip", v);
      } else if (k == "xlatesport") {
        mapped = v == "0" || set_port(out, "source.nat.port", v);
      } else if (k == "xlatedport") {
        mapped = v == "0" || set_port(out, "destination.nat.port", v);
      } else if (k == "action") {
        out.set("event.action", v);
        action = raw;
      } else if (k == "product") {
        out.set("observer.product", v);
      } else if (k == "origin") {
        mapped = set_ip(out, "observer.ip", v);
      } else if (k == "originsicname") {
        // "CN=gw1,O=mgmt.example.com.abc123": the gateway's name is the CN.
        if (v.starts_with("CN=")) {
          const auto cn = v.substr(3, v.find(',') == std::string_view::npos ? v.size()
                                                                            : v.find(',') - 3);
          if (!cn.empty()) {
            out.set("observer.name", cn);
          }
        }
        mapped = false;
      } else if (k == "rule_name") {
        out.set("rule.name", v);
      } else if (k == "rule_uid") {
        out.set("rule.uuid", v);
      } else if (k == "rule") {
        out.set("rule.id", v);
      } else if (k == "ifdir") {
        if (v == "inbound" || v == "outbound") {
          out.set("network.direction", v);
          ifdir = raw;
        } else {
          mapped = false;
        }
      } else if (k == "ifname") {
        ifname = raw;
        mapped = false;
      } else if (k == "src_user_name" || k == "user" || k == "src_user") {
        out.set("user.name", v);
      } else if (k == "dst_user_name") {
        out.set("destination.user.name", v);
      } else if (k == "src_machine_name") {
        out.set("source.domain", v);
      } else if (k == "dst_machine_name") {
        out.set("destination.domain", v);
      } else if (k == "service_id") {
        out.set("network.application", to_lower(v, tmp_));
      } else if (k == "bytes") {
        mapped = set_count(out, "network.bytes", v);
      } else if (k == "client_outbound_bytes") {
        mapped = set_count(out, "source.bytes", v);
      } else if (k == "server_outbound_bytes") {
        mapped = set_count(out, "destination.bytes", v);
      } else if (k == "packets") {
        mapped = set_count(out, "network.packets", v);
      } else if (k == "resource") {
        set_url(out, v);
      } else if (k == "method" || k == "http_method") {
        out.set("http.request.method", v);
      } else if (k == "user_agent") {
        out.set("user_agent.original", v);
      } else if (k == "referrer") {
        out.set("http.request.referrer", v);
      } else if (k == "file_name") {
        out.set("file.name", v);
      } else if (k == "file_md5" || k == "file_sha1" || k == "file_sha256") {
        mapped = set_hash(out, v);
      } else if (k == "severity") {
        out.set("log.level", v);
      } else if (k == "loguid") {
        out.set("event.id", v);
      } else if (k == "sequencenum") {
        if (const auto q = parse_int(v); q && *q >= 0) {
          out.set_int("event.sequence", *q);
        } else {
          mapped = false;
        }
      } else if (k == "protection_name" || k == "attack" || k == "malware_action") {
        out.set("event.kind", "alert");
        mapped = false;
      } else {
        mapped = false;
      }
      if (!mapped) {
        set_vendor(out, key_, "checkpoint.checkpoint.", k, v);
      }
    }
    if (!ifname.empty()) {
      out.set(core::pick_key(ifdir == "outbound", "observer.egress.interface.name",
                             "observer.ingress.interface.name"),
              unescape(ifname));
    }
    if (!action.empty()) {
      if (const auto o = outcome_of_action(unescape(action)); !o.empty()) {
        out.set("event.outcome", o);
      }
    }
    return {};
  }

private:
  auto unescape(std::string_view s) -> std::string_view {
    if (s.find('\\') == std::string_view::npos) {
      return s;
    }
    unesc_.clear();
    for (std::size_t i = 0; i < s.size(); ++i) {
      if (s[i] == '\\' && i + 1 < s.size()) {
        ++i;
      }
      unesc_.push_back(s[i]);
    }
    return unesc_;
  }

  FormatInfo info_;
  std::vector<std::pair<std::string_view, std::string_view>> kv_;
  std::string unesc_;
  std::string key_;
  std::string tmp_;
};

}  // namespace

auto make_checkpoint_parser() -> std::unique_ptr<FormatParser> {
  return std::make_unique<CheckpointParser>();
}

}  // namespace siem::parsers::detail
