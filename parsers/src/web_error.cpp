#include "common.hpp"
#include "web_common.hpp"

#include <array>

namespace siem::parsers::detail::web {
namespace {

// Levels at or above which a message is an error (error.message is set).
auto is_error_level(std::string_view level) -> bool {
  return level == "error" || level == "crit" || level == "alert" || level == "emerg";
}

auto is_known_level(std::string_view level) -> bool {
  static constexpr std::array<std::string_view, 8> kLevels = {
      "emerg", "alert", "crit", "error", "warn", "notice", "info", "debug"};
  for (const auto l : kLevels) {
    if (level == l) {
      return true;
    }
  }
  // Apache 2.4's trace1 .. trace8.
  return level.size() == 6 && level.starts_with("trace") && level[5] >= '1' && level[5] <= '8';
}

void set_level(core::Event& out, std::string_view level) {
  out.set("log.level", level);
  out.set("event.kind", "event");
  out.set("event.category", "web");
  out.set("event.type", is_error_level(level) ? "error" : "info");
}

// "ip", "ip:port", "[v6]:port" -> source.address/ip/port; anything that is neither an
// address nor a host name stays under `fallback_key`.
void set_client(core::Event& out, std::string_view client, std::string_view fallback_key) {
  std::string_view host;
  std::string_view port;
  split_host_port(client, host, port);
  if (host.empty() || host == "-") {
    return;
  }
  if (!is_ip(host) && !is_hostname(host)) {
    out.set(fallback_key, client);
    return;
  }
  out.set("source.address", host);
  if (!set_ip(out, "source.ip", host) && is_hostname(host)) {
    out.set("source.domain", host);
  }
  set_port_or_keep(out, "source.port", port);
}

// Apache's "Www Mmm dd hh:mm:ss[.uuuuuu] yyyy" (local time of the server).
auto parse_apache_time(std::string_view s, int tz) -> std::optional<core::TimeMs> {
  if (s.size() < 24 || s[3] != ' ' || s[7] != ' ' || s[10] != ' ' || s[13] != ':'
      || s[16] != ':') {
    return std::nullopt;
  }
  const unsigned month = core::month_from_abbrev(s.substr(4, 3));
  const int day = s[8] == ' ' ? digits_at(s, 9, 1) : digits_at(s, 8, 2);
  const int hour = digits_at(s, 11, 2);
  const int minute = digits_at(s, 14, 2);
  const int second = digits_at(s, 17, 2);
  std::size_t pos = 19;
  int millis = 0;
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    const std::size_t start = pos;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
      ++pos;
    }
    const std::size_t n = pos - start;
    if (n == 0 || n > 9) {
      return std::nullopt;
    }
    millis = n >= 3 ? digits_at(s, start, 3) : digits_at(s, start, n) * (n == 1 ? 100 : 10);
  }
  if (pos + 5 != s.size() || s[pos] != ' ') {
    return std::nullopt;
  }
  const int year = digits_at(s, pos + 1, 4);
  if (month == 0 || day < 0 || year < 0) {
    return std::nullopt;
  }
  return civil_to_utc(year, month, static_cast<unsigned>(day), hour, minute, second, millis, tz);
}

/// Parses Apache httpd error logs: 2.2 (`[time] [level] [client ip] message`) and 2.4
/// (`[time] [module:level] [pid N:tid M] file.c(n): [client ip:port] AHnnnnn: message`),
/// with an optional trailing `, referer: URL`.
class ApacheErrorParser final : public FormatParser {
public:
  ApacheErrorParser()
      : info_{"apache/error",
              "Apache httpd error log, 2.2 and 2.4 styles: level, module, pid/tid, client, AH "
              "code, referer",
              "'[Www Mmm dd hh:mm:ss[.usec] yyyy] [' at the start of the payload",
              "stable",
              "[Thu Jun 27 06:58:09.169510 2019] [include:warn] [pid 15934] [client "
              "89.160.20.156:12345] AH01374: mod_include: Options +Includes wasn't set"} {}

  [[nodiscard]] auto info() const -> const FormatInfo& override { return info_; }

