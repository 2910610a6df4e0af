#pragma once

#include <atomic>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace siem::core {

/// Milliseconds since the Unix epoch, UTC. The engine's one time unit.
using TimeMs = std::int64_t;

/// Days since 1970-01-01 of a proleptic Gregorian date (month 1-12).
auto days_from_civil(int year, unsigned month, unsigned day) -> std::int64_t;

/// The UTC calendar year of a time.
auto year_of(TimeMs t) -> int;

/// RFC 3339 UTC with milliseconds: "2026-11-27T01:22:24.123Z".
auto format_rfc3339(TimeMs t) -> std::string;

/// Appends the same text to `out` (no allocation when `out` has room).
void append_rfc3339(std::string& out, TimeMs t);
/// The same into a raw buffer of at least kRfc3339Bound bytes; returns the end written.
constexpr std::size_t kRfc3339Bound = 48;
auto write_rfc3339(char* dst, TimeMs t) -> char*;

/// Parses RFC 3339 / ISO 8601 date-times ("2026-11-27T01:22:24Z", "...24.123456+08:00",
/// a space instead of 'T'). A time without zone is taken as UTC + `default_offset_minutes`.
auto parse_rfc3339(std::string_view s, int default_offset_minutes = 0) -> std::optional<TimeMs>;

/// The RFC 3339 UTC text (as write_rfc3339 writes it) of the time `s` denotes, parsed as
/// parse_rfc3339 does; writes at most kRfc3339Bound bytes to `dst` and returns the end, or
/// nullptr when `s` is not a time. Text already in UTC with a valid date and milliseconds
/// ("2024-05-31T23:59:44.005423+0000", Suricata's form) is cut and copied rather than
/// converted to a count and back.
auto rewrite_rfc3339(std::string_view s, char* dst, int default_offset_minutes = 0) -> char*;

/// Month number 1-12 of an English three-letter abbreviation ("Jan"), or 0.
auto month_from_abbrev(std::string_view m) -> unsigned;

/// A source of the current time. Injected everywhere so that tests and golden files are
/// deterministic. Implementations are thread-safe.
class Clock {
public:
  Clock() = default;
  Clock(const Clock&) = delete;
  auto operator=(const Clock&) -> Clock& = delete;
  Clock(Clock&&) = delete;
  auto operator=(Clock&&) -> Clock& = delete;
  virtual ~Clock() = default;
  [[nodiscard]] virtual auto now_ms() const -> TimeMs = 0;
};

/// The system's real-time clock.
class SystemClock final : public Clock {
public:
  [[nodiscard]] auto now_ms() const -> TimeMs override;
  /// A process-wide instance.
  static auto instance() -> const SystemClock&;
};

/// A clock tests set by hand. Thread-safe.
class ManualClock final : public Clock {
public:
  explicit ManualClock(TimeMs t = 0) : t_(t) {}
  [[nodiscard]] auto now_ms() const -> TimeMs override { return t_.load(); }
  void set(TimeMs t) { t_.store(t); }
  void advance(TimeMs d) { t_.fetch_add(d); }

private:
  std::atomic<TimeMs> t_;
};

}  // namespace siem::core
