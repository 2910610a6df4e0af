#include "cn_parsers.hpp"
#include "format.hpp"

namespace siem::parsers::detail {

void register_cn_formats(FormatList& out) {
  // Each detect() keys on a vendor-specific literal (see vendor-formats-cn.md, "Dispatch
  // tokens"), so the order only matters for robustness: the most specific markers first.
  out.push_back(cn::make_huawei_usg());
  out.push_back(cn::make_h3c_secpath());
  out.push_back(cn::make_dptech_fw());
  out.push_back(cn::make_hillstone_stoneos());
  out.push_back(cn::make_sangfor_ngaf());
  out.push_back(cn::make_sangfor_edr());
  out.push_back(cn::make_nsfocus_nips());
  out.push_back(cn::make_topsec_ngfw());
  out.push_back(cn::make_venustech_tianyue());
  out.push_back(cn::make_qianxin_nsg());
  out.push_back(cn::make_qianxin_skyeye());
}

}  // namespace siem::parsers::detail
