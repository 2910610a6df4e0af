#include "format.hpp"

namespace siem::parsers::detail {

void register_web_formats(FormatList& /*out*/) {}

}  // namespace siem::parsers::detail
