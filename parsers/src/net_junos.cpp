#include "common.hpp"
#include "junos_match.hpp"
#include "net_common.hpp"
#include "re2_classes.hpp"

#include <array>
#include <span>
#include <utility>
#include <vector>

namespace siem::parsers::detail {

namespace junos_match {
namespace {

using re2cls::all_digits;
using re2cls::is_digit;

// The \S run at `pos` (possibly empty); `end` receives where it stops.
auto token(std::string_view s, std::size_t pos, std::size_t& end) -> std::string_view {
  end = re2cls::token_end(s, pos);
  return s.substr(pos, end - pos);
}

// A whole token as (\S+)/(\d+): the last '/' with only digits after it.
auto addr_port(std::string_view t, std::string_view& addr, std::string_view& port) -> bool {
  const auto slash = t.rfind('/');
  if (slash == std::string_view::npos || slash == 0 || !all_digits(t.substr(slash + 1))) {
    return false;
  }
  addr = t.substr(0, slash);
  port = t.substr(slash + 1);
  return true;
}

// A whole token as (\S+)/(\d+)->(\S+)/(\d+) into `out`: the greedy first group takes the
// rightmost arrow for which both sides fit.
auto flow_pair(std::string_view t, std::span<std::string_view, 4> out) -> bool {
  for (auto a = t.rfind("->"); a != std::string_view::npos && a > 0; a = t.rfind("->", a - 1)) {
    if (addr_port(t.substr(0, a), out[0], out[1]) && addr_port(t.substr(a + 2), out[2], out[3])) {
      return true;
    }
  }
  return false;
}

auto hex_word(std::string_view t) -> bool {
  if (t.size() < 3 || t[0] != '0' || t[1] != 'x') {
    return false;
  }
  for (const char c : t.substr(2)) {
    if (!is_digit(c) && !((c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) {
      return false;
    }
  }
  return true;
}

// (\S+) at `pos` followed by `lit`: the token (empty when there is none or `lit` does not
// follow), and `next` after `lit`. The run cannot be shorter: the byte after it must begin `lit`,
// and a shorter run would leave a \S byte there.
auto token_then(std::string_view s, std::size_t pos, std::string_view lit, std::size_t& next)
    -> std::string_view {
  std::size_t end = 0;
  const auto t = token(s, pos, end);
  if (t.empty() || !s.substr(end).starts_with(lit)) {
    return {};
  }
  next = end + lit.size();
  return t;
}

// The \S+ token at `pos` followed by one ' ': the token, and `next` after the space.
auto spaced(std::string_view s, std::size_t pos, std::size_t& next) -> std::string_view {
  return token_then(s, pos, " ", next);
}

// "(\S+) PAIR (.*)$" at `pos`: service into g[4], the NAT pair into g[5..8], the rest g[9].
auto service_nat_rest(std::string_view s, std::size_t pos, std::array<std::string_view, 11>& g)
    -> bool {
  std::size_t p = 0;
  const auto svc = spaced(s, pos, p);
  std::size_t q = 0;
  const auto nat = svc.empty() ? std::string_view{} : spaced(s, p, q);
  if (nat.empty() || !flow_pair(nat, std::span(g).subspan<5, 4>())) {
    return false;
  }
  const auto rest = s.substr(q);
  if (rest.find('\n') != std::string_view::npos) {  // '.' does not match a newline
    return false;
  }
  g[4] = svc;
  g[9] = rest;
  return true;
}

// After the reason: "PAIR (?:0x.. )?<service_nat_rest>".
auto session_body(std::string_view s, std::size_t pos, Captures& c) -> bool {
  std::size_t p = 0;
  const auto pair = spaced(s, pos, p);
  if (pair.empty() || !flow_pair(pair, std::span(c.g).first<4>())) {
    return false;
  }
  std::size_t after_hex = 0;
  if (const auto hex = spaced(s, p, after_hex); !hex.empty() && hex_word(hex)
      && service_nat_rest(s, after_hex, c.g)) {
    return true;
  }
  return service_nat_rest(s, p, c.g);
}

// Denied: "(\S+) (\d+)\((\d+)\) (\S+) (\S+) (\S+)" at `pos` (the last token not anchored).
auto denied_tail(std::string_view s, std::size_t pos, std::array<std::string_view, 11>& g)
    -> bool {
  std::size_t p = 0;
  const auto svc = spaced(s, pos, p);
  if (svc.empty()) {
    return false;
  }
  std::size_t q = 0;
  const auto proto = spaced(s, p, q);
  const auto open = proto.find('(');
  if (proto.empty() || open == std::string_view::npos || proto.back() != ')'
      || !all_digits(proto.substr(0, open))
      || !all_digits(proto.substr(open + 1, proto.size() - open - 2))) {
    return false;
  }
  std::size_t r = 0;
  const auto a = spaced(s, q, r);
  std::size_t t = 0;
  const auto b = a.empty() ? std::string_view{} : spaced(s, r, t);
  std::size_t end = 0;
  const auto last = b.empty() ? std::string_view{} : token(s, t, end);
  if (last.empty()) {
    return false;
  }
  g[4] = svc;
  g[5] = proto.substr(0, open);
  g[6] = proto.substr(open + 1, proto.size() - open - 2);
  g[7] = a;
  g[8] = b;
  g[9] = last;
  return true;
}

using IdpGroups = decltype(IdpCaptures::g);

// (\d+) at `pos` followed by `lit`, as token_then.
auto digits_then(std::string_view s, std::size_t pos, std::string_view lit, std::size_t& next)
    -> std::string_view {
  const auto end = re2cls::digits_end(s, pos);
  if (end == pos || !s.substr(end).starts_with(lit)) {
    return {};
  }
  next = end + lit.size();
  return s.substr(pos, end - pos);
}

// ([^,]*) at `pos` followed by `lit`, which starts with ',': the run can only end at the next
// comma. The field (possibly empty) goes to `field`, and `next` after `lit`.
auto field_then(std::string_view s, std::size_t pos, std::string_view lit, std::string_view& field,
                std::size_t& next) -> bool {
  const auto comma = s.find(',', pos);
  if (comma == std::string_view::npos || !s.substr(comma).starts_with(lit)) {
    return false;
  }
  field = s.substr(pos, comma - pos);
  next = comma + lit.size();
  return true;
}

// After "at ": "(\d+), (\S+) Attack log <PAIR> for (\S+) protocol and service (\S+) application
// (\S+) by rule (\S+) of rulebase (\S+) in policy " into g[0..10]. Returns where the policy
// starts, npos when the head does not match. No group here has a second choice that could
// let a later part match (the pair's split aside, which flow_pair settles).
auto idp_head(std::string_view s, std::size_t pos, IdpGroups& g) -> std::size_t {
  std::size_t p = pos;
  g[0] = digits_then(s, p, ", ", p);
  g[1] = g[0].empty() ? std::string_view{} : token_then(s, p, " Attack log <", p);
  if (g[1].empty()) {
    return std::string_view::npos;
  }
  // "<(\S+)/(\d+)->(\S+)/(\d+)> for ": none of these bytes is a space, so the pair and its '>'
  // are the whole token.
  std::size_t end = 0;
  const auto pair = token(s, p, end);
  constexpr std::string_view kFor = " for ";
  if (!pair.ends_with('>') || !s.substr(end).starts_with(kFor)
      || !flow_pair(pair.substr(0, pair.size() - 1), std::span(g).subspan<2, 4>())) {
    return std::string_view::npos;
  }
  p = end + kFor.size();
  static constexpr std::array<std::string_view, 5> kAfter = {
      " protocol and service ", " application ", " by rule ", " of rulebase ", " in policy "};
  for (std::size_t i = 0; i < kAfter.size(); ++i) {
    g[6 + i] = token_then(s, p, kAfter[i], p);
    if (g[6 + i].empty()) {
      return std::string_view::npos;
    }
  }
  return p;
}

// After ". attack: id=": "(\d+), repeat=(\d+), action=([^,]*), threat-severity=([^,]*), name="
// into g[12..15]. Returns where the name starts, npos when the fields do not match; like the
// head, they have no second choice.
auto attack_fields(std::string_view s, std::size_t pos, IdpGroups& g) -> std::size_t {
  std::size_t p = pos;
  g[12] = digits_then(s, p, ", repeat=", p);
  g[13] = g[12].empty() ? std::string_view{} : digits_then(s, p, ", action=", p);
  if (g[13].empty() || !field_then(s, p, ", threat-severity=", g[14], p)
      || !field_then(s, p, ", name=", g[15], p)) {
    return std::string_view::npos;
  }
  return p;
}

// The first `needle` at or after a position, remembering the last answer. The attack-log
// candidates of a line ask with increasing positions; searching afresh each time would rescan
// the rest of the line per candidate (quadratic on a hostile line, where RE2 is linear).
class NextOf {
public:
  NextOf(std::string_view s, std::string_view needle) : s_(s), needle_(needle) {}

  auto at_or_after(std::size_t pos) -> std::size_t {
    // The answer stands for any pos between the last search's start and its result.
    if (pos < from_ || pos > found_) {
      from_ = pos;
      found_ = s_.find(needle_, pos);
    }
    return found_;
  }

private:
  std::string_view s_;
  std::string_view needle_;
  std::size_t from_ = std::string_view::npos;
  std::size_t found_ = std::string_view::npos;
};

}  // namespace

auto created(std::string_view msg) -> Captures {
  Captures c;
  constexpr std::string_view kPrefix = "session created ";
  c.ok = msg.starts_with(kPrefix) && session_body(msg, kPrefix.size(), c);
  return c;
}

auto closed(std::string_view msg) -> Captures {
  Captures c;
  constexpr std::string_view kPrefix = "session closed ";
  if (!msg.starts_with(kPrefix)) {
    return c;
  }
  const auto colon = msg.find(':', kPrefix.size());
  if (colon == std::string_view::npos || colon + 1 >= msg.size() || msg[colon + 1] != ' ') {
    return c;
  }
  c.g[10] = msg.substr(kPrefix.size(), colon - kPrefix.size());
  c.ok = session_body(msg, colon + 2, c);
  return c;
}

auto denied(std::string_view msg) -> Captures {
  Captures c;
  constexpr std::string_view kPrefix = "session denied ";
  if (!msg.starts_with(kPrefix)) {
    return c;
  }
  std::size_t p = 0;
  const auto pair = spaced(msg, kPrefix.size(), p);
  if (pair.empty() || !flow_pair(pair, std::span(c.g).first<4>())) {
    return c;
  }
  std::size_t after_hex = 0;
  if (const auto hex = spaced(msg, p, after_hex); !hex.empty() && hex_word(hex)
      && denied_tail(msg, after_hex, c.g)) {
    c.ok = true;
    return c;
  }
  c.ok = denied_tail(msg, p, c.g);
  return c;
}

auto idp_attack(std::string_view msg) -> IdpCaptures {
  constexpr std::string_view kAt = "at ";
  constexpr std::string_view kAttack = ". attack: id=";
  NextOf nat(msg, ", NAT");
  NextOf newline(msg, "\n");
  // A policy starting in [dead_from, dead_to) cannot match: it lies before the same newline as
  // a failed policy before it, so its ". attack: " candidates were all tried already.
  std::size_t dead_from = 0;
  std::size_t dead_to = 0;
  // Unanchored: the first "at " for which the rest matches.
  for (auto at = msg.find(kAt); at != std::string_view::npos; at = msg.find(kAt, at + 1)) {
    IdpCaptures c;
    const auto policy = idp_head(msg, at + kAt.size(), c.g);
    if (policy == std::string_view::npos || (policy >= dead_from && policy < dead_to)) {
      continue;
    }
    // (.*?) policy: the shortest, so the first ". attack: id=" whose fields and name match;
    // '.' does not match a newline.
    const auto line = msg.substr(0, msg.find('\n', policy));
    for (auto dot = line.find(kAttack, policy); dot != std::string_view::npos;
         dot = line.find(kAttack, dot + 1)) {
      const auto name = attack_fields(msg, dot + kAttack.size(), c.g);
      if (name == std::string_view::npos) {
        continue;
      }
      // (.*?), NAT: the name ends at the first ", NAT", if no newline comes before it.
      if (const auto end = nat.at_or_after(name);
          end != std::string_view::npos && end < newline.at_or_after(name)) {
        c.g[11] = msg.substr(policy, dot - policy);
        c.g[16] = msg.substr(name, end - name);
        c.ok = true;
        return c;
      }
    }
    dead_from = policy;
    dead_to = line.size();
  }
  return {};
}

}  // namespace junos_match

namespace {

// Junos daemons whose event tags (FACILITY_EVENT) this parser claims.
constexpr std::array<std::string_view, 26> kTagPrefixes = {
    "RT_FLOW_", "RT_IDP_",  "IDP_",    "RT_UTM_",    "RT_SCREEN_", "RT_IPSEC_", "RT_NAT_",
    "RT_SECINTEL_", "RT_AAMW_", "APPTRACK_", "UI_", "L2ALD_", "CHASSISD_", "SNMPD_", "SNMP_",
    "LACPD_",  "KMD_",     "RPD_",    "DCD_",       "COSD_",      "JSRPD_",    "AUTHD_",
    "SSHD_",   "LICENSE_", "ALARMD_", "ESWD_"};

auto is_tag(std::string_view t) -> bool {
  if (t.size() < 4 || t.size() > 64) {
    return false;
  }
  for (const char c : t) {
    if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_')) {
      return false;
    }
  }
  for (const auto p : kTagPrefixes) {
    if (t.starts_with(p)) {
      return true;
    }
  }
  return false;
}

// "TAG: rest" or "TAG [sd] rest" or "TAG" at the start of `s`.
auto split_tag(std::string_view s, std::string_view& tag, std::string_view& rest) -> bool {
  std::size_t i = 0;
  while (i < s.size() && s[i] != ':' && s[i] != ' ') {
    ++i;
  }
  if (!is_tag(s.substr(0, i))) {
    return false;
  }
  tag = s.substr(0, i);
  if (i < s.size() && s[i] == ':') {
    ++i;
  }
  rest = ltrim(s.substr(i));
  return true;
}

// "proc[pid]: " or "proc: " at the start of a header-less payload.
auto split_proc(std::string_view s, std::string_view& proc, std::string_view& pid)
    -> std::size_t {
  std::size_t i = 0;
  while (i < s.size() && i < 64 && s[i] != '[' && s[i] != ':' && s[i] != ' ') {
    ++i;
  }
  if (i == 0 || i >= s.size() || s[i] == ' ' || i >= 64) {
    return std::string_view::npos;
  }
  proc = s.substr(0, i);
  if (s[i] == '[') {
    const auto close = s.find(']', i);
    if (close == std::string_view::npos || close > i + 16) {
      return std::string_view::npos;
    }
    pid = s.substr(i + 1, close - i - 1);
    i = close + 1;
  }
  if (i + 1 >= s.size() || s[i] != ':' || s[i + 1] != ' ') {
    return std::string_view::npos;
  }
  return i + 2;
}

/// Juniper Junos syslog: SRX RT_FLOW session logs (SESSION_CREATE / CLOSE / DENY) and RT_IDP
/// attack logs, in the plain text form and the structured-data form
/// (`[junos@2636.1.1.1.2.x key="value" ...]`), plus other Junos daemon events
/// (`proc[pid]: TAG: text`, UI_*, L2ALD_*, ...) as generic events with the tag as action.
/// Owned by one worker.
class JunosParser final : public FormatParser {
public:
  JunosParser() {
    info_.name = "juniper/srx";
    info_.description =
        "Juniper Junos syslog: SRX RT_FLOW sessions, RT_IDP attacks (plain and structured), "
        "other daemon events";
    info_.detection = "a Junos event tag (RT_FLOW_, RT_IDP_, IDP_, UI_, L2ALD_, ...) as the "
                      "RFC 5424 MSGID or at the start of the message (after 'proc[pid]: ')";
    info_.status = "experimental";
    info_.example =
        "<14>Nov 26 10:00:00 srx1 RT_FLOW: RT_FLOW_SESSION_CREATE: session created "
        "10.0.0.5/53000->8.8.8.8/53 0x0 junos-dns-udp 203.0.113.9/40000->8.8.8.8/53 0x0 N/A "
        "N/A N/A N/A 17 allow-dns trust untrust 4242 N/A(N/A) ge-0/0/1.0 UNKNOWN UNKNOWN "
        "UNKNOWN N/A No";
    sd_.reserve(48);
  }

