#include "format.hpp"

namespace siem::parsers::detail {

auto make_text_formats() -> FormatList {
  FormatList out;
  // Order matters for `auto`: vendor formats with a distinctive marker first (CEF:, %ASA-,
  // LEEF:, Chinese vendors' headers), then host logs recognised by program name, then web
  // access logs recognised by shape.
  register_network_formats(out);
  register_firewall_formats(out);
  register_cn_formats(out);
  register_linux_formats(out);
  register_web_formats(out);
  register_json_text_formats(out);
  return out;
}

}  // namespace siem::parsers::detail
