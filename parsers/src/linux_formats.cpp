#include "format.hpp"
#include "linux_formats.hpp"

namespace siem::parsers::detail {

void register_linux_formats(FormatList& out) {
  // netfilter and auditd have a distinctive payload ("IN=... OUT=", "msg=audit("); auth is
  // recognised by the syslog program name.
  out.push_back(make_linux_netfilter_parser());
  out.push_back(make_linux_auditd_parser());
  out.push_back(make_linux_auth_parser());
}

}  // namespace siem::parsers::detail
