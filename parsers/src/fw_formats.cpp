#include "format.hpp"
#include "fw_util.hpp"

namespace siem::parsers::detail {

// Firewall family: each parser keys on its vendor's own marker (%ASA-, %FAC-SEV-MNEMONIC:,
// Sophos log_id=/log_type=, SonicWall id= sn= m=, Stormshield fw= tz= startime=, WatchGuard
// msg_id=" or |WatchGuard|). ASA comes before IOS because both use a %TAG- prefix.
void register_firewall_formats(FormatList& out) {
  out.push_back(make_cisco_asa_parser());
  out.push_back(make_cisco_ios_parser());
  out.push_back(make_sophos_parser());
  out.push_back(make_sonicwall_parser());
  out.push_back(make_stormshield_parser());
  out.push_back(make_watchguard_parser());
}

}  // namespace siem::parsers::detail
