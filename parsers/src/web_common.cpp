#include "web_common.hpp"

#include "siem/core/ids.hpp"

#include "common.hpp"

#include <array>
#include <cstring>

namespace siem::parsers::detail::web {
namespace {

constexpr core::TimeMs kDayMs = 86'400'000;

// Percent-decodes `s` into `buf`; false when nothing was decoded.
auto percent_decode(std::string_view s, std::string& buf) -> bool {
  if (s.find('%') == std::string_view::npos) {
    return false;
  }
  buf.clear();
  bool changed = false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size()) {
      const int hi = core::hex_digit(s[i + 1]);
      const int lo = core::hex_digit(s[i + 2]);
      if (hi >= 0 && lo >= 0) {
        buf.push_back(static_cast<char>(hi * 16 + lo));
        i += 2;
        changed = true;
        continue;
      }
    }
    buf.push_back(s[i]);
  }
  return changed;
}

}  // namespace

auto digits_at(std::string_view s, std::size_t pos, std::size_t n) -> int {
  if (pos > s.size() || s.size() - pos < n) {
    return -1;
  }
  int v = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const char c = s[pos + i];
    if (c < '0' || c > '9') {
      return -1;
    }
    v = v * 10 + (c - '0');
  }
  return v;
}

auto civil_to_utc(int year, unsigned month, unsigned day, int hour, int minute, int second,
                  int millis, int tz_offset_minutes) -> std::optional<core::TimeMs> {
  if (year < 1970 || year > 9999 || month < 1 || month > 12 || day < 1 || day > 31 || hour < 0
      || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 60 || millis < 0
      || millis > 999) {
    return std::nullopt;
  }
  static constexpr std::array<unsigned, 12> kDays = {31, 29, 31, 30, 31, 30,
                                                     31, 31, 30, 31, 30, 31};
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  if (day > kDays[month - 1] || (month == 2 && day == 29 && !leap)) {
    return std::nullopt;
  }
  const core::TimeMs local = core::days_from_civil(year, month, day) * kDayMs
                             + (hour * 3600LL + minute * 60LL + second) * 1000LL + millis;
  return local - static_cast<core::TimeMs>(tz_offset_minutes) * 60'000;
}

auto parse_clf_time(std::string_view s) -> std::optional<core::TimeMs> {
  // dd/Mon/yyyy:hh:mm:ss +zzzz
  if (s.size() < 26 || s[2] != '/' || s[6] != '/' || s[11] != ':' || s[14] != ':'
      || s[17] != ':' || s[20] != ' ' || (s[21] != '+' && s[21] != '-')) {
    return std::nullopt;
  }
  const int day = digits_at(s, 0, 2);
  const unsigned month = core::month_from_abbrev(s.substr(3, 3));
  const int year = digits_at(s, 7, 4);
  const int hour = digits_at(s, 12, 2);
  const int minute = digits_at(s, 15, 2);
  const int second = digits_at(s, 18, 2);
  const int zh = digits_at(s, 22, 2);
  const int zm = digits_at(s, 24, 2);
  if (day < 0 || month == 0 || year < 0 || zh < 0 || zh > 14 || zm < 0 || zm > 59) {
    return std::nullopt;
  }
  const int offset = (s[21] == '-' ? -1 : 1) * (zh * 60 + zm);
  return civil_to_utc(year, month, static_cast<unsigned>(day), hour, minute, second, 0, offset);
}

auto find_clf_date(std::string_view s, std::size_t limit) -> std::size_t {
  const std::size_t end = s.size() < limit ? s.size() : limit;
  for (std::size_t i = 0; i < end; ++i) {
    if (s[i] != '[') {
      continue;
    }
    if (s.size() - i >= 28 && s[i + 27] == ']' && parse_clf_time(s.substr(i + 1, 26))) {
      return i;
    }
  }
  return std::string_view::npos;
}

auto is_private_ipv4(std::string_view ip) -> bool {
  const auto dot = ip.find('.');
  if (dot == std::string_view::npos || ip.find(':') != std::string_view::npos) {
    return false;
  }
  const auto first = parse_int(ip.substr(0, dot));
  const auto dot2 = ip.find('.', dot + 1);
  if (!first || dot2 == std::string_view::npos) {
    return false;
  }
  const auto second = parse_int(ip.substr(dot + 1, dot2 - dot - 1));
  if (!second) {
    return false;
  }
  return *first == 10 || *first == 127 || (*first == 192 && *second == 168)
         || (*first == 172 && *second >= 16 && *second <= 31);
}

auto is_clean_utf8(std::string_view s) -> bool {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      if (c < 0x20 || c == 0x7f) {
        return false;
      }
      ++i;
      continue;
    }
    std::size_t n = 0;
    std::uint32_t cp = 0;
    if ((c & 0xE0) == 0xC0) {
      n = 1;
      cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      n = 2;
      cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      n = 3;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (s.size() - i <= n) {
      return false;
    }
    for (std::size_t k = 1; k <= n; ++k) {
      const auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) {
        return false;
      }
      cp = (cp << 6) | (cc & 0x3F);
    }
    // Overlong forms, surrogates and values above U+10FFFF are invalid.
    if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000)
        || (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF) {
      return false;
    }
    i += n + 1;
  }
  return true;
}

