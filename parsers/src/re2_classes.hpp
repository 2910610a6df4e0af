#pragma once

#include <cstddef>
#include <string_view>

/// RE2's character classes for the hand-written matchers that reproduce RE2 patterns
/// (sshd_match, junos_match): \s is [\t\n\f\r ], \S its complement, \d [0-9].
namespace siem::parsers::detail::re2cls {

inline auto is_space(char c) -> bool {
  return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r';
}

inline auto is_digit(char c) -> bool { return c >= '0' && c <= '9'; }

/// (\d+) matching the whole of `s`.
inline auto all_digits(std::string_view s) -> bool {
  if (s.empty()) {
    return false;
  }
  for (const char c : s) {
    if (!is_digit(c)) {
      return false;
    }
  }
  return true;
}

/// \s* matching the whole of `s`.
inline auto all_space(std::string_view s) -> bool {
  for (const char c : s) {
    if (!is_space(c)) {
      return false;
    }
  }
  return true;
}

/// End of the \S run starting at `from` (== from when there is none).
inline auto token_end(std::string_view s, std::size_t from) -> std::size_t {
  while (from < s.size() && !is_space(s[from])) {
    ++from;
  }
  return from;
}

/// End of the \d run starting at `from` (== from when there is none).
inline auto digits_end(std::string_view s, std::size_t from) -> std::size_t {
  while (from < s.size() && is_digit(s[from])) {
    ++from;
  }
  return from;
}

}  // namespace siem::parsers::detail::re2cls
