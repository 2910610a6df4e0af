#include "cn_common.hpp"

#include "siem/core/time.hpp"

#include "scan.hpp"

#include <array>
#include <cstring>

namespace siem::parsers::detail::cn {
namespace {

auto is_digit(char c) -> bool {
  return c >= '0' && c <= '9';
}

auto lower_char(char c) -> char {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

auto is_leap(int y) -> bool {
  return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

auto valid_date(int y, int m, int d) -> bool {
  static constexpr std::array<int, 12> kDays = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (y < 1970 || y > 2200 || m < 1 || m > 12 || d < 1) {
    return false;
  }
  const int max = m == 2 && is_leap(y) ? 29 : kDays[static_cast<std::size_t>(m - 1)];
  return d <= max;
}

// `n` digits at s[pos]; false when any is not a digit or the text is short.
auto fixed_digits(std::string_view s, std::size_t pos, std::size_t n, int& out) -> bool {
  if (pos + n > s.size()) {
    return false;
  }
  int v = 0;
  for (std::size_t i = 0; i < n; ++i) {
    if (!is_digit(s[pos + i])) {
      return false;
    }
    v = v * 10 + (s[pos + i] - '0');
  }
  out = v;
  return true;
}

// 1 to `max` digits at s[pos], advancing pos.
auto var_digits(std::string_view s, std::size_t& pos, std::size_t max, int& out) -> bool {
  std::size_t n = 0;
  int v = 0;
  while (pos < s.size() && n < max && is_digit(s[pos])) {
    v = v * 10 + (s[pos] - '0');
    ++pos;
    ++n;
  }
  out = v;
  return n > 0;
}

// "hh:mm:ss[.fff]" at pos.
auto read_clock(std::string_view s, std::size_t& pos, int& h, int& m, int& sec, int& ms) -> bool {
  if (!fixed_digits(s, pos, 2, h) || pos + 8 > s.size() || s[pos + 2] != ':'
      || !fixed_digits(s, pos + 3, 2, m) || s[pos + 5] != ':' || !fixed_digits(s, pos + 6, 2, sec)) {
    return false;
  }
  pos += 8;
  ms = 0;
  if (pos + 1 < s.size() && s[pos] == '.' && is_digit(s[pos + 1])) {
    ++pos;
    int scale = 100;
    while (pos < s.size() && is_digit(s[pos])) {
      ms += (s[pos] - '0') * scale;
      scale /= 10;
      ++pos;
    }
  }
  return h <= 23 && m <= 59 && sec <= 60;
}

// Optional zone right after the clock: "Z", "+08:00", "+0800". Returns minutes east of UTC.
auto read_zone(std::string_view s, std::size_t& pos) -> std::optional<int> {
  if (pos < s.size() && s[pos] == 'Z') {
    ++pos;
    return 0;
  }
  if (pos >= s.size() || (s[pos] != '+' && s[pos] != '-')) {
    return std::nullopt;
  }
  int h = 0;
  int m = 0;
  std::size_t p = pos + 1;
  if (!fixed_digits(s, p, 2, h)) {
    return std::nullopt;
  }
  p += 2;
  if (p < s.size() && s[p] == ':') {
    ++p;
  }
  if (!fixed_digits(s, p, 2, m)) {
    return std::nullopt;
  }
  p += 2;
  if (h > 14 || m > 59) {
    return std::nullopt;
  }
  const int sign = s[pos] == '-' ? -1 : 1;
  pos = p;
  return sign * (h * 60 + m);
}

auto to_ms(int y, int mo, int d, int h, int mi, int sec, int ms, int tz_minutes) -> core::TimeMs {
  const auto days = core::days_from_civil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d));
  return (days * 86400 + std::int64_t{h} * 3600 + std::int64_t{mi} * 60 + sec) * 1000 + ms
         - static_cast<core::TimeMs>(tz_minutes) * 60'000;
}

auto is_transport(std::string_view t) -> bool {
  static constexpr std::array<std::string_view, 10> kNames = {
      "tcp", "udp", "icmp", "ipv6-icmp", "sctp", "gre", "esp", "ah", "igmp", "icmpv6"};
  for (const auto n : kNames) {
    if (t == n) {
      return true;
    }
  }
  return false;
}

auto contains(std::string_view hay, std::string_view needle) -> bool {
  return hay.find(needle) != std::string_view::npos;
}

auto unquote(std::string_view v) -> std::string_view {
  if (v.size() >= 2 && v.front() == '"' && v.back() == '"') {
    return v.substr(1, v.size() - 2);
  }
  if (!v.empty() && v.front() == '"') {  // truncated record: no closing quote
    return v.substr(1);
  }
  return v;
}

}  // namespace

auto strip_trailing_junk(std::string_view s) -> std::string_view {
  for (;;) {
    const std::size_t before = s.size();
    while (!s.empty()
           && (s.back() == '\0' || s.back() == '\n' || s.back() == '\r' || s.back() == ' '
               || s.back() == '\t')) {
      s.remove_suffix(1);
    }
    if (s.ends_with("\\u0000")) {
      s.remove_suffix(6);
    }
    if (s.ends_with("\\n")) {
      s.remove_suffix(2);
    }
    if (s.size() == before) {
      return s;
    }
  }
}

auto read_time(std::string_view s, const ParseContext& ctx, core::TimeMs& out) -> std::size_t {
  int y = 0;
  int mo = 0;
  int d = 0;
  int h = 0;
  int mi = 0;
  int sec = 0;
  int ms = 0;
  std::size_t p = 0;
  if (s.size() >= 14 && !is_digit(s[0])) {
    // Mmm dd [yyyy ]hh:mm:ss[ yyyy]
    mo = static_cast<int>(core::month_from_abbrev(s.substr(0, 3)));
    if (mo == 0 || s[3] != ' ') {
      return 0;
    }
    p = 4;
    while (p < s.size() && s[p] == ' ') {
      ++p;
    }
    if (!var_digits(s, p, 2, d) || p >= s.size() || s[p] != ' ') {
      return 0;
    }
    ++p;
    if (fixed_digits(s, p, 4, y) && p + 4 < s.size() && s[p + 4] == ' ') {
      p += 5;  // Huawei: "Dec 24 2021 14:59:58"
    } else {
      y = 0;
    }
    if (!read_clock(s, p, h, mi, sec, ms)) {
      return 0;
    }
    // H3C: "Aug 12 09:01:07 2022"; the year must be followed by a blank or the end.
    if (int y2 = 0; y == 0 && p + 5 <= s.size() && s[p] == ' ' && fixed_digits(s, p + 1, 4, y2)
                    && y2 >= 1990 && y2 <= 2199 && (p + 5 == s.size() || s[p + 5] == ' ')) {
      y = y2;
      p += 5;
    }
  } else {
    // yyyy-mm-dd / yyyy/m/d, then ' ' or 'T', then the clock.
    if (!fixed_digits(s, 0, 4, y) || s.size() < 8 || (s[4] != '-' && s[4] != '/')) {
      return 0;
    }
    const char sep = s[4];
    p = 5;
    if (!var_digits(s, p, 2, mo) || p >= s.size() || s[p] != sep) {
      return 0;
    }
    ++p;
    if (!var_digits(s, p, 2, d) || p >= s.size() || (s[p] != ' ' && s[p] != 'T')) {
      return 0;
    }
    ++p;
    if (!read_clock(s, p, h, mi, sec, ms)) {
      return 0;
    }
  }
  int tz = ctx.tz_offset_minutes;
  if (const auto z = read_zone(s, p)) {
    tz = *z;
  }
  if (y == 0) {
    if (mo < 1 || mo > 12 || d < 1 || d > 31) {
      return 0;
    }
    const auto t = resolve_year(static_cast<unsigned>(mo), static_cast<unsigned>(d), h, mi, sec,
                                ms, ParseContext{ctx.received_at, tz});
    if (!t) {
      return 0;
    }
    out = *t;
    return p;
  }
  if (!valid_date(y, mo, d)) {
    return 0;
  }
  out = to_ms(y, mo, d, h, mi, sec, ms, tz);
  return p;
}

void parse_envelope(std::string_view line, const ParseContext& ctx, Envelope& env) {
  env = Envelope{};
  const std::string_view s = strip_trailing_junk(line);
  std::size_t pos = 0;
  if (s.size() >= 3 && s[0] == '<') {
    std::size_t p = 1;
    int pri = 0;
    if (var_digits(s, p, 3, pri) && p < s.size() && s[p] == '>') {
      env.pri = pri;
      pos = p + 1;
    }
  }
  while (pos < s.size() && s[pos] == ' ') {
    ++pos;
  }
  core::TimeMs t = 0;
  if (const auto used = read_time(s.substr(pos), ctx, t); used > 0) {
    env.timestamp = t;
    pos += used;
  }
  env.rest = ltrim(s.substr(pos));
}

auto parse_local_time(std::string_view s, const ParseContext& ctx) -> std::optional<core::TimeMs> {
  core::TimeMs t = 0;
  if (read_time(trim(s), ctx, t) == 0) {
    return std::nullopt;
  }
  return t;
}

auto parse_epoch(std::string_view s) -> std::optional<core::TimeMs> {
  const auto v = parse_int(s);
  if (!v || *v <= 0 || s.front() == '-') {
    return std::nullopt;
  }
  if (s.size() >= 9 && s.size() <= 11) {
    return *v * 1000;
  }
  if (s.size() >= 12 && s.size() <= 14) {
    return *v;
  }
  return std::nullopt;
}

auto parse_compact_time(std::string_view s, bool ymd_first, int tz_minutes)
    -> std::optional<core::TimeMs> {
  if (s.size() != 14) {
    return std::nullopt;
  }
  int y = 0;
  int mo = 0;
  int d = 0;
  int h = 0;
  int mi = 0;
  int sec = 0;
  const bool ok = ymd_first ? fixed_digits(s, 0, 4, y) && fixed_digits(s, 4, 2, mo)
                                  && fixed_digits(s, 6, 2, d)
                            : fixed_digits(s, 0, 2, mo) && fixed_digits(s, 2, 2, d)
                                  && fixed_digits(s, 4, 4, y);
  if (!ok || !fixed_digits(s, 8, 2, h) || !fixed_digits(s, 10, 2, mi)
      || !fixed_digits(s, 12, 2, sec) || !valid_date(y, mo, d) || h > 23 || mi > 59
      || sec > 60) {
    return std::nullopt;
  }
  return to_ms(y, mo, d, h, mi, sec, 0, tz_minutes);
}

auto find_token(std::string_view s, std::string_view lit) -> std::size_t {
  std::size_t p = s.find(lit);
  while (p != std::string_view::npos) {
    if (p == 0 || s[p - 1] == ' ' || s[p - 1] == '>' || s[p - 1] == ':') {
      return p;
    }
    p = s.find(lit, p + 1);
  }
  return std::string_view::npos;
}

auto iequals(std::string_view a, std::string_view b) -> bool {
  if (a.size() != b.size()) {
    return false;
  }
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (lower_char(a[i]) != lower_char(b[i])) {
      return false;
    }
  }
  return true;
}

