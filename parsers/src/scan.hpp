#pragma once

#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <string_view>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace siem::parsers::detail {

/// Byte scans for the key=value tokenizers, 16 bytes a step with SSE2 (part of x86-64; other
/// targets take the byte loops). A token here is a few to a few dozen bytes: a memchr call per
/// token costs more than the scan itself, and a byte loop mispredicts its exit once per token.

/// Position of the first `c` at or after `pos`, else s.size().
inline auto find_byte(std::string_view s, std::size_t pos, char c) -> std::size_t {
  const std::size_t n = s.size();
#if defined(__SSE2__)
  const __m128i needle = _mm_set1_epi8(c);
  for (; pos + 16 <= n; pos += 16) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s.data() + pos));
    const auto m = static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, needle)));
    if (m != 0) {
      return pos + static_cast<std::size_t>(std::countr_zero(m));
    }
  }
#endif
  while (pos < n && s[pos] != c) {
    ++pos;
  }
  return pos;
}

/// A byte table of [A-Za-z0-9_-] plus `extra`.
consteval auto key_char_table(std::string_view extra) -> std::array<bool, 256> {
  std::array<bool, 256> t{};
  for (int c = 0; c < 256; ++c) {
    t[c] = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_'
           || c == '-' || extra.find(static_cast<char>(c)) != std::string_view::npos;
  }
  return t;
}

inline constexpr auto kKeyChars = key_char_table("");
inline constexpr auto kDottedKeyChars = key_char_table(".");

/// Whether `c` may appear in a FortiGate key: [A-Za-z0-9_-].
inline auto is_key_char(char c) -> bool {
  return kKeyChars[static_cast<unsigned char>(c)];
}

/// Whether `c` may appear in a key of the generic key=value, Check Point, LEEF and Chinese
/// vendors' formats, which allow dotted names: [A-Za-z0-9_.-].
inline auto is_dotted_key_char(char c) -> bool {
  return kDottedKeyChars[static_cast<unsigned char>(c)];
}

/// Whether the text from `pos` up to the next `key=` pair (or the end) holds a '"'. After a
/// quoted value closed at a quote, such stray text (`a b.exe" blocked"` after
/// msg="File ") shows that the value held unescaped quotes; bare words between pairs
/// ("proof", "Allow", "(0x0800)") hold none.
inline auto stray_quote_follows(std::string_view s, std::size_t pos) -> bool {
  std::size_t j = pos;
  while (j < s.size()) {
    while (j < s.size() && (s[j] == ' ' || s[j] == '\t')) {
      ++j;
    }
    const std::size_t token = j;
    while (j < s.size() && is_dotted_key_char(s[j])) {
      ++j;
    }
    if (j > token && j < s.size() && s[j] == '=') {
      return false;  // the next pair
    }
    for (; j < s.size() && s[j] != ' ' && s[j] != '\t'; ++j) {
      if (s[j] == '"') {
        return true;
      }
    }
  }
  return false;
}

/// The quote closing a quoted value, given `first`, the one a simple rule chose: `first`,
/// unless stray quoted text follows it (stray_quote_follows); then the first later quote that
/// ends `s`, or that a blank and no stray quoted text follow, else `first`.
inline auto recheck_closing_quote(std::string_view s, std::size_t first) -> std::size_t {
  if (first + 1 >= s.size() || !stray_quote_follows(s, first + 1)) {
    return first;
  }
  for (std::size_t q = first + 1; q < s.size(); ++q) {
    if (s[q] == '"'
        && (q + 1 == s.size()
            || ((s[q + 1] == ' ' || s[q + 1] == '\t') && !stray_quote_follows(s, q + 1)))) {
      return q;
    }
  }
  return first;
}

/// Position of the first byte at or after `pos` that is not a key character, else s.size().
inline auto skip_key_chars(std::string_view s, std::size_t pos) -> std::size_t {
  const std::size_t n = s.size();
#if defined(__SSE2__)
  const auto in = [](__m128i v, char lo, char hi) {  // lo <= v <= hi, signed (bytes >= 0x80 fail)
    return _mm_and_si128(_mm_cmpgt_epi8(v, _mm_set1_epi8(static_cast<char>(lo - 1))),
                         _mm_cmplt_epi8(v, _mm_set1_epi8(static_cast<char>(hi + 1))));
  };
  for (; pos + 16 <= n; pos += 16) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s.data() + pos));
    const __m128i alpha = in(_mm_or_si128(v, _mm_set1_epi8(0x20)), 'a', 'z');
    const __m128i digit = in(v, '0', '9');
    const __m128i other =
        _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('_')), _mm_cmpeq_epi8(v, _mm_set1_epi8('-')));
    const auto m =
        static_cast<unsigned>(_mm_movemask_epi8(_mm_or_si128(alpha, _mm_or_si128(digit, other))));
    if (m != 0xFFFFU) {
      return pos + static_cast<std::size_t>(std::countr_one(m));
    }
  }
#endif
  while (pos < n && is_key_char(s[pos])) {
    ++pos;
  }
  return pos;
}

}  // namespace siem::parsers::detail
