#include "common.hpp"
#include "fw_util.hpp"
#include "syslog.hpp"

#include <array>
#include <string>
#include <string_view>

namespace siem::parsers::detail {
namespace {

// Where "%ASA-6-302013: " (or %FTD-, %PIX-, %FWSM-) sits in a payload.
struct AsaMarker {
  std::size_t pos = std::string_view::npos;  ///< offset of '%' (or of "ASA-" without it)
  std::string_view product;                  ///< "ASA", "FTD", "PIX", "FWSM"
  std::size_t after = 0;                     ///< offset just after the product's '-'
};

auto product_at(std::string_view s, std::size_t i) -> std::string_view {
  for (const std::string_view p : {std::string_view{"ASA-"}, std::string_view{"FTD-"},
                                   std::string_view{"PIX-"}, std::string_view{"FWSM-"}}) {
    if (s.substr(i, p.size()) == p) {
      return p.substr(0, p.size() - 1);
    }
  }
  return {};
}

auto find_marker(std::string_view s) -> AsaMarker {
  AsaMarker m;
  // Bare "ASA-6-..." at the start (relays that drop the '%').
  if (const auto p = product_at(s, 0); !p.empty()) {
    m.pos = 0;
    m.product = p;
    m.after = p.size() + 1;
    return m;
  }
  std::size_t i = 0;
  while ((i = s.find('%', i)) != std::string_view::npos) {
    if (const auto p = product_at(s, i + 1); !p.empty()) {
      m.pos = i;
      m.product = p;
      m.after = i + 1 + p.size() + 1;
      return m;
    }
    ++i;
  }
  return m;
}

constexpr std::array<std::string_view, 8> kLevelNames = {
    "emergencies", "alert", "critical", "error", "warning", "notification", "informational",
    "debugging"};

// "DOMAIN\user" -> user.domain + user.name; "user" -> user.name. Empty or "*****" (masked) and
// "none" are not names.
void set_user(core::Event& out, std::string_view user) {
  user = trim(user);
  if (user.empty() || user == "*****" || user == "none" || user == "NOT AVAILABLE") {
    return;
  }
  if (const auto bs = user.find('\\'); bs != std::string_view::npos && bs + 1 < user.size()) {
    if (bs > 0) {
      out.set("user.domain", user.substr(0, bs));
    }
    out.set("user.name", user.substr(bs + 1));
    return;
  }
  out.set("user.name", user);
}

// "h:mm:ss" (hours may exceed 24) -> event.duration in nanoseconds.
void set_duration(core::Event& out, std::string_view d) {
  std::int64_t parts[3] = {0, 0, 0};
  int idx = 0;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= d.size(); ++i) {
    if (i == d.size() || d[i] == ':') {
      if (idx > 2) {
        return;
      }
      const auto v = parse_int(d.substr(start, i - start));
      if (!v || *v < 0 || *v > 1'000'000) {
        return;
      }
      parts[idx++] = *v;
      start = i + 1;
    }
  }
  if (idx != 3) {
    return;
  }
  out.set_int("event.duration", (parts[0] * 3600 + parts[1] * 60 + parts[2]) * 1'000'000'000);
}

// Text between `key` and the next `stop` (or the end).
auto between(std::string_view s, std::string_view key, std::string_view stop) -> std::string_view {
  const auto p = s.find(key);
  if (p == std::string_view::npos) {
    return {};
  }
  const auto start = p + key.size();
  const auto e = s.find(stop, start);
  return trim(s.substr(start, e == std::string_view::npos ? std::string_view::npos : e - start));
}

/// Cisco ASA and Firepower Threat Defense syslog (`%ASA-6-302013: Built ...`, `%FTD-...`),
/// with or without a syslog header, ASA time stamp or device-id prefix. Routed by message id,
/// then one fixed-shape scan per id (FwCursor, no capture regex: RE2 captures allocate per
/// call). Owned by one worker; not thread-safe.
class CiscoAsaParser final : public FormatParser {
public:
  CiscoAsaParser() {
    info_.name = "cisco/asa";
    info_.description = "Cisco ASA / Firepower Threat Defense syslog (%ASA-/%FTD- messages)";
    info_.detection = "payload contains %ASA-, %FTD-, %PIX- or %FWSM- (or starts with ASA-/FTD-)";
    info_.status = "stable";
    info_.example =
        "%ASA-6-302013: Built outbound TCP connection 11757 for outside:100.66.205.104/80 "
        "(100.66.205.104/80) to inside:172.31.98.44/1772 (172.31.98.44/1772)";
  }

