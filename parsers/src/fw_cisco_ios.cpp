#include "common.hpp"
#include "fw_util.hpp"
#include "syslog.hpp"

#include <array>
#include <string>
#include <string_view>

namespace siem::parsers::detail {
namespace {

auto is_upper_or_digit(char c) -> bool {
  return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

// "%FACILITY-SEV-MNEMONIC:" found in a payload; views into it.
struct IosMarker {
  std::size_t pos = std::string_view::npos;  ///< offset of '%'
  std::string_view facility;
  int severity = 0;
  std::string_view mnemonic;
  std::size_t text = 0;  ///< offset of the message text
};

auto find_marker(std::string_view s) -> IosMarker {
  IosMarker m;
  std::size_t i = 0;
  while ((i = s.find('%', i)) != std::string_view::npos) {
    const std::size_t start = i;
    std::size_t p = i + 1;
    ++i;
    if (p >= s.size() || s[p] < 'A' || s[p] > 'Z') {
      continue;
    }
    while (p < s.size() && is_upper_or_digit(s[p])) {
      ++p;
    }
    const std::string_view facility = s.substr(start + 1, p - start - 1);
    if (p + 3 >= s.size() || s[p] != '-' || s[p + 1] < '0' || s[p + 1] > '7' || s[p + 2] != '-') {
      continue;
    }
    // Cisco ASA/FTD ids belong to cisco/asa.
    if (facility == "ASA" || facility == "FTD" || facility == "PIX" || facility == "FWSM") {
      continue;
    }
    const int sev = s[p + 1] - '0';
    p += 3;
    const std::size_t mn = p;
    while (p < s.size() && is_upper_or_digit(s[p])) {
      ++p;
    }
    if (p == mn || p >= s.size() || s[p] != ':' || p - mn > 64) {
      continue;
    }
    m.pos = start;
    m.facility = facility;
    m.severity = sev;
    m.mnemonic = s.substr(mn, p - mn);
    m.text = p + 1;
    return m;
  }
  return m;
}

constexpr std::array<std::string_view, 8> kLevelNames = {
    "emergencies", "alert", "critical", "error", "warning", "notification", "informational",
    "debugging"};

// "[key: value]" inside a SEC_LOGIN message.
auto bracket(std::string_view s, std::string_view key) -> std::string_view {
  const auto p = s.find(key);
  if (p == std::string_view::npos) {
    return {};
  }
  const auto start = p + key.size();
  const auto e = s.find(']', start);
  if (e == std::string_view::npos) {
    return {};
  }
  return trim(s.substr(start, e - start));
}

/// Cisco IOS / IOS-XE syslog (`[seq:] [*]Mmm dd [yyyy] hh:mm:ss[.ms] [TZ]: %FAC-SEV-MNEMONIC:
/// text`): facility, severity and mnemonic for every message; ACL log hits
/// (SEC-6-IPACCESSLOG*), configuration (SYS-5-CONFIG_I), interface state (LINK/LINEPROTO
/// UPDOWN), logins (SEC_LOGIN) and command accounting with their fields. Owned by one worker.
class CiscoIosParser final : public FormatParser {
public:
  CiscoIosParser() {
    info_.name = "cisco/ios";
    info_.description = "Cisco IOS / IOS-XE syslog (%FACILITY-SEVERITY-MNEMONIC: text)";
    info_.detection = "payload contains %FACILITY-<0-7>-MNEMONIC: (not %ASA-/%FTD-)";
    info_.status = "stable";
    info_.example =
        "*Mar  1 18:46:11.123: %SEC-6-IPACCESSLOGP: list 101 denied tcp 10.1.1.1(1234) -> "
        "10.2.2.2(80), 1 packet";
  }

  [[nodiscard]] auto info() const -> const FormatInfo& override { return info_; }

  [[nodiscard]] auto detect(const Input& in) const -> bool override {
    return find_marker(in.line).pos != std::string_view::npos;
  }

  auto parse(const Input& in, const ParseContext& ctx, core::Event& out)
      -> std::string_view override {
    std::string_view p = in.payload;
    IosMarker m = find_marker(p);
    // "host %SYS-5-CONFIG_I: ..." after a syslog time makes the tag the syslog app name.
    const bool in_tag = m.pos == std::string_view::npos;
    if (in_tag) {
      p = in.line;
      m = find_marker(p);
    }
    if (m.pos == std::string_view::npos) {
      return "no %FACILITY-SEVERITY-MNEMONIC: tag";
    }
    const std::string_view text = trim(p.substr(m.text));
    const std::string_view prefix = p.substr(0, m.pos);

    if (in_tag) {
      apply_syslog_origin(in.header, out);
      out.timestamp = in.header.timestamp;
    } else {
      // Only host and PRI from the envelope: a Cisco tag is a time zone or a message id,
      // not a process name.
      apply_syslog_origin(in.header, out);
      out.timestamp = fw_header_time(in.header, ctx);
      if (const auto t = fw_prefix_time(prefix, ctx)) {
        out.timestamp = t;
      }
    }
    // A leading sequence number ("000123: ").
    if (const auto colon = prefix.find(':');
        !in_tag && colon != std::string_view::npos && colon > 0) {
      if (const auto seq = parse_int(trim(prefix.substr(0, colon)))) {
        out.set_int("cisco.ios.sequence", *seq);
      }
    }
    out.set("event.kind", "event");
    out.set("event.module", "cisco");
    out.set("event.dataset", "cisco.ios");
    out.set("observer.vendor", "Cisco");
    out.set("observer.product", "IOS");
    out.set("event.code", m.mnemonic);
    out.set_int("event.severity", m.severity);
    out.set("log.level", kLevelNames[static_cast<std::size_t>(m.severity)]);
    out.set("cisco.ios.facility", m.facility);
    out.set("message", text);
    route(m, text, out);
    return {};
  }

private:
  static void address(core::Event& out, std::string_view ip, bool source) {
    if (ip.empty()) {
      return;
    }
    out.set(core::pick_key(source, "source.address", "destination.address"), ip);
    set_ip_or_keep(out, core::pick_key(source, "source.ip", "destination.ip"), ip);
  }

  // "list ACL permitted|denied [PROTO ]SRC[(PORT)][ (IF MAC)][ -> DST[(PORT)]][ (T/C)], N
  // packet(s)" (IPACCESSLOGP/DP/NP/RP) and "list ACL permitted SRC N packets" (LOGS).
  void acl_log(std::string_view text, core::Event& out) {
    FwCursor c(text);
    std::string_view acl;
    std::string_view act;
    c.lit("list ").tok(acl).lit(" ").tok(act).lit(" ");
    if (!c.ok() || (act != "permitted" && act != "denied")) {
      return;
    }
    const bool ok = act == "permitted";
    out.set("event.category", "network");
    out.set("event.type", ok ? "allowed" : "denied");
    out.set("event.action", ok ? "permit" : "deny");
    out.set("event.outcome", ok ? "success" : "failure");
    out.set("rule.name", acl);
    std::string_view rest = c.rest();
    // Packet count: the number before the final " packet(s)".
    if (const auto pk = rest.rfind(" packet"); pk != std::string_view::npos) {
      auto head = rest.substr(0, pk);
      const auto sp = head.find_last_of(" ,");
      if (const auto n = parse_int(head.substr(sp == std::string_view::npos ? 0 : sp + 1))) {
        out.set_int("network.packets", *n);
      }
      rest = head.substr(0, sp == std::string_view::npos ? 0 : sp);
      if (rest.ends_with(',')) {
        rest.remove_suffix(1);
      }
    }
    const auto arrow = rest.find(" -> ");
    std::string_view left = rest.substr(0, arrow);
    std::string_view right = arrow == std::string_view::npos ? std::string_view{}
                                                             : rest.substr(arrow + 4);
    // Left: "[proto ]addr[(port)][ (iface mac)]"
    if (left.ends_with(')')) {
      if (const auto op = left.find(" ("); op != std::string_view::npos) {
        const auto inner = left.substr(op + 2, left.size() - op - 3);
        out.set("observer.ingress.interface.name", inner.substr(0, inner.find(' ')));
        left = left.substr(0, op);
      }
    }
    if (const auto sp = left.find(' '); sp != std::string_view::npos) {
      fw_set_transport(out, left.substr(0, sp), buf_);
      left = left.substr(sp + 1);
    }
    endpoint(out, left, true);
    // Right: "addr[(port)][ (type/code)]"
    if (!right.empty()) {
      if (const auto op = right.find(" ("); op != std::string_view::npos) {
        const auto tc = right.substr(op + 2);
        const auto slash = tc.find('/');
        const auto close = tc.find(')');
        if (slash != std::string_view::npos && close != std::string_view::npos && slash < close) {
          if (const auto t = parse_int(tc.substr(0, slash))) {
            out.set_int("cisco.ios.icmp_type", *t);
          }
          if (const auto cd = parse_int(tc.substr(slash + 1, close - slash - 1))) {
            out.set_int("cisco.ios.icmp_code", *cd);
          }
        }
        right = right.substr(0, op);
      }
      endpoint(out, right, false);
    }
  }

  // "addr" or "addr(port)"
  static void endpoint(core::Event& out, std::string_view v, bool source) {
    std::string_view port;
    if (const auto op = v.find('('); op != std::string_view::npos && v.ends_with(')')) {
      port = v.substr(op + 1, v.size() - op - 2);
      v = v.substr(0, op);
    }
    address(out, v, source);
    if (!port.empty()) {
      set_port_or_keep(out, core::pick_key(source, "source.port", "destination.port"), port);
    }
  }

  void route(const IosMarker& m, std::string_view text, core::Event& out) {
    const std::string_view mn = m.mnemonic;
    if (mn.starts_with("IPACCESSLOG")) {
      acl_log(text, out);
      return;
    }
    if (mn == "CONFIG_I") {
      // "Configured from console by USER on vty0 (10.0.0.9)" / "... by vty0 (10.0.0.9)"
      FwCursor c(text);
      std::string_view from;
      std::string_view by;
      std::string_view line;
      std::string_view ip;
      c.lit("Configured from ").tok(from).lit(" by ").tok(by);
      if (c.opt(" on ")) {
        c.tok(line);
      }
      c.paren(ip, true);
      if (!c.ok()) {
        return;
      }
      out.set("event.category", "configuration");
      out.set("event.type", "change");
      out.set("event.action", "configured");
      if (!line.empty()) {
        out.set("user.name", by);
        out.set("cisco.ios.line", line);
      } else {
        out.set("cisco.ios.line", by);
      }
      out.set("cisco.ios.config_source", from);
      if (is_ip(ip)) {
        address(out, ip, true);
      }
      return;
    }
    if (mn == "UPDOWN" || mn == "CHANGED") {
      const auto ip = text.find("Interface ");
      const auto comma = text.find(',');
      const auto state = text.find("changed state to ");
      if (ip != std::string_view::npos && comma != std::string_view::npos && comma > ip
          && state != std::string_view::npos) {
        out.set("event.category", "network");
        out.set("event.type", "change");
        out.set("cisco.ios.interface.name", text.substr(ip + 10, comma - ip - 10));
        const auto st = trim(text.substr(state + 17));
        out.set("cisco.ios.interface.state", st);
        out.set("event.action", st == "up" ? "interface-up" : "interface-down");
      }
      return;
    }
    if (m.facility == "SEC_LOGIN" && mn.starts_with("LOGIN_")) {
      const bool ok = mn == "LOGIN_SUCCESS";
      const bool failed = mn == "LOGIN_FAILED";
      if (!ok && !failed) {
        return;
      }
      out.set("event.category", "authentication");
      out.set("event.type", "start");
      out.set("event.action", ok ? "login-success" : "login-failed");
      out.set("event.outcome", ok ? "success" : "failure");
      if (const auto u = bracket(text, "[user: "); !u.empty()) {
        out.set("user.name", u);
      }
      address(out, bracket(text, "[Source: "), true);
      // localport is the device's own port (22 for SSH): the destination of the login.
      set_port_or_keep(out, "destination.port", bracket(text, "[localport: "));
      if (const auto r = bracket(text, "[Reason: "); !r.empty()) {
        out.set("event.reason", r);
      }
      return;
    }
    if (mn == "ACCTLOCAL" || mn == "CFGLOG_LOGGEDCMD") {
      // "Username: admin Privilege level: 15 Command: show run" (AAA local accounting) and
      // "User:admin  logged command:interface Gi0/1" (config logger).
      const bool acct = mn == "ACCTLOCAL";
      const std::string_view ukey = acct ? "Username: " : "User:";
      const std::string_view ckey = acct ? "Command: " : "logged command:";
      const auto up = text.find(ukey);
      if (up != std::string_view::npos) {
        auto user = text.substr(up + ukey.size());
        user = user.substr(0, user.find(' '));
        if (!user.empty()) {
          out.set("user.name", user);
        }
      }
      if (const auto pl = text.find("Privilege level: "); pl != std::string_view::npos) {
        auto lvl = text.substr(pl + 17);
        if (const auto v = parse_int(lvl.substr(0, lvl.find(' ')))) {
          out.set_int("cisco.ios.privilege_level", *v);
        }
      }
      if (const auto cp = text.find(ckey); cp != std::string_view::npos) {
        out.set("process.command_line", trim(text.substr(cp + ckey.size())));
      }
      out.set("event.category", acct ? "process" : "configuration");
      out.set("event.type", acct ? "info" : "change");
      out.set("event.action", "command-logged");
    }
  }

  FormatInfo info_;
  std::string buf_;
};

}  // namespace

auto make_cisco_ios_parser() -> std::unique_ptr<FormatParser> {
  return std::make_unique<CiscoIosParser>();
}

}  // namespace siem::parsers::detail