  [[nodiscard]] auto detect(const Input& in) const -> bool override {
    const std::string_view p = in.payload;
    return p.size() > 30 && p[0] == '[' && p[4] == ' ' && p[8] == ' '
           && core::month_from_abbrev(p.substr(5, 3)) != 0 && p.find("] [", 24) < 40;
  }

  auto parse(const Input& in, const ParseContext& ctx, core::Event& out)
      -> std::string_view override {
    const std::string_view p = in.payload;
    if (p.empty() || p[0] != '[') {
      return "no [time] at the start";
    }
    const auto close = p.find(']');
    if (close == std::string_view::npos) {
      return "unterminated [time]";
    }
    const auto ts = parse_apache_time(p.substr(1, close - 1), ctx.tz_offset_minutes);
    if (!ts) {
      return "invalid Apache error log time";
    }
    std::size_t pos = close + 1;
    if (p.size() < pos + 3 || p[pos] != ' ' || p[pos + 1] != '[') {
      return "no [level] after the time";
    }
    const auto level_end = p.find(']', pos + 2);
    if (level_end == std::string_view::npos) {
      return "unterminated [level]";
    }
    const std::string_view level_field = p.substr(pos + 2, level_end - pos - 2);
    std::string_view module;
    std::string_view level = level_field;
    if (const auto colon = level_field.find(':'); colon != std::string_view::npos) {
      module = level_field.substr(0, colon);
      level = level_field.substr(colon + 1);
    }
    if (!is_known_level(level)) {
      return "unknown Apache log level";
    }
    if (in.has_envelope) {
      apply_syslog(in.header, out, false);
    }
    out.timestamp = *ts;
    set_level(out, level);
    out.set("event.module", "apache");
    out.set("event.dataset", "apache.error");
    out.set("observer.vendor", "Apache");
    out.set("observer.product", "httpd");
    if (!module.empty()) {
      out.set("apache.error.module", module);
    }
    pos = level_end + 1;
    parse_fields(p, pos, out);
    set_message(trim(p.substr(pos < p.size() ? pos : p.size())), level, out);
    return {};
  }

private:
  // The bracketed fields and the source location between the level and the message.
  static void parse_fields(std::string_view p, std::size_t& pos, core::Event& out) {
    while (true) {
      std::size_t q = pos;
      while (q < p.size() && p[q] == ' ') {
        ++q;
      }
      if (q >= p.size()) {
        pos = q;
        return;
      }
      if (p[q] == '[') {
        const auto end = p.find(']', q);
        if (end == std::string_view::npos) {
          return;
        }
        const std::string_view f = p.substr(q + 1, end - q - 1);
        if (f.starts_with("pid ")) {
          set_pid(f.substr(4), out);
        } else if (f.starts_with("client ")) {
          set_client(out, f.substr(7), "apache.error.client");
        } else if (f.starts_with("remote ")) {
          // The TCP peer (a proxy when mod_remoteip rewrote the client).
          out.set("apache.error.remote_address", f.substr(7));
        } else {
          return;  // part of the message
        }
        pos = end + 1;
        continue;
      }
      // "mod_rewrite.c(470): " (LogLevel debug and above).
      const auto paren = p.find('(', q);
      const auto close = p.find("): ", q);
      if (paren == std::string_view::npos || close == std::string_view::npos || paren > close
          || p.substr(q, paren - q).find(' ') != std::string_view::npos) {
        return;
      }
      const auto line = parse_int(p.substr(paren + 1, close - paren - 1));
      if (!line) {
        return;
      }
      out.set("log.origin.file.name", p.substr(q, paren - q));
      out.set_int("log.origin.file.line", *line);
      pos = close + 2;
    }
  }