auto icontains(std::string_view hay, std::string_view needle) -> bool {
  if (needle.empty()) {
    return true;
  }
  if (hay.size() < needle.size()) {
    return false;
  }
  for (std::size_t i = 0; i + needle.size() <= hay.size(); ++i) {
    if (iequals(hay.substr(i, needle.size()), needle)) {
      return true;
    }
  }
  return false;
}

auto is_none(std::string_view v) -> bool {
  static constexpr std::array<std::string_view, 10> kNone = {
      "(null)", "null", "NULL", "unknown", "-", "--", "---", "-@-", "none", "N/A"};
  if (v.empty()) {
    return true;
  }
  for (const auto n : kNone) {
    if (v == n) {
      return true;
    }
  }
  return false;
}

auto strip_field_id(std::string_view key) -> std::string_view {
  key = trim(key);
  if (key.size() < 3 || key.back() != ')') {
    return key;
  }
  const auto open = key.rfind('(');
  if (open == std::string_view::npos || open == 0 || open + 2 > key.size() - 1) {
    return key;
  }
  for (std::size_t i = open + 1; i + 1 < key.size(); ++i) {
    if (!is_digit(key[i])) {
      return key;
    }
  }
  return key.substr(0, open);
}

auto split_bracket_id(std::string_view v, std::string_view& id, std::string_view& name) -> bool {
  if (v.size() < 3 || (v.front() != '(' && v.front() != '[')) {
    return false;
  }
  const char close = v.front() == '(' ? ')' : ']';
  const auto end = v.find(close);
  if (end == std::string_view::npos || end < 2) {
    return false;
  }
  for (std::size_t i = 1; i < end; ++i) {
    if (!is_digit(v[i])) {
      return false;
    }
  }
  id = v.substr(1, end - 1);
  name = trim(v.substr(end + 1));
  return true;
}

