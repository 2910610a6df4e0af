#pragma once

#include "siem/core/bytes.hpp"

#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <type_traits>

namespace siem::parsers::detail {

/// A fixed set of up to 64 keys a mapping looks for, indexed by length at compile time: a
/// lookup compares bytes only with the (mostly one) keys of the right length, instead of a
/// chain of string comparisons per key.
///
///   constexpr std::array<std::string_view, 3> kKeys = {"srcip", "dstip", "proto"};
///   constexpr KeyIndex<kKeys.size()> kIndex{kKeys};
///   kIndex.find("dstip") == 1;  kIndex.find("other") == 3 (N: not one of the keys)
template <std::size_t N>
class KeyIndex {
public:
  static constexpr std::size_t kMaxLen = 32;
  using Mask = std::conditional_t<(N <= 32), std::uint32_t, std::uint64_t>;

  constexpr explicit KeyIndex(const std::array<std::string_view, N>& keys) : keys_(keys) {
    static_assert(N <= 64);
    for (std::size_t i = 0; i < N; ++i) {
      if (keys[i].empty() || keys[i].size() >= kMaxLen) {
        throw "KeyIndex: keys must be 1 to 31 bytes";  // a compile error in a constant
      }
      for (std::size_t j = 0; j < i; ++j) {
        if (keys[j] == keys[i]) {
          throw "KeyIndex: duplicate key";
        }
      }
      by_len_[keys[i].size()] |= Mask{1} << i;
    }
  }

  /// Index of `k` among the keys, or N.
  [[nodiscard]] auto find(std::string_view k) const -> std::size_t {
    if (k.size() >= kMaxLen) {
      return N;
    }
    for (Mask m = by_len_[k.size()]; m != 0; m &= m - 1) {
      const auto i = static_cast<std::size_t>(std::countr_zero(m));
      if (keys_[i][0] == k[0] && core::equal_bytes(keys_[i].data(), k.data(), k.size())) {
        return i;
      }
    }
    return N;
  }

  /// Index of `k`, at compile time; a key that is not in the set does not compile. For case
  /// labels: `case kIndex.at("dstip"):`.
  [[nodiscard]] consteval auto at(std::string_view k) const -> std::size_t {
    for (std::size_t i = 0; i < N; ++i) {
      if (keys_[i] == k) {
        return i;
      }
    }
    throw "KeyIndex: not one of the keys";
  }

private:
  std::array<std::string_view, N> keys_;
  std::array<Mask, kMaxLen> by_len_{};
};

}  // namespace siem::parsers::detail
