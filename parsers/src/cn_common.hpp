#pragma once

#include "common.hpp"
#include "format.hpp"

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

// Shared pieces of the Chinese-vendor (`cn`) format family: a tolerant envelope reader (PRI
// above 191, year inside the timestamp, no header, trailing NUL), pair splitters for the
// vendors' key/value grammars, and one ECS writer driven by per-vendor key tables.
// Internal to siem::parsers. See /work/shared/reference/vendor-formats-cn.md.
namespace siem::parsers::detail::cn {

/// The envelope as Chinese devices send it. Views point into the parsed line.
struct Envelope {
  int pri = -1;                          ///< any 1-3 digit <PRI>, kept raw (may exceed 191)
  std::optional<core::TimeMs> timestamp;  ///< header time, UTC
  std::string_view rest;                 ///< after PRI and time, left-trimmed, junk stripped
};

/// Strips trailing NUL bytes, CR/LF, blanks and the literal text `\n\u0000` (Hillstone).
auto strip_trailing_junk(std::string_view s) -> std::string_view;

/// Reads a time at the start of `s`: `Mmm dd hh:mm:ss`, `Mmm dd yyyy hh:mm:ss`,
/// `Mmm dd hh:mm:ss yyyy`, `yyyy-mm-dd hh:mm:ss`, `yyyy/m/d hh:mm:ss` or ISO `T` form with an
/// optional zone. Zone-less times use ctx.tz_offset_minutes; a missing year is resolved
/// against ctx.received_at. Returns the bytes consumed (0 when there is no time).
auto read_time(std::string_view s, const ParseContext& ctx, core::TimeMs& out) -> std::size_t;

/// Parses `[<PRI>][ ][time ]rest` from the raw line.
void parse_envelope(std::string_view line, const ParseContext& ctx, Envelope& env);

/// A whole-value local date-time (`2020-06-03 21:21:28`, `2018/10/5 09:52:19`).
auto parse_local_time(std::string_view s, const ParseContext& ctx) -> std::optional<core::TimeMs>;

/// Epoch seconds (10 digits) or milliseconds (13 digits).
auto parse_epoch(std::string_view s) -> std::optional<core::TimeMs>;

/// A compact `YYYYMMDDhhmmss` (ymd_first) or `MMDDYYYYhhmmss` time in the source zone.
auto parse_compact_time(std::string_view s, bool ymd_first, int tz_minutes)
    -> std::optional<core::TimeMs>;

/// Offset of `lit` where it starts a token (at the start of `s`, or after a blank, '>' or ':'),
/// or npos.
auto find_token(std::string_view s, std::string_view lit) -> std::size_t;

/// ASCII case-insensitive equality.
auto iequals(std::string_view a, std::string_view b) -> bool;

/// ASCII case-insensitive substring test.
auto icontains(std::string_view hay, std::string_view needle) -> bool;

/// Values that mean "nothing": empty, `(null)`, `null`, `NULL`, `unknown`, `-`, `--`, `---`,
/// `-@-`, `none`.
auto is_none(std::string_view v) -> bool;

/// "SrcIPAddr(1003)" -> "SrcIPAddr": drops a trailing `(digits)` field id.
auto strip_field_id(std::string_view key) -> std::string_view;

/// A leading `(digits)` or `[digits]` id of a value: "(352325536)死亡之Ping" -> id and name.
auto split_bracket_id(std::string_view v, std::string_view& id, std::string_view& name) -> bool;

/// Normalized event.action: "allow", "deny", "alert", "log" or empty for an unknown value.
/// Understands English and Chinese values (允许/拒绝/阻断/告警/被记录 ...).
auto normalize_action(std::string_view raw) -> std::string_view;

/// event.severity on one scale for textual levels: 1 info, 2 low, 3 medium, 4 high,
/// 5 critical (English and Chinese words). A plain number is the vendor's own level.
auto severity_number(std::string_view raw) -> std::optional<std::int64_t>;

/// One key/value pair; views into the line.
struct Pair {
  std::string_view key;
  std::string_view value;
};

/// Splits `body` on `sep`, each segment on its first `kv` (or, when kv is '\0', on the
/// first of '=' and ':'). Keys and values are trimmed; a value wrapped in double quotes is
/// unwrapped. With `quotes`, a separator inside a quoted value does not split. Segments
/// without a key are skipped.
void split_pairs(std::string_view body, char sep, char kv, bool quotes, std::vector<Pair>& out);

/// Splits space-separated `key=value` / `key="value with spaces"` pairs (Topsec, Venustech,
/// Qi-Anxin). A bare word after an unquoted value continues that value ("double spaces
/// occur"); a bare word after a quoted value (天眼 writes `... proof param_name="x"`) is
/// dropped, since the quotes closed the value.
void split_spaced(std::string_view body, std::vector<Pair>& out);

/// Where a key goes.
enum class Slot : std::uint8_t {
  ns,      // vendor namespace only
  ns_int,  // vendor namespace, as an integer when numeric
  src_ip,
  dst_ip,
  src_port,
  dst_port,
  src_nat_ip,
  src_nat_port,
  dst_nat_ip,
  dst_nat_port,
  transport,     // a name (tcp, UDP, TCP.HTTP) or an IANA number
  iana,          // an IANA protocol number
  application,   // network.application
  app_protocol,  // network.protocol
  action,
  rule_id,
  rule_name,
  rule_category,
  user,
  url,
  url_domain,
  url_path,
  http_method,
  severity,
  src_bytes,
  dst_bytes,
  src_packets,
  dst_packets,
  in_zone,
  out_zone,
  in_if,
  out_if,
  src_mac,
  dst_mac,
  vuln_id,
  threat_name,
  start_epoch,
  end_epoch,
  reason,
  message,
  hostname,
  serial,
  ecs,      // the ECS field named by KeyMap::ns, as text
  ecs_int,  // the ECS field named by KeyMap::ns, as an integer (else the vendor namespace)
  ecs_ip,   // the ECS field named by KeyMap::ns, when the value is an IP address
};

/// A vendor key and its slot; `ns` is the ASCII name used under the vendor namespace (for
/// Chinese labels and for values that fail validation); empty means the key itself. For the
/// `ecs*` slots `ns` is the ECS field instead, and a value that fails validation stays under
/// the vendor namespace with the key's own name.
struct KeyMap {
  std::string_view key;
  Slot slot = Slot::ns;
  std::string_view ns;
};

/// The table entry for `key` (exact match, or ASCII case-insensitive when `icase`).
auto lookup(std::span<const KeyMap> table, std::string_view key, bool icase = false)
    -> const KeyMap*;

/// Constant description of one product.
struct Product {
  std::string_view vendor;         ///< observer.vendor
  std::string_view product;        ///< observer.product
  std::string_view observer_type;  ///< observer.type
  std::string_view module;         ///< event.module
  std::string_view dataset;        ///< event.dataset, also the vendor namespace prefix
};

/// Writes ECS fields for one record. Holds scratch buffers reused across lines; owned by one
/// parser (so by one worker).
class Writer {
public:
  /// observer.*, event.module/dataset and log.syslog.* from the raw PRI.
  void begin(core::Event& out, const Product& p, const Envelope& env);

