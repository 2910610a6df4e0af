#pragma once

#include <array>
#include <cstddef>
#include <string_view>

namespace siem::parsers::detail::junos_match {

/// Hand-written matchers for Junos RT_FLOW session and RT_IDP attack messages. Each gives
/// exactly the captures of the RE2 pattern in its comment (leftmost-first semantics);
/// tests/parsers compares them with RE2 on many variants. RE2 allocated its matching state for
/// every such line.
///
/// One deliberate difference: the matchers work on bytes, so a line with invalid UTF-8 inside
/// a group (RE2's \S, . and [^,] match no invalid byte) is still parsed rather than left
/// unparsed; the JSON writer repairs such bytes. The sshd matchers do the same.
template <std::size_t N>
struct Groups {
  bool ok = false;
  std::array<std::string_view, N> g{};  ///< the pattern's groups, in the parser's slots
};

using Captures = Groups<11>;     ///< RT_FLOW sessions
using IdpCaptures = Groups<17>;  ///< RT_IDP attacks

/// FullMatch ^session created (\S+)/(\d+)->(\S+)/(\d+) (?:0x[0-9a-fA-F]+ )?(\S+)
/// (\S+)/(\d+)->(\S+)/(\d+) (.*)$ -> g[0..9].
auto created(std::string_view msg) -> Captures;
/// FullMatch ^session closed ([^:]*): <as created> -> g[10] = reason, g[0..9].
auto closed(std::string_view msg) -> Captures;
/// PartialMatch ^session denied (\S+)/(\d+)->(\S+)/(\d+) (?:0x[0-9a-fA-F]+ )?(\S+)
/// (\d+)\((\d+)\) (\S+) (\S+) (\S+) -> g[0..9].
auto denied(std::string_view msg) -> Captures;
/// PartialMatch at (\d+), (\S+) Attack log <(\S+)/(\d+)->(\S+)/(\d+)> for (\S+) protocol and
/// service (\S+) application (\S+) by rule (\S+) of rulebase (\S+) in policy (.*?)\. attack:
/// id=(\d+), repeat=(\d+), action=([^,]*), threat-severity=([^,]*), name=(.*?), NAT
/// -> g[0..16]. Linear in the message, like RE2.
auto idp_attack(std::string_view msg) -> IdpCaptures;

}  // namespace siem::parsers::detail::junos_match
