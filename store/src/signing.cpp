#include "signing.hpp"

#include <fcntl.h>
#include <sodium.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>

namespace siem::store::detail {
namespace {

namespace fs = std::filesystem;

auto to_hex(const unsigned char* p, std::size_t n) -> std::string {
  std::string out(2 * n + 1, '\0');
  sodium_bin2hex(out.data(), out.size(), p, n);
  out.pop_back();
  return out;
}

auto from_hex(std::string_view hex, std::size_t n, std::string& out) -> bool {
  out.assign(n, '\0');
  std::size_t len = 0;
  return hex.size() == 2 * n
         && sodium_hex2bin(reinterpret_cast<unsigned char*>(out.data()), n, hex.data(), hex.size(),
                           nullptr, &len, nullptr)
                == 0
         && len == n;
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
    fs::create_directories(key_dir, ec);
    if (ec) {
      return core::io_error("cannot create key directory " + key_dir + ": " + ec.message());
    }
    unsigned char pk[crypto_sign_PUBLICKEYBYTES];
    key.secret.assign(crypto_sign_SECRETKEYBYTES, '\0');
    crypto_sign_keypair(pk, reinterpret_cast<unsigned char*>(key.secret.data()));
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) {
      return core::io_error("cannot create " + path.string() + ": " + std::strerror(errno));
    }
    const std::string text =
        to_hex(reinterpret_cast<const unsigned char*>(key.secret.data()), key.secret.size())
        + "\n";
    const bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size())
                    && ::fsync(fd) == 0;
    ::close(fd);
    if (!ok) {
      return core::io_error("cannot write " + path.string());
    }
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
