#pragma once

#include "siem/core/event.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

// Small helpers shared by the format parsers. Internal to siem::parsers.
namespace siem::parsers::detail {

/// True for a textual IPv4 or IPv6 address (no port, no brackets; an IPv6 zone is allowed).
auto is_ip(std::string_view s) -> bool;

/// A decimal integer made only of digits (optional leading '-'), without overflow.
auto parse_int(std::string_view s) -> std::optional<std::int64_t>;

/// A port number 0-65535 written in decimal.
auto parse_port(std::string_view s) -> std::optional<int>;

/// Sets `key` to `value` only when it is an IP address; returns whether it did.
[[nodiscard]] auto set_ip(core::Event& out, core::FieldKey key, std::string_view value) -> bool;

/// Sets `key` to the port only when `value` is a valid port; returns whether it did.
[[nodiscard]] auto set_port(core::Event& out, core::FieldKey key, std::string_view value) -> bool;

/// Keeps a value the source gave for the typed field `key` but that is not valid for it, as
/// text under `siem.invalid.<key>`, so that nothing the source sent is dropped. Nothing is
/// kept for an absent value ("" or "-"), nor for a `*.ip` whose value is already the
/// `*.address` next to it (a host name).
void keep_invalid(core::Event& out, std::string_view key, std::string_view value);

/// set_ip, else keep_invalid.
void set_ip_or_keep(core::Event& out, core::FieldKey key, std::string_view value);

/// set_port, else keep_invalid.
void set_port_or_keep(core::Event& out, core::FieldKey key, std::string_view value);

/// set_ip / set_port where the value is kept elsewhere anyway (the JSON shapes keep every
/// member under their vendor namespace): a value that is not valid is left out of ECS, not
/// lost.
inline void set_ip_if_valid(core::Event& out, core::FieldKey key, std::string_view value) {
  static_cast<void>(set_ip(out, key, value));
}

inline void set_port_if_valid(core::Event& out, core::FieldKey key, std::string_view value) {
  static_cast<void>(set_port(out, key, value));
}

/// Marks `out` as unparsed: event.kind "unparsed", event.original, error.message.
void set_unparsed(core::Event& out, std::string_view line, std::string_view reason);

/// Strips ASCII spaces and tabs at both ends.
auto trim(std::string_view s) -> std::string_view;

/// Strips ASCII spaces and tabs at the start.
auto ltrim(std::string_view s) -> std::string_view;

/// Lower-cases ASCII letters into `buf` and returns a view of it.
auto to_lower(std::string_view s, std::string& buf) -> std::string_view;

/// ECS network.transport for an IANA protocol number ("tcp" for 6), or empty.
auto transport_from_iana(std::int64_t proto) -> std::string_view;

/// Appends a source-supplied key as one segment of a dotted field name: '.' (which would
/// open a nested object) becomes '_', an empty key becomes "_".
void append_key_segment(std::string& out, std::string_view key);

}  // namespace siem::parsers::detail
