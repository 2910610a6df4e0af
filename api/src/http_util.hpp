#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace siem::api::detail {

/// Decodes %XX escapes (and '+' as a space when `plus_is_space`, for query strings).
/// nullopt when an escape is malformed or decodes to NUL.
auto percent_decode(std::string_view s, bool plus_is_space) -> std::optional<std::string>;

/// Splits a request target at '?' into path and query.
auto split_target(std::string_view target) -> std::pair<std::string_view, std::string_view>;

/// Decoded `key=value` pairs of a query string, in order; malformed pairs are skipped.
auto parse_query(std::string_view query) -> std::vector<std::pair<std::string, std::string>>;

/// The last value of `key` in parsed query pairs.
auto query_value(const std::vector<std::pair<std::string, std::string>>& q, std::string_view key)
    -> std::optional<std::string>;

/// A listen address split into host and port.
struct ListenAddress {
  std::string host;
  std::uint16_t port = 0;
};

/// Parses "host:port" or "[v6]:port". nullopt with `why` set when malformed.
auto parse_listen(std::string_view s, std::string& why) -> std::optional<ListenAddress>;

/// Lower-case hex SHA-256 of `data`.
auto sha256_hex(std::string_view data) -> std::string;

/// 32 random bytes (libsodium randombytes_buf) as 64 hex characters.
auto random_token() -> std::string;

/// True when `s` is 64 lower- or upper-case hex characters.
auto looks_like_token(std::string_view s) -> bool;

/// Escapes a Prometheus label value (backslash, double quote, newline).
auto prom_label(std::string_view s) -> std::string;

}  // namespace siem::api::detail
