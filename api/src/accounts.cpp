#include "siem/api/accounts.hpp"

#include "siem/store/store.hpp"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <string>

namespace siem::api {
namespace {

constexpr std::size_t kMinPasswordChars = 12;
constexpr std::size_t kMaxPasswordBytes = 1024;
constexpr std::size_t kInitialPasswordChars = 20;

auto sodium_ready() -> bool {
  // sodium_init() is thread-safe and idempotent (returns 1 when already initialised).
  static const bool ok = sodium_init() >= 0;
  return ok;
}

auto utf8_code_points(std::string_view s) -> std::size_t {
  return static_cast<std::size_t>(std::count_if(
      s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0U) != 0x80U; }));
}

auto valid_username(std::string_view u) -> bool {
  if (u.size() < 2 || u.size() > 32) {
    return false;
  }
  return std::all_of(u.begin(), u.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
  });
}

}  // namespace

auto is_valid_role(std::string_view role) -> bool {
  return std::find(std::begin(kRoles), std::end(kRoles), role) != std::end(kRoles);
}

auto check_password_policy(std::string_view password) -> core::Status {
  if (password.size() > kMaxPasswordBytes) {
    return core::invalid_argument("password must be at most 1024 bytes");
  }
  if (utf8_code_points(password) < kMinPasswordChars) {
    return core::invalid_argument("password must be at least 12 characters long");
  }
  bool lower = false;
  bool upper = false;
  bool digit = false;
  bool other = false;
  for (char c : password) {
    if (c >= 'a' && c <= 'z') {
      lower = true;
    } else if (c >= 'A' && c <= 'Z') {
      upper = true;
    } else if (c >= '0' && c <= '9') {
      digit = true;
    } else {
      other = true;
    }
  }
  const int kinds = int{lower} + int{upper} + int{digit} + int{other};
  if (kinds < 3) {
    return core::invalid_argument(
        "password must contain at least 3 of: lower-case letters, upper-case letters, digits, "
        "other characters");
  }
  return core::Status::ok();
}

auto hash_password(std::string_view password) -> core::Result<std::string> {
  if (password.size() > kMaxPasswordBytes) {
    return core::invalid_argument("password must be at most 1024 bytes");
  }
  if (!sodium_ready()) {
    return core::internal_error("libsodium initialisation failed");
  }
  std::string out(crypto_pwhash_STRBYTES, '\0');
  if (crypto_pwhash_str_alg(out.data(), password.data(), password.size(),
                            crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE,
                            crypto_pwhash_ALG_ARGON2ID13)
      != 0) {
    return core::internal_error("password hashing failed (out of memory)");
  }
  out.resize(std::strlen(out.c_str()));
  return out;
}

auto verify_password(std::string_view hash, std::string_view password) -> bool {
  if (!sodium_ready() || hash.empty() || hash.size() >= crypto_pwhash_STRBYTES
      || password.size() > kMaxPasswordBytes) {
    return false;
  }
  // crypto_pwhash_str_verify wants a NUL-terminated string.
  const std::string h{hash};
  return crypto_pwhash_str_verify(h.c_str(), password.data(), password.size()) == 0;
}

auto create_user(store::Store& store, std::string_view username, std::string_view real_name,
                 std::string_view role, std::string_view password, const core::Clock& clock)
    -> core::Status {
  if (!valid_username(username)) {
    return core::invalid_argument("username must be 2-32 characters of a-z, 0-9, '.', '_', '-'");
  }
  if (real_name.empty()) {
    return core::invalid_argument("real name must not be empty");
  }
  if (real_name.size() > 256 || std::any_of(real_name.begin(), real_name.end(), [](char c) {
        return static_cast<unsigned char>(c) < 0x20 || c == 0x7F;
      })) {
    return core::invalid_argument("real name must be at most 256 bytes without control characters");
  }
  if (!is_valid_role(role)) {
    return core::invalid_argument("role must be one of admin, handler, analyst, auditor");
  }
  SIEM_TRY(check_password_policy(password));
  // Answer a duplicate before spending an Argon2 hash on it; add_user checks again.
  if (auto existing = store.get_user(username); existing.has_value()) {
    return {core::StatusCode::already_exists, "user '" + std::string{username} + "' exists"};
  }
  SIEM_TRY_ASSIGN(auto hash, hash_password(password));
  store::UserRecord user;
  user.username = std::string{username};
  user.real_name = std::string{real_name};
  user.role = std::string{role};
  user.password_hash = std::move(hash);
  user.created_at = clock.now_ms();
  return store.add_user(user);
}

auto ensure_initial_admin(store::Store& store, const std::string& data_dir,
                          const core::Clock& clock) -> core::Result<std::optional<std::string>> {
  if (store.user_count() > 0) {
    return std::optional<std::string>{};
  }
  if (!sodium_ready()) {
    return core::internal_error("libsodium initialisation failed");
  }
  // Unambiguous characters only (no 0/O, 1/l/I), so the password survives being read aloud.
  static constexpr std::string_view kAlphabet =
      "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789-_.+=@%";
  std::string password;
  do {
    password.clear();
    for (std::size_t i = 0; i < kInitialPasswordChars; ++i) {
      password.push_back(
          kAlphabet[randombytes_uniform(static_cast<std::uint32_t>(kAlphabet.size()))]);
    }
  } while (!check_password_policy(password).is_ok());

  // Write the file first: an account whose password nobody can read would lock everyone out.
  std::error_code ec;
  std::filesystem::create_directories(data_dir, ec);
  const std::string path = (std::filesystem::path{data_dir} / "initial-admin-password").string();
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0) {
    return core::io_error("cannot create " + path + ": " + std::strerror(errno));  // NOLINT
  }
  const std::string content = password + "\n";
  bool ok = ::fchmod(fd, 0600) == 0;
  ok = ok && ::write(fd, content.data(), content.size()) == static_cast<ssize_t>(content.size());
  ok = ::fsync(fd) == 0 && ok;
  ok = ::close(fd) == 0 && ok;
  if (!ok) {
    ::unlink(path.c_str());
    return core::io_error("cannot write " + path);
  }
  if (auto st = create_user(store, "admin", "Initial administrator", "admin", password, clock);
      !st) {
    ::unlink(path.c_str());
    return st;
  }
  return std::optional<std::string>{std::move(password)};
}

}  // namespace siem::api
