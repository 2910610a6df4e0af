#include "signing.hpp"

#include "siem/core/ids.hpp"

#include "encryption.hpp"
#include <sodium.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <utility>

namespace siem::store::detail {
namespace {

namespace fs = std::filesystem;

auto to_hex(const unsigned char* p, std::size_t n) -> std::string {
  return core::to_hex({reinterpret_cast<const char*>(p), n});
}

// `hex` as exactly n bytes into `out`.
auto from_hex(std::string_view hex, std::size_t n, std::string& out) -> bool {
  auto bytes = core::from_hex(hex);
  if (!bytes || bytes->size() != n) {
    return false;
  }
  out = std::move(*bytes);
  return true;
}

}  // namespace

auto load_signing_key(const std::string& key_dir, std::string_view name)
    -> core::Result<SigningKey> {
  if (sodium_init() < 0) {
    return core::io_error("libsodium failed to initialise");
  }
  const fs::path path = fs::path(key_dir) / (std::string{name} + ".sign");
  SigningKey key;
  std::error_code ec;
  if (fs::exists(path, ec)) {
    std::ifstream in(path);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) {
      text.pop_back();
    }
    if (!from_hex(text, crypto_sign_SECRETKEYBYTES, key.secret)) {
      return core::invalid_argument(path.string() + ": a signing key is "
                                    + std::to_string(2 * crypto_sign_SECRETKEYBYTES)
                                    + " hex digits");
    }
  } else {
    unsigned char pk[crypto_sign_PUBLICKEYBYTES];
    key.secret.assign(crypto_sign_SECRETKEYBYTES, '\0');
    crypto_sign_keypair(pk, reinterpret_cast<unsigned char*>(key.secret.data()));
    SIEM_TRY(create_key_file(key_dir, path.filename().string(), core::to_hex(key.secret) + "\n"));
  }
  unsigned char pk[crypto_sign_PUBLICKEYBYTES];
  crypto_sign_ed25519_sk_to_pk(pk, reinterpret_cast<const unsigned char*>(key.secret.data()));
  key.public_hex = to_hex(pk, sizeof pk);
  return key;
}

auto sign_hex(const SigningKey& key, std::string_view message) -> std::string {
  unsigned char sig[crypto_sign_BYTES];
  crypto_sign_detached(sig, nullptr, reinterpret_cast<const unsigned char*>(message.data()),
                       message.size(), reinterpret_cast<const unsigned char*>(key.secret.data()));
  return to_hex(sig, sizeof sig);
}

auto verify_hex(std::string_view public_hex, std::string_view message,
                std::string_view signature_hex) -> bool {
  if (sodium_init() < 0) {
    return false;
  }
  std::string pk;
  std::string sig;
  if (!from_hex(public_hex, crypto_sign_PUBLICKEYBYTES, pk)
      || !from_hex(signature_hex, crypto_sign_BYTES, sig)) {
    return false;
  }
  return crypto_sign_verify_detached(reinterpret_cast<const unsigned char*>(sig.data()),
                                     reinterpret_cast<const unsigned char*>(message.data()),
                                     message.size(),
                                     reinterpret_cast<const unsigned char*>(pk.data()))
         == 0;
}

}  // namespace siem::store::detail
