#pragma once

#include "format.hpp"

#include <memory>

// Factories of the Chinese-vendor (`cn`) format parsers, registered by cn_formats.cpp.
namespace siem::parsers::detail::cn {

auto make_huawei_usg() -> std::unique_ptr<FormatParser>;
auto make_h3c_secpath() -> std::unique_ptr<FormatParser>;
auto make_hillstone_stoneos() -> std::unique_ptr<FormatParser>;
auto make_dptech_fw() -> std::unique_ptr<FormatParser>;
auto make_sangfor_ngaf() -> std::unique_ptr<FormatParser>;
auto make_sangfor_edr() -> std::unique_ptr<FormatParser>;
auto make_nsfocus_nips() -> std::unique_ptr<FormatParser>;
auto make_topsec_ngfw() -> std::unique_ptr<FormatParser>;
auto make_venustech_tianyue() -> std::unique_ptr<FormatParser>;
auto make_qianxin_nsg() -> std::unique_ptr<FormatParser>;
auto make_qianxin_skyeye() -> std::unique_ptr<FormatParser>;

}  // namespace siem::parsers::detail::cn
