#pragma once

#include "siem/core/event.hpp"

#include <re2/re2.h>

#include <string_view>

namespace siem::parsers::detail {

/// Hand-written matchers for the most frequent sshd messages. Each gives exactly the captures
/// of the RE2 pattern in its comment (RE2's leftmost-first semantics: lazy groups take the
/// shortest text for which the rest matches); tests/parsers compare them with RE2 on many
/// variants. They exist because a capture regex cost more than the rest of the line. They
/// work on bytes: unlike RE2, they accept invalid UTF-8 inside a group (the line is parsed,
/// and the JSON writer repairs those bytes) instead of leaving the line unparsed.
namespace sshd_match {

struct Captures {
  bool ok = false;
  std::string_view a, b, c, d, e;  // the pattern's groups in order; empty when not taken
};

/// ^Failed (\S+) for (invalid user )?(.*?) from (\S+) port (\d+)
auto failed(std::string_view msg) -> Captures;
/// ^Accepted (\S+) for (.*?)(?: from (\S+) port (\d+)(?: ssh2(?:: (.*))?)?)?\s*$
auto accepted(std::string_view msg) -> Captures;
/// ^Invalid user (.*?) from (\S+)(?: port (\d+))?
auto invalid_user(std::string_view msg) -> Captures;
/// ^Connection (closed|reset) by (?:(invalid|authenticating) user (.*?) )?(\S+)(?: port (\d+))?
auto connection(std::string_view msg) -> Captures;
/// ^Disconnected from (?:(invalid|authenticating) user (.*?) |user (\S+) )?(\S+) port (\d+)
auto disconnected(std::string_view msg) -> Captures;
/// ^Disconnecting (?:(invalid|authenticating) user (.*?) |user (\S+) )?(\S+) port (\d+)
auto disconnecting(std::string_view msg) -> Captures;
/// maximum authentication attempts exceeded for (invalid user )?(.*?) from (\S+) port (\d+)
/// (unanchored)
auto max_attempts(std::string_view msg) -> Captures;

}  // namespace sshd_match

/// OpenSSH sshd message parser (the MSG part of a syslog line from process sshd).
///
/// Patterns are compiled once in the constructor. Each message is routed by a literal prefix
/// first, so at most one capture regex runs per line; the messages whose patterns RE2 would
/// run with per-search allocations use the hand-written matchers above instead.
/// Thread-compatible (RE2 objects are thread-safe, but one instance belongs to one
/// Normalizer).
class SshdParser {
public:
  SshdParser();

  /// False when a pattern failed to compile (a bug; create() reports it).
  [[nodiscard]] auto ok() const -> bool;

  /// Sets authentication/session fields when `msg` is a known sshd message and returns true;
  /// returns false (leaving `out` unchanged) otherwise.
  auto parse(std::string_view msg, core::Event& out) const -> bool;

private:
  RE2 received_disconnect_;
  RE2 timeout_;
  RE2 no_ident_;
  RE2 negotiate_;
  RE2 subsystem_;
};

}  // namespace siem::parsers::detail