  /// Writes `value` to the slot of `m` (or, with no entry, under `<dataset>.<key>`). A value
  /// that fails validation (IP, port, count) stays under the vendor namespace. "Nothing"
  /// values (is_none) are skipped.
  void put(core::Event& out, const KeyMap* m, std::string_view key, std::string_view value);

  /// `<dataset>.<name>` = value (name sanitized to ASCII; non-ASCII names become `x_<hex>`).
  void put_ns(core::Event& out, std::string_view name, std::string_view value);

  /// Same, as an integer.
  void put_ns_int(core::Event& out, std::string_view name, std::int64_t value);

  /// The field name `<dataset>.<name>` (sanitized as put_ns does). Valid until the next call.
  auto ns(std::string_view name) -> std::string_view {
    ns_key(name);
    return key_;
  }

  /// event.start / event.end (or any key) from a UTC time.
  void put_time(core::Event& out, std::string_view key, core::TimeMs t);

  /// A MAC address in ECS form (`08-35-71-A0-9B-6F`) from any common notation; skips an
  /// all-zero address. Returns false when `value` is not a MAC.
  auto put_mac(core::Event& out, std::string_view key, std::string_view value) -> bool;

  /// ICMP records carry type/code (or 0) in their port fields: those are not ports, so for
  /// network.transport icmp they move to `<dataset>.icmp_source_port` / `..._destination_port`.
  void icmp_ports(core::Event& out);

  /// Sets event.outcome from event.action (allow -> success, deny -> failure).
  static void set_outcome(core::Event& out);

private:
  void ns_key(std::string_view name);

  std::string_view dataset_;
  std::string key_;
  std::string tmp_;
};

}  // namespace siem::parsers::detail::cn
