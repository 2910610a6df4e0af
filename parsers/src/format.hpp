#pragma once

#include <memory>
#include <string_view>
#include <vector>

#include "siem/core/event.hpp"
#include "siem/parsers/normalizer.hpp"
#include "syslog.hpp"

namespace siem::parsers::detail {

/// What a format parser sees of one line. Views are valid during the call only.
struct Input {
  std::string_view line;       ///< the whole line (trailing CR/LF removed)
  const SyslogHeader& header;  ///< the syslog envelope, kind none when absent
  std::string_view payload;    ///< the line after the envelope (header.message, left-trimmed)
  bool has_envelope = false;   ///< a <PRI> or syslog header was found
};

/// One text format of the registry (`vendor/format`). Implementations are created once per
/// Normalizer (so once per worker), compile their RE2 patterns in the constructor and keep
/// reusable buffers as members: no allocation per line in steady state. Owned by one worker;
/// not thread-safe.
class FormatParser {
public:
  FormatParser() = default;
  FormatParser(const FormatParser&) = delete;
  auto operator=(const FormatParser&) -> FormatParser& = delete;
  FormatParser(FormatParser&&) = delete;
  auto operator=(FormatParser&&) -> FormatParser& = delete;
  virtual ~FormatParser() = default;

  /// Registry entry: name, description, detection, status, example.
  [[nodiscard]] virtual auto info() const -> const FormatInfo& = 0;

  /// Cheap test used by `auto` (a literal or two, no capture regex): could this line be
  /// this format? A false positive costs one parse(); a false negative loses the format.
  [[nodiscard]] virtual auto detect(const Input& in) const -> bool = 0;

  /// Parses the line into `out` (which holds nothing yet). Returns an empty view on success,
  /// else the reason it is not this format (then `out` is cleared by the caller and the next
  /// candidate runs). Must not throw, must accept any bytes. The parser maps the envelope
  /// itself (apply_syslog / apply_syslog_origin from syslog.hpp); the caller only fills a
  /// missing @timestamp from the header and then from the receive time.
  virtual auto parse(const Input& in, const ParseContext& ctx, core::Event& out)
      -> std::string_view = 0;
};

using FormatList = std::vector<std::unique_ptr<FormatParser>>;

// Each family registers its parsers, in the order `auto` should try them. The families are
// tried in the order listed in registry.cpp, after JSON (EVE and the JSON family) and
// FortiGate, and before the generic syslog event.
void register_linux_formats(FormatList& out);    // linux_*.cpp: auth (sudo, su, PAM, useradd ...), auditd, netfilter
void register_web_formats(FormatList& out);      // web_*.cpp: Apache, Nginx, Squid
void register_network_formats(FormatList& out);  // net_*.cpp: CEF, LEEF, Palo Alto, Check Point, Juniper, F5, Barracuda
void register_firewall_formats(FormatList& out); // fw_*.cpp: Cisco ASA/FTD/IOS, Sophos, SonicWall, WatchGuard, Stormshield
void register_cn_formats(FormatList& out);       // cn_*.cpp: Huawei, H3C, Hillstone, Sangfor, NSFOCUS, Qi-Anxin, ...
void register_json_text_formats(FormatList& out); // json_*.cpp: Windows XML events, Zeek TSV (the JSON shapes live in the JSON path)

/// All text formats, in detection order.
auto make_text_formats() -> FormatList;

}  // namespace siem::parsers::detail
