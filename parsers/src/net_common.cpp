#include "net_common.hpp"

#include "common.hpp"
#include "syslog.hpp"

#include <array>

namespace siem::parsers::detail {
namespace {

constexpr core::TimeMs kDayMs = 86'400'000;

auto lower(char c) -> char {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

auto is_digit(char c) -> bool {
  return c >= '0' && c <= '9';
}

auto all_digits(std::string_view s) -> bool {
  if (s.empty()) {
    return false;
  }
  for (const char c : s) {
    if (!is_digit(c)) {
      return false;
    }
  }
  return true;
}

// Next space-separated token of `s` from `pos` (runs of spaces collapse).
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

struct Hms {
  int h = 0;
  int m = 0;
  int s = 0;
  int ms = 0;
};

// "HH:mm:ss" with optional ".SSS..." (fraction truncated to milliseconds).
auto parse_hms(std::string_view t) -> std::optional<Hms> {
  if (t.size() < 8 || t[2] != ':' || t[5] != ':') {
    return std::nullopt;
  }
  const auto h = parse_int(t.substr(0, 2));
  const auto m = parse_int(t.substr(3, 2));
  const auto s = parse_int(t.substr(6, 2));
  if (!h || !m || !s || *h > 23 || *m > 59 || *s > 60) {
    return std::nullopt;
  }
  Hms out{static_cast<int>(*h), static_cast<int>(*m), static_cast<int>(*s), 0};
  if (t.size() > 8) {
    if (t[8] != '.' && t[8] != ',') {
      return std::nullopt;
    }
    const std::string_view frac = t.substr(9);
    if (!all_digits(frac)) {
      return std::nullopt;
    }
    int scale = 100;
    for (std::size_t i = 0; i < frac.size() && i < 3; ++i) {
      out.ms += (frac[i] - '0') * scale;
      scale /= 10;
    }
  }
  return out;
}

// A zone token: "UTC", "GMT", "Z", "+hhmm", "+hh:mm", "+hh". Empty → nullopt (use default).
auto parse_zone(std::string_view z) -> std::optional<int> {
  if (z == "UTC" || z == "GMT" || z == "Z") {
    return 0;
  }
  if (z.size() < 3 || (z[0] != '+' && z[0] != '-')) {
    return std::nullopt;
  }
  std::array<char, 4> d{};
  std::size_t n = 0;
  for (const char c : z.substr(1)) {
    if (c == ':') {
      continue;
    }
    if (!is_digit(c) || n == d.size()) {
      return std::nullopt;
    }
    d[n++] = c;
  }
  if (n != 2 && n != 4) {
    return std::nullopt;
  }
  const int hours = (d[0] - '0') * 10 + (d[1] - '0');
  const int minutes = n == 4 ? (d[2] - '0') * 10 + (d[3] - '0') : 0;
  if (hours > 14 || minutes > 59) {
    return std::nullopt;
  }
  return (z[0] == '-' ? -1 : 1) * (hours * 60 + minutes);
}

auto compose(int year, unsigned month, unsigned day, const Hms& t, int offset_minutes)
    -> std::optional<core::TimeMs> {
  if (year < 1970 || year > 9999 || month < 1 || month > 12 || day < 1) {
    return std::nullopt;
  }
  static constexpr std::array<unsigned, 12> kDays = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  if (day > kDays[month - 1] || (month == 2 && day == 29 && !leap)) {
    return std::nullopt;
  }
  return core::days_from_civil(year, month, day) * kDayMs
         + (static_cast<core::TimeMs>(t.h) * 3600 + t.m * 60 + t.s) * 1000 + t.ms
         - static_cast<core::TimeMs>(offset_minutes) * 60'000;
}

auto small_int(std::string_view s, std::int64_t lo, std::int64_t hi) -> std::optional<int> {
  const auto v = parse_int(s);
  if (!v || *v < lo || *v > hi) {
    return std::nullopt;
  }
  return static_cast<int>(*v);
}

}  // namespace

auto parse_net_time(std::string_view s, const ParseContext& ctx) -> std::optional<core::TimeMs> {
  s = trim(s);
  if (s.empty() || s.size() > 64) {
    return std::nullopt;
  }
  if (all_digits(s)) {
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
    if (s.size() >= 9) {
      return *v * 1000;
    }
    return std::nullopt;
  }
  if (s.size() >= 19 && is_digit(s[0]) && (s[4] == '-' || s[4] == '/')) {
    // "yyyy-mm-ddTHH:mm:ss..." or PAN-OS "yyyy/mm/dd HH:mm:ss".
    std::array<char, 64> buf{};
    for (std::size_t i = 0; i < s.size(); ++i) {
      buf[i] = (i == 4 || i == 7) && s[i] == '/' ? '-' : s[i];
    }
    return core::parse_rfc3339(std::string_view{buf.data(), s.size()}, ctx.tz_offset_minutes);
  }
  std::size_t pos = 0;
  std::string_view t1 = next_token(s, pos);
  unsigned month = core::month_from_abbrev(t1);
  if (month == 0) {
    // ctime: "Mon Aug  1 03:34:23 2022"
    month = core::month_from_abbrev(next_token(s, pos));
    const auto day = small_int(next_token(s, pos), 1, 31);
    const auto hms = parse_hms(next_token(s, pos));
    const auto year = small_int(next_token(s, pos), 1970, 9999);
    if (month == 0 || !day || !hms || !year) {
      return std::nullopt;
    }
    auto zone = parse_zone(next_token(s, pos));
    return compose(*year, month, static_cast<unsigned>(*day), *hms,
                   zone.value_or(ctx.tz_offset_minutes));
  }
  const auto day = small_int(next_token(s, pos), 1, 31);
  if (!day) {
    return std::nullopt;
  }
  const std::string_view t3 = next_token(s, pos);
  if (t3.size() == 4 && all_digits(t3)) {
    // "MMM dd yyyy HH:mm:ss[.SSS][ zone]"
    const auto hms = parse_hms(next_token(s, pos));
    if (!hms) {
      return std::nullopt;
    }
    const std::string_view z = next_token(s, pos);
    const auto zone = parse_zone(z);
    if (!z.empty() && !zone) {
      return std::nullopt;  // an unknown zone name: do not guess
    }
    return compose(static_cast<int>(*parse_int(t3)), month, static_cast<unsigned>(*day), *hms,
                   zone.value_or(ctx.tz_offset_minutes));
  }
  // "MMM dd HH:mm:ss" without a year.
  const auto hms = parse_hms(t3);
  if (!hms || !next_token(s, pos).empty()) {
    return std::nullopt;
  }
  return resolve_year(month, static_cast<unsigned>(*day), hms->h, hms->m, hms->s, hms->ms, ctx);
}

auto iequals(std::string_view a, std::string_view b) -> bool {
  if (a.size() != b.size()) {
    return false;
  }
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (lower(a[i]) != lower(b[i])) {
      return false;
    }
  }
  return true;
}

auto icontains(std::string_view hay, std::string_view needle) -> bool {
  if (needle.size() > hay.size()) {
    return false;
  }
  for (std::size_t i = 0; i + needle.size() <= hay.size(); ++i) {
    if (iequals(hay.substr(i, needle.size()), needle)) {
      return true;
    }
  }
  return false;
}

auto outcome_of_action(std::string_view action) -> std::string_view {
  static constexpr std::array<std::string_view, 16> kSuccess = {
      "accept",   "accepted", "allow",    "allowed", "permit",  "permitted", "pass",    "passed",
      "redirect", "detect",   "detected", "alert",   "success", "succeeded", "encrypt", "decrypt"};
  static constexpr std::array<std::string_view, 21> kFailure = {
      "deny",         "denied",       "drop",      "dropped",   "block",    "blocked",
      "reject",       "rejected",     "prevent",   "prevented", "reset",    "reset-both",
      "reset-client", "reset-server", "drop-icmp", "failure",   "failed",   "blocked-url",
      "block-url",    "block-ip",     "sinkhole"};
  for (const auto w : kSuccess) {
    if (iequals(action, w)) {
      return "success";
    }
  }
  for (const auto w : kFailure) {
    if (iequals(action, w)) {
      return "failure";
    }
  }
  return {};
}

auto set_transport(core::Event& out, std::string_view proto, std::string& buf) -> bool {
  proto = trim(proto);
  // "tcp/445", "tcp/https": the transport before the service.
  proto = proto.substr(0, proto.find('/'));
  if (proto.empty()) {
    return false;
  }
  if (const auto n = parse_int(proto)) {
    if (*n < 0 || *n > 255) {
      return false;
    }
    out.set_int("network.iana_number", *n);
    if (const auto t = transport_from_iana(*n); !t.empty()) {
      out.set("network.transport", t);
    }
    return true;
  }
  for (const char c : proto) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit(c) || c == '-'
                    || c == '_';
    if (!ok) {
      return false;
    }
  }
  if (proto.size() > 16) {
    return false;
  }
  out.set("network.transport", to_lower(proto, buf));
  return true;
}