  [[nodiscard]] auto info() const -> const FormatInfo& override { return info_; }

  [[nodiscard]] auto detect(const Input& in) const -> bool override {
    Parts parts;
    return locate(in, parts);
  }

  auto parse(const Input& in, const ParseContext& ctx, core::Event& out)
      -> std::string_view override {
    Parts p;
    if (!locate(in, p)) {
      return "no Junos event tag";
    }
    sd_.clear();
    parse_sd(p.sd);
    if (in.header.kind != SyslogKind::none || in.header.pri >= 0) {
      apply_syslog_origin(in.header, out);
    }
    out.set("event.module", "juniper");
    out.set("observer.vendor", "Juniper Networks");
    out.set("event.kind", "event");
    out.set("event.code", p.tag);
    out.set("event.action", p.tag);
    if (!p.proc.empty()) {
      out.set("process.name", p.proc);
    }
    if (const auto pid = parse_int(p.pid); pid && *pid >= 0) {
      out.set_int("process.pid", *pid);
    } else {
      keep_invalid(out, "process.pid", p.pid);
    }
    if (!p.text.empty()) {
      out.set("message", p.text);
    }
    if (p.tag.starts_with("RT_FLOW_SESSION_")) {
      out.set("event.dataset", "juniper.srx");
      out.set("observer.product", "SRX");
      out.set("observer.type", "firewall");
      out.set("event.category", "network");
      flow(p, out);
    } else if (p.tag == "IDP_ATTACK_LOG_EVENT" || p.tag == "RT_IDP_ATTACK_LOG_EVENT") {
      out.set("event.dataset", "juniper.srx");
      out.set("observer.product", "SRX");
      out.set("observer.type", "ids");
      out.set("event.kind", "alert");
      out.set("event.category", "intrusion_detection");
      idp(p, ctx, out);
    } else {
      out.set("event.dataset", "juniper.junos");
      out.set("observer.product", "Junos OS");
      generic(p, out);
    }
    // Structured-data parameters not mapped above stay under juniper.srx.<param>.
    for (const auto& [k, v] : sd_) {
      if (!v.empty() && !mapped_sd(k)) {
        set_vendor(out, key_, "juniper.srx.", k, v);
      }
    }
    return {};
  }

private:
  struct Parts {
    std::string_view proc;
    std::string_view pid;
    std::string_view tag;
    std::string_view sd;    // "[junos@... k="v" ...]" or empty
    std::string_view text;  // the free text after the tag (and SD)
  };

