#pragma once

#include "format.hpp"

#include <cstdint>
#include <memory>

namespace siem::parsers::detail {

/// JSON object shapes recognised on the JSON path (EveParser). `any` detects the shape.
enum class JsonShape : std::uint8_t {
  any,
  eve,
  windows_evtx,
  winlogbeat,
  windows_nxlog,
  zeek,
  cloudtrail,
  okta,
  zscaler,
  qianxin_tianqing,
  generic,
};

/// `windows/xml`: Windows event XML (json_windows.cpp).
auto make_windows_xml_parser() -> std::unique_ptr<FormatParser>;

/// `zeek/tsv`: header-driven Zeek TSV logs (json_zeek.cpp).
auto make_zeek_tsv_parser() -> std::unique_ptr<FormatParser>;

/// The JSON shapes as forced-only registry formats (`windows/evtx-json`, `windows/winlogbeat`,
/// `windows/nxlog-json`, `zeek/json`, `aws/cloudtrail`, `okta/system-log`, `zscaler/nss-json`,
/// `qianxin/tianqing`).
/// Their detect() is false: in `auto` the JSON path ahead of the registry recognises them.
void add_json_shape_parsers(FormatList& out);

}  // namespace siem::parsers::detail