  [[nodiscard]] auto info() const -> const FormatInfo& override { return info_; }

  [[nodiscard]] auto detect(const Input& in) const -> bool override {
    return find_marker(in.line).pos != std::string_view::npos;
  }

  auto parse(const Input& in, const ParseContext& ctx, core::Event& out)
      -> std::string_view override {
    std::string_view p = in.payload;
    AsaMarker m = find_marker(p);
    // "Mmm dd hh:mm:ss host %ASA-6-302013: ..." makes the id the syslog tag: look in the line.
    const bool in_tag = m.pos == std::string_view::npos;
    if (in_tag) {
      p = in.line;
      m = find_marker(p);
    }
    if (m.pos == std::string_view::npos) {
      return "no %ASA-/%FTD- message id";
    }
    // "<level>-<id>: " (a facility word such as "session-" may sit before the level).
    std::size_t i = m.after;
    if (i < p.size() && (p[i] < '0' || p[i] > '9')) {
      const auto dash = p.find('-', i);
      if (dash == std::string_view::npos || dash - i > 16) {
        return "malformed ASA message id";
      }
      i = dash + 1;
    }
    if (i + 2 > p.size() || p[i] < '0' || p[i] > '7' || p[i + 1] != '-') {
      return "malformed ASA severity";
    }
    const int level = p[i] - '0';
    i += 2;
    const std::size_t id_start = i;
    while (i < p.size() && p[i] >= '0' && p[i] <= '9') {
      ++i;
    }
    const std::string_view id_text = p.substr(id_start, i - id_start);
    if (id_text.size() < 6 || id_text.size() > 7 || i >= p.size() || p[i] != ':') {
      return "malformed ASA message id";
    }
    const auto id = parse_int(id_text);
    if (!id) {
      return "malformed ASA message id";
    }
    const std::string_view text = trim(p.substr(i + 1));

    if (in_tag) {
      apply_syslog_origin(in.header, out);
      out.timestamp = in.header.timestamp;
    } else {
      // Only host and PRI from the envelope: a Cisco tag is a time zone or a message id,
      // not a process name.
      apply_syslog_origin(in.header, out);
      out.timestamp = fw_header_time(in.header, ctx);
      if (const auto t = fw_prefix_time(p.substr(0, m.pos), ctx)) {
        out.timestamp = t;
      }
    }
    const bool ftd = m.product == "FTD";
    out.set("event.kind", "event");
    out.set("event.module", "cisco");
    out.set("event.dataset", ftd ? "cisco.ftd" : "cisco.asa");
    out.set("observer.vendor", "Cisco");
    out.set("observer.product", ftd ? std::string_view{"Firepower Threat Defense"} : m.product);
    out.set("observer.type", "firewall");
    out.set("event.code", id_text);
    out.set_int("event.severity", level);
    out.set("log.level", kLevelNames[static_cast<std::size_t>(level)]);
    out.set("message", text);
    route(*id, text, out);
    return {};
  }

private:
  void endpoint(core::Event& out, std::string_view side, std::string_view addr,
                std::string_view port, std::string_view iface, bool ingress) {
    key_.assign(side);
    const std::size_t base = key_.size();
    if (!addr.empty()) {
      key_.append(".address");
      out.set(key_, addr);
      key_.resize(base);
      key_.append(".ip");
      set_ip_or_keep(out, key_, addr);
      key_.resize(base);
    }
    if (!port.empty()) {
      key_.append(".port");
      set_port_or_keep(out, key_, port);
    }
    if (!iface.empty()) {
      out.set(core::pick_key(ingress, "observer.ingress.interface.name",
                             "observer.egress.interface.name"),
              iface);
    }
  }

  // Mapped (NAT) address: set only when it differs from the real one.
  void nat(core::Event& out, std::string_view side, std::string_view real_ip,
           std::string_view real_port, std::string_view ip, std::string_view port) {
    if (ip.empty() || (ip == real_ip && port == real_port)) {
      return;
    }
    key_.assign(side);
    key_.append(".nat.ip");
    set_ip_or_keep(out, key_, ip);
    if (!port.empty()) {
      key_.assign(side);
      key_.append(".nat.port");
      set_port_or_keep(out, key_, port);
    }
  }

