#pragma once

#include "format.hpp"
#include "siem/core/event.hpp"
#include "siem/core/time.hpp"
#include "siem/parsers/normalizer.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

// Helpers shared by the network family (net_*.cpp): CEF, LEEF, PAN-OS, Check Point, Junos,
// F5, Barracuda. Internal to siem::parsers.
namespace siem::parsers::detail {

/// Factories of the network family's parsers (one translation unit each).
auto make_cef_parser() -> std::unique_ptr<FormatParser>;
auto make_leef_parser() -> std::unique_ptr<FormatParser>;
auto make_panos_parser() -> std::unique_ptr<FormatParser>;
auto make_checkpoint_parser() -> std::unique_ptr<FormatParser>;
auto make_junos_parser() -> std::unique_ptr<FormatParser>;
auto make_f5_parser() -> std::unique_ptr<FormatParser>;
auto make_barracuda_parser() -> std::unique_ptr<FormatParser>;

/// Vendor time formats: epoch seconds or milliseconds (digits only), RFC 3339,
/// "MMM dd yyyy HH:mm:ss[.SSS][ zone]", "MMM dd HH:mm:ss" (year from ctx),
/// ctime "Www MMM d HH:mm:ss yyyy", "yyyy/mm/dd HH:mm:ss". Zone-less times use
/// ctx.tz_offset_minutes. A trailing "UTC"/"GMT"/"Z" or "+hhmm"/"+hh:mm" zone is honoured.
auto parse_net_time(std::string_view s, const ParseContext& ctx) -> std::optional<core::TimeMs>;

/// ECS event.outcome for a firewall/IDS action word (case-insensitive): "success" for
/// accept/allow/permit/pass/redirect/detect/alert..., "failure" for deny/drop/block/reject/
/// prevent/reset..., empty when unknown.
auto outcome_of_action(std::string_view action) -> std::string_view;

/// Sets network.transport (lower case) and network.iana_number from a protocol given as an
/// IANA number ("6") or a name ("TCP"). Returns false when the value is neither.
auto set_transport(core::Event& out, std::string_view proto, std::string& buf) -> bool;

/// Sets url.original and, when they can be read, url.scheme, url.domain, url.port, url.path
/// and url.query.
void set_url(core::Event& out, std::string_view url);

/// Sets file.hash.md5/sha1/sha256/sha512 by the length of a hex digest; false otherwise.
auto set_hash(core::Event& out, std::string_view hex) -> bool;

/// Sets `key` to a non-negative integer count; false when `value` is not one.
[[nodiscard]] auto set_count(core::Event& out, std::string_view key, std::string_view value)
    -> bool;

/// set_count, else keep_invalid.
void set_count_or_keep(core::Event& out, std::string_view key, std::string_view value);

/// True for ASCII case-insensitive equality.
auto iequals(std::string_view a, std::string_view b) -> bool;

/// True when `hay` contains `needle`, ASCII case-insensitively.
auto icontains(std::string_view hay, std::string_view needle) -> bool;

/// Sets `<prefix><key>` = value, where key is a source-supplied key (dots become '_').
void set_vendor(core::Event& out, std::string& buf, std::string_view prefix, std::string_view key,
                std::string_view value);

}  // namespace siem::parsers::detail
