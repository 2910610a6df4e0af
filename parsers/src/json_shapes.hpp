#pragma once

#include "json_formats.hpp"
#include "json_windows.hpp"
#include "json_zeek.hpp"
#include "siem/core/event.hpp"
#include "siem/parsers/normalizer.hpp"

#include <simdjson.h>

#include <cstddef>
#include <string>
#include <string_view>

namespace siem::parsers::detail {

/// `e` as compact JSON, in a per-thread buffer valid until the next call on this thread
/// (simdjson::minify allocates a new string each time; this reuses one).
auto compact_json(simdjson::dom::element e) -> std::string_view;

/// Writes `e` under `key` (dotted names for objects; arrays, and objects nested deeper than
/// the limit, as minified JSON text). `budget` caps the number of fields written.
void flatten_json(simdjson::dom::element e, std::string& key, core::Event& out, int depth,
                  std::size_t& budget);

/// The non-EVE JSON shapes of the JSON path: Windows (EVTX dump, Winlogbeat, NXLog), Zeek,
/// AWS CloudTrail, Okta System Log, Zscaler NSS, Qi-Anxin 天擎, and the generic JSON fallback.
/// Holds the scratch buffers reused across lines. Owned by one worker; not thread-safe.
class JsonShapes {
public:
  /// The shape of a parsed JSON object that has no "event_type" (cheap key probes).
  [[nodiscard]] static auto detect(simdjson::dom::object root) -> JsonShape;

  /// Maps `root` as `shape` (not `any`/`eve`). `json_size` sizes the scratch text. Returns an
  /// empty view on success, else the reason it is not that shape.
  auto map(simdjson::dom::object root, JsonShape shape, std::size_t json_size,
           const ParseContext& ctx, core::Event& out) -> std::string_view;

private:
  auto windows(simdjson::dom::object root, JsonShape shape, const ParseContext& ctx,
               core::Event& out) -> std::string_view;
  auto zeek(simdjson::dom::object root, const ParseContext& ctx, core::Event& out)
      -> std::string_view;
  auto cloudtrail(simdjson::dom::object root, const ParseContext& ctx, core::Event& out)
      -> std::string_view;
  auto okta(simdjson::dom::object root, const ParseContext& ctx, core::Event& out)
      -> std::string_view;
  auto zscaler(simdjson::dom::object root, const ParseContext& ctx, core::Event& out)
      -> std::string_view;
  auto tianqing(simdjson::dom::object root, const ParseContext& ctx, core::Event& out)
      -> std::string_view;
  void tianqing_content(simdjson::dom::object content, const ParseContext& ctx, core::Event& out);
  void generic(simdjson::dom::object root, const ParseContext& ctx, core::Event& out);
  auto text_of(simdjson::dom::element e) -> std::string_view;

  WinEvent win_;
  ZeekRecord zeek_;
  StableText text_;
  std::string key_;
  std::string buf_;
};

}  // namespace siem::parsers::detail