  static auto locate(const Input& in, Parts& p) -> bool {
    const SyslogHeader& h = in.header;
    if (h.kind == SyslogKind::rfc5424 && is_tag(h.msgid)) {
      p.proc = h.app_name;
      p.pid = h.procid;
      p.tag = h.msgid;
      p.sd = h.structured_data;
      p.text = in.payload;
      return true;
    }
    std::string_view s = in.payload;
    if (h.kind != SyslogKind::none && !h.app_name.empty()) {
      p.proc = h.app_name;
      p.pid = h.procid;
    } else if (const auto off = split_proc(s, p.proc, p.pid); off != std::string_view::npos) {
      s = s.substr(off);
    }
    std::string_view rest;
    if (!split_tag(s, p.tag, rest)) {
      // "RT_FLOW: RT_FLOW_SESSION_CREATE: ..." without a header: the first tag is the process.
      return false;
    }
    if (!rest.empty() && rest.front() == '[' && rest.starts_with("[junos@")) {
      const auto close = sd_end(rest);
      p.sd = rest.substr(0, close);
      rest = ltrim(rest.substr(close));
    } else if (p.proc.empty()) {
      std::string_view tag2;
      std::string_view rest2;
      if (split_tag(rest, tag2, rest2)) {
        p.proc = p.tag;
        p.tag = tag2;
        rest = rest2;
      }
    }
    p.text = rest;
    return true;
  }

