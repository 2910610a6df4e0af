#pragma once

// The ledger hash chain: hash_n = H(hash_{n-1} || seq || received_at || source || position ||
// bytes), H = SM3 (compliance profile) or SHA-256, both through OpenSSL 3's EVP.

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "siem/core/raw_record.hpp"
#include "siem/core/status.hpp"
#include "siem/store/store.hpp"

namespace siem::store::detail {

using Digest = std::array<unsigned char, 32>;

/// "sm3" / "sha256".
auto hash_name(HashAlgorithm alg) -> std::string_view;

auto parse_hash_name(std::string_view name) -> core::Result<HashAlgorithm>;

/// Computes the chain link for one record. Thread-safe.
auto chain_link(HashAlgorithm alg, const Digest& prev, std::uint64_t seq, core::TimeMs received_at,
                std::string_view source, std::string_view position, std::string_view bytes)
    -> Digest;

inline auto digest_view(const Digest& d) -> std::string_view {
  return {reinterpret_cast<const char*>(d.data()), d.size()};
}

/// SHA-256 of arbitrary bytes, hex (session tokens, audit chain).
auto sha256_hex(std::string_view data) -> std::string;

}  // namespace siem::store::detail
