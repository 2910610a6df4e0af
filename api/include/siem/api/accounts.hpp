#pragma once

#include "siem/core/status.hpp"
#include "siem/core/time.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace siem::store {
class Store;
}  // namespace siem::store

namespace siem::api {

/// The account roles. admin: everything; handler and analyst: read incidents, events and raw
/// records; auditor: the same plus the audit trail (see api/README.md).
inline constexpr std::string_view kRoles[] = {"admin", "handler", "analyst", "auditor"};

/// True when `role` is one of kRoles.
auto is_valid_role(std::string_view role) -> bool;

/// Password policy: at least 12 characters (UTF-8 code points), at most 1024 bytes, of at
/// least 3 kinds among lower-case ASCII letters, upper-case ASCII letters, digits and other
/// characters. Errors: invalid_argument naming the problem.
auto check_password_policy(std::string_view password) -> core::Status;

/// libsodium crypto_pwhash_str_alg with Argon2id13 (interactive limits): "$argon2id$...".
/// Does not apply the policy. Errors: invalid_argument (over 1024 bytes), internal (out of
/// memory, libsodium unavailable). Thread-safe.
auto hash_password(std::string_view password) -> core::Result<std::string>;

/// True when `password` matches a hash from hash_password(). False for malformed hashes.
/// Thread-safe.
auto verify_password(std::string_view hash, std::string_view password) -> bool;

/// Validates (username [a-z0-9._-]{2,32}, real name non-empty without control characters,
/// role in kRoles, password policy) then stores the account with its Argon2id hash.
/// Errors: invalid_argument naming the problem, already_exists, and the store's errors.
auto create_user(store::Store& store, std::string_view username, std::string_view real_name,
                 std::string_view role, std::string_view password, const core::Clock& clock)
    -> core::Status;

/// When the store has no account: creates "admin" (role admin, real name "Initial
/// administrator") with a random 20-character password meeting the policy, writes it
/// followed by a newline to `<data_dir>/initial-admin-password` (mode 0600, created or
/// replaced) and returns it. Otherwise returns nullopt and touches nothing.
/// Errors: io_error (file), and those of create_user().
auto ensure_initial_admin(store::Store& store, const std::string& data_dir,
                          const core::Clock& clock) -> core::Result<std::optional<std::string>>;

}  // namespace siem::api