auto normalize_action(std::string_view raw) -> std::string_view {
  static constexpr std::array<std::string_view, 9> kDenyCn = {
      "拒绝", "阻断", "丢弃", "阻止", "禁止", "拦截", "阻塞", "隔离", "重置"};
  static constexpr std::array<std::string_view, 7> kDenyEn = {
      "deny", "denied", "drop", "block", "reject", "reset", "discard"};
  static constexpr std::array<std::string_view, 4> kAllowCn = {"允许", "通过", "放行", "接受"};
  static constexpr std::array<std::string_view, 4> kAllowEn = {"permit", "allow", "accept",
                                                               "pass"};
  static constexpr std::array<std::string_view, 3> kAlertCn = {"告警", "报警", "检测"};
  static constexpr std::array<std::string_view, 3> kAlertEn = {"alert", "alarm", "detect"};
  raw = trim(raw);
  if (raw.empty()) {
    return {};
  }
  for (const auto w : kDenyCn) {
    if (contains(raw, w)) {
      return "deny";
    }
  }
  for (const auto w : kDenyEn) {
    if (icontains(raw, w)) {
      return "deny";
    }
  }
  for (const auto w : kAllowCn) {
    if (contains(raw, w)) {
      return "allow";
    }
  }
  for (const auto w : kAllowEn) {
    if (icontains(raw, w)) {
      return "allow";
    }
  }
  for (const auto w : kAlertCn) {
    if (contains(raw, w)) {
      return "alert";
    }
  }
  for (const auto w : kAlertEn) {
    if (icontains(raw, w)) {
      return "alert";
    }
  }
  if (contains(raw, "记录") || icontains(raw, "log")) {
    return "log";
  }
  return {};
}

