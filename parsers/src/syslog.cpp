#include "syslog.hpp"

#include "common.hpp"

#include <cstdlib>

namespace siem::parsers::detail {
namespace {

constexpr core::TimeMs kDayMs = 86'400'000;

// The largest PRI RFC 5424 allows (facility 23, severity 7).
constexpr int kMaxPri = 191;

auto is_digit(char c) -> bool {
  return c >= '0' && c <= '9';
}

// Reads 1-`max` digits at `pos`.
auto read_number(std::string_view s, std::size_t& pos, std::size_t max, int& out) -> bool {
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

auto is_leap(int y) -> bool {
  return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

auto days_in_month(int y, unsigned m) -> unsigned {
  static constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && is_leap(y) ? 29 : kDays[m - 1];
}

// "hh:mm:ss[.fff]" at pos.
auto read_clock(std::string_view s, std::size_t& pos, int& h, int& m, int& sec, int& ms) -> bool {
  if (pos + 8 > s.size() || !is_digit(s[pos]) || !is_digit(s[pos + 1]) || s[pos + 2] != ':'
      || !is_digit(s[pos + 3]) || !is_digit(s[pos + 4]) || s[pos + 5] != ':'
      || !is_digit(s[pos + 6]) || !is_digit(s[pos + 7])) {
    return false;
  }
  h = (s[pos] - '0') * 10 + (s[pos + 1] - '0');
  m = (s[pos + 3] - '0') * 10 + (s[pos + 4] - '0');
  sec = (s[pos + 6] - '0') * 10 + (s[pos + 7] - '0');
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

auto next_token(std::string_view s, std::size_t& pos) -> std::string_view {
  const std::size_t start = pos;
  while (pos < s.size() && s[pos] != ' ') {
    ++pos;
  }
  return s.substr(start, pos - start);
}

auto nil(std::string_view v) -> std::string_view {
  return v == "-" ? std::string_view{} : v;
}

// RFC 3164 "Mmm dd hh:mm:ss" (day may be space-padded), also "Mmm dd yyyy hh:mm:ss".
auto parse_bsd_time(std::string_view s, std::size_t& pos, const ParseContext& ctx)
    -> std::optional<core::TimeMs> {
  if (s.size() < pos + 14) {
    return std::nullopt;
  }
  const unsigned month = core::month_from_abbrev(s.substr(pos, 3));
  if (month == 0 || s[pos + 3] != ' ') {
    return std::nullopt;
  }
  std::size_t p = pos + 4;
  while (p < s.size() && s[p] == ' ') {
    ++p;
  }
  int day = 0;
  if (!read_number(s, p, 2, day) || day < 1 || day > 31 || p >= s.size() || s[p] != ' ') {
    return std::nullopt;
  }
  ++p;
  int year = 0;
  if (p + 5 <= s.size() && is_digit(s[p]) && is_digit(s[p + 1]) && is_digit(s[p + 2])
      && is_digit(s[p + 3]) && s[p + 4] == ' ') {
    year = (s[p] - '0') * 1000 + (s[p + 1] - '0') * 100 + (s[p + 2] - '0') * 10 + (s[p + 3] - '0');
    p += 5;
  }
  int h = 0;
  int m = 0;
  int sec = 0;
  int ms = 0;
  if (!read_clock(s, p, h, m, sec, ms)) {
    return std::nullopt;
  }
  // H3C Comware puts the year after the time: "Aug 12 09:01:07 2022 host ...". A 4-digit
  // 1970-2199 token followed by a blank is that year, not a hostname (a host named like a
  // year loses; a year read as the host would misdate every H3C line).
  if (year == 0 && p + 6 <= s.size() && s[p] == ' ' && is_digit(s[p + 1]) && is_digit(s[p + 2])
      && is_digit(s[p + 3]) && is_digit(s[p + 4]) && s[p + 5] == ' ') {
    const int y =
        (s[p + 1] - '0') * 1000 + (s[p + 2] - '0') * 100 + (s[p + 3] - '0') * 10 + (s[p + 4] - '0');
    if (y >= 1970 && y <= 2199) {
      year = y;
      p += 5;
    }
  }
  std::optional<core::TimeMs> t;
  if (year != 0) {
    const auto days = core::days_from_civil(year, month, static_cast<unsigned>(day));
    t = (days * 86400 + std::int64_t{h} * 3600 + m * 60 + sec) * 1000 + ms
        - static_cast<core::TimeMs>(ctx.tz_offset_minutes) * 60'000;
  } else {
    t = resolve_year(month, static_cast<unsigned>(day), h, m, sec, ms, ctx);
  }
  if (t) {
    pos = p;
  }
  return t;
}

// Tag "name[pid]:" or "name:" at the start of `s`. Sets app/procid and returns the offset of
// the message, or npos when `s` does not start with a tag.
auto parse_tag(std::string_view s, std::string_view& app, std::string_view& procid) -> std::size_t {
  std::size_t i = 0;
  while (i < s.size() && s[i] != '[' && s[i] != ':' && s[i] != ' ') {
    ++i;
  }
  if (i == 0 || i == s.size() || s[i] == ' ' || i > 64) {
    return std::string_view::npos;
  }
  const std::string_view name = s.substr(0, i);
  std::string_view pid;
  if (s[i] == '[') {
    const auto close = s.find(']', i);
    if (close == std::string_view::npos) {
      return std::string_view::npos;
    }
    pid = s.substr(i + 1, close - i - 1);
    i = close + 1;
    if (i >= s.size() || s[i] != ':') {
      return std::string_view::npos;
    }
  }
  // s[i] == ':'; a tag's colon is followed by a space or the end of the line.
  if (i + 1 < s.size() && s[i + 1] != ' ') {
    return std::string_view::npos;
  }
  app = name;
  procid = pid;
  return i + 1;
}

// Hostname and tag of RFC 3164 after the timestamp.
void parse_bsd_rest(std::string_view rest, SyslogHeader& h) {
  rest = ltrim(rest);
  std::size_t pos = 0;
  const std::string_view first = next_token(rest, pos);
  // Some senders omit the hostname: the first token is then already the tag.
  std::string_view app;
  std::string_view procid;
  std::size_t msg_at = std::string_view::npos;
  if (!first.empty() && (first.back() == ':' || first.find('[') != std::string_view::npos)) {
    msg_at = parse_tag(rest, app, procid);
  }
  if (msg_at == std::string_view::npos) {
    h.hostname = first;
    std::string_view after = ltrim(rest.substr(pos));
    msg_at = parse_tag(after, app, procid);
    if (msg_at == std::string_view::npos) {
      h.message = after;
      return;
    }
    rest = after;
  }
  h.app_name = app;
  h.procid = procid;
  h.message = ltrim(rest.substr(msg_at));
}

// The end of the RFC 5424 SD elements starting at s[pos] == '[', or npos when malformed.
auto sd_end(std::string_view s, std::size_t pos) -> std::size_t {
  while (pos < s.size() && s[pos] == '[') {
    bool in_quote = false;
    ++pos;
    for (; pos < s.size(); ++pos) {
      const char c = s[pos];
      if (in_quote) {
        if (c == '\\') {
          ++pos;
        } else if (c == '"') {
          in_quote = false;
        }
      } else if (c == '"') {
        in_quote = true;
      } else if (c == ']') {
        break;
      }
    }
    if (pos >= s.size()) {
      return std::string_view::npos;
    }
    ++pos;  // past ']'
  }
  return pos;
}

auto parse_5424(std::string_view s, std::size_t pos, const ParseContext& ctx, SyslogHeader& h)
    -> bool {
  // VERSION SP TIMESTAMP SP HOSTNAME SP APP-NAME SP PROCID SP MSGID SP SD [SP MSG]
  int version = 0;
  if (!read_number(s, pos, 2, version) || version == 0 || pos >= s.size() || s[pos] != ' ') {
    return false;
  }
  ++pos;
  const std::string_view ts = next_token(s, pos);
  std::optional<core::TimeMs> t;
  if (ts != "-") {
    // RFC 5424 requires a zone; senders that omit it get the source's zone.
    t = core::parse_rfc3339(ts, ctx.tz_offset_minutes);
    if (!t) {
      return false;
    }
  }
  std::string_view fields[4];
  for (auto& f : fields) {
    if (pos >= s.size() || s[pos] != ' ') {
      return false;
    }
    ++pos;
    f = next_token(s, pos);
    if (f.empty()) {
      return false;
    }
  }
  if (pos >= s.size() || s[pos] != ' ') {
    return false;
  }
  ++pos;
  std::string_view sd;
  if (pos < s.size() && s[pos] == '-') {
    ++pos;
  } else if (pos < s.size() && s[pos] == '[') {
    const std::size_t end = sd_end(s, pos);
    if (end == std::string_view::npos) {
      return false;
    }
    sd = s.substr(pos, end - pos);
    pos = end;
  } else {
    return false;
  }
  std::string_view msg;
  if (pos < s.size()) {
    if (s[pos] != ' ') {
      return false;
    }
    msg = s.substr(pos + 1);
    if (msg.starts_with("\xEF\xBB\xBF")) {  // RFC 5424 6.4: UTF-8 BOM before MSG
      msg.remove_prefix(3);
    }
  }
  h.kind = SyslogKind::rfc5424;
  h.timestamp = t;
  h.hostname = nil(fields[0]);
  h.app_name = nil(fields[1]);
  h.procid = nil(fields[2]);
  h.msgid = nil(fields[3]);
  h.structured_data = sd;
  h.message = msg;
  return true;
}

// Writes SD-ELEMENTs as log.syslog.structured_data.<id>.<param>. Returns false on a
// malformed element.
auto apply_structured_data(std::string_view sd, core::Event& out) -> bool {
  std::string key;
  std::string value;
  std::size_t pos = 0;
  while (pos < sd.size()) {
    if (sd[pos] != '[') {
      return false;
    }
    ++pos;
    std::size_t id_end = pos;
    while (id_end < sd.size() && sd[id_end] != ' ' && sd[id_end] != ']') {
      ++id_end;
    }
    const std::string_view id = sd.substr(pos, id_end - pos);
    pos = id_end;
    bool any_param = false;
    while (pos < sd.size() && sd[pos] == ' ') {
      ++pos;
      const auto eq = sd.find('=', pos);
      if (eq == std::string_view::npos || eq + 1 >= sd.size() || sd[eq + 1] != '"') {
        return false;
      }
      const std::string_view name = sd.substr(pos, eq - pos);
      pos = eq + 2;
      value.clear();
      while (pos < sd.size() && sd[pos] != '"') {
        // RFC 5424 6.3.3: only '"', '\' and ']' are escaped.
        if (sd[pos] == '\\' && pos + 1 < sd.size()
            && (sd[pos + 1] == '"' || sd[pos + 1] == '\\' || sd[pos + 1] == ']')) {
          ++pos;
        }
        value.push_back(sd[pos]);
        ++pos;
      }
      if (pos >= sd.size()) {
        return false;
      }
      ++pos;  // closing quote
      key.assign("log.syslog.structured_data.");
      append_key_segment(key, id);
      key.push_back('.');
      append_key_segment(key, name);
      out.set(key, value);
      any_param = true;
    }
    if (pos >= sd.size() || sd[pos] != ']') {
      return false;
    }
    ++pos;
    if (!any_param) {
      // An SD-ELEMENT without params is still information ("[timeQuality]").
      key.assign("log.syslog.structured_data.");
      append_key_segment(key, id);
      out.set_bool(key, true);
    }
  }
  return true;
}

}  // namespace

auto resolve_year(unsigned month, unsigned day, int hour, int minute, int second, int millis,
                  const ParseContext& ctx) -> std::optional<core::TimeMs> {
  const core::TimeMs offset_ms = static_cast<core::TimeMs>(ctx.tz_offset_minutes) * 60'000;
  const int base = core::year_of(ctx.received_at + offset_ms);
  std::optional<core::TimeMs> best;
  core::TimeMs best_diff = 0;
  if (month < 1 || month > 12) {
    return std::nullopt;
  }
  // Normally base+1..base-1 decides; "Feb 29" may need to reach back to the last leap year.
  for (int year = base + 1; year >= base - 4; --year) {
    if (best && year < base - 1) {
      break;
    }
    if (day < 1 || day > days_in_month(year, month)) {
      continue;
    }
    const auto days = core::days_from_civil(year, month, day);
    const core::TimeMs t = (days * 86400 + std::int64_t{hour} * 3600 + minute * 60 + second) * 1000
                           + millis - offset_ms;
    // A clock slightly ahead of ours is fine; a time much later than receipt means last year.
    if (t > ctx.received_at + kDayMs) {
      continue;
    }
    const core::TimeMs diff = std::llabs(t - ctx.received_at);
    if (!best || diff < best_diff) {
      best = t;
      best_diff = diff;
    }
  }
  return best;
}

auto parse_syslog(std::string_view line, const ParseContext& ctx, SyslogHeader& h) -> bool {
  h = SyslogHeader{};
  h.message = line;
  std::size_t pos = 0;
  if (line.size() >= 3 && line[0] == '<') {
    std::size_t p = 1;
    int pri = 0;
    // RFC 5424 caps PRI at 191, but real senders exceed it (Venustech sends <205>, <212>,
    // <318>, <430>; vendor-formats-cn.md, "PRI above 191"). Rejecting the envelope would lose
    // the header and usually the whole line, so any 1-3 digit PRI is accepted and kept raw:
    // log.syslog.priority holds it, and facility/severity are left out because the value
    // encodes no valid pair (apply_syslog_origin).
    if (read_number(line, p, 3, pri) && p < line.size() && line[p] == '>') {
      h.pri = pri;
      pos = p + 1;
    }
  }
  const std::string_view rest = line.substr(pos);
  h.message = rest;
  if (!rest.empty() && rest[0] == '{') {
    return h.pri >= 0;  // a JSON payload: none of the headers below starts with '{'
  }
  // RFC 5424: "1 " then a timestamp or NILVALUE.
  if (rest.size() > 2 && rest[0] >= '1' && rest[0] <= '9' && (rest[1] == ' ' || rest[2] == ' ')
      && parse_5424(line, pos, ctx, h)) {
    return true;
  }
  // RFC 3164 "Mmm dd hh:mm:ss".
  std::size_t p = pos;
  if (auto t = parse_bsd_time(line, p, ctx); t && p < line.size() && line[p] == ' ') {
    h.kind = SyslogKind::rfc3164;
    h.timestamp = t;
    parse_bsd_rest(line.substr(p + 1), h);
    return true;
  }
  // rsyslog's high-precision variant: an RFC 3339 timestamp instead of the BSD one.
  if (rest.size() > 20 && is_digit(rest[0]) && rest[4] == '-') {
    std::size_t q = 0;
    const std::string_view ts = next_token(rest, q);
    if (auto t = core::parse_rfc3339(ts, ctx.tz_offset_minutes); t && q < rest.size()) {
      h.kind = SyslogKind::rfc3164;
      h.timestamp = t;
      parse_bsd_rest(rest.substr(q + 1), h);
      return true;
    }
  }
  return h.pri >= 0;
}

void apply_syslog_origin(const SyslogHeader& h, core::Event& out) {
  if (h.pri >= 0) {
    out.set_int("log.syslog.priority", h.pri);
    if (h.pri <= kMaxPri) {  // above it the PRI names no facility (kept raw only)
      out.set_int("log.syslog.facility.code", h.pri / 8);
      out.set_int("log.syslog.severity.code", h.pri % 8);
    }
  }
  // A payload that names its own host (a forwarded Windows event's Computer) wins over the
  // forwarder in the envelope.
  if (!h.hostname.empty() && !out.has("host.hostname")) {
    out.set("host.hostname", h.hostname);
  }
}

auto apply_syslog(const SyslogHeader& h, core::Event& out, bool with_message) -> bool {
  apply_syslog_origin(h, out);
  if (h.timestamp) {
    out.timestamp = h.timestamp;
  }
  if (!h.app_name.empty()) {
    out.set("process.name", h.app_name);
  }
  if (!h.procid.empty()) {
    if (const auto pid = parse_int(h.procid); pid && *pid >= 0) {
      out.set_int("process.pid", *pid);
    } else {
      out.set("log.syslog.procid", h.procid);
    }
  }
  if (!h.msgid.empty()) {
    out.set("log.syslog.msgid", h.msgid);
  }
  if (h.kind == SyslogKind::rfc5424) {
    out.set_int("log.syslog.version", 1);
  }
  if (with_message && !h.message.empty()) {
    out.set("message", h.message);
  }
  return h.structured_data.empty() || apply_structured_data(h.structured_data, out);
}

}  // namespace siem::parsers::detail
