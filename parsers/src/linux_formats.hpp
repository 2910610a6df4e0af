#pragma once

#include "format.hpp"

#include <memory>

// Factories of the `linux` format family (linux_*.cpp), used by register_linux_formats.
namespace siem::parsers::detail {

/// `linux/auth`: sudo, su, PAM (non-sshd services), shadow-utils, systemd-logind.
auto make_linux_auth_parser() -> std::unique_ptr<FormatParser>;

/// `linux/auditd`: `type=XXX msg=audit(ts:serial): key=value ...` records.
auto make_linux_auditd_parser() -> std::unique_ptr<FormatParser>;

/// `linux/netfilter`: iptables / nftables LOG target lines.
auto make_linux_netfilter_parser() -> std::unique_ptr<FormatParser>;

}  // namespace siem::parsers::detail
