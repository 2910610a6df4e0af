#include "siem/core/ids.hpp"

#include "common.hpp"
#include "net_common.hpp"
#include "scan.hpp"

#include <array>
#include <utility>
#include <vector>

namespace siem::parsers::detail {
namespace {

auto leef_start(std::string_view p) -> std::size_t {
  if (p.starts_with("LEEF:")) {
    return 5;
  }
  const auto at = p.substr(0, 512).find(" LEEF:");
  return at == std::string_view::npos ? at : at + 6;
}

// LEEF 2.0's delimiter field: one character, or its code as "x09" / "0x09" / "\t".
auto parse_delimiter(std::string_view d) -> std::optional<char> {
  if (d.size() == 1) {
    return d[0];
  }
  if (d == "\\t") {
    return '\t';
  }
  if (d.starts_with("0x") || d.starts_with("0X")) {
    d.remove_prefix(1);
  }
  if ((d.size() == 3 || d.size() == 2) && (d[0] == 'x' || d[0] == 'X')) {
    int v = 0;
    for (const char c : d.substr(1)) {
      const int h = core::hex_digit(c);
      if (h < 0) {
        return std::nullopt;
      }
      v = v * 16 + h;
    }
    if (v > 0 && v < 128) {
      return static_cast<char>(v);
    }
  }
  return std::nullopt;
}

/// IBM QRadar Log Event Extended Format: `LEEF:1.0|Vendor|Product|Version|EventID|attrs`
/// (tab-separated key=value) and `LEEF:2.0|Vendor|Product|Version|EventID|Delimiter|attrs`
/// (delimiter given as a character or its hex code such as `x09` or `^`). Standard LEEF keys
/// map to ECS; the others land under `leef.leef.<key>`. Owned by one worker.
class LeefParser final : public FormatParser {
public:
  LeefParser() {
    info_.name = "leef/leef";
    info_.description = "IBM QRadar LEEF 1.0 / 2.0 (custom delimiter), bare or in syslog";
    info_.detection = "payload starts with 'LEEF:' (or ' LEEF:' in its first 512 bytes)";
    info_.status = "experimental";
    info_.example =
        "LEEF:2.0|Lancope|StealthWatch|1.0|41|^|src=10.0.1.8^dst=10.0.0.5^sev=5^srcPort=81^"
        "dstPort=21";
    kv_.reserve(64);
  }

  [[nodiscard]] auto info() const -> const FormatInfo& override { return info_; }

  [[nodiscard]] auto detect(const Input& in) const -> bool override {
    const auto start = leef_start(in.payload);
    if (start == std::string_view::npos) {
      return false;
    }
    // Vendors whose LEEF has a dedicated parser in a later family (their own keys, such as
    // WatchGuard's op=/arg=, map better there); `--format leef/leef` still reads them.
    const auto rest = in.payload.substr(start);
    const auto vendor_at = rest.find('|');
    return vendor_at == std::string_view::npos
           || !rest.substr(vendor_at + 1).starts_with("WatchGuard|");
  }

