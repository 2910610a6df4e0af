#include "common.hpp"
#include "web_common.hpp"

namespace siem::parsers::detail::web {
namespace {

// Bytes before the date that detection and parsing look at: vhost + proxy chain + ident +
// user. Longer prefixes are not access logs in practice and would make detection scan far.
constexpr std::size_t kMaxPrefix = 2048;

enum class Flavor : std::uint8_t { apache, nginx };

// The pieces of one access-log line, as views into it.
struct AccessRecord {
  std::string_view host;        // vhost ("%v:%p", nginx $host) before the client, if any
  std::string_view addresses;   // client address or proxy chain ("a, b c")
  std::string_view ident;
  std::string_view user;
  std::string_view request;
  std::string_view status;
  std::string_view bytes;
  std::string_view referrer;
  std::string_view user_agent;
  std::string_view trailing;    // unquoted fields after the user agent
  std::string_view tls_protocol;
  std::string_view tls_cipher;
  core::TimeMs time = 0;
  bool has_request = false;
  bool has_referrer = false;
  bool has_user_agent = false;
  bool ssl_log = false;         // mod_ssl's "[date] client protocol cipher "request" bytes"
};

auto next_token(std::string_view s, std::size_t& pos) -> std::string_view {
  while (pos < s.size() && s[pos] == ' ') {
    ++pos;
  }
  const std::size_t start = pos;
  while (pos < s.size() && s[pos] != ' ') {
    ++pos;
  }
  return s.substr(start, pos - start);
}

void skip_spaces(std::string_view s, std::size_t& pos) {
  while (pos < s.size() && s[pos] == ' ') {
    ++pos;
  }
}

// The quoted fields after the date: optional extra quoted fields, the request (the last one
// before the status), status, bytes, unquoted extras, referrer, user agent, trailing fields.
auto parse_tail(std::string_view p, std::size_t pos, AccessRecord& r) -> std::string_view {
  skip_spaces(p, pos);
  while (pos < p.size() && p[pos] == '"') {
    const auto q = quoted_at(p, pos);
    if (!q) {
      return "unterminated quoted request";
    }
    r.request = *q;
    r.has_request = true;
    skip_spaces(p, pos);
  }
  if (!r.has_request) {
    return "no quoted request after the date";
  }
  r.status = next_token(p, pos);
  r.bytes = next_token(p, pos);
  skip_spaces(p, pos);
  // Extra unquoted fields (%D, %k, ...) before the referrer.
  while (pos < p.size() && p[pos] != '"') {
    next_token(p, pos);
    skip_spaces(p, pos);
  }
  if (pos < p.size()) {
    if (const auto ref = quoted_at(p, pos)) {
      r.referrer = *ref;
      r.has_referrer = true;
      skip_spaces(p, pos);
      if (pos < p.size() && p[pos] == '"') {
        if (const auto ua = quoted_at(p, pos)) {
          r.user_agent = *ua;
          r.has_user_agent = true;
        }
      }
    }
  }
  if (pos < p.size()) {
    r.trailing = trim(p.substr(pos));
  }
  return {};
}

auto parse_record(std::string_view p, AccessRecord& r) -> std::string_view {
  const std::size_t date = find_clf_date(p, kMaxPrefix);
  if (date == std::string_view::npos) {
    return "no [dd/Mon/yyyy:hh:mm:ss zone] date";
  }
  r.time = *parse_clf_time(p.substr(date + 1, 26));
  const std::size_t after = date + 28;
  if (date == 0) {
    std::size_t pos = after;
    r.ssl_log = true;
    r.addresses = next_token(p, pos);
    r.tls_protocol = next_token(p, pos);
    r.tls_cipher = next_token(p, pos);
    skip_spaces(p, pos);
    if (r.addresses.empty() || pos >= p.size() || p[pos] != '"') {
      return "not an access log line";
    }
    const auto q = quoted_at(p, pos);
    if (!q) {
      return "unterminated quoted request";
    }
    r.request = *q;
    r.has_request = true;
    r.bytes = next_token(p, pos);
    return {};
  }
  if (p[date - 1] != ' ') {
    return "no space before the date";
  }
  std::string_view prefix = trim(p.substr(0, date));
  auto sp = prefix.rfind(' ');
  if (sp == std::string_view::npos) {
    return "missing ident and user before the date";
  }
  r.user = prefix.substr(sp + 1);
  prefix = trim(prefix.substr(0, sp));
  sp = prefix.rfind(' ');
  if (sp == std::string_view::npos) {
    return "missing client address before the date";
  }
  r.ident = prefix.substr(sp + 1);
  std::string_view addr = trim(prefix.substr(0, sp));
  if (addr.empty()) {
    return "missing client address before the date";
  }
  // "vhost client ..." (Apache vhost_combined, nginx "$host $remote_addr"): a first token
  // that does not end a list item ("a, b") and is not quoted is the virtual host.
  if (const auto first_sp = addr.find(' ');
      first_sp != std::string_view::npos && addr.front() != '"' && addr[first_sp - 1] != ',') {
    r.host = addr.substr(0, first_sp);
    addr = ltrim(addr.substr(first_sp + 1));
  }
  r.addresses = addr;
  return parse_tail(p, after, r);
}

// An nginx-only trait: a proxy chain before the date, or fields after the user agent
// ($request_time, $upstream_*), which Apache's predefined formats do not have.
auto has_nginx_marker(std::string_view p, std::size_t date) -> bool {
  const std::string_view prefix = p.substr(0, date);
  if (prefix.find(',') != std::string_view::npos || prefix.find('"') != std::string_view::npos) {
    return true;
  }
  std::size_t quotes = 0;
  for (std::size_t i = date; i < p.size(); ++i) {
    quotes += p[i] == '"' ? 1 : 0;
  }
  const std::string_view t = trim(p);
  return quotes >= 6 && !t.empty() && t.back() != '"';
}

/// Parses web server access logs in the NCSA common/combined shapes: Apache's common,
/// combined and vhost_combined formats and mod_ssl's ssl_request_log (`apache/access`), and
/// nginx's combined format with a proxy chain or upstream fields (`nginx/access`).
class AccessLogParser final : public FormatParser {
public:
  explicit AccessLogParser(Flavor flavor) : flavor_(flavor) {
    if (flavor_ == Flavor::apache) {
      info_ = {"apache/access",
               "Apache httpd access log: common, combined, vhost_combined, ssl_request_log "
               "(also in a syslog envelope); NCSA lines without nginx-only fields",
               "[dd/Mon/yyyy:hh:mm:ss +zzzz] after 'client ident user' followed by a quoted "
               "request, or at the start of the line (ssl_request_log)",
               "stable",
               "192.168.33.1 - - [26/Dec/2016:16:22:13 +0000] \"GET /hello HTTP/1.1\" 404 499 "
               "\"-\" \"Mozilla/5.0\""};
    } else {
      info_ = {"nginx/access",
               "nginx access log: combined with an X-Forwarded-For chain, $host prefix or "
               "upstream/timing fields after the user agent",
               "NCSA access shape plus a proxy chain before the date or unquoted fields after "
               "the user agent",
               "stable",
               "10.0.0.2, 89.160.20.1 - - [07/Dec/2016:11:05:07 +0100] \"GET /ocelot "
               "HTTP/1.1\" 200 571 \"-\" \"Mozilla/5.0\" 0.003 0.002 ."};
    }
  }