auto severity_number(std::string_view raw) -> std::optional<std::int64_t> {
  struct Level {
    std::string_view word;
    std::int64_t n;
  };
  static constexpr std::array<Level, 22> kLevels = {{
      {"info", 1},     {"information", 1}, {"informational", 1}, {"信息", 1}, {"提示", 1},
      {"low", 2},      {"低", 2},          {"低危", 2},          {"minor", 2}, {"medium", 3},
      {"middle", 3},   {"中", 3},          {"中危", 3},          {"major", 4}, {"high", 4},
      {"高", 4},       {"高危", 4},        {"critical", 5},      {"严重", 5},  {"紧急", 5},
      {"危急", 5},     {"fatal", 5},
  }};
  raw = trim(raw);
  if (const auto v = parse_int(raw); v && *v >= 0) {
    return *v;
  }
  for (const auto& l : kLevels) {
    if (iequals(raw, l.word)) {
      return l.n;
    }
  }
  return std::nullopt;
}

void split_pairs(std::string_view body, char sep, char kv, bool quotes, std::vector<Pair>& out) {
  out.clear();
  const std::size_t n = body.size();
  std::size_t pos = 0;
  while (pos < n) {
    std::size_t i = pos;
    bool in_quote = false;
    while (i < n) {
      const char c = body[i];
      if (quotes && c == '"') {
        in_quote = !in_quote;
      } else if (c == sep && !in_quote) {
        break;
      }
      ++i;
    }
    const std::string_view seg = trim(body.substr(pos, i - pos));
    pos = i + 1;
    std::size_t k = std::string_view::npos;
    if (kv == '\0') {
      k = seg.find_first_of("=:");
    } else {
      k = seg.find(kv);
    }
    if (k == std::string_view::npos || k == 0) {
      continue;
    }
    out.push_back({trim(seg.substr(0, k)), unquote(trim(seg.substr(k + 1)))});
  }
}

