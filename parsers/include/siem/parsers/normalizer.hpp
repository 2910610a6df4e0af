#pragma once

#include "siem/core/event.hpp"
#include "siem/core/status.hpp"
#include "siem/core/time.hpp"

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace siem::parsers {

/// Per-line context supplied by the caller (the ingest stage knows when and from where a
/// record arrived; the line itself often does not).
struct ParseContext {
  /// Receive time; resolves RFC 3164's missing year and is the fallback `@timestamp`.
  core::TimeMs received_at = 0;
  /// Source time zone for zone-less timestamps, in minutes east of UTC.
  int tz_offset_minutes = 0;
  /// Bytes after the end of the line that may be read (never written), in the caller's
  /// buffer. With at least 64, JSON is parsed in place instead of from a padded copy.
  std::size_t readable_after = 0;
};

/// One entry of the parser registry, as listed by `siem formats`.
struct FormatInfo {
  std::string name;         ///< Registry name, `vendor/format` ("openssh/sshd").
  std::string description;  ///< One line: what the parser reads.
  std::string detection;    ///< How `auto` recognises the format.
  std::string status;       ///< "stable" or "experimental".
  std::string example;      ///< One example input line.
};

/// Turns raw log lines into ECS-named core::Events.
///
/// Owned by one worker thread: it holds a reused simdjson parser, a padded input buffer and
/// compiled RE2 patterns, so it is not thread-safe (thread-compatible: one per worker).
/// Steady-state normalization allocates nothing for the input buffer; regexes are compiled
/// once in create().
class Normalizer {
public:
  /// Creates a normalizer for `format`: "auto" (detect per line) or a registry name from
  /// formats(). Errors: StatusCode::invalid_argument naming the unknown format.
  static auto create(std::string_view format) -> core::Result<std::unique_ptr<Normalizer>>;

  Normalizer(const Normalizer&) = delete;
  auto operator=(const Normalizer&) -> Normalizer& = delete;
  Normalizer(Normalizer&&) = delete;
  auto operator=(Normalizer&&) -> Normalizer& = delete;
  virtual ~Normalizer();

  /// Normalizes one line (without its line terminator; trailing '\r' and NUL bytes are stripped).
  ///
  /// Always fills `out` (cleared first) with exactly one event and never throws. Input that
  /// no parser understands becomes an event with `event.kind` "unparsed", `event.original`
  /// the line and `error.message` the reason. The event owns its strings; `line` may be
  /// released after the call.
  void normalize(std::string_view line, const ParseContext& ctx, core::Event& out);

  /// The registry name this normalizer was created for ("auto", "suricata/eve", ...).
  [[nodiscard]] auto format() const -> std::string_view;

private:
  struct Impl;
  explicit Normalizer(std::unique_ptr<Impl> impl);

  std::unique_ptr<Impl> impl_;
};

/// The parser registry: every format name accepted by Normalizer::create besides "auto".
auto formats() -> std::vector<FormatInfo>;

/// Name of the simdjson kernel selected at run time on this CPU ("icelake", "haswell",
/// "westmere", "fallback").
auto simdjson_implementation() -> std::string;

}  // namespace siem::parsers