  auto parse(const Input& in, const ParseContext& ctx, core::Event& out)
      -> std::string_view override {
    const std::string_view p = in.payload;
    const std::size_t start = leef_start(p);
    if (start == std::string_view::npos) {
      return "no LEEF header";
    }
    std::array<std::string_view, 6> h{};
    std::size_t field = 0;
    std::size_t pos = start;
    std::size_t fs = start;
    const bool v2 = p.substr(start).starts_with("2.");
    const std::size_t want = v2 ? 6 : 5;
    std::string_view attrs;
    bool complete = false;
    while (pos < p.size()) {
      if (p[pos] == '|') {
        h[field++] = p.substr(fs, pos - fs);
        fs = pos + 1;
        if (field == want) {
          attrs = p.substr(fs);
          complete = true;
          break;
        }
      }
      ++pos;
    }
    char delim = '\t';
    if (!complete) {
      // LEEF 2.0 without its delimiter field ("...|EventID|attrs" with a tab).
      if (v2 && field == 5) {
        attrs = p.substr(std::min(fs, p.size()));
        complete = true;
      } else {
        return "truncated LEEF header";
      }
    } else if (v2) {
      if (const auto d = parse_delimiter(h[5])) {
        delim = *d;
      } else if (h[5].find('=') != std::string_view::npos) {
        // No delimiter field: h[5] is the first attribute.
        attrs = p.substr(start + (h[5].data() - p.data() - start));
      } else if (!h[5].empty()) {
        return "unreadable LEEF 2.0 delimiter";
      }
    }
    const auto version = trim(h[0]);
    if (version.empty() || (version[0] != '1' && version[0] != '2')) {
      return "unknown LEEF version";
    }
    split_attrs(attrs, delim);

    if (in.header.kind != SyslogKind::none || in.header.pri >= 0) {
      apply_syslog_origin(in.header, out);
    }
    out.set("event.kind", "event");
    out.set("event.module", "leef");
    out.set("event.dataset", "leef.log");
    out.set("leef.leef.version", version);
    put(out, "observer.vendor", h[1]);
    put(out, "observer.product", h[2]);
    put(out, "observer.version", h[3]);
    put(out, "event.code", h[4]);

    std::string_view dev_time;
    std::string_view dst_pre_nat;
    std::string_view src_pre_nat;
    for (const auto& [k, v] : kv_) {
      if (v.empty()) {
        continue;
      }
      bool mapped = true;
      if (k == "src") {
        mapped = set_ip(out, "source.ip", v);
      } else if (k == "dst") {
        mapped = set_ip(out, "destination.ip", v);
      } else if (k == "srcPort") {
        mapped = set_port(out, "source.port", v);
      } else if (k == "dstPort") {
        mapped = set_port(out, "destination.port", v);
      } else if (k == "srcPreNAT") {
        src_pre_nat = v;
        mapped = false;
      } else if (k == "dstPreNAT") {
        dst_pre_nat = v;
        mapped = false;
      } else if (k == "srcPostNAT") {
        mapped = set_ip(out, "source.nat.ip", v);
      } else if (k == "dstPostNAT") {
        mapped = set_ip(out, "destination.nat.ip", v);
      } else if (k == "srcPostNATPort") {
        mapped = set_port(out, "source.nat.port", v);
      } else if (k == "dstPostNATPort") {
        mapped = set_port(out, "destination.nat.port", v);
      } else if (k == "usrName") {
        out.set("user.name", v);
      } else if (k == "proto") {
        mapped = set_transport(out, v, tmp_);
      } else if (k == "srcMAC") {
        out.set("source.mac", v);
      } else if (k == "dstMAC") {
        out.set("destination.mac", v);
      } else if (k == "srcBytes") {
        mapped = set_count(out, "source.bytes", v);
      } else if (k == "dstBytes") {
        mapped = set_count(out, "destination.bytes", v);
      } else if (k == "srcPackets") {
        mapped = set_count(out, "source.packets", v);
      } else if (k == "dstPackets") {
        mapped = set_count(out, "destination.packets", v);
      } else if (k == "totalPackets") {
        mapped = set_count(out, "network.packets", v);
      } else if (k == "sev") {
        const auto s = parse_int(v);
        mapped = s && *s >= 0 && *s <= 10;
        if (mapped) {
          out.set_int("event.severity", *s);
        }
      } else if (k == "devTime") {
        dev_time = v;
        mapped = false;
      } else if (k == "url") {
        set_url(out, v);
      } else if (k == "action") {
        out.set("event.action", v);
        if (const auto o = outcome_of_action(v); !o.empty()) {
          out.set("event.outcome", o);
        }
      } else if (k == "policy") {
        out.set("rule.name", v);
      } else if (k == "identHostName") {
        out.set("host.hostname", v);
      } else {
        mapped = false;
      }
      if (!mapped) {
        set_vendor(out, key_, "leef.leef.", k, v);
      }
    }
    if (!src_pre_nat.empty() && !out.has("source.ip")) {
      set_ip_or_keep(out, "source.ip", src_pre_nat);
    }
    if (!dst_pre_nat.empty() && !out.has("destination.ip")) {
      set_ip_or_keep(out, "destination.ip", dst_pre_nat);
    }
    // devTime follows devTimeFormat (Java date patterns); the common ones are all read by
    // parse_net_time, which also takes epoch milliseconds.
    if (const auto t = parse_net_time(dev_time, ctx)) {
      out.timestamp = t;
    }
    return {};
  }

private:
  void split_attrs(std::string_view s, char delim) {
    kv_.clear();
    if (delim == '\t' && s.find('\t') == std::string_view::npos) {
      // Senders that write LEEF 1.0 with spaces: split before " key=" as CEF does.
      split_spaces(s);
      return;
    }
    std::size_t pos = 0;
    while (pos <= s.size()) {
      auto end = s.find(delim, pos);
      if (end == std::string_view::npos) {
        end = s.size();
      }
      const auto item = s.substr(pos, end - pos);
      const auto eq = item.find('=');
      if (eq != std::string_view::npos && eq > 0) {
        kv_.emplace_back(trim(item.substr(0, eq)), item.substr(eq + 1));
      }
      pos = end + 1;
    }
  }

  void split_spaces(std::string_view s) {
    std::size_t pos = 0;
    const std::size_t n = s.size();
    while (pos < n) {
      while (pos < n && s[pos] == ' ') {
        ++pos;
      }
      const std::size_t ks = pos;
      while (pos < n && is_dotted_key_char(s[pos])) {
        ++pos;
      }
      if (pos >= n || pos == ks || s[pos] != '=') {
        while (pos < n && s[pos] != ' ') {
          ++pos;
        }
        continue;
      }
      const auto key = s.substr(ks, pos - ks);
      const std::size_t vs = pos + 1;
      std::size_t end = n;
      for (std::size_t j = vs; j < n; ++j) {
        if (s[j] == ' ') {
          std::size_t k = j + 1;
          while (k < n && is_dotted_key_char(s[k])) {
            ++k;
          }
          if (k > j + 1 && k < n && s[k] == '=') {
            end = j;
            break;
          }
          j = k - 1;
        }
      }
      kv_.emplace_back(key, trim(s.substr(vs, end - vs)));
      pos = end;
    }
  }

  static void put(core::Event& out, std::string_view key, std::string_view v) {
    v = trim(v);
    if (!v.empty()) {
      out.set(key, v);
    }
  }

  FormatInfo info_;
  std::vector<std::pair<std::string_view, std::string_view>> kv_;
  std::string key_;
  std::string tmp_;
};

}  // namespace

auto make_leef_parser() -> std::unique_ptr<FormatParser> {
  return std::make_unique<LeefParser>();
}

}  // namespace siem::parsers::detail
