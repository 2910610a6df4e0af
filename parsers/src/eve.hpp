#pragma once

#include "json_formats.hpp"
#include "json_shapes.hpp"
#include "siem/core/event.hpp"
#include "siem/parsers/normalizer.hpp"

#include <simdjson.h>

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

namespace siem::parsers::detail {

/// The JSON path: Suricata EVE, the other JSON shapes (Windows EVTX-dump/Winlogbeat/NXLog,
/// Zeek, CloudTrail, Okta, Zscaler NSS; see JsonShapes) and generic JSON objects, on
/// simdjson's DOM API.
///
/// The DOM API dispatches to the best SIMD kernel at run time (inside libsimdjson.so), unlike
/// On-Demand, which would compile to the scalar fallback with default flags. The parser and
/// a padded copy of the input are reused, so steady state allocates nothing for parsing.
/// Owned by one worker; not thread-safe.
class EveParser {
public:
  /// Parses the JSON object in `json`. With `require_eve`, an object without "event_type"
  /// is rejected; otherwise it becomes a generic JSON event with its fields under `json.`.
  /// Returns an empty view on success, else the reason (a static string) and leaves `out`
  /// possibly partially filled (the caller clears it).
  auto parse(std::string_view json, const ParseContext& ctx, core::Event& out, bool require_eve)
      -> std::string_view;

  /// Parses `json` as the shape `want`: `any` detects it (EVE by "event_type", then the other
  /// shapes, else generic JSON); `eve` requires "event_type". Same contract as parse().
  auto parse_shape(std::string_view json, const ParseContext& ctx, core::Event& out,
                   JsonShape want) -> std::string_view;

private:
  void map_eve(simdjson::dom::object root, std::string_view event_type, const ParseContext& ctx,
               core::Event& out);
  void flatten_tcp(simdjson::dom::object tcp, core::Event& out, std::size_t& budget);

  simdjson::dom::parser parser_;
  std::unique_ptr<char[]> buf_;  // input copy with SIMDJSON_PADDING bytes after it
  std::size_t cap_ = 0;
  std::string key_;  // scratch for composed field names
  std::string tmp_;  // scratch for lower-casing
  std::string repaired_;  // the input with invalid UTF-8 replaced (parse_shape's retry)
  std::string escaped_;   // the input with control bytes in strings escaped (likewise)
  JsonShapes shapes_;
};

}  // namespace siem::parsers::detail