  static void set_pid(std::string_view f, core::Event& out) {
    const auto colon = f.find(':');
    if (const auto pid = parse_int(f.substr(0, colon)); pid && *pid >= 0) {
      out.set_int("process.pid", *pid);
    } else {
      keep_invalid(out, "process.pid", f.substr(0, colon));
    }
    if (colon != std::string_view::npos && f.substr(colon + 1).starts_with("tid ")) {
      if (const auto tid = parse_int(f.substr(colon + 5)); tid && *tid >= 0) {
        out.set_int("process.thread.id", *tid);
      } else {
        keep_invalid(out, "process.thread.id", f.substr(colon + 5));
      }
    }
  }

  static void set_message(std::string_view msg, std::string_view level, core::Event& out) {
    if (msg.size() > 8 && msg.starts_with("AH") && digits_at(msg, 2, 5) >= 0 && msg[7] == ':') {
      out.set("error.code", msg.substr(0, 7));
      msg = ltrim(msg.substr(8));
    }
    if (const auto ref = msg.rfind(", referer: "); ref != std::string_view::npos) {
      const std::string_view url = trim(msg.substr(ref + 11));
      if (!url.empty() && url.find(' ') == std::string_view::npos) {
        out.set("http.request.referrer", url);
        msg = msg.substr(0, ref);
      }
    }
    if (msg.empty()) {
      return;
    }
    out.set("message", msg);
    if (is_error_level(level)) {
      out.set("error.message", msg);
    }
  }

  FormatInfo info_;
};

/// Parses nginx error logs: `yyyy/mm/dd hh:mm:ss [level] pid#tid: *cid message, client: ip,
/// server: name, request: "...", upstream: "...", host: "...", referrer: "..."`.
class NginxErrorParser final : public FormatParser {
public:
  NginxErrorParser()
      : info_{"nginx/error",
              "nginx error log: level, pid#tid, connection id, message and the client, "
              "server, request, upstream, host and referrer context",
              "'yyyy/mm/dd hh:mm:ss [' at the start of the payload",
              "stable",
              "2016/10/25 14:49:34 [error] 54053#0: *1 open() \"/html/favicon.ico\" failed (2: "
              "No such file or directory), client: 127.0.0.1, server: localhost, request: "
              "\"GET /favicon.ico HTTP/1.1\", host: \"localhost:8080\""} {}

  [[nodiscard]] auto info() const -> const FormatInfo& override { return info_; }

  [[nodiscard]] auto detect(const Input& in) const -> bool override {
    const std::string_view p = in.payload;
    return p.size() > 22 && p[4] == '/' && p[7] == '/' && p[10] == ' ' && p[13] == ':'
           && p[16] == ':' && p[19] == ' ' && p[20] == '[' && digits_at(p, 0, 4) >= 0;
  }

