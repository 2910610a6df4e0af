#pragma once

#include "siem/core/bytes.hpp"
#include "siem/core/field_key.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace siem::parsers::detail {

/// A fixed set of up to 64 keys a mapping looks for, with a perfect hash found at compile time:
/// a lookup hashes the key (FieldKey::signature_of: length, first and last 8 bytes), reads one
/// table slot and compares with the one key there, instead of a chain of string comparisons
/// (whose exits a CPU mispredicts).
///
///   constexpr std::array<std::string_view, 3> kKeys = {"srcip", "dstip", "proto"};
///   constexpr KeyIndex<kKeys.size()> kIndex{kKeys};
///   kIndex.find("dstip") == 1;  kIndex.find("other") == 3 (N: not one of the keys)
template <std::size_t N>
class KeyIndex {
public:
  constexpr explicit KeyIndex(const std::array<std::string_view, N>& keys) : keys_(keys) {
    static_assert(N <= 64);
    for (std::size_t i = 0; i < N; ++i) {
      if (keys[i].empty()) {
        throw "KeyIndex: empty key";  // a compile error in a constant
      }
      for (std::size_t j = 0; j < i; ++j) {
        if (keys[j] == keys[i]) {
          throw "KeyIndex: duplicate key";
        }
      }
    }
    // Multipliers in turn until one sends every key to its own slot (with 64 keys in 512
    // slots, about one in fifty does).
    for (std::uint32_t seed = 0x9E3779B1U, tries = 0; tries < 4096; seed += 0x6A09E668U, ++tries) {
      seed |= 1U;
      slots_.fill(kEmpty);
      bool ok = true;
      for (std::size_t i = 0; i < N && ok; ++i) {
        auto& slot = slots_[slot_of(core::FieldKey::signature_of(keys[i]), seed)];
        ok = slot == kEmpty;
        slot = static_cast<std::uint8_t>(i);
      }
      if (ok) {
        seed_ = seed;
        return;
      }
    }
    throw "KeyIndex: no perfect hash found";
  }

  /// Index of `k` among the keys, or N.
  [[nodiscard]] auto find(std::string_view k) const -> std::size_t {
    const std::uint8_t i = slots_[slot_of(core::FieldKey::signature_of(k), seed_)];
    if (i == kEmpty || keys_[i].size() != k.size()
        || !core::equal_bytes(keys_[i].data(), k.data(), k.size())) {
      return N;
    }
    return i;
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
  static constexpr unsigned kBits = 9;
  static constexpr std::uint8_t kEmpty = 0xFF;

  static constexpr auto slot_of(std::uint32_t signature, std::uint32_t seed) -> std::size_t {
    return (signature * seed) >> (32U - kBits);
  }

  std::array<std::string_view, N> keys_;
  std::array<std::uint8_t, std::size_t{1} << kBits> slots_{};
  std::uint32_t seed_ = 0;
};

}  // namespace siem::parsers::detail
