#include "format.hpp"
#include "web_common.hpp"

namespace siem::parsers::detail {

void register_web_formats(FormatList& out) {
  // Error logs and Squid have distinctive heads; nginx/access needs an nginx-only marker and
  // must run before apache/access, which takes every other NCSA common/combined line.
  out.push_back(web::make_apache_error());
  out.push_back(web::make_nginx_error());
  out.push_back(web::make_squid_access());
  out.push_back(web::make_nginx_access());
  out.push_back(web::make_apache_access());
}

}  // namespace siem::parsers::detail
