#pragma once

#include <array>
#include <string_view>

namespace siem::parsers::detail::junos_match {

/// Hand-written matchers for Junos RT_FLOW session messages. Each gives exactly the captures
/// of the RE2 pattern in its comment (leftmost-first semantics); tests/parsers compares them
/// with RE2 on many variants. RE2 allocated its matching state for every such line.
struct Captures {
  bool ok = false;
  std::array<std::string_view, 11> g{};  ///< the pattern's groups, in the parser's slots
};

/// FullMatch ^session created (\S+)/(\d+)->(\S+)/(\d+) (?:0x[0-9a-fA-F]+ )?(\S+)
/// (\S+)/(\d+)->(\S+)/(\d+) (.*)$ -> g[0..9].
auto created(std::string_view msg) -> Captures;
/// FullMatch ^session closed ([^:]*): <as created> -> g[10] = reason, g[0..9].
auto closed(std::string_view msg) -> Captures;
/// PartialMatch ^session denied (\S+)/(\d+)->(\S+)/(\d+) (?:0x[0-9a-fA-F]+ )?(\S+)
/// (\d+)\((\d+)\) (\S+) (\S+) (\S+) -> g[0..9].
auto denied(std::string_view msg) -> Captures;

}  // namespace siem::parsers::detail::junos_match
