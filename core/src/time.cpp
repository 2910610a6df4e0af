#include "siem/core/time.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <cstring>

namespace siem::core {
namespace {

struct Civil {
  int year;
  unsigned month;
  unsigned day;
};

// Howard Hinnant's civil_from_days.
auto civil_from_days(std::int64_t z) -> Civil {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t y = static_cast<std::int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return {static_cast<int>(y + (m <= 2 ? 1 : 0)), m, d};
}

// Days in month m (1-12) of year y (>= 0).
auto days_in_month(int y, int m) -> int {
  constexpr std::array<int, 12> kDays = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
  return kDays[static_cast<std::size_t>(m - 1)] + (m == 2 && leap ? 1 : 0);
}

// The numbers at the fixed places of "YYYY-MM-DD?HH:MM:SS" (s.size() >= 19; separators are
// not checked), read together: this runs for every JSON event's timestamps.
struct FixedFields {
  int y;
  int mo;
  int d;
  int h;
  int mi;
  int sec;
  bool digits_ok;  ///< every one of those places holds a digit
};

auto fixed_fields(std::string_view s) -> FixedFields {
  bool bad = false;
  const auto two = [&](std::size_t at) {
    const auto a = static_cast<unsigned>(s[at] - '0');
    const auto b = static_cast<unsigned>(s[at + 1] - '0');
    bad |= a > 9 || b > 9;
    return static_cast<int>(a * 10 + b);
  };
  const int y = two(0) * 100 + two(2);
  return {y, two(5), two(8), two(11), two(14), two(17), !bad};
}

auto floor_div(std::int64_t a, std::int64_t b) -> std::int64_t {
  return a / b - ((a % b != 0) && ((a < 0) != (b < 0)) ? 1 : 0);
}

auto digits(std::string_view s, std::size_t pos, std::size_t n, int& out) -> bool {
  if (pos + n > s.size()) {
    return false;
  }
  int v = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const char c = s[pos + i];
    if (c < '0' || c > '9') {
      return false;
    }
    v = v * 10 + (c - '0');
  }
  out = v;
  return true;
}

}  // namespace

auto days_from_civil(int year, unsigned month, unsigned day) -> std::int64_t {
  const std::int64_t y = static_cast<std::int64_t>(year) - (month <= 2 ? 1 : 0);
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

auto year_of(TimeMs t) -> int { return civil_from_days(floor_div(t, 86'400'000)).year; }

void append_rfc3339(std::string& out, TimeMs t) {
  char buf[kRfc3339Bound];
  out.append(buf, static_cast<std::size_t>(write_rfc3339(buf, t) - buf));
}

auto write_rfc3339(char* dst, TimeMs t) -> char* {
  const std::int64_t days = floor_div(t, 86'400'000);
  const std::int64_t ms_of_day = t - days * 86'400'000;
  // Times written one after another mostly share their day.
  thread_local std::int64_t last_days = 0;
  thread_local Civil last_civil{1970, 1, 1};  // day 0
  if (days != last_days) {
    last_days = days;
    last_civil = civil_from_days(days);
  }
  const Civil c = last_civil;
  if (c.year < 0 || c.year > 9999) {
    const int n = std::snprintf(dst, kRfc3339Bound, "%04d-%02u-%02uT%02d:%02d:%02d.%03dZ", c.year,
                                c.month, c.day, static_cast<int>(ms_of_day / 3'600'000),
                                static_cast<int>(ms_of_day / 60'000 % 60),
                                static_cast<int>(ms_of_day / 1000 % 60),
                                static_cast<int>(ms_of_day % 1000));
    return dst + std::min(n > 0 ? n : 0, static_cast<int>(kRfc3339Bound) - 1);
  }
  // Hand-rolled: this runs once per event written.
  char* buf = dst;
  auto put2 = [&](std::size_t at, unsigned v) {
    buf[at] = static_cast<char>('0' + v / 10);
    buf[at + 1] = static_cast<char>('0' + v % 10);
  };
  const auto y = static_cast<unsigned>(c.year);
  put2(0, y / 100);
  put2(2, y % 100);
  buf[4] = '-';
  put2(5, c.month);
  buf[7] = '-';
  put2(8, c.day);
  buf[10] = 'T';
  const auto secs = static_cast<unsigned>(ms_of_day / 1000);
  put2(11, secs / 3600);
  buf[13] = ':';
  put2(14, secs / 60 % 60);
  buf[16] = ':';
  put2(17, secs % 60);
  buf[19] = '.';
  const auto ms = static_cast<unsigned>(ms_of_day % 1000);
  buf[20] = static_cast<char>('0' + ms / 100);
  put2(21, ms % 100);
  buf[23] = 'Z';
  return dst + 24;
}

auto format_rfc3339(TimeMs t) -> std::string {
  std::string out;
  append_rfc3339(out, t);
  return out;
}

auto parse_rfc3339(std::string_view s, int default_offset_minutes) -> std::optional<TimeMs> {
  if (s.size() < 19 || s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != ' ' && s[10] != 't')
      || s[13] != ':' || s[16] != ':') {
    return std::nullopt;
  }
  const auto [y, mo, d, h, mi, sec, digits_ok] = fixed_fields(s);
  if (!digits_ok || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60) {
    return std::nullopt;
  }
  std::size_t pos = 19;
  int ms = 0;
  if (pos < s.size() && (s[pos] == '.' || s[pos] == ',')) {
    ++pos;
    const std::size_t first = pos;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
      ++pos;
    }
    const std::size_t nd = pos - first;  // digits past milliseconds are dropped
    if (nd == 0) {
      return std::nullopt;
    }
    ms = (s[first] - '0') * 100 + (nd > 1 ? (s[first + 1] - '0') * 10 : 0)
         + (nd > 2 ? s[first + 2] - '0' : 0);
  }
  int offset = default_offset_minutes;
  if (pos < s.size()) {
    const char z = s[pos];
    if (z == 'Z' || z == 'z') {
      offset = 0;
      ++pos;
    } else if (z == '+' || z == '-') {
      int oh = 0;
      int om = 0;
      if (!digits(s, pos + 1, 2, oh)) {
        return std::nullopt;
      }
      std::size_t p = pos + 3;
      if (p < s.size() && s[p] == ':') {
        ++p;
      }
      if (!digits(s, p, 2, om)) {
        return std::nullopt;
      }
      offset = (oh * 60 + om) * (z == '-' ? -1 : 1);
      pos = p + 2;
    } else {
      return std::nullopt;
    }
  }
  if (pos != s.size()) {
    return std::nullopt;
  }

  // Timestamps of one stream mostly share their day; around midnight a record's start and
  // end times straddle two (EVE flows), so the last two days are kept.
  struct Day {
    int key = 1970 * 10000 + 101;  // y * 10000 + mo * 100 + d
    std::int64_t days = 0;
  };

  thread_local std::array<Day, 2> last{};
  const int key = y * 10000 + mo * 100 + d;
  std::int64_t days = 0;
  if (last[0].key == key) {
    days = last[0].days;
  } else if (last[1].key == key) {
    days = last[1].days;
    std::swap(last[0], last[1]);
  } else {
    days = days_from_civil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d));
    last[1] = last[0];
    last[0] = {key, days};
  }
  const std::int64_t secs = days * 86400 + h * 3600 + mi * 60 + sec - offset * 60;
  return secs * 1000 + ms;
}

