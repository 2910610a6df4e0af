#pragma once

// Typed, non-throwing accessors over simdjson DOM objects, shared by the EVE parser and the
// other JSON shapes. A missing key or a value of another type gives an empty result.

#include <simdjson.h>

#include <cstdint>
#include <limits>
#include <optional>
#include <string_view>

namespace siem::parsers::detail::json {

inline auto member(simdjson::dom::object o, std::string_view k)
    -> std::optional<simdjson::dom::element> {
  simdjson::dom::element e;
  if (o.at_key(k).get(e) != simdjson::SUCCESS) {
    return std::nullopt;
  }
  return e;
}

inline auto str(simdjson::dom::object o, std::string_view k) -> std::string_view {
  std::string_view v;
  if (o.at_key(k).get_string().get(v) != simdjson::SUCCESS) {
    return {};
  }
  return v;
}

inline auto sub(simdjson::dom::object o, std::string_view k)
    -> std::optional<simdjson::dom::object> {
  simdjson::dom::object v;
  if (o.at_key(k).get_object().get(v) != simdjson::SUCCESS) {
    return std::nullopt;
  }
  return v;
}

/// An integer value; other types (a string "abc", a double) give nullopt.
inline auto int_of(simdjson::dom::element e) -> std::optional<std::int64_t> {
  if (e.type() == simdjson::dom::element_type::INT64) {
    return e.get_int64().value_unsafe();
  }
  if (e.type() == simdjson::dom::element_type::UINT64) {
    const std::uint64_t u = e.get_uint64().value_unsafe();
    if (u <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
      return static_cast<std::int64_t>(u);
    }
  }
  return std::nullopt;
}

}  // namespace siem::parsers::detail::json
