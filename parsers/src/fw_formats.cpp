#include "format.hpp"

namespace siem::parsers::detail {

void register_firewall_formats(FormatList& /*out*/) {}

}  // namespace siem::parsers::detail
