#pragma once

#include <string>
#include <string_view>

#include "siem/core/status.hpp"

namespace siem::store::detail {

/// An Ed25519 key pair (libsodium), hex-encoded public key beside the secret.
struct SigningKey {
  std::string secret;      ///< 64 bytes (libsodium's secret key holds the public key too)
  std::string public_hex;  ///< 32 bytes as hex
};

/// The signing key `name` from `<key_dir>/<name>.sign` (128 hex digits), created from fresh
/// randomness (O_EXCL, mode 0600) when absent. Errors: invalid_argument (malformed), io_error.
auto load_signing_key(const std::string& key_dir, std::string_view name)
    -> core::Result<SigningKey>;

/// Hex Ed25519 signature of `message`.
auto sign_hex(const SigningKey& key, std::string_view message) -> std::string;

/// Whether `signature_hex` is a valid signature of `message` under `public_hex`.
auto verify_hex(std::string_view public_hex, std::string_view message,
                std::string_view signature_hex) -> bool;

}  // namespace siem::store::detail