  // End of one SD element "[id k="v" ...]" (escapes \" \\ \]), or the whole string.
  static auto sd_end(std::string_view s) -> std::size_t {
    bool quoted = false;
    for (std::size_t i = 1; i < s.size(); ++i) {
      const char c = s[i];
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        quoted = !quoted;
      } else if (c == ']' && !quoted) {
        return i + 1;
      }
    }
    return s.size();
  }

  void parse_sd(std::string_view sd) {
    if (sd.size() < 2 || sd.front() != '[') {
      return;
    }
    std::size_t pos = sd.find(' ');
    const std::size_t n = sd.size();
    while (pos != std::string_view::npos && pos < n) {
      while (pos < n && sd[pos] == ' ') {
        ++pos;
      }
      const std::size_t ks = pos;
      while (pos < n && sd[pos] != '=' && sd[pos] != ' ' && sd[pos] != ']') {
        ++pos;
      }
      if (pos + 1 >= n || sd[pos] != '=' || sd[pos + 1] != '"') {
        return;
      }
      const std::string_view key = sd.substr(ks, pos - ks);
      const std::size_t vs = pos + 2;
      std::size_t j = vs;
      while (j < n && sd[j] != '"') {
        j += sd[j] == '\\' ? 2 : 1;
      }
      if (j >= n) {
        return;  // truncated
      }
      sd_.emplace_back(key, sd.substr(vs, j - vs));
      pos = j + 1;
    }
  }