void split_spaced(std::string_view body, std::vector<Pair>& out) {
  out.clear();
  const std::size_t n = body.size();
  std::size_t pos = 0;
  while (pos < n) {
    while (pos < n && (body[pos] == ' ' || body[pos] == '\t')) {
      ++pos;
    }
    if (pos >= n) {
      break;
    }
    const std::size_t key_start = pos;
    while (pos < n && is_dotted_key_char(body[pos])) {
      ++pos;
    }
    if (pos == key_start || pos >= n || body[pos] != '=') {
      // Not "key=": a word of the previous unquoted value ("double spaces occur").
      while (pos < n && body[pos] != ' ' && body[pos] != '\t') {
        ++pos;
      }
      // Only an unquoted value continues: a closing quote ended the previous value.
      const char* prev_end =
          out.empty() ? nullptr : out.back().value.data() + out.back().value.size();
      if (!out.empty() && !out.back().value.empty() && prev_end <= body.data() + key_start
          && *prev_end != '"') {
        const char* begin = out.back().value.data();
        out.back().value = std::string_view{
            begin, static_cast<std::size_t>(body.data() + pos - begin)};
      }
      continue;
    }
    const std::string_view key = body.substr(key_start, pos - key_start);
    ++pos;
    std::string_view val;
    if (pos < n && body[pos] == '"') {
      const std::size_t vstart = pos + 1;
      // A closing quote is one followed by a blank or the end of the record, unless the
      // value held unescaped quotes (recheck_closing_quote).
      std::size_t vend = vstart;
      while (vend < n
             && !(body[vend] == '"' && (vend + 1 == n || body[vend + 1] == ' '
                                        || body[vend + 1] == '\t'))) {
        ++vend;
      }
      if (vend < n) {
        vend = recheck_closing_quote(body, vend);
      }
      val = body.substr(vstart, vend - vstart);  // truncated: to the end
      pos = vend + 1;
    } else {
      const std::size_t vstart = pos;
      while (pos < n && body[pos] != ' ' && body[pos] != '\t') {
        ++pos;
      }
      val = body.substr(vstart, pos - vstart);
    }
    out.push_back({key, val});
  }
}

auto lookup(std::span<const KeyMap> table, std::string_view key, bool icase) -> const KeyMap* {
  for (const auto& m : table) {
    if (icase ? iequals(m.key, key) : m.key == key) {
      return &m;
    }
  }
  return nullptr;
}

void Writer::begin(core::Event& out, const Product& p, const Envelope& env) {
  dataset_ = p.dataset;
  out.set("event.module", p.module);
  out.set("event.dataset", p.dataset);
  out.set("observer.vendor", p.vendor);
  if (!p.product.empty()) {
    out.set("observer.product", p.product);
  }
  if (!p.observer_type.empty()) {
    out.set("observer.type", p.observer_type);
  }
  if (env.pri >= 0) {
    out.set_int("log.syslog.priority", env.pri);
    // Venustech sends <212>, <318>, <430>: no valid facility, so only the raw value is kept.
    if (env.pri <= 191) {
      out.set_int("log.syslog.facility.code", env.pri / 8);
      out.set_int("log.syslog.severity.code", env.pri % 8);
    }
  }
  if (env.timestamp) {
    out.timestamp = env.timestamp;
  }
}

void Writer::ns_key(std::string_view name) {
  key_.assign(dataset_);
  key_.push_back('.');
  bool ascii = true;
  for (const char c : name) {
    if (static_cast<unsigned char>(c) >= 0x80) {
      ascii = false;
      break;
    }
  }
  if (name.empty()) {
    key_.push_back('_');
    return;
  }
  if (!ascii) {
    // An unknown Chinese label: keep it losslessly as ASCII hex of its UTF-8 bytes.
    static constexpr std::string_view kHex = "0123456789abcdef";
    key_.append("x_");
    const std::size_t n = name.size() < 48 ? name.size() : 48;
    for (std::size_t i = 0; i < n; ++i) {
      const auto b = static_cast<unsigned char>(name[i]);
      key_.push_back(kHex[b >> 4U]);
      key_.push_back(kHex[b & 0xFU]);
    }
    return;
  }
  for (const char c : name.substr(0, 64)) {
    const bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit(c) || c == '_'
                      || c == '-';
    key_.push_back(keep ? c : '_');
  }
}

void Writer::put_ns(core::Event& out, std::string_view name, std::string_view value) {
  ns_key(name);
  out.set(key_, value);
}

void Writer::put_ns_int(core::Event& out, std::string_view name, std::int64_t value) {
  ns_key(name);
  out.set_int(key_, value);
}

