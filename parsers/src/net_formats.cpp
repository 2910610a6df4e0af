#include "format.hpp"
#include "net_common.hpp"

namespace siem::parsers::detail {

void register_network_formats(FormatList& out) {
  // Each detect() looks for its own marker: "CEF:", "LEEF:", a PAN-OS type column, Check
  // Point's [key:"value"] record, a Junos event tag, BIG-IP's ASM / [ssl_acc] / message id,
  // Barracuda's "type=...|srcIP=" pairs or padded level word.
  out.push_back(make_cef_parser());
  out.push_back(make_leef_parser());
  out.push_back(make_panos_parser());
  out.push_back(make_checkpoint_parser());
  out.push_back(make_junos_parser());
  out.push_back(make_f5_parser());
  out.push_back(make_barracuda_parser());
}

}  // namespace siem::parsers::detail
