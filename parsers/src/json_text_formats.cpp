#include "format.hpp"
#include "json_formats.hpp"

namespace siem::parsers::detail {

void register_json_text_formats(FormatList& out) {
  out.push_back(make_windows_xml_parser());
  out.push_back(make_zeek_tsv_parser());
  // Forced-only entries for the JSON shapes (auto finds them on the JSON path).
  add_json_shape_parsers(out);
}

}  // namespace siem::parsers::detail