  static void classify(core::Event& out, std::string_view category, std::string_view type,
                       std::string_view action, std::string_view outcome) {
    out.set("event.category", category);
    if (!type.empty()) {
      out.set("event.type", type);
    }
    if (!action.empty()) {
      out.set("event.action", action);
    }
    if (!outcome.empty()) {
      out.set("event.outcome", outcome);
    }
  }

  void deny(core::Event& out) { classify(out, "network", "denied", "deny", "failure"); }

  void transport(core::Event& out, std::string_view proto) {
    if (proto.starts_with("protocol ")) {
      proto.remove_prefix(9);
    }
    fw_set_transport(out, proto, buf_);
  }

  // ICMP "(type 8, code 0)" text.
  static void icmp_type_code(core::Event& out, std::string_view paren) {
    if (!paren.starts_with("type ")) {
      return;
    }
    const auto comma = paren.find(',');
    if (comma == std::string_view::npos) {
      return;
    }
    const auto t = parse_int(trim(paren.substr(5, comma - 5)));
    const auto code_pos = paren.find("code ", comma);
    if (t) {
      out.set_int("cisco.asa.icmp_type", *t);
    }
    if (code_pos != std::string_view::npos) {
      if (const auto c = parse_int(trim(paren.substr(code_pos + 5)))) {
        out.set_int("cisco.asa.icmp_code", *c);
      }
    }
  }

  void aaa(std::int64_t id, std::string_view text, core::Event& out) {
    const bool ok = id == 113004 || id == 113012 || (id == 113008 && text.find("ACCEPT") != std::string_view::npos);
    const bool is_auth = id != 113008;
    classify(out, "authentication", is_auth ? "start" : "info",
             is_auth ? (ok ? "aaa-user-authentication-successful" : "aaa-user-authentication-rejected")
                     : "aaa-transaction-status",
             ok ? "success" : "failure");
    const auto user_start = text.find("user = ");
    if (user_start != std::string_view::npos) {
      const auto rest = text.substr(user_start + 7);
      const auto end = rest.find(" : ");
      set_user(out, rest.substr(0, end));
    }
    if (const auto server = between(text, "server = ", " : "); !server.empty()) {
      out.set("server.address", server);
      set_ip_or_keep(out, "server.ip", server);
    }
    if (const auto ip = between(text, "user IP = ", " : "); !ip.empty()) {
      out.set("source.address", ip);
      set_ip_or_keep(out, "source.ip", ip);
    }
    if (const auto reason = between(text, "reason = ", " : "); !reason.empty()) {
      out.set("event.reason", reason);
    }
  }

  // One side of a connection: "iface:ip/port (mapped_ip/mapped_port)(user)".
  struct Side {
    std::string_view iface;
    std::string_view ip;
    std::string_view port;
    std::string_view map_ip;
    std::string_view map_port;
    std::string_view user;
  };

  static constexpr std::string_view kPortStop = " ,()";

  // "iface:ip[/port]" (IPv6 addresses keep their colons: the interface ends at the first).
  static void if_ip(FwCursor& c, Side& e) {
    c.tok(e.iface, ": ").lit(":").tok(e.ip, "/ (,");
    if (c.opt("/")) {
      c.tok(e.port, kPortStop);
    }
  }

  // "ip/port"
  static void ip_port(FwCursor& c, Side& e) {
    c.tok(e.ip, "/ ,").lit("/").tok(e.port, kPortStop);
  }

  void sides(core::Event& out, const Side& s, const Side& d) {
    endpoint(out, "source", s.ip, s.port, s.iface, true);
    endpoint(out, "destination", d.ip, d.port, d.iface, false);
  }