  [[nodiscard]] auto sdv(std::string_view key) const -> std::string_view {
    for (const auto& [k, v] : sd_) {
      if (k == key) {
        return v == "N/A" ? std::string_view{} : v;
      }
    }
    return {};
  }

  static auto mapped_sd(std::string_view k) -> bool {
    static constexpr std::array<std::string_view, 30> kMapped = {
        "source-address", "source-port", "destination-address", "destination-port",
        "nat-source-address", "nat-source-port", "nat-destination-address",
        "nat-destination-port", "protocol-id", "protocol-name", "policy-name",
        "source-zone-name", "destination-zone-name", "username", "packet-incoming-interface",
        "application", "application-name", "reason", "packets-from-client", "bytes-from-client",
        "packets-from-server", "bytes-from-server", "service-name", "rule-name", "action",
        "attack-name", "threat-severity", "epoch-time", "elapsed-time", "message"};
    for (const auto m : kMapped) {
      if (k == m) {
        return true;
      }
    }
    return false;
  }

  void flow_common(core::Event& out, std::string_view src, std::string_view sport,
                   std::string_view dst, std::string_view dport) {
    set_ip_or_keep(out, "source.ip", src);
    set_port_or_keep(out, "source.port", sport);
    set_ip_or_keep(out, "destination.ip", dst);
    set_port_or_keep(out, "destination.port", dport);
  }