  auto parse(const Input& in, const ParseContext& ctx, core::Event& out)
      -> std::string_view override {
    const std::string_view p = in.payload;
    if (p.size() < 22 || p[4] != '/' || p[7] != '/' || p[10] != ' ' || p[13] != ':'
        || p[16] != ':' || p[19] != ' ' || p[20] != '[') {
      return "no 'yyyy/mm/dd hh:mm:ss [' at the start";
    }
    const int year = digits_at(p, 0, 4);
    const int month = digits_at(p, 5, 2);
    const int day = digits_at(p, 8, 2);
    const int hour = digits_at(p, 11, 2);
    const int minute = digits_at(p, 14, 2);
    const int second = digits_at(p, 17, 2);
    if (year < 0 || month < 0 || day < 0) {
      return "invalid nginx error log time";
    }
    const auto ts = civil_to_utc(year, static_cast<unsigned>(month), static_cast<unsigned>(day),
                                 hour, minute, second, 0, ctx.tz_offset_minutes);
    if (!ts) {
      return "invalid nginx error log time";
    }
    const auto level_end = p.find(']', 21);
    if (level_end == std::string_view::npos) {
      return "unterminated [level]";
    }
    const std::string_view level = p.substr(21, level_end - 21);
    if (!is_known_level(level)) {
      return "unknown nginx log level";
    }
    if (in.has_envelope) {
      apply_syslog(in.header, out, false);
    }
    out.timestamp = *ts;
    set_level(out, level);
    out.set("event.module", "nginx");
    out.set("event.dataset", "nginx.error");
    out.set("observer.vendor", "F5");
    out.set("observer.product", "nginx");
    std::string_view rest = p.substr(level_end + 1);
    rest = ltrim(rest);
    // "pid#tid: "
    if (const auto colon = rest.find(": "); colon != std::string_view::npos) {
      const std::string_view ids = rest.substr(0, colon);
      const auto hash = ids.find('#');
      const auto pid = parse_int(ids.substr(0, hash));
      if (pid && hash != std::string_view::npos) {
        out.set_int("process.pid", *pid);
        if (const auto tid = parse_int(ids.substr(hash + 1))) {
          out.set_int("process.thread.id", *tid);
        }
        rest = rest.substr(colon + 2);
      }
    }
    // "*cid " connection number
    if (rest.size() > 1 && rest[0] == '*') {
      const auto sp = rest.find(' ');
      if (const auto cid = parse_int(rest.substr(1, sp == std::string_view::npos ? sp : sp - 1))) {
        out.set_int("nginx.error.connection_id", *cid);
        rest = sp == std::string_view::npos ? std::string_view{} : rest.substr(sp + 1);
      }
    }
    std::string_view msg = rest;
    if (const auto c = rest.find(", client: "); c != std::string_view::npos) {
      msg = rest.substr(0, c);
      parse_context(rest.substr(c + 2), out);
    }
    msg = trim(msg);
    if (!msg.empty()) {
      out.set("message", msg);
      if (is_error_level(level)) {
        out.set("error.message", msg);
      }
    }
    return {};
  }

private:
  // "client: ip, server: name, request: "GET / HTTP/1.1", host: "h", ..."
  void parse_context(std::string_view s, core::Event& out) {
    std::size_t pos = 0;
    while (pos < s.size()) {
      const auto colon = s.find(": ", pos);
      if (colon == std::string_view::npos) {
        return;
      }
      const std::string_view key = s.substr(pos, colon - pos);
      std::size_t v = colon + 2;
      std::string_view value;
      if (v < s.size() && s[v] == '"') {
        const auto q = quoted_at(s, v);
        if (!q) {
          return;
        }
        value = *q;
        pos = v;
      } else {
        const auto end = s.find(", ", v);
        value = s.substr(v, end == std::string_view::npos ? s.size() - v : end - v);
        pos = end == std::string_view::npos ? s.size() : end;
      }
      if (s.substr(pos).starts_with(", ")) {
        pos += 2;
      } else if (pos < s.size()) {
        return;  // not the "key: value, " shape any more
      }
      set_context(key, value, out);
    }
  }

  void set_context(std::string_view key, std::string_view value, core::Event& out) {
    if (value.empty() || value == "-") {
      return;
    }
    if (key == "client") {
      set_client(out, value, "nginx.error.client");
    } else if (key == "request") {
      std::string_view method;
      std::string_view target;
      std::string_view version;
      if (split_request(value, method, target, version)) {
        out.set("http.request.method", method);
        if (!version.empty()) {
          out.set("http.version", version);
        }
        set_url(out, target, method == "CONNECT", buf_);
      } else {
        out.set("nginx.error.request", value);
      }
    } else if (key == "host") {
      std::string_view host;
      std::string_view port;
      split_host_port(value, host, port);
      if (is_hostname(host) || is_ip(host)) {
        out.set("url.domain", host);
        if (const auto p = parse_port(port)) {
          out.set_int("url.port", *p);
        }
      } else {
        out.set("nginx.error.host", value);
      }
    } else if (key == "referrer") {
      out.set("http.request.referrer", value);
    } else {
      key_.assign("nginx.error.");
      append_key_segment(key_, key);
      out.set(key_, value);
    }
  }

  FormatInfo info_;
  std::string key_;
  std::string buf_;
};

}  // namespace

auto make_apache_error() -> std::unique_ptr<FormatParser> {
  return std::make_unique<ApacheErrorParser>();
}

auto make_nginx_error() -> std::unique_ptr<FormatParser> {
  return std::make_unique<NginxErrorParser>();
}

}  // namespace siem::parsers::detail::web
