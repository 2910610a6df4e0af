// Huawei USG, H3C SecPath, Hillstone StoneOS and DPtech firewall syslog (cn family).
//
// Field naming: known keys (English or Chinese) map to ECS; every other key is kept under
// `<vendor>.<product>.<key>` with the key sanitized to ASCII (a Chinese label with no
// translation becomes `x_<hex of its UTF-8 bytes>`, lossless and ASCII). Vendor action and
// severity words are normalized (event.action allow/deny/alert/log, event.severity 1 info ..
// 5 critical) and the raw word is kept under the vendor namespace.
#include "cn_common.hpp"
#include "cn_parsers.hpp"

#include <array>

namespace siem::parsers::detail::cn {
namespace {

auto is_module_char(char c) -> bool {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_'
         || c == '-';
}

auto is_digit(char c) -> bool {
  return c >= '0' && c <= '9';
}

/// `MODULE/level/DIGEST[(x)][[n]]:` at s[pos] (after the `%%` and version). On success sets
/// the parts and returns the offset of the body.
struct ComwareHeader {
  std::string_view module;
  std::string_view level;
  std::string_view digest;
};

auto read_comware(std::string_view s, std::size_t pos, ComwareHeader& h) -> std::size_t {
  const std::size_t m0 = pos;
  while (pos < s.size() && is_module_char(s[pos])) {
    ++pos;
  }
  if (pos == m0 || pos >= s.size() || s[pos] != '/') {
    return std::string_view::npos;
  }
  h.module = s.substr(m0, pos - m0);
  ++pos;
  const std::size_t l0 = pos;
  while (pos < s.size() && is_digit(s[pos])) {
    ++pos;
  }
  if (pos == l0 || pos >= s.size() || s[pos] != '/') {
    return std::string_view::npos;
  }
  h.level = s.substr(l0, pos - l0);
  ++pos;
  const std::size_t d0 = pos;
  while (pos < s.size() && is_module_char(s[pos])) {
    ++pos;
  }
  if (pos == d0) {
    return std::string_view::npos;
  }
  h.digest = s.substr(d0, pos - d0);
  if (pos < s.size() && s[pos] == '(') {  // (l) (t) (d) (s)
    const auto close = s.find(')', pos);
    if (close == std::string_view::npos || close - pos > 3) {
      return std::string_view::npos;
    }
    pos = close + 1;
  }
  if (pos < s.size() && s[pos] == '[') {  // [count]
    const auto close = s.find(']', pos);
    if (close == std::string_view::npos) {
      return std::string_view::npos;
    }
    pos = close + 1;
  }
  while (pos < s.size() && s[pos] == ' ') {
    ++pos;
  }
  if (pos >= s.size() || s[pos] != ':') {
    return std::string_view::npos;
  }
  return pos + 1;
}

// Huawei: "%%01" then MODULE/d/. Returns the position of the "%%01" or npos.
auto find_huawei(std::string_view s) -> std::size_t {
  std::size_t p = s.find("%%01");
  while (p != std::string_view::npos) {
    std::size_t q = p + 4;
    const std::size_t m0 = q;
    while (q < s.size() && is_module_char(s[q])) {
      ++q;
    }
    if (q > m0 && q + 2 < s.size() && s[q] == '/' && is_digit(s[q + 1]) && s[q + 2] == '/') {
      return p;
    }
    p = s.find("%%01", p + 4);
  }
  return std::string_view::npos;
}

// H3C Comware: "%%10MODULE/d/" (also relayed without the "10"); never Huawei's "%%01".
auto find_h3c(std::string_view s, std::size_t& body_module) -> std::size_t {
  std::size_t p = s.find("%%");
  while (p != std::string_view::npos) {
    std::size_t q = p + 2;
    if (s.substr(q, 2) == "10") {
      q += 2;
    }
    if (s.substr(p + 2, 2) != "01") {
      const std::size_t m0 = q;
      while (q < s.size() && is_module_char(s[q])) {
        ++q;
      }
      if (q > m0 && q + 2 < s.size() && s[q] == '/' && is_digit(s[q + 1])
          && (s[q + 2] == '/' || (is_digit(s[q + 2]) && q + 3 < s.size() && s[q + 3] == '/'))) {
        body_module = m0;
        return p;
      }
    }
    p = s.find("%%", p + 2);
  }
  return std::string_view::npos;
}

auto in_list(std::string_view v, std::span<const std::string_view> list) -> bool {
  for (const auto x : list) {
    if (iequals(v, x)) {
      return true;
    }
  }
  return false;
}

// ---------------------------------------------------------------------------------------
// Huawei USG

constexpr Product kHuaweiUsg{"Huawei", "USG", "firewall", "huawei", "huawei.usg"};
constexpr Product kHuaweiOther{"Huawei", "", "", "huawei", "huawei.usg"};

constexpr std::array<KeyMap, 43> kHuaweiKeys = {{
    {"protocol", Slot::iana, {}},
    {"Protocol", Slot::transport, {}},
    {"source-ip", Slot::src_ip, {}},
    {"SourceIP", Slot::src_ip, {}},
    {"SrcIp", Slot::src_ip, {}},
    {"destination-ip", Slot::dst_ip, {}},
    {"DestinationIP", Slot::dst_ip, {}},
    {"DstIp", Slot::dst_ip, {}},
    {"source-port", Slot::src_port, {}},
    {"SourcePort", Slot::src_port, {}},
    {"SrcPort", Slot::src_port, {}},
    {"destination-port", Slot::dst_port, {}},
    {"DestinationPort", Slot::dst_port, {}},
    {"DstPort", Slot::dst_port, {}},
    {"SourceNatIP", Slot::src_nat_ip, {}},
    {"SourceNatPort", Slot::src_nat_port, {}},
    {"source-zone", Slot::in_zone, {}},
    {"SourceZone", Slot::in_zone, {}},
    {"SrcZone", Slot::in_zone, {}},
    {"destination-zone", Slot::out_zone, {}},
    {"DestinationZone", Slot::out_zone, {}},
    {"DstZone", Slot::out_zone, {}},
    {"application-name", Slot::application, {}},
    {"ApplicationName", Slot::application, {}},
    {"Application", Slot::application, {}},
    {"rule-name", Slot::rule_name, {}},
    {"PolicyName", Slot::rule_name, {}},
    {"SignName", Slot::rule_name, {}},
    {"SignId", Slot::rule_id, {}},
    {"Category", Slot::rule_category, {}},
    {"Reference", Slot::vuln_id, {}},
    {"User", Slot::user, {}},
    {"UserName", Slot::user, {}},
    {"Severity", Slot::severity, {}},
    {"Action", Slot::action, {}},
    {"SendBytes", Slot::src_bytes, {}},
    {"RcvBytes", Slot::dst_bytes, {}},
    {"SendPkts", Slot::src_packets, {}},
    {"RcvPkts", Slot::dst_packets, {}},
    {"BeginTime", Slot::start_epoch, {}},
    {"EndTime", Slot::end_epoch, {}},
    {"CloseReason", Slot::reason, {}},
    {"Host", Slot::url_domain, {}},
}};

constexpr std::array<std::string_view, 7> kHuaweiSecurityModules = {
    "POLICY", "SECLOG", "IPS", "ASSOC", "ANTI-APT", "AV", "URL"};

/// Huawei USG / HiSecEngine firewall syslog:
/// `[<PRI>]time host %%01MODULE/sev/BRIEF(flag):body`, with the POLICY (`key=value, ...`),
/// SECLOG (`Key=Value,...`) and threat/service (`sentence (Key=Value, Key="q", ...)`) bodies.
/// Owned by one worker.
class HuaweiUsgParser final : public FormatParser {
public:
  HuaweiUsgParser()
      : info_{"huawei/usg",
              "Huawei USG/HiSecEngine firewall: POLICY, SECLOG sessions, IPS/AV/URL threat logs",
              "'%%01MODULE/n/' (Huawei information-center header)", "experimental",
              "<190>2022-01-11 02:36:06 USG6600 %%01SECLOG/6/SESSION_TEARDOWN(l):IPVer=4,"
              "Protocol=tcp,SourceIP=10.1.1.1,DestinationIP=10.2.2.2,SourcePort=33394,"
              "DestinationPort=1433,PolicyName=p1,CloseReason=tcp-fin."} {}