  void nat(core::Event& out, std::string_view src, std::string_view sport, std::string_view dst,
           std::string_view dport) {
    // Junos repeats the original tuple when nothing was translated, and IDP writes zeros.
    if (src == "0.0.0.0" || src == "::") {
      src = {};
      sport = {};
    }
    if (dst == "0.0.0.0" || dst == "::") {
      dst = {};
      dport = {};
    }
    if (!src.empty() && src != out.get_string("source.ip").value_or("")) {
      set_ip_or_keep(out, "source.nat.ip", src);
    }
    if (!sport.empty() && out.has("source.port")
        && parse_port(sport) != out.get_int("source.port")) {
      set_port_or_keep(out, "source.nat.port", sport);
    }
    if (!dst.empty() && dst != out.get_string("destination.ip").value_or("")) {
      set_ip_or_keep(out, "destination.nat.ip", dst);
    }
    if (!dport.empty() && out.has("destination.port")
        && parse_port(dport) != out.get_int("destination.port")) {
      set_port_or_keep(out, "destination.nat.port", dport);
    }
  }

  void user(core::Event& out, std::string_view u) {
    // "name(roles)" in the plain form.
    u = u.substr(0, u.find('('));
    if (!u.empty() && u != "N/A" && u != "UNKNOWN") {
      out.set("user.name", u);
    }
  }

  void flow(const Parts& p, core::Event& out) {
    const std::string_view tag = p.tag;
    const bool create = tag == "RT_FLOW_SESSION_CREATE";
    const bool close = tag == "RT_FLOW_SESSION_CLOSE";
    const bool deny = tag == "RT_FLOW_SESSION_DENY";
    out.set("event.type", create ? "start" : close ? "end" : deny ? "denied" : "info");
    if (create || close) {
      out.set("event.outcome", "success");
    } else if (deny) {
      out.set("event.outcome", "failure");
    }
    if (!sd_.empty()) {
      flow_common(out, sdv("source-address"), sdv("source-port"), sdv("destination-address"),
                  sdv("destination-port"));
      nat(out, sdv("nat-source-address"), sdv("nat-source-port"), sdv("nat-destination-address"),
          sdv("nat-destination-port"));
      set_transport(out, sdv("protocol-id"), tmp_);
      put(out, "rule.name", sdv("policy-name"));
      put(out, "observer.ingress.zone", sdv("source-zone-name"));
      put(out, "observer.egress.zone", sdv("destination-zone-name"));
      put(out, "observer.ingress.interface.name", sdv("packet-incoming-interface"));
      user(out, sdv("username"));
      put(out, "juniper.srx.service_name", sdv("service-name"));
      if (const auto app = sdv("application"); !app.empty() && app != "UNKNOWN") {
        out.set("network.application", to_lower(app, tmp_));
      }
      put(out, "event.reason", sdv("reason"));
      set_count_or_keep(out, "source.packets", sdv("packets-from-client"));
      set_count_or_keep(out, "source.bytes", sdv("bytes-from-client"));
      set_count_or_keep(out, "destination.packets", sdv("packets-from-server"));
      set_count_or_keep(out, "destination.bytes", sdv("bytes-from-server"));
      elapsed(out, sdv("elapsed-time"));
      return;
    }
    junos_match::Captures m;
    if (create && (m = junos_match::created(p.text)).ok) {
      flow_common(out, m.g[0], m.g[1], m.g[2], m.g[3]);
      put(out, "juniper.srx.service_name", m.g[4]);
      nat(out, m.g[5], m.g[6], m.g[7], m.g[8]);
      tail(out, m.g[9], false);
    } else if (close && (m = junos_match::closed(p.text)).ok) {
      put(out, "event.reason", m.g[10]);
      flow_common(out, m.g[0], m.g[1], m.g[2], m.g[3]);
      put(out, "juniper.srx.service_name", m.g[4]);
      nat(out, m.g[5], m.g[6], m.g[7], m.g[8]);
      tail(out, m.g[9], true);
    } else if (deny && (m = junos_match::denied(p.text)).ok) {
      flow_common(out, m.g[0], m.g[1], m.g[2], m.g[3]);
      put(out, "juniper.srx.service_name", m.g[4]);
      set_transport(out, m.g[5], tmp_);
      put(out, "rule.name", m.g[7]);
      put(out, "observer.ingress.zone", m.g[8]);
      put(out, "observer.egress.zone", m.g[9]);
    }
  }

