#include "format.hpp"

namespace siem::parsers::detail {

void register_json_text_formats(FormatList& /*out*/) {}

}  // namespace siem::parsers::detail