  [[nodiscard]] auto info() const -> const FormatInfo& override { return info_; }

  [[nodiscard]] auto detect(const Input& in) const -> bool override {
    const std::string_view p = in.payload;
    const std::size_t date = find_clf_date(p, kMaxPrefix);
    if (date == std::string_view::npos) {
      return false;
    }
    if (date == 0) {
      return flavor_ == Flavor::apache;  // mod_ssl's ssl_request_log
    }
    if (p[date - 1] != ' ' || p.size() < date + 30 || p[date + 28] != ' '
        || p[date + 29] != '"') {
      return false;
    }
    return flavor_ == Flavor::apache || has_nginx_marker(p, date);
  }

  auto parse(const Input& in, const ParseContext& /*ctx*/, core::Event& out)
      -> std::string_view override {
    AccessRecord r;
    if (const auto reason = parse_record(in.payload, r); !reason.empty()) {
      return reason;
    }
    const bool nginx = flavor_ == Flavor::nginx;
    if (in.has_envelope) {
      apply_syslog(in.header, out, false);
    }
    out.timestamp = r.time;
    out.set("event.kind", "event");
    out.set("event.category", "web");
    out.set("event.type", "access");
    out.set("event.module", nginx ? "nginx" : "apache");
    out.set("event.dataset", nginx ? "nginx.access" : "apache.access");
    if (nginx) {
      out.set("observer.vendor", "F5");
      out.set("observer.product", "nginx");
    }
    set_addresses(r, out);
    if (!r.ident.empty() && r.ident != "-") {
      key_.assign(nginx ? "nginx" : "apache");
      key_.append(".access.identity");
      out.set(key_, r.ident);
    }
    if (!r.user.empty() && r.user != "-") {
      out.set("user.name", r.user);
    }
    set_request(r.request, out);
    set_http_status(out, r.status);
    if (const auto b = parse_int(r.bytes); b && *b >= 0) {
      out.set_int("http.response.body.bytes", *b);
    } else {
      keep_invalid(out, "http.response.body.bytes", r.bytes);
    }
    if (r.has_referrer && !r.referrer.empty() && r.referrer != "-") {
      out.set("http.request.referrer", r.referrer);
    }
    if (r.has_user_agent && !r.user_agent.empty() && r.user_agent != "-") {
      out.set("user_agent.original", r.user_agent);
    }
    if (r.ssl_log) {
      set_tls(r, out);
    }
    return {};
  }

private:
  void set_addresses(const AccessRecord& r, core::Event& out) {
    if (!r.host.empty() && r.host != "-") {
      std::string_view host;
      std::string_view port;
      split_host_port(r.host, host, port);
      if (!set_ip(out, "destination.ip", host) && is_hostname(host)) {
        out.set("destination.domain", host);
      }
      set_port_or_keep(out, "destination.port", port);
    }
    // A proxy chain ("client, proxy1 remote_addr", possibly quoted): the client is the first
    // public address, else the first one (the convention of Elastic's nginx pipeline).
    std::string_view client;
    std::string_view first;
    std::size_t count = 0;
    std::size_t i = 0;
    const std::string_view a = r.addresses;
    while (i < a.size()) {
      while (i < a.size() && (a[i] == ' ' || a[i] == ',' || a[i] == '"')) {
        ++i;
      }
      const std::size_t start = i;
      while (i < a.size() && a[i] != ' ' && a[i] != ',' && a[i] != '"') {
        ++i;
      }
      if (i == start) {
        break;
      }
      const std::string_view item = a.substr(start, i - start);
      ++count;
      if (first.empty()) {
        first = item;
      }
      if (client.empty() && is_ip(item) && !is_private_ipv4(item) && item != "::1") {
        client = item;
      }
    }
    if (client.empty()) {
      client = first;
    }
    if (count > 1) {
      key_.assign(flavor_ == Flavor::nginx ? "nginx" : "apache");
      key_.append(".access.remote_ip_list");
      out.set(key_, a);
    }
    if (client.empty() || client == "-") {
      return;
    }
    out.set("source.address", client);
    if (!set_ip(out, "source.ip", client) && is_hostname(client)) {
      out.set("source.domain", client);
    }
  }

