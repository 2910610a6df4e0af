#include "sshd.hpp"

#include "common.hpp"
#include "re2_classes.hpp"

namespace siem::parsers::detail {
namespace {

using re2::StringPiece;

auto opts() -> RE2::Options {
  RE2::Options o;
  o.set_log_errors(false);
  return o;
}

auto view(const StringPiece& p) -> std::string_view {
  return {p.data(), p.size()};
}

// Source address: an IP goes to source.ip, anything else (a hostname when UseDNS is on)
// only to source.address, never to source.ip.
void set_source(core::Event& out, std::string_view addr, std::string_view port) {
  if (!addr.empty()) {
    out.set("source.address", addr);
    set_ip_or_keep(out, "source.ip", addr);
  }
  if (!port.empty()) {
    set_port_or_keep(out, "source.port", port);
  }
}

void set_auth(core::Event& out, std::string_view action, std::string_view outcome,
              std::string_view type) {
  out.set("event.category", "authentication");
  out.set("event.action", action);
  out.set("event.outcome", outcome);
  out.set("event.type", type);
}

void set_session(core::Event& out, std::string_view action, std::string_view type) {
  out.set("event.category", "session");
  out.set("event.action", action);
  out.set("event.type", type);
}

// "key=value" out of PAM's "logname= uid=0 euid=0 tty=ssh ruser= rhost=1.2.3.4  user=root".
auto pam_value(std::string_view msg, std::string_view key) -> std::string_view {
  std::size_t pos = 0;
  while ((pos = msg.find(key, pos)) != std::string_view::npos) {
    if (pos == 0 || msg[pos - 1] == ' ' || msg[pos - 1] == ';') {
      const std::size_t start = pos + key.size();
      std::size_t end = start;
      while (end < msg.size() && msg[end] != ' ') {
        ++end;
      }
      return msg.substr(start, end - start);
    }
    pos += key.size();
  }
  return {};
}

using re2cls::all_space;
using re2cls::digits_end;
using re2cls::is_space;
using re2cls::token_end;

constexpr std::string_view kFrom = " from ";
constexpr std::string_view kPort = " port ";

// "(\S+) for " at the start of `s` (an auth method): the rest after " for ", or npos.
auto after_method_for(std::string_view s, std::string_view& method) -> std::size_t {
  const auto e = token_end(s, 0);
  if (e == 0 || !s.substr(e).starts_with(" for ")) {
    return std::string_view::npos;
  }
  method = s.substr(0, e);
  return e + 5;
}

// "(\S+) port (\d+)" at `from` (not anchored at the end).
auto addr_port_at(std::string_view s, std::size_t from, std::string_view& addr,
                  std::string_view& port) -> bool {
  const auto e = token_end(s, from);
  if (e == from || !s.substr(e).starts_with(kPort)) {
    return false;
  }
  const auto d = e + kPort.size();
  const auto de = digits_end(s, d);
  if (de == d) {
    return false;
  }
  addr = s.substr(from, e - from);
  port = s.substr(d, de - d);
  return true;
}

// "(.*?) from (\S+) port (\d+)" at the start of `s` (not anchored at the end).
auto user_from_port(std::string_view s, std::string_view& user, std::string_view& addr,
                    std::string_view& port) -> bool {
  for (auto p = s.find(kFrom); p != std::string_view::npos; p = s.find(kFrom, p + 1)) {
    if (addr_port_at(s, p + kFrom.size(), addr, port)) {
      user = s.substr(0, p);
      return true;
    }
  }
  return false;
}

// "(\S+)(?: port (\d+))?" at `from`; false when the token is empty.
auto addr_opt_port(std::string_view s, std::size_t from, std::string_view& addr,
                   std::string_view& port) -> bool {
  const auto e = token_end(s, from);
  if (e == from) {
    return false;
  }
  addr = s.substr(from, e - from);
  if (s.substr(e).starts_with(kPort)) {
    const auto d = e + kPort.size();
    const auto de = digits_end(s, d);
    if (de > d) {
      port = s.substr(d, de - d);
    }
  }
  return true;
}

}  // namespace

namespace sshd_match {

auto failed(std::string_view msg) -> Captures {
  Captures c;
  if (!msg.starts_with("Failed ")) {
    return c;
  }
  const auto rest = msg.substr(7);
  const auto r = after_method_for(rest, c.a);
  if (r == std::string_view::npos) {
    return c;
  }
  const auto tail = rest.substr(r);
  constexpr std::string_view kInvalid = "invalid user ";
  if (tail.starts_with(kInvalid)
      && user_from_port(tail.substr(kInvalid.size()), c.c, c.d, c.e)) {
    c.b = tail.substr(0, kInvalid.size());
    c.ok = true;
    return c;
  }
  c.ok = user_from_port(tail, c.c, c.d, c.e);
  return c;
}

auto accepted(std::string_view msg) -> Captures {
  Captures c;
  if (!msg.starts_with("Accepted ")) {
    return c;
  }
  const auto rest = msg.substr(9);
  const auto r0 = after_method_for(rest, c.a);
  if (r0 == std::string_view::npos) {
    return c;
  }
  const auto r = rest.substr(r0);
  std::size_t tail = r.size();  // start of the trailing whitespace
  while (tail > 0 && is_space(r[tail - 1])) {
    --tail;
  }
  // The lazy user ends at the first " from " where the optional group completes the line;
  // failing that, before the trailing whitespace.
  for (auto p = r.find(kFrom); p != std::string_view::npos && p < tail;
       p = r.find(kFrom, p + 1)) {
    std::string_view addr;
    std::string_view port;
    if (!addr_port_at(r, p + kFrom.size(), addr, port)) {
      continue;
    }
    const auto q = r.substr(static_cast<std::size_t>(port.data() + port.size() - r.data()));
    std::string_view sig;
    bool done = false;
    if (q.starts_with(" ssh2")) {
      const auto q2 = q.substr(5);
      if (q2.starts_with(": ")) {
        sig = q2.substr(2);
        done = true;
      } else {
        done = all_space(q2);
      }
    } else {
      done = all_space(q);
    }
    if (done) {
      c.b = r.substr(0, p);
      c.c = addr;
      c.d = port;
      c.e = sig;
      c.ok = true;
      return c;
    }
  }
  c.b = r.substr(0, tail);
  c.ok = true;
  return c;
}

auto invalid_user(std::string_view msg) -> Captures {
  Captures c;
  constexpr std::string_view kPrefix = "Invalid user ";
  if (!msg.starts_with(kPrefix)) {
    return c;
  }
  const auto r = msg.substr(kPrefix.size());
  for (auto p = r.find(kFrom); p != std::string_view::npos; p = r.find(kFrom, p + 1)) {
    if (addr_opt_port(r, p + kFrom.size(), c.b, c.c)) {
      c.a = r.substr(0, p);
      c.ok = true;
      return c;
    }
  }
  return c;
}

auto connection(std::string_view msg) -> Captures {
  Captures c;
  if (!msg.starts_with("Connection ")) {
    return c;
  }
  auto r = msg.substr(11);
  if (r.starts_with("closed by ")) {
    c.a = r.substr(0, 6);
    r.remove_prefix(10);
  } else if (r.starts_with("reset by ")) {
    c.a = r.substr(0, 5);
    r.remove_prefix(9);
  } else {
    return c;
  }
  for (const std::string_view who : {"invalid", "authenticating"}) {
    if (!r.starts_with(who) || !r.substr(who.size()).starts_with(" user ")) {
      continue;
    }
    const auto u = who.size() + 6;
    // "(.*?) (\S+)": the first space after which a non-space follows.
    for (auto p = r.find(' ', u); p != std::string_view::npos; p = r.find(' ', p + 1)) {
      if (addr_opt_port(r, p + 1, c.d, c.e)) {
        c.b = r.substr(0, who.size());
        c.c = r.substr(u, p - u);
        c.ok = true;
        return c;
      }
    }
  }
  c.ok = addr_opt_port(r, 0, c.d, c.e);
  return c;
}

namespace {

// "PREFIX(?:(invalid|authenticating) user (.*?) |user (\S+) )?(\S+) port (\d+)".
auto disconnect_like(std::string_view msg, std::string_view prefix) -> Captures {
  Captures c;
  if (!msg.starts_with(prefix)) {
    return c;
  }
  const auto r = msg.substr(prefix.size());
  for (const std::string_view who : {"invalid", "authenticating"}) {
    if (!r.starts_with(who) || !r.substr(who.size()).starts_with(" user ")) {
      continue;
    }
    const auto u = who.size() + 6;
    for (auto p = r.find(' ', u); p != std::string_view::npos; p = r.find(' ', p + 1)) {
      if (addr_port_at(r, p + 1, c.d, c.e)) {
        c.a = r.substr(0, who.size());
        c.b = r.substr(u, p - u);
        c.ok = true;
        return c;
      }
    }
  }
  if (r.starts_with("user ")) {
    const auto e = token_end(r, 5);
    if (e > 5 && e < r.size() && r[e] == ' ' && addr_port_at(r, e + 1, c.d, c.e)) {
      c.c = r.substr(5, e - 5);
      c.ok = true;
      return c;
    }
  }
  c.ok = addr_port_at(r, 0, c.d, c.e);
  return c;
}

}  // namespace

auto disconnected(std::string_view msg) -> Captures {
  return disconnect_like(msg, "Disconnected from ");
}

auto disconnecting(std::string_view msg) -> Captures {
  return disconnect_like(msg, "Disconnecting ");
}

auto max_attempts(std::string_view msg) -> Captures {
  // Unanchored: the first occurrence of the literal where the rest matches.
  constexpr std::string_view kLiteral = "maximum authentication attempts exceeded for ";
  constexpr std::string_view kInvalid = "invalid user ";
  for (auto at = msg.find(kLiteral); at != std::string_view::npos;
       at = msg.find(kLiteral, at + 1)) {
    Captures c;
    const auto tail = msg.substr(at + kLiteral.size());
    if (tail.starts_with(kInvalid) && user_from_port(tail.substr(kInvalid.size()), c.b, c.c, c.d)) {
      c.a = tail.substr(0, kInvalid.size());
      c.ok = true;
      return c;
    }
    if (user_from_port(tail, c.b, c.c, c.d)) {
      c.ok = true;
      return c;
    }
  }
  return {};
}

}  // namespace sshd_match

SshdParser::SshdParser()
    : received_disconnect_(R"(^Received disconnect from (\S+)(?: port (\d+))?)", opts())
    , timeout_(R"(Timeout before authentication for (\S+)(?: port (\d+))?)", opts())
    , no_ident_(R"(^Did not receive identification string from (\S+)(?: port (\d+))?)", opts())
    , negotiate_(R"(^Unable to negotiate with (\S+) port (\d+))", opts())
    , subsystem_(R"(^subsystem request for (\S+) by user (\S+))", opts()) {}

auto SshdParser::ok() const -> bool {
  return received_disconnect_.ok() && timeout_.ok() && no_ident_.ok() && negotiate_.ok()
         && subsystem_.ok();
}

auto SshdParser::parse(std::string_view msg, core::Event& out) const -> bool {
  const StringPiece text(msg.data(), msg.size());
  StringPiece a;
  StringPiece b;
  StringPiece c;
  StringPiece d;
  StringPiece e;
  // Route by a literal first (cheap), then run one capture regex.
  switch (msg.empty() ? '\0' : msg.front()) {
    case 'F':
      if (const auto m = sshd_match::failed(msg); m.ok) {
        set_auth(out, "ssh_login", "failure", "start");
        out.set("openssh.auth.method", m.a);
        out.set("user.name", m.c);
        if (!m.b.empty()) {
          out.set_bool("openssh.invalid_user", true);
        }
        set_source(out, m.d, m.e);
        return true;
      }
      break;
    case 'A':
      if (const auto m = sshd_match::accepted(msg); m.ok) {
        set_auth(out, "ssh_login", "success", "start");
        out.set("openssh.auth.method", m.a);
        out.set("user.name", m.b);
        set_source(out, m.c, m.d);
        if (!m.e.empty()) {
          out.set("openssh.auth.signature", m.e);
        }
        return true;
      }
      break;
    case 'I':
      if (const auto m = sshd_match::invalid_user(msg); m.ok) {
        set_auth(out, "invalid_user", "failure", "info");
        out.set("user.name", m.a);
        set_source(out, m.b, m.c);
        return true;
      }
      break;
    case 'C':
      if (const auto m = sshd_match::connection(msg); m.ok) {
        set_session(out, m.a == "closed" ? "connection_closed" : "connection_reset", "end");
        if (!m.c.empty()) {
          out.set("user.name", m.c);
        }
        set_source(out, m.d, m.e);
        return true;
      }
      break;
    case 'D':
      if (msg.starts_with("Disconnected from ")) {
        if (const auto m = sshd_match::disconnected(msg); m.ok) {
          set_session(out, "disconnected", "end");
          if (!m.b.empty()) {
            out.set("user.name", m.b);
          } else if (!m.c.empty()) {
            out.set("user.name", m.c);
          }
          set_source(out, m.d, m.e);
          return true;
        }
      } else if (const auto m = sshd_match::disconnecting(msg); m.ok) {
        // sshd closing the connection itself, typically "Too many authentication failures".
        set_session(out, "disconnecting", "end");
        if (!m.b.empty()) {
          out.set("user.name", m.b);
        } else if (!m.c.empty()) {
          out.set("user.name", m.c);
        }
        set_source(out, m.d, m.e);
        return true;
      } else if (msg.starts_with("Did not receive identification string")
                 && RE2::PartialMatch(text, no_ident_, &a, &b)) {
        set_session(out, "no_identification", "end");
        out.set("event.outcome", "failure");
        set_source(out, view(a), view(b));
        return true;
      }
      break;
    case 'R':
      if (msg.starts_with("Received disconnect from ")
          && RE2::PartialMatch(text, received_disconnect_, &a, &b)) {
        set_session(out, "disconnect_received", "end");
        // Without " port N" the address is followed by ':' ("from 10.0.0.1: 11: bye").
        std::string_view addr = view(a);
        if (b.empty() && addr.ends_with(':')) {
          addr.remove_suffix(1);
        }
        set_source(out, addr, view(b));
        return true;
      }
      break;
    case 'U':
      if (msg.starts_with("Unable to negotiate with ")
          && RE2::PartialMatch(text, negotiate_, &a, &b)) {
        set_session(out, "negotiation_failed", "end");
        out.set("event.outcome", "failure");
        set_source(out, view(a), view(b));
        return true;
      }
      break;
    case 's':
      if (msg.starts_with("subsystem request for ")
          && RE2::PartialMatch(text, subsystem_, &a, &b)) {
        set_session(out, "subsystem_request", "info");
        out.set("openssh.subsystem", view(a));
        out.set("user.name", view(b));
        return true;
      }
      break;
    default:
      break;
  }
  if (msg.starts_with("pam_unix(sshd:auth): authentication failure;")
      || (msg.starts_with("PAM ")
          && msg.find("more authentication failure") != std::string_view::npos)) {
    set_auth(out, "pam_authentication_failure", "failure", "info");
    if (const auto user = pam_value(msg, "user="); !user.empty()) {
      out.set("user.name", user);
    }
    if (const auto rhost = pam_value(msg, "rhost="); !rhost.empty()) {
      set_source(out, rhost, {});
    }
    return true;
  }
  if (msg.starts_with("pam_unix(sshd:session): session ")) {
    const std::string_view rest = msg.substr(32);
    const bool opened = rest.starts_with("opened");
    if (opened || rest.starts_with("closed")) {
      set_session(out, opened ? "session_opened" : "session_closed", opened ? "start" : "end");
      constexpr std::string_view kFor = "for user ";
      if (const auto at = rest.find(kFor); at != std::string_view::npos) {
        std::size_t end = at + kFor.size();
        while (end < rest.size() && rest[end] != ' ' && rest[end] != '(') {
          ++end;
        }
        out.set("user.name", rest.substr(at + kFor.size(), end - at - kFor.size()));
      }
      return true;
    }
  }
  if (msg.starts_with("reverse mapping checking getaddrinfo for ")) {
    // "... for host.example [192.0.2.1] failed - POSSIBLE BREAK-IN ATTEMPT!"
    const auto open = msg.find('[');
    const auto close = msg.find(']', open == std::string_view::npos ? 0 : open);
    if (open != std::string_view::npos && close != std::string_view::npos) {
      out.set("event.category", "network");
      out.set("event.action", "reverse_mapping_failed");
      out.set("event.type", "info");
      set_source(out, msg.substr(open + 1, close - open - 1), {});
      return true;
    }
  }
  if (msg.starts_with("message repeated ")) {
    // rsyslog de-duplication: "message repeated 5 times: [ Failed password for ...]".
    const auto open = msg.find(": [ ");
    if (open != std::string_view::npos && msg.ends_with("]")) {
      std::string_view inner = msg.substr(open + 4);
      inner.remove_suffix(1);
      if (!inner.starts_with("message repeated ") && parse(inner, out)) {
        if (const auto n = parse_int(msg.substr(17, msg.find(' ', 17) - 17))) {
          out.set_int("openssh.repeated", *n);
        }
        return true;
      }
    }
  }
  // OpenSSH prefixes some messages with "error: " or "fatal: ".
  if (msg.starts_with("fatal: ") || msg.starts_with("error: ")) {
    const std::string_view rest = msg.substr(7);
    if (rest.starts_with("Received disconnect from ")) {
      return parse(rest, out);
    }
    const StringPiece rtext(rest.data(), rest.size());
    if (rest.starts_with("Timeout before authentication")
        && RE2::PartialMatch(rtext, timeout_, &a, &b)) {
      set_session(out, "authentication_timeout", "end");
      out.set("event.outcome", "failure");
      set_source(out, view(a), view(b));
      return true;
    }
    if (rest.starts_with("maximum authentication attempts exceeded")) {
      if (const auto m = sshd_match::max_attempts(rest); m.ok) {
        set_auth(out, "max_attempts_exceeded", "failure", "info");
        out.set("user.name", m.b);
        set_source(out, m.c, m.d);
        return true;
      }
    }
  }
  return false;
}

}  // namespace siem::parsers::detail