  // After the NAT tuple: NAT rule fields (2 or 4 tokens depending on the release), then
  // protocol-id policy from-zone to-zone session-id, then per-event fields.
  void tail(core::Event& out, std::string_view rest, bool close) {
    std::array<std::string_view, 32> tok{};
    std::size_t n = 0;
    std::size_t pos = 0;
    while (n < tok.size() && pos < rest.size()) {
      while (pos < rest.size() && rest[pos] == ' ') {
        ++pos;
      }
      const std::size_t s = pos;
      while (pos < rest.size() && rest[pos] != ' ') {
        ++pos;
      }
      if (pos > s) {
        tok[n++] = rest.substr(s, pos - s);
      }
    }
    for (std::size_t i = 0; i <= 6 && i + 4 < n; ++i) {
      const auto proto = parse_int(tok[i]);
      const auto session = parse_int(tok[i + 4]);
      if (!proto || *proto < 0 || *proto > 255 || !session) {
        continue;
      }
      set_transport(out, tok[i], tmp_);
      put(out, "rule.name", tok[i + 1]);
      put(out, "observer.ingress.zone", tok[i + 2]);
      put(out, "observer.egress.zone", tok[i + 3]);
      std::size_t j = i + 5;
      if (close && j + 2 < n) {
        pkts_bytes(out, tok[j], "source.packets", "source.bytes");
        pkts_bytes(out, tok[j + 1], "destination.packets", "destination.bytes");
        elapsed(out, tok[j + 2]);
        j += 3;
        if (j + 2 < n) {
          app(out, tok[j]);
          user(out, tok[j + 2]);
          if (j + 3 < n) {
            put(out, "observer.ingress.interface.name", tok[j + 3]);
          }
        }
      } else if (!close && j + 2 < n) {
        user(out, tok[j]);
        put(out, "observer.ingress.interface.name", tok[j + 1]);
        app(out, tok[j + 2]);
      }
      return;
    }
  }

  void app(core::Event& out, std::string_view a) {
    if (!a.empty() && a != "UNKNOWN" && a != "N/A") {
      out.set("network.application", to_lower(a, tmp_));
    }
  }

  static void pkts_bytes(core::Event& out, std::string_view t, std::string_view pkey,
                         std::string_view bkey) {
    const auto open = t.find('(');
    if (open == std::string_view::npos || t.back() != ')') {
      return;
    }
    set_count_or_keep(out, pkey, t.substr(0, open));
    set_count_or_keep(out, bkey, t.substr(open + 1, t.size() - open - 2));
  }

