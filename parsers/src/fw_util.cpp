#include "fw_util.hpp"

#include "common.hpp"
#include "scan.hpp"
#include "syslog.hpp"

#include <array>

namespace siem::parsers::detail {
namespace {

auto is_digit(char c) -> bool { return c >= '0' && c <= '9'; }

// Reads `n` digits at `pos`; false when they are not all digits or run past the end.
auto read_digits(std::string_view s, std::size_t pos, std::size_t n, int& v) -> bool {
  if (pos + n > s.size()) {
    return false;
  }
  v = 0;
  for (std::size_t i = pos; i < pos + n; ++i) {
    if (!is_digit(s[i])) {
      return false;
    }
    v = v * 10 + (s[i] - '0');
  }
  return true;
}

// The quote closing a value that starts at `start`: the first unescaped one, unless the
// value held unescaped quotes (recheck_closing_quote); s.size() when there is none.
auto closing_quote(std::string_view s, std::size_t start) -> std::size_t {
  for (std::size_t j = start; j < s.size(); ++j) {
    if (s[j] == '\\' && j + 1 < s.size()) {
      ++j;
    } else if (s[j] == '"') {
      return recheck_closing_quote(s, j);
    }
  }
  return s.size();
}

}  // namespace

void fw_split_kv(std::string_view s, std::vector<FwKv>& out) {
  out.clear();
  std::size_t i = 0;
  const std::size_t n = s.size();
  while (i < n) {
    while (i < n && (s[i] == ' ' || s[i] == '\t')) {
      ++i;
    }
    const std::size_t key_start = i;
    while (i < n && is_dotted_key_char(s[i])) {
      ++i;
    }
    if (i == key_start || i >= n || s[i] != '=') {
      // Not a key: skip the token ("(0x0800)" after "ether_type=IPv4").
      while (i < n && s[i] != ' ' && s[i] != '\t') {
        ++i;
      }
      continue;
    }
    const std::string_view key = s.substr(key_start, i - key_start);
    ++i;  // '='
    std::string_view val;
    if (i < n && s[i] == '"') {
      const std::size_t start = ++i;
      i = closing_quote(s, start);
      val = s.substr(start, i - start);
      if (i < n) {
        ++i;  // closing quote
      }
    } else {
      const std::size_t start = i;
      while (i < n && s[i] != ' ' && s[i] != '\t') {
        ++i;
      }
      val = s.substr(start, i - start);
    }
    out.emplace_back(key, val);
  }
}

auto fw_value(const std::vector<FwKv>& kv, std::string_view key) -> std::string_view {
  for (const auto& [k, v] : kv) {
    if (k == key) {
      return v;
    }
  }
  return {};
}

auto fw_parse_tz(std::string_view tz) -> std::optional<int> {
  if (tz.size() < 3 || (tz[0] != '+' && tz[0] != '-')) {
    return std::nullopt;
  }
  int h = 0;
  int m = 0;
  if (!read_digits(tz, 1, 2, h)) {
    return std::nullopt;
  }
  std::size_t p = 3;
  if (p < tz.size() && tz[p] == ':') {
    ++p;
  }
  if (p < tz.size()) {
    if (tz.size() != p + 2 || !read_digits(tz, p, 2, m)) {
      return std::nullopt;
    }
  }
  if (h > 14 || m > 59) {
    return std::nullopt;
  }
  return (tz[0] == '-' ? -1 : 1) * (h * 60 + m);
}

auto fw_zone_offset(std::string_view tz) -> std::optional<int> {
  struct Zone {
    std::string_view name;
    int minutes;
  };
  static constexpr std::array<Zone, 20> kZones = {{
      {"UTC", 0},    {"GMT", 0},    {"WET", 0},     {"WEST", 60},   
      {"CET", 60},   {"CEST", 120}, {"EET", 120},   {"EEST", 180},  {"MSK", 180},
        {"SGT", 480},  {"HKT", 480},   {"JST", 540},   {"KST", 540},
      {"AEST", 600}, {"AEDT", 660}, {"EST", -300},  {"EDT", -240},  {"MST", -420},
      {"PST", -480}, {"PDT", -420},
  }};
  for (const auto& z : kZones) {
    if (tz == z.name) {
      return z.minutes;
    }
  }
  return fw_parse_tz(tz);
}

auto fw_parse_datetime(std::string_view s, int offset_minutes, std::string& buf)
    -> std::optional<core::TimeMs> {
  s = trim(s);
  if (s.size() > 4 && (s.ends_with(" UTC") || s.ends_with(" GMT"))) {
    s.remove_suffix(4);
    offset_minutes = 0;
  }
  if (s.size() < 19 || s.size() > 40) {
    return std::nullopt;
  }
  buf.assign(s);
  if (buf[10] == ' ') {
    buf[10] = 'T';
  }
  return core::parse_rfc3339(buf, offset_minutes);
}

auto fw_prefix_time(std::string_view prefix, const ParseContext& ctx)
    -> std::optional<core::TimeMs> {
  // Look at each word for a month abbreviation; the time follows it.
  std::size_t i = 0;
  const std::size_t n = prefix.size();
  while (i < n) {
    while (i < n && (prefix[i] == ' ' || prefix[i] == '*' || prefix[i] == '.' || prefix[i] == '|'
                     || prefix[i] == ':')) {
      ++i;
    }
    if (i + 3 > n) {
      return std::nullopt;
    }
    const unsigned month = core::month_from_abbrev(prefix.substr(i, 3));
    if (month == 0 || (i + 3 < n && prefix[i + 3] != ' ')) {
      while (i < n && prefix[i] != ' ' && prefix[i] != '|') {
        ++i;
      }
      continue;
    }
    std::size_t p = i + 3;
    while (p < n && prefix[p] == ' ') {
      ++p;
    }
    int day = 0;
    if (p < n && is_digit(prefix[p])) {
      day = prefix[p] - '0';
      ++p;
      if (p < n && is_digit(prefix[p])) {
        day = day * 10 + (prefix[p] - '0');
        ++p;
      }
    } else {
      return std::nullopt;
    }
    if (p >= n || prefix[p] != ' ') {
      return std::nullopt;
    }
    ++p;
    int year = 0;
    if (p + 4 < n && prefix[p + 4] == ' ' && read_digits(prefix, p, 4, year)) {
      p += 5;
    }
    int h = 0;
    int mi = 0;
    int sec = 0;
    if (!read_digits(prefix, p, 2, h) || p + 2 >= n || prefix[p + 2] != ':'
        || !read_digits(prefix, p + 3, 2, mi) || p + 5 >= n || prefix[p + 5] != ':'
        || !read_digits(prefix, p + 6, 2, sec)) {
      return std::nullopt;
    }
    p += 8;
    int ms = 0;
    if (p < n && prefix[p] == '.') {
      ++p;
      int scale = 100;
      while (p < n && is_digit(prefix[p])) {
        ms += (prefix[p] - '0') * scale;
        scale /= 10;
        ++p;
      }
    }
    if (h > 23 || mi > 59 || sec > 60 || day < 1 || day > 31) {
      return std::nullopt;
    }
    int offset = ctx.tz_offset_minutes;
    while (p < n && prefix[p] == ' ') {
      ++p;
    }
    const std::string_view rest = prefix.substr(p);
    // A zone name after the time ("UTC", "CET"); ambiguous ones ("CST") keep the default.
    std::size_t zl = 0;
    while (zl < rest.size() && zl < 5 && rest[zl] >= 'A' && rest[zl] <= 'Z') {
      ++zl;
    }
    if (zl > 0) {
      if (const auto z = fw_zone_offset(rest.substr(0, zl))) {
        offset = *z;
      }
    }
    if (year == 0) {
      ParseContext c = ctx;
      c.tz_offset_minutes = offset;
      return resolve_year(month, static_cast<unsigned>(day), h, mi, sec, ms, c);
    }
    const std::int64_t days = core::days_from_civil(year, month, static_cast<unsigned>(day));
    return (days * 86'400 + h * 3600 + mi * 60 + sec) * 1000 + ms
           - static_cast<core::TimeMs>(offset) * 60'000;
  }
  return std::nullopt;
}

auto fw_header_time(const SyslogHeader& h, const ParseContext& ctx)
    -> std::optional<core::TimeMs> {
  if (!h.timestamp || !h.hostname.empty() || h.app_name.empty() || h.app_name.size() > 4) {
    return h.timestamp;
  }
  for (const char c : h.app_name) {
    if (c < 'A' || c > 'Z') {
      return h.timestamp;
    }
  }
  if (const auto z = fw_zone_offset(h.app_name)) {
    return *h.timestamp - static_cast<core::TimeMs>(*z - ctx.tz_offset_minutes) * 60'000;
  }
  return h.timestamp;
}

auto fw_iequals(std::string_view a, std::string_view b) -> bool {
  if (a.size() != b.size()) {
    return false;
  }
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i];
    char y = b[i];
    if (x >= 'A' && x <= 'Z') {
      x = static_cast<char>(x - 'A' + 'a');
    }
    if (y >= 'A' && y <= 'Z') {
      y = static_cast<char>(y - 'A' + 'a');
    }
    if (x != y) {
      return false;
    }
  }
  return true;
}

auto fw_set_transport(core::Event& out, std::string_view proto, std::string& buf) -> bool {
  static constexpr std::array<std::string_view, 12> kKnown = {
      "tcp", "udp", "icmp", "icmp6", "ipv6-icmp", "gre", "esp", "ah", "sctp", "igmp", "ospf", "pim"};
  if (proto.empty() || proto.size() > 16) {
    return false;
  }
  if (is_digit(proto.front())) {
    if (const auto v = parse_int(proto)) {
      const auto t = transport_from_iana(*v);
      if (!t.empty()) {
        out.set("network.transport", t);
        return true;
      }
    }
    return false;
  }
  const auto lower = to_lower(proto, buf);
  for (const auto k : kKnown) {
    if (lower == k) {
      out.set("network.transport", lower);
      return true;
    }
  }
  return false;
}

}  // namespace siem::parsers::detail