  [[nodiscard]] auto info() const -> const FormatInfo& override { return info_; }

  [[nodiscard]] auto detect(const Input& in) const -> bool override {
    return find_huawei(in.line) != std::string_view::npos;
  }

  auto parse(const Input& in, const ParseContext& ctx, core::Event& out)
      -> std::string_view override {
    Envelope env;
    parse_envelope(in.line, ctx, env);
    const std::string_view rest = env.rest;
    const auto m = find_huawei(rest);
    if (m == std::string_view::npos) {
      return "no Huawei %%01 header";
    }
    ComwareHeader h;
    const auto body_at = read_comware(rest, m + 4, h);
    if (body_at == std::string_view::npos) {
      return "malformed Huawei %%01 header";
    }
    std::string_view host = trim(rest.substr(0, m));
    if (host.ends_with("%%:")) {  // "USG6000E %%: %%01..." (header option host-name)
      host = trim(host.substr(0, host.size() - 3));
    }
    const bool security = in_list(h.module, kHuaweiSecurityModules);
    w_.begin(out, security ? kHuaweiUsg : kHuaweiOther, env);
    if (!host.empty()) {
      out.set("observer.hostname", host);
    }
    out.set("event.code", h.digest);
    w_.put_ns(out, "module", h.module);
    if (env.pri < 0) {
      if (const auto lv = parse_int(h.level)) {
        out.set_int("log.syslog.severity.code", *lv);
      }
    }
    std::string_view body = trim(rest.substr(body_at));
    if (h.module == "POLICY") {
      if (body.ends_with('.')) {
        body.remove_suffix(1);
      }
      split_pairs(body, ',', '=', false, pairs_);
      map_pairs(out);
      out.set("event.kind", "event");
      out.set("event.category", "network");
      out.set("event.type", "connection");
      if (h.digest == "POLICYPERMIT") {
        out.set("event.action", "allow");
      } else if (h.digest == "POLICYDENY") {
        out.set("event.action", "deny");
      }
      device_time(out, ctx);
    } else if (h.module == "SECLOG" && body.find('=') != std::string_view::npos) {
      if (body.ends_with('.')) {
        body.remove_suffix(1);
      }
      split_pairs(body, ',', '=', false, pairs_);
      map_pairs(out);
      out.set("event.kind", "event");
      out.set("event.category", "network");
      out.set("event.type", h.digest == "SESSION_BUILT"      ? "start"
                            : h.digest == "SESSION_TEARDOWN" ? "end"
                                                             : "connection");
    } else {
      threat(body, h, out);
    }
    w_.icmp_ports(out);
    Writer::set_outcome(out);
    return {};
  }

private:
  void map_pairs(core::Event& out) {
    for (const auto& p : pairs_) {
      w_.put(out, lookup(kHuaweiKeys, p.key), p.key, p.value);
    }
  }

  // POLICY's `time=` is device-local; the header time wins when present.
  void device_time(core::Event& out, const ParseContext& ctx) {
    if (out.timestamp) {
      return;
    }
    for (const auto& p : pairs_) {
      if (p.key == "time") {
        if (const auto t = parse_local_time(p.value, ctx)) {
          out.timestamp = t;
        }
      }
    }
  }

  // "[CID=0x..;]A sentence. (Key=Value, Key="quoted", ...)" or plain prose.
  void threat(std::string_view body, const ComwareHeader& h, core::Event& out) {
    if (body.starts_with("CID=")) {
      const auto semi = body.find(';');
      body = semi == std::string_view::npos ? std::string_view{} : ltrim(body.substr(semi + 1));
    }
    std::size_t open = body.find('(');
    while (open != std::string_view::npos) {
      std::size_t k = open + 1;
      while (k < body.size() && is_module_char(body[k])) {
        ++k;
      }
      if (k > open + 1 && k < body.size() && body[k] == '=') {
        break;
      }
      open = body.find('(', open + 1);
    }
    const std::string_view sentence = trim(body.substr(0, open));
    if (!sentence.empty()) {
      out.set("message", sentence);
    }
    if (open != std::string_view::npos) {
      std::string_view params = trim(body.substr(open + 1));
      if (params.ends_with('.')) {
        params.remove_suffix(1);
      }
      if (params.ends_with(')')) {
        params.remove_suffix(1);
      }
      split_pairs(params, ',', '=', true, pairs_);
      map_pairs(out);
    }
    const std::string_view mod = h.module;
    if (mod == "IPS" || mod == "ASSOC" || mod == "ANTI-APT") {
      out.set("event.kind", "alert");
      out.set("event.category", "intrusion_detection");
      out.set("event.type", "info");
    } else if (mod == "AV") {
      out.set("event.kind", "alert");
      out.set("event.category", "malware");
      out.set("event.type", "info");
    } else if (mod == "URL") {
      out.set("event.kind", "event");
      out.set("event.category", "web");
      out.set("event.type", "access");
    } else {
      out.set("event.kind", "event");
    }
  }

