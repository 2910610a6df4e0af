#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace siem::core {

/// a[0..n) == b[0..n), for the short strings of field names and JSON keys: whole 8-byte
/// words, the tail as an overlapping word, no memcmp call. Reads stay inside both ranges.
inline auto equal_bytes(const char* a, const char* b, std::size_t n) -> bool {
  const auto load = [](const char* p, auto word) {
    std::memcpy(&word, p, sizeof word);
    return word;
  };
  if (n >= 8) {
    for (std::size_t i = 0; i + 8 < n; i += 8) {
      if (load(a + i, std::uint64_t{}) != load(b + i, std::uint64_t{})) {
        return false;
      }
    }
    return load(a + n - 8, std::uint64_t{}) == load(b + n - 8, std::uint64_t{});
  }
  if (n >= 4) {
    return load(a, std::uint32_t{}) == load(b, std::uint32_t{})
           && load(a + n - 4, std::uint32_t{}) == load(b + n - 4, std::uint32_t{});
  }
  for (std::size_t i = 0; i < n; ++i) {
    if (a[i] != b[i]) {
      return false;
    }
  }
  return true;
}

}  // namespace siem::core
