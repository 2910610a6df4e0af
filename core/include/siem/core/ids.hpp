#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace siem::core {

/// SHA-1 of `data` (used only for RFC 4122 name-based UUIDs, never for integrity).
auto sha1(std::string_view data) -> std::array<std::uint8_t, 20>;

/// The value of one hex digit (either case), or -1.
auto hex_digit(char c) -> int;

/// Lower-case hex of bytes.
auto to_hex(std::string_view bytes) -> std::string;

/// Appends the lower-case hex of bytes to out (no allocation once out has the room). `bytes`
/// must not point into `out`.
void append_hex(std::string& out, std::string_view bytes);

/// The bytes written as hex (either case), or nullopt when `hex` is not an even number of hex
/// digits.
auto from_hex(std::string_view hex) -> std::optional<std::string>;

/// Decodes `hex` (either case) into exactly out.size() bytes; false, with out unspecified,
/// when it is not 2 * out.size() hex digits.
auto from_hex(std::string_view hex, std::span<unsigned char> out) -> bool;

/// RFC 4122 version-5 UUID of `name` in the engine's namespace, as "xxxxxxxx-xxxx-...".
auto uuid_v5(std::string_view name) -> std::string;

/// Deterministic incident id: UUIDv5 of engagement, rule, group key and first ledger sequence,
/// so a replay of the same ledger yields the same id.
auto incident_id(std::string_view engagement, std::string_view rule_id, std::string_view group_key,
                 std::uint64_t first_seq) -> std::string;

}  // namespace siem::core