  FormatInfo info_;
  Writer w_;
  std::vector<Pair> pairs_;
};

// ---------------------------------------------------------------------------------------
// H3C SecPath (Comware V7)

constexpr Product kH3cSecPath{"H3C", "SecPath", "firewall", "h3c", "h3c.secpath"};
constexpr Product kH3cOther{"H3C", "", "", "h3c", "h3c.secpath"};

constexpr std::array<KeyMap, 35> kH3cKeys = {{
    {"Protocol", Slot::transport, {}},
    {"Application", Slot::application, {}},
    {"SrcIPAddr", Slot::src_ip, {}},
    {"SrcIPv6Addr", Slot::src_ip, {}},
    {"SrcPort", Slot::src_port, {}},
    {"NatSrcIPAddr", Slot::src_nat_ip, {}},
    {"NatSrcIPv6Addr", Slot::src_nat_ip, {}},
    {"NatSrcPort", Slot::src_nat_port, {}},
    {"DstIPAddr", Slot::dst_ip, {}},
    {"DstIPv6Addr", Slot::dst_ip, {}},
    {"DstPort", Slot::dst_port, {}},
    {"NatDstIPAddr", Slot::dst_nat_ip, {}},
    {"NatDstIPv6Addr", Slot::dst_nat_ip, {}},
    {"NatDstPort", Slot::dst_nat_port, {}},
    {"InitPktCount", Slot::src_packets, {}},
    {"InitByteCount", Slot::src_bytes, {}},
    {"RplyPktCount", Slot::dst_packets, {}},
    {"RplyByteCount", Slot::dst_bytes, {}},
    {"SrcZoneName", Slot::in_zone, {}},
    {"DstZoneName", Slot::out_zone, {}},
    {"RcvIfName", Slot::in_if, {}},
    {"SrcMacAddr", Slot::src_mac, {}},
    {"DstMacAddr", Slot::dst_mac, {}},
    {"UserName", Slot::user, {}},
    {"SecurityPolicy", Slot::rule_name, {}},
    {"PolicyName", Slot::rule_name, {}},
    {"RuleID", Slot::rule_id, {}},
    {"MatchCount", Slot::ns_int, {}},
    {"AtkTimes", Slot::ns_int, {}},
    {"UpperLimit", Slot::ns_int, {}},
    {"Action", Slot::action, {}},
    {"Severity", Slot::severity, {}},
    {"CVE", Slot::vuln_id, {}},
    {"VirusName", Slot::threat_name, {}},
    {"HitDirection", Slot::ns, {}},
}};

// IPS / anti-virus records name a signature: that is the rule; the policy stays vendor data.
constexpr std::array<KeyMap, 8> kH3cThreatKeys = {{
    {"AttackName", Slot::rule_name, {}},
    {"AttackID", Slot::rule_id, {}},
    {"Category", Slot::rule_category, {}},
    {"VirusName", Slot::rule_name, {}},
    {"VirusID", Slot::rule_id, {}},
    {"PolicyName", Slot::ns, {}},
    {"SecurityPolicy", Slot::ns, {}},
    {"RuleID", Slot::ns, {}},
}};

constexpr std::array<std::string_view, 12> kH3cSecurityModules = {
    "SESSION", "FILTER", "ATK", "IPS", "ANTI-VIR", "ANTIVIRUS", "AUDIT", "OBJP",
    "BLS",     "NAT",    "AV",  "URLF"};

/// H3C SecPath / Comware V7 log-host syslog: `<PRI>Mmm dd hh:mm:ss yyyy Sysname
/// %%10MODULE/level/DIGEST: [-Chassis=..;] Key(id)=value;...` (fast-log modules SESSION,
/// FILTER, ATK, IPS, ANTI-VIR) or prose (SHELL, ...). Owned by one worker.
class H3cSecPathParser final : public FormatParser {
public:
  H3cSecPathParser()
      : info_{"h3c/secpath",
              "H3C SecPath / Comware V7 firewall: SESSION, FILTER, ATK, IPS, ANTI-VIR fast logs",
              "'%%10MODULE/n/DIGEST:' (Comware information-center header)", "experimental",
              "<190>Aug 12 09:01:07 2022 FW %%10FILTER/6/FILTER_ZONE_IPV4_EXECUTION: "
              "SrcZoneName(1025)=Trust;DstZoneName(1035)=Untrust;Protocol(1001)=UDP;"
              "SrcIPAddr(1003)=192.168.1.2;SrcPort(1004)=65192;DstIPAddr(1007)=223.5.5.5;"
              "DstPort(1008)=53;Event(1048)=Permit;"} {}

  [[nodiscard]] auto info() const -> const FormatInfo& override { return info_; }

  [[nodiscard]] auto detect(const Input& in) const -> bool override {
    std::size_t m = 0;
    return find_h3c(in.line, m) != std::string_view::npos;
  }

