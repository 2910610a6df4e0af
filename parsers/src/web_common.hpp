#pragma once

#include "format.hpp"
#include "siem/core/event.hpp"
#include "siem/core/time.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

// Helpers shared by the web family (web_*.cpp): Apache, Nginx and Squid logs. Internal to
// siem::parsers. All views point into the parsed line.
namespace siem::parsers::detail::web {

/// "10/Oct/2000:13:55:36 -0700" (Apache %t / nginx $time_local without brackets), to UTC.
auto parse_clf_time(std::string_view s) -> std::optional<core::TimeMs>;

/// Offset of the '[' that opens a valid CLF date ("[dd/Mon/yyyy:hh:mm:ss +zzzz]") among the
/// first `limit` bytes of `s`, or npos.
auto find_clf_date(std::string_view s, std::size_t limit) -> std::size_t;

/// A zone-less civil time to UTC using `tz_offset_minutes`; nullopt when out of range.
auto civil_to_utc(int year, unsigned month, unsigned day, int hour, int minute, int second,
                  int millis, int tz_offset_minutes) -> std::optional<core::TimeMs>;

/// Exactly `n` ASCII digits at `s[pos..]` as a number, or -1.
auto digits_at(std::string_view s, std::size_t pos, std::size_t n) -> int;

/// True for an IPv4 address in 10/8, 172.16/12, 192.168/16 or 127/8 (the ranges a proxy
/// chain names for internal hops).
auto is_private_ipv4(std::string_view ip) -> bool;

/// True when `s` is valid UTF-8 without ASCII control characters.
auto is_clean_utf8(std::string_view s) -> bool;

/// The authority of a URL, as views into it.
struct UrlHost {
  std::string_view host;  ///< url.domain, empty when the target has no authority
  int port = -1;          ///< url.port, -1 when absent or invalid
};

/// Splits a request target into url.* (original, scheme, domain, port, path, query,
/// fragment) and returns its host and port. The path is percent-decoded (into `buf`) when
/// the result is clean UTF-8. `connect` treats the target as CONNECT's "host:port".
auto set_url(core::Event& out, std::string_view target, bool connect, std::string& buf)
    -> UrlHost;

/// event.outcome from an HTTP status: >= 400 failure, else success; nothing for 0.
void set_http_status(core::Event& out, std::string_view status);

/// "host[:port]", "[v6]:port" or a bare IPv6 split into host and port (empty when absent).
void split_host_port(std::string_view s, std::string_view& host, std::string_view& port);

/// The first quoted field at s[pos] == '"': returns its content (backslash escapes kept
/// verbatim) and moves `pos` past the closing quote; nullopt when unterminated.
auto quoted_at(std::string_view s, std::size_t& pos) -> std::optional<std::string_view>;

/// A request line "METHOD target [HTTP/x.y]" split into its parts; false when the method is
/// not a token (binary junk, a TLS handshake sent to a plain-text port).
auto split_request(std::string_view req, std::string_view& method, std::string_view& target,
                   std::string_view& version) -> bool;

/// True for a DNS name made of letters, digits, '-', '_' and '.'.
auto is_hostname(std::string_view h) -> bool;

/// Lower-cases ASCII into `buf`.
auto lower(std::string_view s, std::string& buf) -> std::string_view;

auto make_apache_access() -> std::unique_ptr<FormatParser>;
auto make_nginx_access() -> std::unique_ptr<FormatParser>;
auto make_apache_error() -> std::unique_ptr<FormatParser>;
auto make_nginx_error() -> std::unique_ptr<FormatParser>;
auto make_squid_access() -> std::unique_ptr<FormatParser>;

}  // namespace siem::parsers::detail::web