auto rewrite_rfc3339(std::string_view s, char* dst, int default_offset_minutes) -> char* {
  // "YYYY-MM-DDTHH:MM:SS.mmm[more digits](Z|+0000|+00:00)", 1970 or later, a day the month
  // has and no leap second: the output is the first 23 bytes and 'Z'.
  const auto utc_zone = [](std::string_view z) {
    return z == "Z" || z == "+0000" || z == "+00:00" || z == "-0000" || z == "-00:00";
  };
  if (s.size() >= 24 && s[10] == 'T' && s[19] == '.') {
    std::size_t end = 23;
    while (end < s.size() && s[end] >= '0' && s[end] <= '9') {
      ++end;
    }
    const auto [y, mo, d, h, mi, sec, digits_ok] = fixed_fields(s);
    const auto is_digit = [](char c) {
      return c >= '0' && c <= '9';
    };
    const bool ms_digits = is_digit(s[20]) && is_digit(s[21]) && is_digit(s[22]);
    if (digits_ok && ms_digits && s[4] == '-' && s[7] == '-' && s[13] == ':' && s[16] == ':'
        && y >= 1970 && mo >= 1 && mo <= 12 && d >= 1 && d <= days_in_month(y, mo) && h <= 23
        && mi <= 59 && sec <= 59 && utc_zone(s.substr(end))) {
      std::memcpy(dst, s.data(), 23);
      dst[23] = 'Z';
      return dst + 24;
    }
  }
  const auto t = parse_rfc3339(s, default_offset_minutes);
  return t ? write_rfc3339(dst, *t) : nullptr;
}

auto month_from_abbrev(std::string_view m) -> unsigned {
  if (m.size() != 3) {
    return 0;
  }
  // The three bytes as one number, compared with each month's: every syslog parser tries
  // this on every line, most of which are not syslog-dated at all.
  const auto key = [](char a, char b, char c) {
    return static_cast<unsigned>(static_cast<unsigned char>(a)) << 16U
           | static_cast<unsigned>(static_cast<unsigned char>(b)) << 8U
           | static_cast<unsigned char>(c);
  };
  static constexpr std::array<std::string_view, 12> kMonths = {
      "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const unsigned v = key(m[0], m[1], m[2]);
  for (unsigned i = 0; i < 12; ++i) {
    if (v == key(kMonths[i][0], kMonths[i][1], kMonths[i][2])) {
      return i + 1;
    }
  }
  return 0;
}

auto SystemClock::now_ms() const -> TimeMs {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

auto SystemClock::instance() -> const SystemClock& {
  static const SystemClock clock;
  return clock;
}

}  // namespace siem::core