  auto parse(const Input& in, const ParseContext& ctx, core::Event& out)
      -> std::string_view override {
    Envelope env;
    parse_envelope(in.line, ctx, env);
    const std::string_view rest = env.rest;
    std::size_t mod_at = 0;
    const auto m = find_h3c(rest, mod_at);
    if (m == std::string_view::npos) {
      return "no H3C %%10 header";
    }
    ComwareHeader h;
    const auto body_at = read_comware(rest, mod_at, h);
    if (body_at == std::string_view::npos) {
      return "malformed H3C %%10 header";
    }
    const bool security = in_list(h.module, kH3cSecurityModules);
    w_.begin(out, security ? kH3cSecPath : kH3cOther, env);
    if (const auto host = trim(rest.substr(0, m)); !host.empty()) {
      out.set("observer.hostname", host);  // may be two tokens ("H3C FW-IRF")
    }
    out.set("event.code", h.digest);
    w_.put_ns(out, "module", h.module);
    if (env.pri < 0) {
      if (const auto lv = parse_int(h.level)) {
        out.set_int("log.syslog.severity.code", *lv);
      }
    }
    std::string_view body = trim(rest.substr(body_at));
    if (body.starts_with('-')) {  // -Context=1; -MDC=1; -Chassis=1-Slot=3.1;
      const auto semi = body.find(';');
      const auto prefix = body.substr(1, semi == std::string_view::npos ? body.size() : semi - 1);
      w_.put_ns(out, "location", prefix);
      body = semi == std::string_view::npos ? std::string_view{} : trim(body.substr(semi + 1));
    }
    const bool threat = iequals(h.module, "IPS") || iequals(h.module, "ANTI-VIR")
                        || iequals(h.module, "ANTIVIRUS") || iequals(h.module, "AV");
    if (body.find(")=") != std::string_view::npos) {
      if (body.ends_with('.')) {  // ATK records end with '.'
        body.remove_suffix(1);
      }
      split_pairs(body, ';', '=', false, pairs_);
      for (const auto& p : pairs_) {
        const std::string_view key = strip_field_id(p.key);
        if (key == "Event") {
          event_field(out, p.value);
          continue;
        }
        if (time_field(out, key, p.value, ctx)) {
          continue;
        }
        const KeyMap* km = threat ? lookup(kH3cThreatKeys, key) : nullptr;
        if (km == nullptr) {
          km = lookup(kH3cKeys, key);
        }
        w_.put(out, km, key, p.value);
      }
    } else if (!body.empty()) {
      out.set("message", body);
    }
    classify(out, h.module);
    w_.icmp_ports(out);
    Writer::set_outcome(out);
    return {};
  }

private:
  // Event(1048): "Permit"/"Deny" on FILTER, "(1)Normal over" (end reason) on SESSION.
  void event_field(core::Event& out, std::string_view v) {
    std::string_view id;
    std::string_view name;
    if (split_bracket_id(v, id, name)) {
      w_.put_ns_int(out, "event_code", parse_int(id).value_or(0));
      if (!name.empty()) {
        out.set("event.reason", name);
      }
      return;
    }
    w_.put(out, &kEventAction, "Event", v);
  }

  auto time_field(core::Event& out, std::string_view key, std::string_view v,
                  const ParseContext& ctx) -> bool {
    const bool begin = key == "BeginTime_e" || key == "BeginTime_c";
    const bool end = key == "EndTime_e" || key == "EndTime_c";
    if (!begin && !end) {
      return false;
    }
    // _c is YYYYMMDDhhmmss (ATK), _e is MMDDYYYYhhmmss (SESSION); both device-local.
    if (const auto t = parse_compact_time(v, key.ends_with("_c"), ctx.tz_offset_minutes)) {
      w_.put_time(out, begin ? "event.start" : "event.end", *t);
    } else if (!trim(v).empty()) {
      w_.put_ns(out, key, v);
    }
    return true;
  }

  static void classify(core::Event& out, std::string_view module) {
    if (iequals(module, "SESSION") || iequals(module, "FILTER") || iequals(module, "NAT")) {
      out.set("event.kind", "event");
      out.set("event.category", "network");
      out.set("event.type", "connection");
    } else if (iequals(module, "ATK") || iequals(module, "IPS")) {
      out.set("event.kind", "alert");
      out.set("event.category", "intrusion_detection");
      out.set("event.type", "info");
    } else if (iequals(module, "ANTI-VIR") || iequals(module, "ANTIVIRUS")
               || iequals(module, "AV")) {
      out.set("event.kind", "alert");
      out.set("event.category", "malware");
      out.set("event.type", "info");
    } else {
      out.set("event.kind", "event");
    }
  }

  static constexpr KeyMap kEventAction{"Event", Slot::action, "event"};

  FormatInfo info_;
  Writer w_;
  std::vector<Pair> pairs_;
};

// ---------------------------------------------------------------------------------------
// Hillstone StoneOS

constexpr Product kHillstone{"Hillstone", "StoneOS", "firewall", "hillstone",
                             "hillstone.stoneos"};

constexpr std::array<std::string_view, 6> kHillstoneTypes = {
    "Traffic@", "Threat@", "Security@", "Event@", "Configuration@", "Alarm@"};

auto is_hex8(std::string_view t) -> bool {
  if (t.size() != 8) {
    return false;
  }
  for (const char c : t) {
    if (!is_digit(c) && !(c >= 'a' && c <= 'f') && !(c >= 'A' && c <= 'F')) {
      return false;
    }
  }
  return true;
}

/// Position of `[HillstoneNetworks#]Type@Module:` preceded by an 8-hex log id, or npos.
/// Sets type_at to the position of `Type`.
auto find_hillstone(std::string_view s, std::size_t& type_at) -> std::size_t {
  for (const auto t : kHillstoneTypes) {
    std::size_t p = s.find(t);
    while (p != std::string_view::npos) {
      std::size_t start = p;
      constexpr std::string_view kBrand = "HillstoneNetworks#";
      if (start >= kBrand.size() && s.substr(start - kBrand.size(), kBrand.size()) == kBrand) {
        start -= kBrand.size();
      }
      if (start >= 10 && s[start - 1] == ' ' && is_hex8(s.substr(start - 9, 8))
          && s[start - 10] == ' ') {
        type_at = p;
        return start;
      }
      p = s.find(t, p + 1);
    }
  }
  return std::string_view::npos;
}

/// One endpoint: `ip[(user)]:port[(iface)]`. Advances pos.
struct Endpoint {
  std::string_view ip;
  std::string_view port;
  std::string_view iface;
};

auto read_endpoint(std::string_view s, std::size_t& pos, Endpoint& e) -> bool {
  const std::size_t i0 = pos;
  while (pos < s.size() && s[pos] != ':' && s[pos] != '(' && s[pos] != ' ' && s[pos] != ',') {
    ++pos;
  }
  e.ip = s.substr(i0, pos - i0);
  if (pos < s.size() && s[pos] == '(') {  // (UNKNOWN:-@-) user information
    const auto close = s.find(')', pos);
    if (close == std::string_view::npos) {
      return false;
    }
    pos = close + 1;
  }
  if (pos >= s.size() || s[pos] != ':') {
    return !e.ip.empty();
  }
  ++pos;
  const std::size_t p0 = pos;
  while (pos < s.size() && is_digit(s[pos])) {
    ++pos;
  }
  e.port = s.substr(p0, pos - p0);
  if (pos < s.size() && s[pos] == '(') {
    const auto close = s.find(')', pos);
    if (close == std::string_view::npos) {
      return false;
    }
    e.iface = s.substr(pos + 1, close - pos - 1);
    pos = close + 1;
  }
  return !e.ip.empty();
}

constexpr std::array<KeyMap, 12> kHillstoneThreatLabels = {{
    {"threat name", Slot::rule_name, {}},
    {"threat type", Slot::rule_category, {}},
    {"threat subtype", Slot::ns, "threat_subtype"},
    {"App/Protocol", Slot::app_protocol, {}},
    {"action", Slot::action, {}},
    {"defender", Slot::ns, {}},
    {"signature ID", Slot::rule_id, {}},
    {"profile", Slot::ns, {}},
    {"threat severity", Slot::severity, "threat_severity"},
    {"severity", Slot::severity, {}},
    {"policy id", Slot::ns, "policy_id"},
    {"associated account", Slot::ns, "associated_account"},
}};

/// Hillstone StoneOS syslog: `<PRI>time serial(vsys) logid [HillstoneNetworks#]Type@Module:
/// description`, with the English SESSION (traffic) and threat prose grammars mapped; other
/// types keep the description as `message`. Owned by one worker.
class HillstoneParser final : public FormatParser {
public:
  HillstoneParser()
      : info_{"hillstone/stoneos",
              "Hillstone StoneOS firewall: Traffic@FLOW sessions, Threat@* (IPS, attack defence)",
              "'<8-hex logid> [HillstoneNetworks#]Traffic|Threat|Event...@MODULE:'",
              "experimental",
              "<190>Jul  4 16:29:21 3411415223002432(root) 44243641 Traffic@FLOW: SESSION: "
              "192.168.0.8:20530(ethernet0/0)->1.1.1.1:58386(ethernet0/1), Protocol TCP, "
              "policy 1, session start"} {}

