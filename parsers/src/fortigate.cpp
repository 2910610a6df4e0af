#include "fortigate.hpp"

#include "common.hpp"
#include "fw_util.hpp"
#include "key_index.hpp"
#include "scan.hpp"

#include <array>
#include <optional>

namespace siem::parsers::detail {
namespace {

// The keys the mapping reads, and the FortiOS keys most records carry: each is found by one
// lookup per pair (KeyIndex), and one kept under the vendor namespace has a literal key
// (kVendorKeys[i] is "fortinet.fortigate." + kKeys[i], checked below), so it is neither
// composed nor copied per record. Other keys are composed.
constexpr std::array<std::string_view, 64> kKeys = {
    "devname",    "devid",       "logid",       "action",   "level",     "srcip",
    "dstip",      "srcport",     "dstport",     "transip",  "transport", "tranip",
    "tranport",   "proto",       "sentbyte",    "rcvdbyte", "sentpkt",   "rcvdpkt",
    "policyid",   "policyname",  "user",        "dstuser",  "srcintf",   "dstintf",
    "service",    "msg",         "hostname",    "url",      "srcmac",    "dstmac",
    "srccountry", "dstcountry",  "attack",      "virus",    "attackid",  "virusid",
    "filename",   "agent",       "reason",      "tz",       "eventtime", "date",
    "time",       "type",        "subtype",     "status",   "vd",        "logdesc",
    "sessionid",  "srcintfrole", "dstintfrole", "duration", "eventtype", "appcat",
    "trandisp",   "policytype",  "crscore",     "craction", "poluuid",   "app",
    "srcserver",  "direction",   "profile",     "utmaction"};
constexpr KeyIndex<kKeys.size()> kIndex{kKeys};
constexpr std::size_t kUnknown = kKeys.size();

constexpr std::array<core::FieldKey, kKeys.size()> kVendorKeys = {
    "fortinet.fortigate.devname",     "fortinet.fortigate.devid",
    "fortinet.fortigate.logid",       "fortinet.fortigate.action",
    "fortinet.fortigate.level",       "fortinet.fortigate.srcip",
    "fortinet.fortigate.dstip",       "fortinet.fortigate.srcport",
    "fortinet.fortigate.dstport",     "fortinet.fortigate.transip",
    "fortinet.fortigate.transport",   "fortinet.fortigate.tranip",
    "fortinet.fortigate.tranport",    "fortinet.fortigate.proto",
    "fortinet.fortigate.sentbyte",    "fortinet.fortigate.rcvdbyte",
    "fortinet.fortigate.sentpkt",     "fortinet.fortigate.rcvdpkt",
    "fortinet.fortigate.policyid",    "fortinet.fortigate.policyname",
    "fortinet.fortigate.user",        "fortinet.fortigate.dstuser",
    "fortinet.fortigate.srcintf",     "fortinet.fortigate.dstintf",
    "fortinet.fortigate.service",     "fortinet.fortigate.msg",
    "fortinet.fortigate.hostname",    "fortinet.fortigate.url",
    "fortinet.fortigate.srcmac",      "fortinet.fortigate.dstmac",
    "fortinet.fortigate.srccountry",  "fortinet.fortigate.dstcountry",
    "fortinet.fortigate.attack",      "fortinet.fortigate.virus",
    "fortinet.fortigate.attackid",    "fortinet.fortigate.virusid",
    "fortinet.fortigate.filename",    "fortinet.fortigate.agent",
    "fortinet.fortigate.reason",      "fortinet.fortigate.tz",
    "fortinet.fortigate.eventtime",   "fortinet.fortigate.date",
    "fortinet.fortigate.time",        "fortinet.fortigate.type",
    "fortinet.fortigate.subtype",     "fortinet.fortigate.status",
    "fortinet.fortigate.vd",          "fortinet.fortigate.logdesc",
    "fortinet.fortigate.sessionid",   "fortinet.fortigate.srcintfrole",
    "fortinet.fortigate.dstintfrole", "fortinet.fortigate.duration",
    "fortinet.fortigate.eventtype",   "fortinet.fortigate.appcat",
    "fortinet.fortigate.trandisp",    "fortinet.fortigate.policytype",
    "fortinet.fortigate.crscore",     "fortinet.fortigate.craction",
    "fortinet.fortigate.poluuid",     "fortinet.fortigate.app",
    "fortinet.fortigate.srcserver",   "fortinet.fortigate.direction",
    "fortinet.fortigate.profile",     "fortinet.fortigate.utmaction"};

consteval auto vendor_keys_match() -> bool {
  constexpr std::string_view kPrefix = "fortinet.fortigate.";
  for (std::size_t i = 0; i < kKeys.size(); ++i) {
    const std::string_view v = kVendorKeys[i].view();
    if (!v.starts_with(kPrefix) || v.substr(kPrefix.size()) != kKeys[i]) {
      return false;
    }
  }
  return true;
}

static_assert(vendor_keys_match(), "kVendorKeys[i] must be \"fortinet.fortigate.\" + kKeys[i]");

// Case label of a key in kKeys.
consteval auto id(std::string_view key) -> std::size_t {
  return kIndex.at(key);
}

// The keys whose mapping is a copy of the value into one ECS field: as text, or validated as
// an IP address or a port (an invalid one stays under the vendor namespace). The others are
// mapped case by case in map_pair().
enum class Copy : std::uint8_t { text, ip, port };

struct Rename {
  std::string_view key;
  Copy copy;
  core::FieldKey field;
};

constexpr std::array kRenames = {
    Rename{"devname", Copy::text, "observer.hostname"},
    Rename{"devid", Copy::text, "observer.serial_number"},
    Rename{"logid", Copy::text, "event.code"},
    Rename{"action", Copy::text, "event.action"},
    Rename{"level", Copy::text, "log.level"},
    Rename{"srcip", Copy::ip, "source.ip"},
    Rename{"dstip", Copy::ip, "destination.ip"},
    Rename{"srcport", Copy::port, "source.port"},
    Rename{"dstport", Copy::port, "destination.port"},
    Rename{"transip", Copy::ip, "source.nat.ip"},
    Rename{"transport", Copy::port, "source.nat.port"},
    Rename{"tranip", Copy::ip, "destination.nat.ip"},
    Rename{"tranport", Copy::port, "destination.nat.port"},
    Rename{"user", Copy::text, "user.name"},
    Rename{"srcintf", Copy::text, "observer.ingress.interface.name"},
    Rename{"dstintf", Copy::text, "observer.egress.interface.name"},
    Rename{"msg", Copy::text, "message"},
    Rename{"hostname", Copy::text, "url.domain"},
    Rename{"srcmac", Copy::text, "source.mac"},
    Rename{"dstmac", Copy::text, "destination.mac"},
    Rename{"attack", Copy::text, "rule.name"},
    Rename{"virus", Copy::text, "rule.name"},
    Rename{"attackid", Copy::text, "rule.id"},
    Rename{"virusid", Copy::text, "rule.id"},
    Rename{"filename", Copy::text, "file.name"},
    Rename{"agent", Copy::text, "user_agent.original"},
    Rename{"reason", Copy::text, "event.reason"},
};

consteval auto rename_of() -> std::array<const Rename*, kKeys.size() + 1> {
  std::array<const Rename*, kKeys.size() + 1> of{};
  for (const auto& r : kRenames) {
    of[kIndex.at(r.key)] = &r;
  }
  return of;
}

// kRenameOf[id]: the key's entry in kRenames, or null (also for kUnknown).
constexpr auto kRenameOf = rename_of();

constexpr std::string_view kMalformedPair = "malformed key=value pair";

}  // namespace

auto fortigate_eventtime(std::string_view s) -> std::optional<core::TimeMs> {
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

auto fortigate_outcome(std::string_view action, std::string_view status) -> std::string_view {
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

namespace {

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

template <bool Careful>
auto FortigateParser::tokenize(std::string_view payload) -> std::string_view {
  static_assert(kKeys.size() <= kMaxKnown);
  kv_.clear();
  present_ = 0;
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
    pos = skip_key_chars(payload, pos);
    if (pos == key_start || pos >= n || payload[pos] != '=') {
      return kv_.empty() ? std::string_view{"not a key=value record"} : kMalformedPair;
    }
    const std::string_view key = payload.substr(key_start, pos - key_start);
    ++pos;
    std::string_view val;
    if (pos < n && payload[pos] == '"') {
      const std::size_t vstart = pos + 1;
      // A closing quote is one followed by a space or the end of the record. FortiOS does
      // not escape quotes inside values (msg="File "a b.exe" blocked"); when that rule
      // leaves a malformed record, parse() tokenizes again `Careful`ly
      // (recheck_closing_quote).
      std::size_t vend = find_byte(payload, vstart, '"');
      while (vend + 1 < n && payload[vend + 1] != ' ') {
        vend = find_byte(payload, vend + 1, '"');
      }
      if constexpr (Careful) {
        if (vend < n) {
          vend = recheck_closing_quote(payload, vend);
        }
      }
      if (vend >= n) {
        return "unterminated quoted value (truncated record?)";
      }
      val = payload.substr(vstart, vend - vstart);
      pos = vend + 1;
    } else {
      const std::size_t vstart = pos;
      pos = find_byte(payload, pos, ' ');
      val = payload.substr(vstart, pos - vstart);
    }
    const std::size_t k = kIndex.find(key);
    if (k != kUnknown && (present_ >> k & 1U) == 0) {
      present_ |= std::uint64_t{1} << k;
      first_[k] = static_cast<std::uint32_t>(kv_.size());
    }
    kv_.push_back({key, val, k});
  }
  return {};
}

void FortigateParser::map_header(const ParseContext& ctx, core::Event& out) {
  out.set_text("event.kind", "event");
  out.set_text("event.module", "fortinet");
  out.set_text("event.dataset", "fortinet.fortigate");
  out.set_text("observer.vendor", "Fortinet");
  out.set_text("observer.product", "FortiGate");
  out.set_text("observer.type", "firewall");

  // Time: eventtime (epoch, exact) wins; else date + time in tz= or the source's zone.
  int tz = ctx.tz_offset_minutes;
  if (const auto tzv = value(id("tz")); !tzv.empty()) {
    if (const auto parsed = fw_parse_tz(tzv)) {
      tz = *parsed;
    }
  }
  if (const auto t = fortigate_eventtime(value(id("eventtime")))) {
    out.timestamp = t;
  } else if (const auto date = value(id("date")), time = value(id("time"));
             date.size() == 10 && time.size() >= 8) {
    tmp_.assign(date);
    tmp_.push_back('T');
    tmp_.append(time);
    if (const auto t2 = core::parse_rfc3339(tmp_, tz)) {
      out.timestamp = t2;
    }
  }

  set_fortigate_category(value(id("type")), value(id("subtype")), out);
}

void set_fortigate_category(std::string_view type, std::string_view subtype, core::Event& out) {
  if (type == "traffic") {
    out.set_text("event.category", "network");
    out.set_text("event.type", "connection");
  } else if (type == "utm") {
    // (No ternary of StaticTexts: clang 14 crashes generating code for one.)
    if (subtype == "virus") {
      out.set_text("event.category", "malware");
    } else {
      out.set_text("event.category", "intrusion_detection");
    }
    out.set_text("event.type", "info");
  } else if (type == "event") {
    if (subtype == "user" || subtype == "vpn") {
      out.set_text("event.category", "authentication");
    } else {
      out.set_text("event.category", "host");
    }
    out.set_text("event.type", "info");
  }
}

// Inlined into parse(), its one caller: a call per pair cost 2 % of the fw instructions.
[[gnu::always_inline]] inline void FortigateParser::map_pair(const Pair& pair, bool signature,
                                                             core::Event& out) {
  const auto& [k, v, key_id] = pair;
  bool mapped = true;  // false: kept under the vendor namespace (unmapped, or invalid)
  if (const Rename* r = kRenameOf[key_id]; r != nullptr) {
    if (r->copy == Copy::ip) {
      mapped = set_ip(out, r->field, v);
    } else if (r->copy == Copy::port) {
      mapped = set_port(out, r->field, v);
    } else {
      out.set(r->field, v);
    }
  } else {
    switch (key_id) {
      case id("proto"): {
        // An IANA protocol number; anything else stays under the vendor namespace.
        const auto p = parse_int(v);
        mapped = p && *p >= 0 && *p <= 255;
        if (mapped) {
          out.set_int("network.iana_number", *p);
          if (const auto t = transport_from_iana(*p); !t.empty()) {
            out.set("network.transport", t);
          }
        }
        break;
      }
      case id("sentbyte"):
      case id("rcvdbyte"):
      case id("sentpkt"):
      case id("rcvdpkt"): {
        const auto c = parse_int(v);
        mapped = c && *c >= 0;
        if (mapped) {
          const bool sent = key_id == id("sentbyte") || key_id == id("sentpkt");
          const bool bytes = key_id == id("sentbyte") || key_id == id("rcvdbyte");
          out.set_int(
              core::pick_key(sent, core::pick_key(bytes, "source.bytes", "source.packets"),
                             core::pick_key(bytes, "destination.bytes", "destination.packets")),
              *c);
        }
        break;
      }
      case id("policyid"):
        // The firewall policy is the rule unless IPS/AV names one.
        mapped = !signature;
        if (mapped) {
          out.set("rule.id", v);
        }
        break;
      case id("policyname"):
        mapped = !signature;
        if (mapped) {
          out.set("rule.name", v);
        }
        break;
      case id("dstuser"):
        if (!out.has("user.name")) {
          out.set("user.name", v);
        }
        break;
      case id("service"):
        out.set("network.protocol", to_lower(v, tmp_));
        break;
      case id("url"): {
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
        break;
      }
      case id("srccountry"):
        mapped = v != "Reserved";
        if (mapped) {
          out.set("source.geo.country_name", v);
        }
        break;
      case id("dstcountry"):
        mapped = v != "Reserved";
        if (mapped) {
          out.set("destination.geo.country_name", v);
        }
        break;
      default:
        mapped = false;
        break;
    }
  }
  if (!mapped) {
    // Everything not mapped to ECS stays available under the vendor namespace.
    if (key_id != kUnknown) {
      out.set(kVendorKeys[key_id], v);
    } else {
      key_.assign("fortinet.fortigate.");
      append_key_segment(key_, k);
      out.set(key_, v);
    }
  }
}

auto FortigateParser::parse(std::string_view payload, const ParseContext& ctx, core::Event& out)
    -> std::string_view {
  auto reason = tokenize<false>(payload);
  if (reason == kMalformedPair) {
    reason = tokenize<true>(payload);
  }
  if (!reason.empty()) {
    return reason;
  }
  if (value(id("devname")).empty() && value(id("logid")).empty() && value(id("devid")).empty()) {
    return "no FortiGate devname, devid or logid";
  }

  map_header(ctx, out);
  // UTM records name a signature (IPS attack, AV virus): that is the rule, not the policy.
  const bool signature = !value(id("attackid")).empty() || !value(id("virusid")).empty();
  for (const auto& pair : kv_) {
    if (!pair.value.empty()) {
      map_pair(pair, signature, out);
    }
  }
  if (const auto o = fortigate_outcome(value(id("action")), value(id("status"))); !o.empty()) {
    out.set("event.outcome", o);
  }
  return {};
}

}  // namespace siem::parsers::detail
