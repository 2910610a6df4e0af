#pragma once

// The ledger hash chain, H = SM3 (compliance profile) or SHA-256, both through OpenSSL 3's EVP.
//
// Version 1 (records before an engagement's `chain_v2_from`):
//   link_n = H(link_{n-1} || seq || received_at || source || position || bytes)
// Version 2: the record's bytes are hashed on their own, by whichever thread has the record
// first (a source thread in the engine), so that the ledger writer only chains fixed-size digests:
//   digest_n = H("siem-record-v2" || received_at || source || position || bytes)
//   link_n   = H(link_{n-1} || seq || digest_n)

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

/// Computes the version-1 chain link for one record. Thread-safe.
auto chain_link_v1(HashAlgorithm alg, const Digest& prev, std::uint64_t seq,
                   core::TimeMs received_at, std::string_view source, std::string_view position,
                   std::string_view bytes) -> Digest;

/// The version-2 digest of one record. Thread-safe.
auto record_digest(HashAlgorithm alg, core::TimeMs received_at, std::string_view source,
                   std::string_view position, std::string_view bytes) -> Digest;

/// The version-2 chain link over a record digest. Thread-safe.
auto chain_link_v2(HashAlgorithm alg, const Digest& prev, std::uint64_t seq, const Digest& digest)
    -> Digest;

inline auto digest_view(const Digest& d) -> std::string_view {
  return {reinterpret_cast<const char*>(d.data()), d.size()};
}

/// SHA-256 of arbitrary bytes, hex (session tokens, audit chain).
auto sha256_hex(std::string_view data) -> std::string;

}  // namespace siem::store::detail