  [[nodiscard]] auto info() const -> const FormatInfo& override { return info_; }

  [[nodiscard]] auto detect(const Input& in) const -> bool override {
    std::size_t t = 0;
    return find_hillstone(in.line, t) != std::string_view::npos;
  }

  auto parse(const Input& in, const ParseContext& ctx, core::Event& out)
      -> std::string_view override {
    Envelope env;
    parse_envelope(in.line, ctx, env);
    const std::string_view rest = env.rest;
    std::size_t type_at = 0;
    const auto start = find_hillstone(rest, type_at);
    if (start == std::string_view::npos) {
      return "no Hillstone log id and type";
    }
    const auto colon = rest.find(':', type_at);
    if (colon == std::string_view::npos) {
      return "no Hillstone Type@Module";
    }
    const std::string_view type_module = rest.substr(type_at, colon - type_at);
    if (type_module.find(' ') != std::string_view::npos) {
      return "malformed Hillstone Type@Module";
    }
    const auto at = type_module.find('@');
    const std::string_view type = type_module.substr(0, at);
    const std::string_view module = type_module.substr(at + 1);
    const std::string_view logid = rest.substr(start - 9, 8);
    w_.begin(out, kHillstone, env);
    out.set("event.code", logid);
    w_.put_ns(out, "type", type);
    w_.put_ns(out, "module", module);
    device(trim(rest.substr(0, start - 9)), out);
    const std::string_view body = trim(rest.substr(colon + 1));
    if (type == "Traffic" && body.starts_with("SESSION:")) {
      session(trim(body.substr(8)), out, ctx);
    } else if (type == "Threat" && body.find("From ") != std::string_view::npos
               && body.find(" to ") != std::string_view::npos) {
      threat(body, out);
    } else {
      out.set("event.kind", type == "Threat" ? "alert" : "event");
      if (!body.empty()) {
        out.set("message", body);
      }
    }
    w_.icmp_ports(out);
    Writer::set_outcome(out);
    return {};
  }

private:
  // "serial(vsys)"; relays may put an IP before it. The serial is digits and capitals; some
  // units put their hostname there instead.
  void device(std::string_view dev, core::Event& out) {
    if (const auto sp = dev.rfind(' '); sp != std::string_view::npos) {
      dev = dev.substr(sp + 1);
    }
    std::string_view vsys;
    if (const auto open = dev.find('('); open != std::string_view::npos && dev.ends_with(')')) {
      vsys = dev.substr(open + 1, dev.size() - open - 2);
      dev = dev.substr(0, open);
    }
    // A control byte (seen as "\x05T1" after the serial) ends the serial.
    std::size_t n = 0;
    while (n < dev.size() && static_cast<unsigned char>(dev[n]) >= 0x20) {
      ++n;
    }
    const std::string_view id = dev.substr(0, n);
    std::size_t digits = 0;
    bool upper_alnum = !id.empty();
    for (const char c : id) {
      digits += is_digit(c) ? 1U : 0U;
      upper_alnum = upper_alnum && (is_digit(c) || (c >= 'A' && c <= 'Z'));
    }
    if (upper_alnum && id.size() >= 12 && digits >= 8) {
      out.set("observer.serial_number", id);
    } else if (!id.empty()) {
      out.set("observer.hostname", id);
    }
    if (!vsys.empty()) {
      w_.put_ns(out, "vsys", vsys);
    }
  }

  void endpoints(const Endpoint& src, const Endpoint& dst, core::Event& out) {
    w_.put(out, &kSrcIp, "src_ip", src.ip);
    w_.put(out, &kSrcPort, "src_port", src.port);
    w_.put(out, &kDstIp, "dst_ip", dst.ip);
    w_.put(out, &kDstPort, "dst_port", dst.port);
    if (!src.iface.empty()) {
      out.set("observer.ingress.interface.name", src.iface);
    }
    if (!dst.iface.empty()) {
      out.set("observer.egress.interface.name", dst.iface);
    }
  }

