#pragma once

#include "siem/core/event.hpp"

#include <re2/re2.h>

#include <string_view>

namespace siem::parsers::detail {

/// OpenSSH sshd message parser (the MSG part of a syslog line from process sshd).
///
/// Patterns are compiled once in the constructor. Each message is routed by a literal prefix
/// first, so at most one capture regex runs per line. Thread-compatible (RE2 objects are
/// thread-safe, but one instance belongs to one Normalizer).
class SshdParser {
public:
  SshdParser();

  /// False when a pattern failed to compile (a bug; create() reports it).
  [[nodiscard]] auto ok() const -> bool;

  /// Sets authentication/session fields when `msg` is a known sshd message and returns true;
  /// returns false (leaving `out` unchanged) otherwise.
  auto parse(std::string_view msg, core::Event& out) const -> bool;

private:
  RE2 failed_;
  RE2 accepted_;
  RE2 invalid_user_;
  RE2 conn_closed_;
  RE2 disconnected_;
  RE2 disconnecting_;
  RE2 received_disconnect_;
  RE2 timeout_;
  RE2 max_attempts_;
  RE2 no_ident_;
  RE2 negotiate_;
  RE2 subsystem_;
};

}  // namespace siem::parsers::detail