  void route(std::int64_t id, std::string_view text, core::Event& out) {
    FwCursor c(text);
    Side s;
    Side d;
    std::string_view a;
    std::string_view b;
    std::string_view x;
    switch (id) {
      case 106001:
        // "Inbound TCP connection denied from IP/PORT to IP/PORT flags F on interface IF"
        c.tok(a).lit(" ").tok(b).lit(" connection denied from ");
        ip_port(c, s);
        c.lit(" to ");
        ip_port(c, d);
        c.lit(" flags ").upto(x, " on interface ").tok(s.iface);
        if (c.ok()) {
          deny(out);
          out.set("network.direction", a == "Inbound" ? "inbound" : "outbound");
          transport(out, b);
          sides(out, s, d);
          out.set("cisco.asa.tcp_flags", trim(x));
        }
        return;
      case 106006:
      case 106007:
        // "Deny inbound UDP from IP/PORT to IP/PORT (on interface IF | due to DNS Query)"
        c.lit("Deny ").tok(a).lit(" ").tok(b).lit(" from ");
        ip_port(c, s);
        c.lit(" to ");
        ip_port(c, d);
        if (c.opt(" on interface ")) {
          c.tok(s.iface);
        } else if (c.opt(" due to ")) {
          x = trim(c.rest());
        }
        if (c.ok()) {
          deny(out);
          out.set("network.direction", a == "outbound" ? "outbound" : "inbound");
          transport(out, b);
          sides(out, s, d);
          if (!x.empty()) {
            out.set("event.reason", x);
          }
        }
        return;
      case 106010:
      case 106014:
      case 106023:
      case 313005: {
        // "... src IF:IP[/PORT][ (x)] dst IF:IP[/PORT][ (x)] [by access-group "ACL"]"
        const auto at_src = text.starts_with("src ") ? 0 : text.find(" src ");
        if (at_src == std::string_view::npos) {
          return;
        }
        FwCursor sc(text.substr(at_src == 0 ? 0 : at_src + 1));
        sc.lit("src ");
        if_ip(sc, s);
        sc.paren(a, true).lit(" dst ");
        if_ip(sc, d);
        sc.paren(b, true);
        if (!sc.ok()) {
          return;
        }
        if (id == 313005) {
          classify(out, "network", "denied", "no-matching-connection", "failure");
        } else {
          deny(out);
        }
        // "Deny [inbound ]<proto> src" / "icmp src"
        auto head = text.substr(0, at_src);
        if (head.starts_with("Deny ")) {
          head.remove_prefix(5);
        }
        if (head.starts_with("inbound ") || head.starts_with("outbound ")) {
          out.set("network.direction", head.starts_with("in") ? "inbound" : "outbound");
          head.remove_prefix(head.find(' ') + 1);
        }
        transport(out, id == 313005 ? std::string_view{"icmp"} : head);
        sides(out, s, d);
        icmp_type_code(out, a);
        icmp_type_code(out, b);
        if (const auto acl = between(text, "by access-group \"", "\""); !acl.empty()) {
          out.set("rule.name", acl);
        }
        return;
      }
      case 106015:
        // "Deny TCP (no connection) from IP/PORT to IP/PORT flags F on interface IF"
        c.lit("Deny ").tok(a).lit(" (no connection) from ");
        ip_port(c, s);
        c.lit(" to ");
        ip_port(c, d);
        c.lit(" flags ").upto(x, " on interface ").tok(s.iface);
        if (c.ok()) {
          deny(out);
          transport(out, a);
          sides(out, s, d);
          out.set("cisco.asa.tcp_flags", trim(x));
        }
        return;
      case 106021:
        // "Deny TCP reverse path check from IP to IP on interface IF"
        c.lit("Deny ").tok(a).lit(" reverse path check from ").tok(s.ip).lit(" to ").tok(d.ip);
        c.lit(" on interface ").tok(s.iface);
        if (c.ok()) {
          classify(out, "network", "denied", "reverse-path-check", "failure");
          transport(out, a);
          sides(out, s, d);
        }
        return;
      case 106100:
        // "access-list ACL permitted tcp IF/IP(PORT)[(user)] -> IF/IP(PORT)[(user)] hit-cnt N"
        c.lit("access-list ").tok(x).lit(" ").tok(a).lit(" ").tok(b).lit(" ");
        c.tok(s.iface, "/ ").lit("/").tok(s.ip, "( ").lit("(").tok(s.port, ")").lit(")");
        c.paren(s.user).lit(" -> ");
        c.tok(d.iface, "/ ").lit("/").tok(d.ip, "( ").lit("(").tok(d.port, ")").lit(")");
        c.paren(d.user);
        if (c.ok()) {
          const bool permitted = a != "denied";
          classify(out, "network", permitted ? "allowed" : "denied",
                   permitted ? "permit" : "deny", permitted ? "success" : "failure");
          out.set("rule.name", x);
          transport(out, b);
          sides(out, s, d);
          if (!s.user.empty()) {
            set_user(out, s.user);
          }
          FwCursor hc(c.rest());
          std::string_view hits;
          hc.lit(" hit-cnt ").tok(hits);
          if (const auto n = parse_int(hits); hc.ok() && n) {
            out.set_int("cisco.asa.hit_count", *n);
          }
        }
        return;
      case 110002:
        // "Failed to locate egress interface for PROTO from IF:IP/PORT to IP/PORT"
        c.lit("Failed to locate egress interface for ").tok(a).lit(" from ");
        if_ip(c, s);
        c.lit(" to ");
        ip_port(c, d);
        if (c.ok()) {
          classify(out, "network", "denied", "no-egress-interface", "failure");
          transport(out, a);
          sides(out, s, d);
        }
        return;
      case 113004:
      case 113005:
      case 113008:
      case 113012:
      case 113015:
        aaa(id, text, out);
        return;
      case 113019: {
        classify(out, "session", "end", "vpn-session-disconnected", {});
        set_user(out, between(text, "Username = ", ","));
        if (const auto ip = between(text, "IP = ", ","); !ip.empty()) {
          out.set("source.address", ip);
          set_ip_or_keep(out, "source.ip", ip);
        }
        if (const auto grp = between(text, "Group = ", ","); !grp.empty()) {
          out.set("cisco.asa.tunnel_group", grp);
        }
        if (const auto n = parse_int(between(text, "Bytes xmt: ", ","))) {
          out.set_int("source.bytes", *n);
        }
        if (const auto n = parse_int(between(text, "Bytes rcv: ", ","))) {
          out.set_int("destination.bytes", *n);
        }
        if (const auto reason = between(text, "Reason: ", "\n"); !reason.empty()) {
          out.set("event.reason", reason);
        }
        return;
      }
      case 302013:
      case 302015: {
        // "Built DIR PROTO connection ID for IF:IP/PORT (MIP/MPORT)[(user)] to IF:IP/PORT
        // (MIP/MPORT)[(user)]"
        auto side = [&c](Side& e) {
          c.tok(e.iface, ": ").lit(":").tok(e.ip, "/ ").lit("/").tok(e.port, kPortStop);
          c.lit(" (").tok(e.map_ip, "/)").lit("/").tok(e.map_port, ")").lit(")").paren(e.user);
        };
        c.lit("Built ").tok(a).lit(" ").tok(b).lit(" connection ").tok(x).lit(" for ");
        side(s);
        c.lit(" to ");
        side(d);
        if (!c.ok()) {
          return;
        }
        classify(out, "network", "connection", "built-connection", "success");
        const bool outbound = a == "outbound";
        out.set("network.direction", outbound ? "outbound" : "inbound");
        transport(out, b);
        out.set("cisco.asa.connection_id", x);
        // "for" is the outside peer, "to" the inside host; outbound: the inside initiates.
        const Side& src = outbound ? d : s;
        const Side& dst = outbound ? s : d;
        sides(out, src, dst);
        nat(out, "source", src.ip, src.port, src.map_ip, src.map_port);
        nat(out, "destination", dst.ip, dst.port, dst.map_ip, dst.map_port);
        if (!src.user.empty()) {
          set_user(out, src.user);
        }
        return;
      }
      case 302014:
      case 302016: {
        // "Teardown PROTO connection ID for IF:IP/PORT[(user)] to IF:IP/PORT[(user)]
        // [duration D] [bytes B] [reason]"
        c.lit("Teardown ").tok(a).lit(" connection ").tok(x).lit(" for ");
        if_ip(c, s);
        c.paren(s.user).lit(" to ");
        if_ip(c, d);
        c.paren(d.user);
        if (!c.ok()) {
          return;
        }
        std::string_view dur;
        std::string_view bytes;
        if (c.opt(" duration ")) {
          c.tok(dur);
        }
        if (c.opt(" bytes ")) {
          c.tok(bytes);
        }
        classify(out, "network", "connection", "teardown-connection", {});
        transport(out, a);
        out.set("cisco.asa.connection_id", x);
        sides(out, s, d);
        if (!s.user.empty()) {
          set_user(out, s.user);
        }
        set_duration(out, dur);
        if (const auto n = parse_int(bytes); n && *n >= 0) {
          out.set_int("network.bytes", *n);
        }
        if (const auto reason = trim(c.rest()); !reason.empty()) {
          out.set("event.reason", reason);
        }
        return;
      }
      case 302020:
      case 302021: {
        // "(Built|Teardown) [inbound|outbound] ICMP connection for faddr IP/ID[(user)]
        // gaddr IP/ID laddr IP/ID[(user)]"
        Side g;
        c.tok(a).lit(" ");
        if (c.opt("inbound ")) {
          b = "inbound";
        } else if (c.opt("outbound ")) {
          b = "outbound";
        }
        c.tok(x).lit(" connection for faddr ");
        ip_port(c, s);
        c.paren(s.user).lit(" gaddr ");
        ip_port(c, g);
        c.lit(" laddr ");
        ip_port(c, d);
        if (!c.ok()) {
          return;
        }
        const bool built = a == "Built";
        classify(out, "network", "connection", built ? "built-connection" : "teardown-connection",
                 built ? "success" : "");
        transport(out, x);
        // faddr = foreign, gaddr = global (the local host's mapped address), laddr = local.
        if (b == "outbound") {
          out.set("network.direction", "outbound");
          endpoint(out, "source", d.ip, {}, {}, true);
          endpoint(out, "destination", s.ip, {}, {}, false);
          nat(out, "source", d.ip, {}, g.ip, {});
        } else {
          if (!b.empty()) {
            out.set("network.direction", "inbound");
          }
          endpoint(out, "source", s.ip, {}, {}, true);
          endpoint(out, "destination", d.ip, {}, {}, false);
          nat(out, "destination", d.ip, {}, g.ip, {});
        }
        return;
      }
      case 304001:
        // "IP(user) Accessed URL IP:url"
        c.tok(s.ip, "( ").paren(s.user).lit(" Accessed ");
        c.opt("JAVA ");
        c.lit("URL ").tok(d.ip, ":").lit(":").tok(x);
        if (c.ok()) {
          classify(out, "web", "access", "accessed-url", "success");
          endpoint(out, "source", s.ip, {}, {}, true);
          set_user(out, s.user);
          endpoint(out, "destination", d.ip, {}, {}, false);
          out.set("url.original", x);
        }
        return;
      case 305011:
      case 305012: {
        // "(Built|Teardown) dynamic PROTO translation from IF:IP/PORT[(user)] to IF:IP/PORT
        // [duration D]"
        c.tok(a).lit(" ").tok(x).lit(" ").tok(b).lit(" translation from ");
        if_ip(c, s);
        c.paren(s.user).lit(" to ");
        if_ip(c, d);
        if (!c.ok()) {
          return;
        }
        std::string_view dur;
        if (c.opt(" duration ")) {
          c.tok(dur);
        }
        const bool built = a == "Built";
        classify(out, "network", "connection", built ? "built-translation" : "teardown-translation",
                 {});
        transport(out, b);
        endpoint(out, "source", s.ip, s.port, s.iface, true);
        if (!s.user.empty()) {
          set_user(out, s.user);
        }
        set_ip_or_keep(out, "source.nat.ip", d.ip);
        set_port_or_keep(out, "source.nat.port", d.port);
        out.set("observer.egress.interface.name", d.iface);
        set_duration(out, dur);
        return;
      }
      case 313001:
        // "Denied ICMP type=N, code=N from IP on interface IF"
        c.lit("Denied ICMP type=").tok(a, ", ").lit(", code=").tok(b, ", ").lit(" from ");
        c.tok(s.ip).lit(" on interface ").tok(s.iface);
        if (c.ok()) {
          deny(out);
          out.set("network.transport", "icmp");
          set_icmp(out, a, b);
          endpoint(out, "source", s.ip, {}, s.iface, true);
        }
        return;
      case 313004:
        // "Denied ICMP type=N, from [laddr ]IP on interface IF to IP: no matching session"
        c.lit("Denied ICMP type=").tok(a, ", ").lit(", from ");
        c.opt("laddr ");
        c.tok(s.ip).lit(" on interface ").tok(s.iface).lit(" to ").tok(d.ip);
        if (c.ok()) {
          if (d.ip.ends_with(':')) {
            d.ip.remove_suffix(1);
          }
          classify(out, "network", "denied", "no-matching-session", "failure");
          out.set("network.transport", "icmp");
          set_icmp(out, a, {});
          sides(out, s, d);
        }
        return;
      case 419001:
      case 419002:
      case 421001:
      case 434002: {
        // "... PROTO packet from IF:IP/PORT to IF:IP/PORT[, reason: R]"
        const auto from = text.find("from ");
        if (from == std::string_view::npos) {
          return;
        }
        FwCursor fc(text.substr(from));
        fc.lit("from ");
        if_ip(fc, s);
        fc.lit(" to ");
        if_ip(fc, d);
        if (!fc.ok()) {
          return;
        }
        const bool skipped = id == 421001 && text.find("is skipped") != std::string_view::npos;
        if (skipped) {
          classify(out, "network", "info", "skip", {});
        } else {
          classify(out, "network", "denied", "drop", "failure");
        }
        // The protocol: first word (421001), "TCP SYN" (419002), else the word before " packet".
        std::string_view head = text.substr(0, from);
        if (id == 419002) {
          head = "TCP";
        } else if (id == 421001) {
          head = head.substr(0, head.find(' '));
        } else {
          head = head.substr(0, head.rfind(" packet"));
          const auto sp = head.rfind(' ');
          head = sp == std::string_view::npos ? head : head.substr(sp + 1);
        }
        transport(out, head);
        sides(out, s, d);
        if (const auto reason = between(text, "reason: ", "\n"); !reason.empty()) {
          out.set("event.reason", reason);
        }
        return;
      }
      case 500004: {
        // "Invalid transport field for protocol=N, from IP/PORT to IP/PORT"
        const auto p = text.find("protocol=");
        if (p == std::string_view::npos) {
          return;
        }
        FwCursor pc(text.substr(p));
        pc.lit("protocol=").tok(a, ",").lit(", from ");
        ip_port(pc, s);
        pc.lit(" to ");
        ip_port(pc, d);
        if (pc.ok()) {
          classify(out, "network", "denied", "invalid-transport-field", "failure");
          transport(out, a);
          sides(out, s, d);
        }
        return;
      }
      case 602303:
      case 602304: {
        // "IPSEC: An outbound LAN-to-LAN SA (SPI= 0x..) between A and B (user= U) has been
        // created."
        const auto p = text.find("An ");
        if (p == std::string_view::npos) {
          return;
        }
        FwCursor ic(text.substr(p));
        std::string_view spi;
        std::string_view peer;
        ic.lit("An ").tok(a).lit(" ").upto(x, " SA (SPI=");
        ic.opt(" ");
        ic.tok(spi, ") ").lit(") between ").tok(s.ip).lit(" and ").tok(d.ip).lit(" (user=");
        ic.opt(" ");
        ic.tok(peer, ")").lit(") has been ").tok(b, ". ");
        if (!ic.ok()) {
          return;
        }
        const bool created = b == "created";
        classify(out, "network", created ? "start" : "end",
                 created ? "ipsec-sa-created" : "ipsec-sa-deleted", "success");
        out.set("network.direction", a == "inbound" ? "inbound" : "outbound");
        out.set("cisco.asa.tunnel_type", x);
        out.set("cisco.asa.ipsec_spi", spi);
        sides(out, s, d);
        out.set("cisco.asa.tunnel_peer", peer);
        return;
      }
      case 605004:
      case 605005:
        // "Login denied from IP/PORT to IF:IP/SERVICE for user "U""
        c.lit("Login ").tok(a).lit(" from ");
        ip_port(c, s);
        c.lit(" to ");
        if_ip(c, d);
        c.lit(" for user \"").upto(x, "\"");
        if (c.ok()) {
          const bool ok = a == "permitted";
          classify(out, "authentication", "start", ok ? "login-permitted" : "login-denied",
                   ok ? "success" : "failure");
          endpoint(out, "source", s.ip, s.port, {}, true);
          endpoint(out, "destination", d.ip, {}, d.iface, true);
          if (!set_port(out, "destination.port", d.port) && !d.port.empty()) {
            out.set("network.protocol", d.port);
          }
          set_user(out, x);
        }
        return;
      case 611101:
      case 611102:
      case 611103: {
        const bool logout = id == 611103;
        const bool ok = id != 611102;
        classify(out, "authentication", logout ? "end" : "start",
                 logout ? "user-logged-out"
                        : (ok ? "user-authentication-succeeded" : "user-authentication-failed"),
                 ok ? "success" : "failure");
        set_user(out, between(text, "Uname: ", ","));
        if (const auto ip = between(text, "IP address: ", ","); !ip.empty()) {
          out.set("source.address", ip);
          set_ip_or_keep(out, "source.ip", ip);
        }
        return;
      }
      case 710002:
      case 710003:
      case 710005: {
        // "TCP access permitted|access denied by ACL|request discarded from IP/PORT to
        // IF:IP/SERVICE"
        c.tok(a).lit(" ");
        std::string_view action;
        if (c.opt("access permitted from ")) {
          action = "permit";
        } else if (c.opt("access denied by ACL from ")) {
          action = "deny";
        } else if (c.opt("request discarded from ")) {
          action = "discard";
        } else {
          return;
        }
        ip_port(c, s);
        c.lit(" to ");
        if_ip(c, d);
        if (!c.ok()) {
          return;
        }
        const bool ok = action == "permit";
        classify(out, "network", ok ? "allowed" : "denied", action, ok ? "success" : "failure");
        transport(out, a);
        endpoint(out, "source", s.ip, s.port, {}, true);
        endpoint(out, "destination", d.ip, {}, d.iface, true);
        if (!set_port(out, "destination.port", d.port) && !d.port.empty()) {
          out.set("network.protocol", d.port);
        }
        return;
      }
      case 725001:
        // "Starting SSL handshake with client IF:IP/PORT for TLSv1 session."
        c.lit("Starting SSL handshake with ").tok(a).lit(" ");
        if_ip(c, s);
        if (c.ok()) {
          classify(out, "network", "protocol", "ssl-handshake-start", {});
          const bool client = a == "client";
          endpoint(out, client ? "source" : "destination", s.ip, s.port, s.iface, client);
        }
        return;
      case 733100:
        // "[ Scanning] drop rate-1 exceeded. ..."
        c.lit("[").upto(x, "]").lit(" drop ").tok(a).lit(" exceeded");
        if (c.ok()) {
          out.set("event.kind", "alert");
          classify(out, "intrusion_detection", "info", "threat-detection-rate-exceeded", {});
          out.set("rule.name", trim(x));
          out.set("cisco.asa.threat_rate", a);
        }
        return;
      case 746012:
        // "user-identity: Add IP-User mapping IP - DOMAIN\user Succeeded - VPN user"
        c.lit("user-identity: ").tok(a).lit(" IP-User mapping ").tok(s.ip).lit(" - ").tok(x);
        c.lit(" ").tok(b);
        if (c.ok()) {
          classify(out, "iam", a == "Add" ? "creation" : "deletion", "ip-user-mapping",
                   b == "Succeeded" ? "success" : "failure");
          endpoint(out, "source", s.ip, {}, {}, true);
          set_user(out, x);
        }
        return;
      default:
        break;
    }
    if (id >= 400000 && id <= 400099) {
      // "IPS:2004 ICMP Echo Request from IP to IP on interface IF"
      c.lit("IPS:").tok(a).lit(" ").upto(x, " from ").tok(s.ip).lit(" to ").tok(d.ip);
      c.lit(" on interface ").tok(s.iface);
      if (c.ok()) {
        out.set("event.kind", "alert");
        classify(out, "intrusion_detection", "info", "ips-signature", {});
        out.set("rule.id", a);
        out.set("rule.name", x);
        sides(out, s, d);
      }
      return;
    }
    // SSL VPN / AnyConnect session messages share "Group <g> User <u> IP <ip> ...".
    if ((id >= 716001 && id <= 716060) || (id >= 722001 && id <= 722055)) {
      c.lit("Group <").upto(x, "> User <").upto(s.user, "> IP <").upto(s.ip, ">");
      if (!c.ok()) {
        return;
      }
      const std::string_view rest = c.rest();
      out.set("event.category", "network");
      if (id == 716001 || id == 722022 || rest.find("established") != std::string_view::npos
          || rest.find("started") != std::string_view::npos) {
        out.set("event.type", "start");
      } else if (id == 716002 || id == 722023 || rest.find("terminated") != std::string_view::npos
                 || rest.find("closed") != std::string_view::npos) {
        out.set("event.type", "end");
      } else {
        out.set("event.type", "info");
      }
      out.set("cisco.asa.group_policy", x);
      set_user(out, s.user);
      endpoint(out, "source", s.ip, {}, {}, true);
      if (id == 722051) {
        if (const auto ip = between(rest, "IPv4 Address <", ">"); !ip.empty()) {
          set_ip_or_keep(out, "cisco.asa.assigned_ip", ip);
        }
      }
    }
  }

  static void set_icmp(core::Event& out, std::string_view type, std::string_view code) {
    if (const auto t = parse_int(type)) {
      out.set_int("cisco.asa.icmp_type", *t);
    }
    if (const auto c = parse_int(code)) {
      out.set_int("cisco.asa.icmp_code", *c);
    }
  }

  FormatInfo info_;
  std::string key_;
  std::string buf_;
};

}  // namespace

auto make_cisco_asa_parser() -> std::unique_ptr<FormatParser> {
  return std::make_unique<CiscoAsaParser>();
}

}  // namespace siem::parsers::detail