  // src:port(if)->dst:port(if), Protocol TCP, vr X, policy N, user u@d, ..., session end, Ageout
  void session(std::string_view s, core::Event& out, const ParseContext& ctx) {
    out.set("event.kind", "event");
    out.set("event.category", "network");
    std::size_t pos = 0;
    Endpoint src;
    Endpoint dst;
    bool ok = read_endpoint(s, pos, src) && s.substr(pos, 2) == "->";
    if (ok) {
      pos += 2;
      ok = read_endpoint(s, pos, dst) && (pos == s.size() || s[pos] == ',');
    }
    if (ok) {
      endpoints(src, dst, out);
    } else {
      // Malformed or truncated addresses: kept as they are, under the vendor namespace.
      pos = s.find(", ");
      pos = pos == std::string_view::npos ? s.size() : pos;
      if (pos > 0) {
        w_.put_ns(out, "endpoints", s.substr(0, pos));
      }
    }
    std::string_view type = "connection";
    std::string_view reason;
    other_.clear();
    std::string_view items = s.substr(pos);
    while (!items.empty()) {
      const auto comma = items.find(", ");
      const std::string_view it = trim(comma == std::string_view::npos
                                           ? items
                                           : items.substr(0, comma));
      items = comma == std::string_view::npos ? std::string_view{} : items.substr(comma + 2);
      if (it.empty() || it == ",") {
        continue;
      }
      if (it.starts_with("Protocol ")) {
        w_.put(out, &kTransport, "protocol", it.substr(9));
      } else if (it.starts_with("APP/Protocol ")) {
        // "APP/Protocol PING/ICMP: ECHO_REQUEST"
        std::string_view v = it.substr(13);
        const auto c = v.find(':');
        const std::string_view app_proto = trim(v.substr(0, c));
        const auto slash = app_proto.find('/');
        if (slash != std::string_view::npos) {
          w_.put(out, &kApplication, "application", app_proto.substr(0, slash));
          w_.put(out, &kTransport, "protocol", app_proto.substr(slash + 1));
        } else {
          w_.put(out, &kApplication, "application", app_proto);
        }
        if (c != std::string_view::npos) {
          w_.put_ns(out, "app_detail", trim(v.substr(c + 1)));
        }
      } else if (it.starts_with("application ")) {
        w_.put(out, &kApplication, "application", it.substr(12));
      } else if (it.starts_with("vr ")) {
        w_.put(out, nullptr, "vr", it.substr(3));
      } else if (it.starts_with("policy ")) {
        const auto v = it.substr(7);
        if (v == "deny") {
          out.set("event.action", "deny");
        } else {
          w_.put(out, &kRuleId, "policy", v);
        }
      } else if (it.starts_with("user ")) {
        user(it.substr(5), out);
      } else if (it.starts_with("host ")) {
        w_.put(out, nullptr, "host", it.substr(5));
      } else if (it.starts_with("mac ")) {
        // Which side's MAC is not documented: vendor namespace only.
        w_.put(out, nullptr, "mac", it.substr(4));
      } else if (it.starts_with("send packets ")) {
        w_.put(out, &kSrcPackets, "send_packets", it.substr(13));
      } else if (it.starts_with("send bytes ")) {
        w_.put(out, &kSrcBytes, "send_bytes", it.substr(11));
      } else if (it.starts_with("receive packets ")) {
        w_.put(out, &kDstPackets, "receive_packets", it.substr(16));
      } else if (it.starts_with("receive bytes ")) {
        w_.put(out, &kDstBytes, "receive_bytes", it.substr(14));
      } else if (it.starts_with("zone from ")) {
        const auto v = it.substr(10);
        const auto to = v.find(" to ");
        w_.put(out, &kInZone, "zone_from", v.substr(0, to));
        if (to != std::string_view::npos) {
          w_.put(out, &kOutZone, "zone_to", v.substr(to + 4));
        }
      } else if (it.starts_with("start time ") || it.starts_with("close time ")) {
        const bool start = it[0] == 's';
        if (const auto t = parse_local_time(it.substr(11), ctx)) {
          w_.put_time(out, start ? "event.start" : "event.end", *t);
        } else {
          w_.put_ns(out, start ? "start_time" : "close_time", it.substr(11));
        }
      } else if (it == "session start") {
        type = "start";
      } else if (it == "session end") {
        type = "end";
      } else if (it.starts_with("interface ")) {
        out.set("observer.ingress.interface.name", it.substr(10));
      } else if (reason.empty()) {
        reason = it;
        out.set("event.reason", it);  // Ageout, TCP FIN, TCP RST, policy deny ...
        if (it == "policy deny") {
          out.set("event.action", "deny");
        }
      } else {
        // Items this parser does not know, past the first: kept together, in order.
        other_.append(other_.empty() ? "" : ", ").append(it);
      }
    }
    if (!other_.empty()) {
      w_.put_ns(out, "other_items", other_);
    }
    out.set("event.type", type);
  }

  // "a@b" -> user.name a, user.domain b; "-@-" means none.
  void user(std::string_view v, core::Event& out) {
    const auto at = v.find('@');
    const std::string_view name = v.substr(0, at);
    if (!is_none(name)) {
      out.set("user.name", name);
    }
    if (at != std::string_view::npos) {
      if (const auto dom = v.substr(at + 1); !is_none(dom)) {
        out.set("user.domain", dom);
      }
    }
  }