void Writer::put_time(core::Event& out, std::string_view key, core::TimeMs t) {
  tmp_.clear();
  core::append_rfc3339(tmp_, t);
  out.set(key, tmp_);
}

auto Writer::put_mac(core::Event& out, std::string_view key, std::string_view value) -> bool {
  std::array<char, 12> hex{};
  std::size_t n = 0;
  bool zero = true;
  for (const char c : value) {
    if (c == ':' || c == '-' || c == '.') {
      continue;
    }
    const char l = lower_char(c);
    if (!is_digit(l) && (l < 'a' || l > 'f')) {
      return false;
    }
    if (n == hex.size()) {
      return false;
    }
    hex[n++] = l;
    zero = zero && l == '0';
  }
  if (n != hex.size()) {
    return false;
  }
  if (zero) {
    return true;  // 0000.0000.0000: no address
  }
  tmp_.clear();
  for (std::size_t i = 0; i < n; ++i) {
    if (i > 0 && i % 2 == 0) {
      tmp_.push_back('-');
    }
    const char c = hex[i];
    tmp_.push_back(c >= 'a' ? static_cast<char>(c - 'a' + 'A') : c);
  }
  out.set(key, tmp_);
  return true;
}

void Writer::icmp_ports(core::Event& out) {
  const auto t = out.get_string("network.transport");
  if (!t || (*t != "icmp" && *t != "ipv6-icmp")) {
    return;
  }
  for (const auto key : {std::string_view{"source.port"}, std::string_view{"destination.port"}}) {
    if (const auto v = out.get_int(key)) {
      put_ns_int(out, key == "source.port" ? "icmp_source_port" : "icmp_destination_port", *v);
      out.erase(key);
    }
  }
}

void Writer::set_outcome(core::Event& out) {
  const auto a = out.get_string("event.action");
  if (!a) {
    return;
  }
  if (*a == "allow") {
    out.set("event.outcome", "success");
  } else if (*a == "deny") {
    out.set("event.outcome", "failure");
  }
}

