#include "format.hpp"

namespace siem::parsers::detail {

void register_linux_formats(FormatList& /*out*/) {}

}  // namespace siem::parsers::detail