  // "[SEV! ]From src:port(if) to dst:port(if), threat name: ..., label: value, ..."
  void threat(std::string_view s, core::Event& out) {
    out.set("event.kind", "alert");
    out.set("event.category", "intrusion_detection");
    out.set("event.type", "info");
    const auto from = s.find("From ");
    if (const auto bang = s.find('!'); bang != std::string_view::npos && bang < from) {
      w_.put(out, &kSeverity, "severity", trim(s.substr(0, bang)));
    }
    std::size_t pos = from + 5;
    Endpoint src;
    Endpoint dst;
    bool ok = read_endpoint(s, pos, src) && s.substr(pos, 4) == " to ";
    if (ok) {
      pos += 4;
      ok = read_endpoint(s, pos, dst) && (pos == s.size() || s[pos] == ',');
    }
    if (ok) {
      endpoints(src, dst, out);
    } else {
      pos = s.find(", ", from);  // malformed or truncated addresses: skip them
      pos = pos == std::string_view::npos ? s.size() : pos;
    }
    std::string_view items = pos < s.size() ? s.substr(pos) : std::string_view{};
    const KeyMap* cur = nullptr;
    std::string_view cur_label;
    const char* cur_begin = nullptr;
    const char* cur_end = nullptr;
    auto flush = [&] {
      if (cur_begin != nullptr) {
        w_.put(out, cur, cur_label,
               std::string_view{cur_begin, static_cast<std::size_t>(cur_end - cur_begin)});
      }
      cur = nullptr;
      cur_begin = nullptr;
    };
    while (!items.empty()) {
      const auto comma = items.find(", ");
      const std::string_view it = comma == std::string_view::npos ? items
                                                                   : items.substr(0, comma);
      items = comma == std::string_view::npos ? std::string_view{} : items.substr(comma + 2);
      const std::string_view t = trim(it);
      if (t.empty() || t == ",") {
        continue;
      }
      const auto c = t.find(": ");
      const KeyMap* km = c == std::string_view::npos ? nullptr
                                                     : lookup(kHillstoneThreatLabels, t.substr(0, c));
      if (km != nullptr) {
        flush();
        cur = km;
        cur_label = t.substr(0, c);
        const std::string_view v = t.substr(c + 2);
        cur_begin = v.data();
        cur_end = v.data() + v.size();
      } else if (t.starts_with("aggregation attack count ")) {
        flush();
        w_.put(out, &kAttackCount, "attack_count", t.substr(25));
      } else if (c != std::string_view::npos && c < 40) {
        flush();
        w_.put(out, nullptr, t.substr(0, c), t.substr(c + 2));  // newer labels (att&ck id ...)
      } else if (cur_begin != nullptr && cur == &kHillstoneThreatLabels[0]) {
        cur_end = t.data() + t.size();  // a threat name that contains ", "
      }
    }
    flush();
    if (const auto d = out.get_string("hillstone.stoneos.defender"); d && *d == "AV") {
      out.set("event.category", "malware");
    }
  }

  static constexpr KeyMap kSrcIp{"src_ip", Slot::src_ip, {}};
  static constexpr KeyMap kDstIp{"dst_ip", Slot::dst_ip, {}};
  static constexpr KeyMap kSrcPort{"src_port", Slot::src_port, {}};
  static constexpr KeyMap kDstPort{"dst_port", Slot::dst_port, {}};
  static constexpr KeyMap kTransport{"protocol", Slot::transport, {}};
  static constexpr KeyMap kApplication{"application", Slot::application, {}};
  static constexpr KeyMap kRuleId{"policy", Slot::rule_id, {}};
  static constexpr KeyMap kSrcPackets{"send_packets", Slot::src_packets, {}};
  static constexpr KeyMap kSrcBytes{"send_bytes", Slot::src_bytes, {}};
  static constexpr KeyMap kDstPackets{"receive_packets", Slot::dst_packets, {}};
  static constexpr KeyMap kDstBytes{"receive_bytes", Slot::dst_bytes, {}};
  static constexpr KeyMap kInZone{"zone_from", Slot::in_zone, {}};
  static constexpr KeyMap kOutZone{"zone_to", Slot::out_zone, {}};
  static constexpr KeyMap kSeverity{"severity", Slot::severity, {}};
  static constexpr KeyMap kAttackCount{"attack_count", Slot::ns_int, {}};

  FormatInfo info_;
  Writer w_;
  std::string other_;  ///< session(): unknown items past the first
};

// ---------------------------------------------------------------------------------------
// DPtech

constexpr Product kDptechFw{"DPtech", "", "firewall", "dptech", "dptech.fw"};
constexpr Product kDptechAttack{"DPtech", "", "", "dptech", "dptech.fw"};

constexpr std::array<KeyMap, 17> kDptechKeys = {{
    {"log-type", Slot::ns, "log_type"},
    {"event", Slot::action, {}},
    {"attack-type", Slot::rule_category, {}},
    {"protocol-name", Slot::ns, "protocol_name"},
    {"ip-proto-id", Slot::iana, {}},
    {"source-ip", Slot::src_ip, {}},
    {"source-port", Slot::src_port, {}},
    {"destination-ip", Slot::dst_ip, {}},
    {"destination-port", Slot::dst_port, {}},
    {"block-reason", Slot::reason, {}},
    {"ifname-inside", Slot::in_if, {}},
    {"ifname-outside", Slot::out_if, {}},
    {"summary-count", Slot::ns_int, "summary_count"},
    {"summary-offset", Slot::ns_int, "summary_offset"},
    {"policy-id", Slot::ns, "policy_id"},
    {"av-name", Slot::threat_name, {}},
    {"packet", Slot::ns, {}},
}};

/// DPtech firewall / UAG syslog: Comware-like `DPTECH %%MOD/TYPE/n/DATALOG(l): key(id):value;`
/// and `%%DPX/MOD/n/SRVLOG(l): key:value;``` attack logs, and the RFC 5424-like
/// `<PRI> 1 <dev-ip> Mmm dd hh:mm:ss yyyy host seq POLICY:Allow|Deny proto|sip|sport|dip|dport|
/// in-if|out-if` policy log. Owned by one worker.
class DptechParser final : public FormatParser {
public:
  DptechParser()
      : info_{"dptech/fw", "DPtech firewall/UAG: DATALOG/SRVLOG attack logs, POLICY session logs",
              "'DPTECH %%' or '%%DPX/', or ' POLICY:Allow ' / ' POLICY:Deny ' with '|' fields",
              "experimental",
              "<142> 1 10.0.0.22 Dec 28 16:16:01 2017 FW 54 POLICY:Allow "
              "6|118.184.178.162|14071|221.207.254.61|1433|gige0_16|gige0_17"} {}

  [[nodiscard]] auto info() const -> const FormatInfo& override { return info_; }

  [[nodiscard]] auto detect(const Input& in) const -> bool override {
    const auto l = in.line;
    if (l.find("DPTECH %%") != std::string_view::npos || l.find("%%DPX/") != std::string_view::npos) {
      return true;
    }
    return (l.find(" POLICY:Allow ") != std::string_view::npos
            || l.find(" POLICY:Deny ") != std::string_view::npos)
           && l.find('|') != std::string_view::npos;
  }

