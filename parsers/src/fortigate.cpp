#include "fortigate.hpp"

#include "common.hpp"

#include <array>
#include <optional>

namespace siem::parsers::detail {
namespace {

auto is_key_char(char c) -> bool {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_'
         || c == '-';
}

// "+0800", "-05:00", "+08" -> minutes east of UTC.
auto parse_tz(std::string_view tz) -> std::optional<int> {
  if (tz.size() < 3 || (tz[0] != '+' && tz[0] != '-')) {
    return std::nullopt;
  }
  std::string digits;
  for (const char c : tz.substr(1)) {
    if (c != ':') {
      digits.push_back(c);
    }
  }
  if (digits.size() != 2 && digits.size() != 4) {
    return std::nullopt;
  }
  const auto v = parse_int(digits);
  if (!v) {
    return std::nullopt;
  }
  const int hours = digits.size() == 2 ? static_cast<int>(*v) : static_cast<int>(*v / 100);
  const int minutes = digits.size() == 2 ? 0 : static_cast<int>(*v % 100);
  if (hours > 14 || minutes > 59) {
    return std::nullopt;
  }
  return (tz[0] == '-' ? -1 : 1) * (hours * 60 + minutes);
}

// eventtime is epoch time in s, ms, us or ns depending on the FortiOS version.
auto epoch_to_ms(std::string_view s) -> std::optional<core::TimeMs> {
  const auto v = parse_int(s);
  if (!v || *v <= 0) {
    return std::nullopt;
  }
  if (s.size() >= 18) {
    return *v / 1'000'000;
  }
  if (s.size() >= 15) {
    return *v / 1'000;
  }
  if (s.size() >= 12) {
    return *v;
  }
  return *v * 1000;
}

auto outcome_of(std::string_view action, std::string_view status) -> std::string_view {
  if (status == "success") {
    return "success";
  }
  if (status == "failure" || status == "failed") {
    return "failure";
  }
  static constexpr std::array<std::string_view, 9> kFailure = {
      "deny", "denied", "block", "blocked", "dropped", "drop", "reset", "failed", "failure"};
  static constexpr std::array<std::string_view, 11> kSuccess = {
      "accept",  "allow", "allowed",    "pass",       "passthrough", "close",
      "timeout", "login", "client-rst", "server-rst", "success"};
  for (const auto f : kFailure) {
    if (action == f) {
      return "failure";
    }
  }
  for (const auto s : kSuccess) {
    if (action == s) {
      return "success";
    }
  }
  return {};
}

// Offset of `key=` where it starts a token (at the start or after a blank), or npos.
auto key_at(std::string_view s, std::string_view key) -> std::size_t {
  for (std::size_t p = s.find(key); p != std::string_view::npos; p = s.find(key, p + 1)) {
    if ((p == 0 || s[p - 1] == ' ' || s[p - 1] == '\t') && p + key.size() < s.size()
        && s[p + key.size()] == '=') {
      return p;
    }
  }
  return std::string_view::npos;
}

// The start of the value of `key=` (after an opening quote), empty when absent.
auto key_value(std::string_view s, std::string_view key) -> std::string_view {
  const auto p = key_at(s, key);
  if (p == std::string_view::npos) {
    return {};
  }
  std::string_view v = s.substr(p + key.size() + 1);
  if (v.starts_with('"')) {
    v.remove_prefix(1);
  }
  return v;
}

}  // namespace

auto FortigateParser::looks_like(std::string_view payload) -> bool {
  std::size_t i = 0;
  while (i < payload.size() && is_key_char(payload[i])) {
    ++i;
  }
  if (i == 0 || i >= payload.size() || payload[i] != '=') {
    return false;
  }
  // `devid=` alone is not FortiGate: Qi-Anxin NSG (devid="3" ... serial="..."), Leadsec and
  // others write it too. FortiOS stamps every record with a numeric logid next to devname and
  // devid, and its serial numbers start FG (FortiGate, FGT/FGVM), FW (FortiWiFi) or FOS
  // (FortiOS-VM).
  const std::string_view logid = key_value(payload, "logid");
  if (!logid.empty() && logid.front() >= '0' && logid.front() <= '9'
      && (key_at(payload, "devname") != std::string_view::npos
          || key_at(payload, "devid") != std::string_view::npos)) {
    return true;
  }
  const std::string_view devid = key_value(payload, "devid");
  return devid.starts_with("FG") || devid.starts_with("FW") || devid.starts_with("FOS");
}

auto FortigateParser::value(std::string_view key) const -> std::string_view {
  for (const auto& [k, v] : kv_) {
    if (k == key) {
      return v;
    }
  }
  return {};
}

auto FortigateParser::parse(std::string_view payload, const ParseContext& ctx, core::Event& out)
    -> std::string_view {
  kv_.clear();
  std::size_t pos = 0;
  const std::size_t n = payload.size();
  while (pos < n) {
    while (pos < n && (payload[pos] == ' ' || payload[pos] == '\t')) {
      ++pos;
    }
    if (pos >= n) {
      break;
    }
    const std::size_t key_start = pos;
    while (pos < n && is_key_char(payload[pos])) {
      ++pos;
    }
    if (pos == key_start || pos >= n || payload[pos] != '=') {
      return kv_.empty() ? "not a key=value record" : "malformed key=value pair";
    }
    const std::string_view key = payload.substr(key_start, pos - key_start);
    ++pos;
    std::string_view val;
    if (pos < n && payload[pos] == '"') {
      const std::size_t vstart = pos + 1;
      std::size_t vend = vstart;
      // FortiOS does not escape quotes inside values consistently; a closing quote is one
      // followed by a space or the end of the record.
      while (vend < n && !(payload[vend] == '"' && (vend + 1 == n || payload[vend + 1] == ' '))) {
        ++vend;
      }
      if (vend >= n) {
        return "unterminated quoted value (truncated record?)";
      }
      val = payload.substr(vstart, vend - vstart);
      pos = vend + 1;
    } else {
      const std::size_t vstart = pos;
      while (pos < n && payload[pos] != ' ') {
        ++pos;
      }
      val = payload.substr(vstart, pos - vstart);
    }
    kv_.emplace_back(key, val);
  }
  if (value("devname").empty() && value("logid").empty() && value("devid").empty()) {
    return "no FortiGate devname, devid or logid";
  }

  out.set("event.kind", "event");
  out.set("event.module", "fortinet");
  out.set("event.dataset", "fortinet.fortigate");
  out.set("observer.vendor", "Fortinet");
  out.set("observer.product", "FortiGate");
  out.set("observer.type", "firewall");

  // Time: eventtime (epoch, exact) wins; else date + time in tz= or the source's zone.
  int tz = ctx.tz_offset_minutes;
  if (const auto tzv = value("tz"); !tzv.empty()) {
    if (const auto parsed = parse_tz(tzv)) {
      tz = *parsed;
    }
  }
  if (const auto t = epoch_to_ms(value("eventtime"))) {
    out.timestamp = t;
  } else if (const auto date = value("date"), time = value("time");
             date.size() == 10 && time.size() >= 8) {
    tmp_.assign(date);
    tmp_.push_back('T');
    tmp_.append(time);
    if (const auto t2 = core::parse_rfc3339(tmp_, tz)) {
      out.timestamp = t2;
    }
  }

  const std::string_view type = value("type");
  const std::string_view subtype = value("subtype");
  if (type == "traffic") {
    out.set("event.category", "network");
    out.set("event.type", "connection");
  } else if (type == "utm") {
    out.set("event.category", subtype == "virus" ? "malware" : "intrusion_detection");
    out.set("event.type", "info");
  } else if (type == "event") {
    out.set("event.category", subtype == "user" || subtype == "vpn" ? "authentication" : "host");
    out.set("event.type", "info");
  }

  // UTM records name a signature (IPS attack, AV virus): that is the rule, not the policy.
  const bool signature = !value("attackid").empty() || !value("virusid").empty();
  for (const auto& [k, v] : kv_) {
    if (v.empty()) {
      continue;
    }
    bool mapped = true;  // false: a mapped key whose value failed validation
    if (k == "devname") {
      out.set("observer.hostname", v);
    } else if (k == "devid") {
      out.set("observer.serial_number", v);
    } else if (k == "logid") {
      out.set("event.code", v);
    } else if (k == "action") {
      out.set("event.action", v);
    } else if (k == "level") {
      out.set("log.level", v);
    } else if (k == "srcip") {
      mapped = set_ip(out, "source.ip", v);
    } else if (k == "dstip") {
      mapped = set_ip(out, "destination.ip", v);
    } else if (k == "srcport") {
      mapped = set_port(out, "source.port", v);
    } else if (k == "dstport") {
      mapped = set_port(out, "destination.port", v);
    } else if (k == "transip") {
      mapped = set_ip(out, "source.nat.ip", v);
    } else if (k == "transport") {
      mapped = set_port(out, "source.nat.port", v);
    } else if (k == "tranip") {
      mapped = set_ip(out, "destination.nat.ip", v);
    } else if (k == "tranport") {
      mapped = set_port(out, "destination.nat.port", v);
    } else if (k == "proto") {
      if (const auto p = parse_int(v); p && *p >= 0 && *p <= 255) {
        out.set_int("network.iana_number", *p);
        if (const auto t = transport_from_iana(*p); !t.empty()) {
          out.set("network.transport", t);
        }
      }
    } else if (k == "sentbyte" || k == "rcvdbyte" || k == "sentpkt" || k == "rcvdpkt") {
      const auto c = parse_int(v);
      mapped = c && *c >= 0;
      if (mapped) {
        const bool sent = k.starts_with("sent");
        const bool bytes = k.ends_with("byte");
        out.set_int(
            core::pick_key(sent, core::pick_key(bytes, "source.bytes", "source.packets"),
                           core::pick_key(bytes, "destination.bytes", "destination.packets")),
            *c);
      }
    } else if (k == "policyid" && !signature) {
      out.set("rule.id", v);  // the firewall policy is the rule unless IPS/AV names one
    } else if (k == "policyname" && !signature) {
      out.set("rule.name", v);
    } else if (k == "user" || k == "dstuser") {
      if (k == "user" || !out.has("user.name")) {
        out.set("user.name", v);
      }
    } else if (k == "srcintf") {
      out.set("observer.ingress.interface.name", v);
    } else if (k == "dstintf") {
      out.set("observer.egress.interface.name", v);
    } else if (k == "service") {
      out.set("network.protocol", to_lower(v, tmp_));
    } else if (k == "msg") {
      out.set("message", v);
    } else if (k == "hostname") {
      out.set("url.domain", v);
    } else if (k == "url") {
      // IPS/AV logs carry the path; web filter logs an absolute URL.
      out.set("url.original", v);
      std::string_view path = v;
      if (const auto scheme = v.find("://"); scheme != std::string_view::npos) {
        const auto slash = v.find('/', scheme + 3);
        path = slash == std::string_view::npos ? std::string_view{} : v.substr(slash);
      }
      if (!path.empty()) {
        out.set("url.path", path.substr(0, path.find('?')));
      }
    } else if (k == "srcmac") {
      out.set("source.mac", v);
    } else if (k == "dstmac") {
      out.set("destination.mac", v);
    } else if (k == "srccountry" && v != "Reserved") {
      out.set("source.geo.country_name", v);
    } else if (k == "dstcountry" && v != "Reserved") {
      out.set("destination.geo.country_name", v);
    } else if (k == "attack" || k == "virus") {
      out.set("rule.name", v);
    } else if (k == "attackid" || k == "virusid") {
      out.set("rule.id", v);
    } else if (k == "filename") {
      out.set("file.name", v);
    } else if (k == "agent") {
      out.set("user_agent.original", v);
    } else if (k == "reason") {
      out.set("event.reason", v);
    } else {
      mapped = false;
    }
    if (!mapped) {
      // Everything not mapped to ECS stays available under the vendor namespace.
      key_.assign("fortinet.fortigate.");
      append_key_segment(key_, k);
      out.set(key_, v);
    }
  }
  if (const auto o = outcome_of(value("action"), value("status")); !o.empty()) {
    out.set("event.outcome", o);
  }
  return {};
}

}  // namespace siem::parsers::detail