void set_url(core::Event& out, std::string_view url) {
  if (url.empty()) {
    return;
  }
  out.set("url.original", url);
  std::string_view rest = url;
  if (const auto scheme = url.find("://");
      scheme != std::string_view::npos && scheme > 0 && scheme < 16) {
    out.set("url.scheme", url.substr(0, scheme));
    rest = url.substr(scheme + 3);
    const std::size_t slash = rest.find_first_of("/?#");
    std::string_view authority = rest.substr(0, slash);
    rest = slash == std::string_view::npos ? std::string_view{} : rest.substr(slash);
    if (const auto at = authority.rfind('@'); at != std::string_view::npos) {
      authority = authority.substr(at + 1);
    }
    std::string_view host = authority;
    if (!authority.empty() && authority.front() == '[') {
      const auto close = authority.find(']');
      host = close == std::string_view::npos ? authority : authority.substr(1, close - 1);
      authority = close == std::string_view::npos ? std::string_view{} : authority.substr(close + 1);
    } else if (const auto colon = authority.rfind(':'); colon != std::string_view::npos) {
      host = authority.substr(0, colon);
      authority = authority.substr(colon);
    } else {
      authority = {};
    }
    if (!host.empty()) {
      out.set("url.domain", host);
    }
    if (authority.size() > 1 && authority.front() == ':') {
      if (const auto p = parse_port(authority.substr(1))) {
        out.set_int("url.port", *p);
      }
    }
  } else if (url.front() != '/') {
    return;  // a bare host or a file name: no path to take apart
  }
  const std::size_t hash = rest.find('#');
  if (hash != std::string_view::npos) {
    out.set("url.fragment", rest.substr(hash + 1));
    rest = rest.substr(0, hash);
  }
  const std::size_t q = rest.find('?');
  if (q != std::string_view::npos) {
    out.set("url.query", rest.substr(q + 1));
    rest = rest.substr(0, q);
  }
  if (!rest.empty()) {
    out.set("url.path", rest);
  }
}

auto set_hash(core::Event& out, std::string_view hex) -> bool {
  for (const char c : hex) {
    const bool ok = is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    if (!ok) {
      return false;
    }
  }
  switch (hex.size()) {
    case 32:
      out.set("file.hash.md5", hex);
      return true;
    case 40:
      out.set("file.hash.sha1", hex);
      return true;
    case 64:
      out.set("file.hash.sha256", hex);
      return true;
    case 128:
      out.set("file.hash.sha512", hex);
      return true;
    default:
      return false;
  }
}

auto set_count(core::Event& out, std::string_view key, std::string_view value) -> bool {
  const auto v = parse_int(trim(value));
  if (!v || *v < 0) {
    return false;
  }
  out.set_int(key, *v);
  return true;
}

void set_count_or_keep(core::Event& out, std::string_view key, std::string_view value) {
  if (!set_count(out, key, value)) {
    keep_invalid(out, key, trim(value));
  }
}

void set_vendor(core::Event& out, std::string& buf, std::string_view prefix, std::string_view key,
                std::string_view value) {
  buf.assign(prefix);
  append_key_segment(buf, key);
  out.set(buf, value);
}

}  // namespace siem::parsers::detail
