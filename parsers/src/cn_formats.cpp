#include "format.hpp"

namespace siem::parsers::detail {

void register_cn_formats(FormatList& /*out*/) {}

}  // namespace siem::parsers::detail
