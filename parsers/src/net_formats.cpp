#include "format.hpp"

namespace siem::parsers::detail {

void register_network_formats(FormatList& /*out*/) {}

}  // namespace siem::parsers::detail