auto split_request(std::string_view req, std::string_view& method, std::string_view& target,
                   std::string_view& version) -> bool {
  const auto sp = req.find(' ');
  if (sp == std::string_view::npos || sp == 0 || sp > 32) {
    return false;
  }
  method = req.substr(0, sp);
  for (const char c : method) {
    if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '-' || c == '_')) {
      return false;
    }
  }
  target = trim(req.substr(sp + 1));
  version = {};
  if (const auto last = target.rfind(' '); last != std::string_view::npos) {
    const std::string_view v = target.substr(last + 1);
    if (!v.starts_with("HTTP/") || v.size() <= 5) {
      return false;  // "A B C" without a protocol version is not a request line
    }
    version = v.substr(5);
    target = trim(target.substr(0, last));
  }
  return !target.empty();
}

auto is_hostname(std::string_view h) -> bool {
  if (h.empty() || h.size() > 253) {
    return false;
  }
  bool letter = false;
  for (const char c : h) {
    const bool alpha = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
    letter = letter || alpha;
    if (!(alpha || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_')) {
      return false;
    }
  }
  return letter;  // "999.1.1.1" is a broken address, not a name
}

auto lower(std::string_view s, std::string& buf) -> std::string_view {
  return to_lower(s, buf);
}

void split_host_port(std::string_view s, std::string_view& host, std::string_view& port) {
  host = s;
  port = {};
  if (!s.empty() && s.front() == '[') {
    const auto close = s.find(']');
    if (close == std::string_view::npos) {
      return;
    }
    host = s.substr(1, close - 1);
    if (close + 1 < s.size() && s[close + 1] == ':') {
      port = s.substr(close + 2);
    }
    return;
  }
  const auto colon = s.rfind(':');
  if (colon == std::string_view::npos) {
    return;
  }
  if (s.find(':') != colon) {
    // Several colons: a bare IPv6 address, or "v6:port" that only validation can tell.
    if (!is_ip(s) && is_ip(s.substr(0, colon)) && parse_port(s.substr(colon + 1))) {
      host = s.substr(0, colon);
      port = s.substr(colon + 1);
    }
    return;
  }
  host = s.substr(0, colon);
  port = s.substr(colon + 1);
}

void set_http_status(core::Event& out, std::string_view status) {
  const auto code = parse_int(status);
  if (!code || *code < 100 || *code > 999) {
    if (status != "000") {  // no response was sent (Squid, other proxies)
      keep_invalid(out, "http.response.status_code", status);
    }
    return;
  }
  out.set_int("http.response.status_code", *code);
  out.set("event.outcome", *code >= 400 ? "failure" : "success");
}

auto quoted_at(std::string_view s, std::size_t& pos) -> std::optional<std::string_view> {
  if (pos >= s.size() || s[pos] != '"') {
    return std::nullopt;
  }
  const std::size_t start = pos + 1;
  for (std::size_t i = start; i < s.size(); ++i) {
    if (s[i] == '\\') {
      ++i;  // Apache escapes '"' as \" and '\' as \\ (nginx writes \x22)
      continue;
    }
    if (s[i] == '"') {
      pos = i + 1;
      return s.substr(start, i - start);
    }
  }
  return std::nullopt;
}

auto set_url(core::Event& out, std::string_view target, bool connect, std::string& buf)
    -> UrlHost {
  UrlHost result;
  if (target.empty() || target == "-") {
    return result;
  }
  out.set("url.original", target);
  std::string_view rest = target;
  if (connect) {
    std::string_view host;
    std::string_view port;
    split_host_port(target, host, port);
    if (!host.empty()) {
      out.set("url.domain", host);
      result.host = host;
    }
    if (const auto p = parse_port(port)) {
      out.set_int("url.port", *p);
      result.port = *p;
    }
    return result;
  }
  if (const auto scheme_end = target.find("://");
      scheme_end != std::string_view::npos && target.front() != '/') {
    out.set("url.scheme", target.substr(0, scheme_end));
    rest = target.substr(scheme_end + 3);
    auto auth_end = rest.find_first_of("/?#");
    if (auth_end == std::string_view::npos) {
      auth_end = rest.size();
    }
    std::string_view authority = rest.substr(0, auth_end);
    if (const auto at = authority.rfind('@'); at != std::string_view::npos) {
      authority = authority.substr(at + 1);
    }
    std::string_view host;
    std::string_view port;
    split_host_port(authority, host, port);
    if (!host.empty()) {
      out.set("url.domain", host);
      result.host = host;
    }
    if (const auto p = parse_port(port)) {
      out.set_int("url.port", *p);
      result.port = *p;
    }
    rest = rest.substr(auth_end);
  }
  if (rest.data() == target.data() && rest.front() != '/') {
    return result;  // "*", "error:invalid-request": no URL parts to split
  }
  std::string_view path = rest;
  if (const auto hash = path.find('#'); hash != std::string_view::npos) {
    if (hash + 1 < path.size()) {
      out.set("url.fragment", path.substr(hash + 1));
    }
    path = path.substr(0, hash);
  }
  if (const auto q = path.find('?'); q != std::string_view::npos) {
    if (q + 1 < path.size()) {
      out.set("url.query", path.substr(q + 1));
    }
    path = path.substr(0, q);
  }
  if (path.empty()) {
    return result;
  }
  if (percent_decode(path, buf) && is_clean_utf8(buf)) {
    out.set("url.path", buf);
  } else {
    out.set("url.path", path);
  }
  return result;
}

}  // namespace siem::parsers::detail::web
