#pragma once

#include "siem/core/event.hpp"
#include "siem/core/time.hpp"
#include "siem/parsers/normalizer.hpp"

#include <cstdint>
#include <optional>
#include <string_view>

namespace siem::parsers::detail {

/// Which syslog header a line carried.
enum class SyslogKind : std::uint8_t { none, rfc3164, rfc5424 };

/// A parsed syslog envelope. All views point into the parsed line and are valid only while
/// it is.
struct SyslogHeader {
  int pri = -1;  ///< -1 when the line has no <PRI>.
  SyslogKind kind = SyslogKind::none;
  std::optional<core::TimeMs> timestamp;
  std::string_view hostname;
  std::string_view app_name;
  std::string_view procid;
  std::string_view msgid;
  std::string_view structured_data;  ///< RFC 5424 SD elements, empty for NILVALUE.
  std::string_view message;          ///< The rest of the line (the whole line without header).
};

/// Parses an optional <PRI> and an RFC 5424 or RFC 3164 header (also the common variant
/// with an RFC 3339 timestamp in place of "Mmm dd hh:mm:ss"). RFC 3164's missing year is
/// resolved against ctx.received_at. Returns false when the line has neither PRI nor
/// header; `h.message` is then the whole line.
auto parse_syslog(std::string_view line, const ParseContext& ctx, SyslogHeader& h) -> bool;

/// The year-less "Mmm dd hh:mm:ss" time placed in the year that puts it nearest to
/// ctx.received_at without being more than a day after it. Exposed for tests.
auto resolve_year(unsigned month, unsigned day, int hour, int minute, int second, int millis,
                  const ParseContext& ctx) -> std::optional<core::TimeMs>;

/// Writes the envelope's fields: @timestamp, host.hostname, process.name/pid,
/// log.syslog.* (priority, facility, severity, msgid, structured data) and `message`.
/// Returns false when RFC 5424 structured data is malformed (the rest is still written).
auto apply_syslog(const SyslogHeader& h, core::Event& out, bool with_message) -> bool;

/// Writes only the PRI-derived log.syslog.* fields and host.hostname (for payloads that a
/// deeper parser maps itself, such as FortiGate key=value inside a syslog envelope).
void apply_syslog_origin(const SyslogHeader& h, core::Event& out);

}  // namespace siem::parsers::detail