  static void elapsed(core::Event& out, std::string_view s) {
    if (const auto d = parse_int(s); d && *d >= 0 && *d < 1'000'000'000) {
      out.set_int("event.duration", *d * 1'000'000'000);
    }
  }

  static void put(core::Event& out, std::string_view key, std::string_view v) {
    if (!v.empty() && v != "N/A") {
      out.set(key, v);
    }
  }

  void idp(const Parts& p, const ParseContext& ctx, core::Event& out) {
    out.set("event.type", "info");
    if (!sd_.empty()) {
      if (const auto t = parse_net_time(sdv("epoch-time"), ctx)) {
        out.timestamp = t;
      }
      flow_common(out, sdv("source-address"), sdv("source-port"), sdv("destination-address"),
                  sdv("destination-port"));
      nat(out, sdv("nat-source-address"), sdv("nat-source-port"), sdv("nat-destination-address"),
          sdv("nat-destination-port"));
      set_transport(out, sdv("protocol-name"), tmp_);
      put(out, "juniper.srx.service_name", sdv("service-name"));
      app(out, sdv("application-name"));
      put(out, "juniper.srx.rule", sdv("rule-name"));
      put(out, "rule.name", sdv("attack-name"));
      attack_action(out, sdv("action"));
      put(out, "log.level", sdv("threat-severity"));
      put(out, "observer.ingress.zone", sdv("source-zone-name"));
      put(out, "observer.egress.zone", sdv("destination-zone-name"));
      user(out, sdv("username"));
      put(out, "message", sdv("message"));
      return;
    }
    const auto m = junos_match::idp_attack(p.text);
    if (!m.ok) {
      return;
    }
    const auto& g = m.g;
    if (const auto t = parse_net_time(g[0], ctx)) {
      out.timestamp = t;
    }
    flow_common(out, g[2], g[3], g[4], g[5]);
    set_transport(out, g[6], tmp_);
    put(out, "juniper.srx.service_name", g[7]);
    app(out, g[8]);
    put(out, "juniper.srx.rule", g[9]);
    put(out, "juniper.srx.rulebase", g[10]);
    put(out, "juniper.srx.policy", g[11]);
    put(out, "rule.id", g[12]);
    attack_action(out, g[14]);
    put(out, "log.level", g[15]);
    put(out, "rule.name", g[16]);
  }

  static void attack_action(core::Event& out, std::string_view a) {
    if (a.empty()) {
      return;
    }
    out.set("event.action", a);
    // IDP "NONE"/"RECOMMENDED" let the traffic pass; DROP/CLOSE... stop the attack.
    if (const auto o = outcome_of_action(a); !o.empty()) {
      out.set("event.outcome", o);
    } else if (a.starts_with("CLOSE") || a == "DROP_PACKET" || a == "DROP_CONNECTION") {
      out.set("event.outcome", "failure");
    }
  }

  void generic(const Parts& p, core::Event& out) {
    const std::string_view t = p.tag;
    out.set("event.type", "info");
    // Users named in UI_* / SSHD_* texts: "User 'jdoe' ...", "... for user 'root' from host
    // '192.0.2.7'", or the SD's username parameter.
    std::string_view u = sdv("username");
    std::string_view text = p.text;
    if (u.empty()) {
      for (const std::string_view marker : {std::string_view{"User '"}, std::string_view{"user '"}}) {
        if (const auto at = text.find(marker); at != std::string_view::npos) {
          const auto s = at + marker.size();
          const auto e = text.find('\'', s);
          if (e != std::string_view::npos) {
            u = text.substr(s, e - s);
          }
          break;
        }
      }
    }
    if (!u.empty()) {
      out.set("user.name", u);
    }
    if (const auto at = text.find("from host '"); at != std::string_view::npos) {
      const auto s = at + 11;
      const auto e = text.find('\'', s);
      if (e != std::string_view::npos) {
        set_ip_or_keep(out, "source.ip", text.substr(s, e - s));
      }
    }
    if (t.starts_with("UI_") || t.starts_with("SSHD_") || t.starts_with("AUTHD_")) {
      if (t.ends_with("_FAILED") || t.ends_with("_FAILURE")) {
        out.set("event.category", "authentication");
        out.set("event.outcome", "failure");
      } else if (t == "UI_LOGIN_EVENT" || t == "UI_AUTH_EVENT") {
        out.set("event.category", "authentication");
        out.set("event.outcome", "success");
      } else if (t == "UI_CMDLINE_READ_LINE" || t == "UI_COMMIT" || t == "UI_COMMIT_COMPLETED") {
        out.set("event.category", "process");
        out.set("event.outcome", "success");
      }
    }
  }

  FormatInfo info_;
  std::vector<std::pair<std::string_view, std::string_view>> sd_;
  std::string key_;
  std::string tmp_;
};

}  // namespace

auto make_junos_parser() -> std::unique_ptr<FormatParser> {
  return std::make_unique<JunosParser>();
}

}  // namespace siem::parsers::detail