void Writer::put(core::Event& out, const KeyMap* m, std::string_view key, std::string_view value) {
  value = trim(value);
  if (is_none(value)) {
    return;
  }
  const Slot slot = m != nullptr ? m->slot : Slot::ns;
  const bool ecs_slot = slot == Slot::ecs || slot == Slot::ecs_int || slot == Slot::ecs_ip;
  const std::string_view name = m != nullptr && !m->ns.empty() && !ecs_slot ? m->ns : key;
  // inet_pton stops at a NUL byte: "10.0.0.1\0junk" must not pass as an address.
  bool ok = value.find('\0') == std::string_view::npos;
  if (!ok) {
    put_ns(out, name, value);
    return;
  }
  switch (slot) {
    case Slot::ns:
      put_ns(out, name, value);
      return;
    case Slot::ns_int:
      if (const auto v = parse_int(value)) {
        put_ns_int(out, name, *v);
      } else {
        put_ns(out, name, value);
      }
      return;
    case Slot::src_ip:
      ok = set_ip(out, "source.ip", value);
      break;
    case Slot::dst_ip:
      ok = set_ip(out, "destination.ip", value);
      break;
    case Slot::src_port:
      ok = set_port(out, "source.port", value);
      break;
    case Slot::dst_port:
      ok = set_port(out, "destination.port", value);
      break;
    case Slot::src_nat_ip:
    case Slot::dst_nat_ip:
      if (value == "::" || value == "0.0.0.0") {
        return;  // no translation
      }
      ok = set_ip(out,
                  core::pick_key(slot == Slot::src_nat_ip, "source.nat.ip", "destination.nat.ip"),
                  value);
      break;
    case Slot::src_nat_port:
    case Slot::dst_nat_port:
      if (value == "0") {
        return;
      }
      ok = set_port(
          out,
          core::pick_key(slot == Slot::src_nat_port, "source.nat.port", "destination.nat.port"),
          value);
      break;
    case Slot::iana:
    case Slot::transport: {
      if (const auto p = parse_int(value)) {
        ok = *p >= 0 && *p <= 255;
        if (ok) {
          out.set_int("network.iana_number", *p);
          if (const auto t = transport_from_iana(*p); !t.empty()) {
            out.set("network.transport", t);
          }
        }
        break;
      }
      if (slot == Slot::iana) {
        ok = false;
        break;
      }
      std::string_view l = to_lower(value, tmp_);
      if (l.starts_with("ipproto_")) {
        l.remove_prefix(8);
      }
      const auto dot = l.find('.');
      const std::string_view first = l.substr(0, dot);
      const std::string_view second = dot == std::string_view::npos ? std::string_view{}
                                                                     : l.substr(dot + 1);
      if (is_transport(first)) {
        out.set("network.transport", first == "icmpv6" ? std::string_view{"ipv6-icmp"} : first);
        if (!second.empty()) {
          out.set("network.protocol", second);
        }
      } else {
        out.set("network.protocol", l);
      }
      break;
    }
    case Slot::application:
      out.set("network.application", to_lower(value, tmp_));
      break;
    case Slot::app_protocol:
      out.set("network.protocol", to_lower(value, tmp_));
      break;
    case Slot::action:
      if (const auto a = normalize_action(value); !a.empty()) {
        out.set("event.action", a);
      }
      put_ns(out, name, value);  // the vendor's own word (often Chinese)
      return;
    case Slot::rule_id:
      out.set("rule.id", value);
      break;
    case Slot::rule_name:
      out.set("rule.name", value);
      break;
    case Slot::rule_category:
      out.set("rule.category", value);
      break;
    case Slot::user:
      out.set("user.name", value);
      break;
    case Slot::url:
      out.set("url.original", value);
      break;
    case Slot::url_domain:
      out.set("url.domain", value);
      break;
    case Slot::url_path:
      out.set("url.path", value);
      break;
    case Slot::http_method:
      out.set("http.request.method", value);
      break;
    case Slot::severity:
      if (const auto s = severity_number(value)) {
        out.set_int("event.severity", *s);
      }
      put_ns(out, name, value);
      return;
    case Slot::src_bytes:
    case Slot::dst_bytes:
    case Slot::src_packets:
    case Slot::dst_packets: {
      const auto c = parse_int(value);
      ok = c && *c >= 0;
      if (ok) {
        const bool bytes = slot == Slot::src_bytes || slot == Slot::dst_bytes;
        const bool source = slot == Slot::src_bytes || slot == Slot::src_packets;
        out.set_int(
            core::pick_key(source, core::pick_key(bytes, "source.bytes", "source.packets"),
                           core::pick_key(bytes, "destination.bytes", "destination.packets")),
            *c);
      }
      break;
    }
    case Slot::in_zone:
      out.set("observer.ingress.zone", value);
      break;
    case Slot::out_zone:
      out.set("observer.egress.zone", value);
      break;
    case Slot::in_if:
      out.set("observer.ingress.interface.name", value);
      break;
    case Slot::out_if:
      out.set("observer.egress.interface.name", value);
      break;
    case Slot::src_mac:
      ok = put_mac(out, "source.mac", value);
      break;
    case Slot::dst_mac:
      ok = put_mac(out, "destination.mac", value);
      break;
    case Slot::vuln_id:
      if (value == "NA") {
        return;
      }
      out.set("vulnerability.id", value);
      break;
    case Slot::threat_name:
      out.set("threat.software.name", value);
      break;
    case Slot::start_epoch:
    case Slot::end_epoch:
      if (const auto t = parse_epoch(value)) {
        put_time(out, slot == Slot::start_epoch ? "event.start" : "event.end", *t);
      } else {
        ok = false;
      }
      break;
    case Slot::reason:
      out.set("event.reason", value);
      break;
    case Slot::message:
      out.set("message", value);
      break;
    case Slot::hostname:
      out.set("observer.hostname", value);
      break;
    case Slot::serial:
      out.set("observer.serial_number", value);
      break;
    case Slot::ecs:
      out.set(m->ns, value);
      break;
    case Slot::ecs_int:
      if (const auto v = parse_int(value)) {
        out.set_int(m->ns, *v);
      } else {
        ok = false;
      }
      break;
    case Slot::ecs_ip:
      ok = set_ip(out, m->ns, value);
      break;
  }
  if (!ok) {
    put_ns(out, name, value);
  }
}

}  // namespace siem::parsers::detail::cn