  void set_request(std::string_view req, core::Event& out) {
    if (req.empty() || req == "-") {
      return;
    }
    std::string_view method;
    std::string_view target;
    std::string_view version;
    if (!split_request(req, method, target, version)) {
      // Not "METHOD target [version]" (a TLS handshake sent to a plain port, a scanner):
      // kept, but in no request field.
      key_.assign(flavor_ == Flavor::nginx ? "nginx" : "apache");
      key_.append(".access.invalid_request");
      out.set(key_, req);
      return;
    }
    out.set("http.request.method", method);
    if (!version.empty()) {
      out.set("http.version", version);
    }
    set_url(out, target, method == "CONNECT", buf_);
  }

  static void set_tls(const AccessRecord& r, core::Event& out) {
    const std::string_view proto = r.tls_protocol;
    if (proto.starts_with("TLSv") && proto.size() > 4) {
      out.set("tls.version_protocol", "tls");
      out.set("tls.version", proto.substr(4));
    } else if (proto.starts_with("SSLv") && proto.size() > 4) {
      out.set("tls.version_protocol", "ssl");
      out.set("tls.version", proto.substr(4));
    }
    if (!r.tls_cipher.empty() && r.tls_cipher != "-") {
      out.set("tls.cipher", r.tls_cipher);
    }
  }

  Flavor flavor_;
  FormatInfo info_;
  std::string key_;  // scratch for vendor field names
  std::string buf_;  // scratch for the decoded url.path
};

}  // namespace

auto make_apache_access() -> std::unique_ptr<FormatParser> {
  return std::make_unique<AccessLogParser>(Flavor::apache);
}

auto make_nginx_access() -> std::unique_ptr<FormatParser> {
  return std::make_unique<AccessLogParser>(Flavor::nginx);
}

}  // namespace siem::parsers::detail::web