  auto parse(const Input& in, const ParseContext& ctx, core::Event& out)
      -> std::string_view override {
    Envelope env;
    parse_envelope(in.line, ctx, env);
    std::string_view rest = env.rest;
    if (const auto pp = rest.find("POLICY:"); pp != std::string_view::npos
                                               && rest.find("%%") == std::string_view::npos) {
      return policy(rest, pp, env, ctx, out);
    }
    const auto m = rest.find("%%");
    if (m == std::string_view::npos) {
      return "no DPtech %% header";
    }
    // %%UAG/ATTACK/0/DATALOG(l): or %%DPX/IPS/4/SRVLOG(l):
    const auto colon = rest.find(':', m);
    if (colon == std::string_view::npos) {
      return "malformed DPtech %% header";
    }
    std::string_view tag = rest.substr(m + 2, colon - m - 2);
    if (tag.find(' ') != std::string_view::npos || tag.find('/') == std::string_view::npos) {
      return "malformed DPtech %% header";
    }
    if (const auto paren = tag.find('('); paren != std::string_view::npos) {
      tag = tag.substr(0, paren);
    }
    const auto last = tag.rfind('/');
    w_.begin(out, kDptechAttack, env);
    if (const auto host = trim(rest.substr(0, m)); !host.empty()) {
      out.set("observer.hostname", host);
    }
    out.set("event.code", tag.substr(last + 1));
    w_.put_ns(out, "module", tag.substr(0, last));
    std::string_view body = trim(rest.substr(colon + 1));
    split_pairs(body, ';', ':', false, pairs_);
    for (const auto& p : pairs_) {
      std::string_view key = p.key;
      while (key.starts_with('`')) {  // SRVLOG separates pairs with ";``"
        key.remove_prefix(1);
      }
      key = strip_field_id(key);
      std::string_view value = p.value;
      while (value.ends_with('`')) {
        value.remove_suffix(1);
      }
      if (key == "attack-name") {
        std::string_view id;
        std::string_view name;
        if (split_bracket_id(value, id, name)) {
          out.set("rule.id", id);
          if (!name.empty()) {
            out.set("rule.name", name);
          }
        } else if (value.starts_with('(')) {
          w_.put(out, nullptr, key, value);  // a truncated "(id)name"
        } else if (!is_none(value)) {
          out.set("rule.name", value);
        }
        continue;
      }
      w_.put(out, lookup(kDptechKeys, key), key, value);
    }
    out.set("event.kind", "alert");
    out.set("event.category", "intrusion_detection");
    out.set("event.type", "info");
    w_.icmp_ports(out);
    Writer::set_outcome(out);
    return {};
  }

private:
  auto policy(std::string_view rest, std::size_t pp, const Envelope& env, const ParseContext& ctx,
              core::Event& out) -> std::string_view {
    // "1 <dev-ip> Mmm dd hh:mm:ss yyyy host seq POLICY:..."
    std::string_view head = trim(rest.substr(0, pp));
    Envelope e2 = env;
    std::string_view dev_ip;
    if (head.starts_with("1 ")) {
      head = ltrim(head.substr(2));
      const auto sp = head.find(' ');
      if (sp != std::string_view::npos && is_ip(head.substr(0, sp))) {
        dev_ip = head.substr(0, sp);
        head = ltrim(head.substr(sp + 1));
      }
    }
    core::TimeMs t = 0;
    if (const auto used = read_time(head, ctx, t); used > 0) {
      e2.timestamp = t;
      head = ltrim(head.substr(used));
    }
    const std::string_view body = trim(rest.substr(pp + 7));
    const auto sp = body.find(' ');
    if (sp == std::string_view::npos || body.find('|') == std::string_view::npos) {
      return "malformed DPtech POLICY record";
    }
    w_.begin(out, kDptechFw, e2);
    if (!dev_ip.empty()) {
      out.set("observer.ip", dev_ip);
    }
    // host and sequence number
    const auto hs = head.find(' ');
    if (const auto host = head.substr(0, hs); !host.empty()) {
      out.set("observer.hostname", host);
    }
    if (hs != std::string_view::npos) {
      if (const auto seq = parse_int(trim(head.substr(hs + 1)))) {
        w_.put_ns_int(out, "sequence", *seq);
      } else if (const auto text = trim(head.substr(hs + 1)); !text.empty()) {
        w_.put_ns(out, "sequence", text);
      }
    }
    out.set("event.code", "POLICY");
    w_.put(out, &kPolicyAction, "action", body.substr(0, sp));
    std::string_view f = body.substr(sp + 1);
    static constexpr std::array<const KeyMap*, 7> kOrder = {
        &kIana, &kSip, &kSport, &kDip, &kDport, &kInIf, &kOutIf};
    for (const KeyMap* km : kOrder) {
      const auto bar = f.find('|');
      w_.put(out, km, km->key, f.substr(0, bar));
      if (bar == std::string_view::npos) {
        break;
      }
      f = f.substr(bar + 1);
    }
    out.set("event.kind", "event");
    out.set("event.category", "network");
    out.set("event.type", "connection");
    w_.icmp_ports(out);
    Writer::set_outcome(out);
    return {};
  }

  static constexpr KeyMap kPolicyAction{"action", Slot::action, {}};
  static constexpr KeyMap kIana{"protocol", Slot::iana, {}};
  static constexpr KeyMap kSip{"source_ip", Slot::src_ip, {}};
  static constexpr KeyMap kSport{"source_port", Slot::src_port, {}};
  static constexpr KeyMap kDip{"destination_ip", Slot::dst_ip, {}};
  static constexpr KeyMap kDport{"destination_port", Slot::dst_port, {}};
  static constexpr KeyMap kInIf{"in_interface", Slot::in_if, {}};
  static constexpr KeyMap kOutIf{"out_interface", Slot::out_if, {}};

  FormatInfo info_;
  Writer w_;
  std::vector<Pair> pairs_;
};

}  // namespace

auto make_huawei_usg() -> std::unique_ptr<FormatParser> {
  return std::make_unique<HuaweiUsgParser>();
}

auto make_h3c_secpath() -> std::unique_ptr<FormatParser> {
  return std::make_unique<H3cSecPathParser>();
}

auto make_hillstone_stoneos() -> std::unique_ptr<FormatParser> {
  return std::make_unique<HillstoneParser>();
}

auto make_dptech_fw() -> std::unique_ptr<FormatParser> {
  return std::make_unique<DptechParser>();
}

}  // namespace siem::parsers::detail::cn
