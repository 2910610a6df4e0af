#pragma once

#include "siem/core/event.hpp"
#include "siem/core/time.hpp"
#include "siem/parsers/normalizer.hpp"

#include "format.hpp"
#include "scan.hpp"

#include <algorithm>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

// Helpers shared by the firewall family (fw_*.cpp). Internal to siem::parsers.
namespace siem::parsers::detail {

/// A `key=value` pair; both views point into the parsed line.
using FwKv = std::pair<std::string_view, std::string_view>;

/// Splits `key=value key2="quoted value" ...` into `out` (cleared first, capacity reused).
/// Values are bare tokens (up to the next space) or double-quoted strings (a backslash
/// escapes the next byte; the closing quote is the first that ends the text or is followed
/// by the next `key=`, else the first one, so that unescaped quotes inside a value stay in
/// it; an unterminated quote runs to the end). Tokens without '=' are skipped. Never reads
/// out of bounds.
void fw_split_kv(std::string_view s, std::vector<FwKv>& out);

/// Value of the first pair named `key`, or empty.
auto fw_value(const std::vector<FwKv>& kv, std::string_view key) -> std::string_view;

/// Minutes east of UTC of an unambiguous zone abbreviation ("UTC", "CET", "PST") or a
/// numeric offset; nullopt for unknown or ambiguous names ("CST", "IST", "BST").
auto fw_zone_offset(std::string_view tz) -> std::optional<int>;

/// "+0100", "-05:00", "+08" -> minutes east of UTC.
auto fw_parse_tz(std::string_view tz) -> std::optional<int>;

/// "yyyy-mm-dd hh:mm:ss[.fff]" (or 'T') in the zone `offset_minutes` east of UTC; a trailing
/// " UTC"/"Z" or numeric offset in the text wins over the argument. Uses `buf` as scratch.
auto fw_parse_datetime(std::string_view s, int offset_minutes, std::string& buf)
    -> std::optional<core::TimeMs>;

/// Finds a Cisco-style time stamp in `prefix` (the text before `%ASA-`/`%FAC-`):
/// `[*|.]Mmm dd [yyyy] hh:mm:ss[.fff] [TZ]`. A year-less time is resolved against
/// ctx.received_at; the zone is UTC for `UTC`/`GMT`/`Z`, else ctx.tz_offset_minutes.
auto fw_prefix_time(std::string_view prefix, const ParseContext& ctx)
    -> std::optional<core::TimeMs>;

/// The envelope's time, corrected when an RFC 3164 parser read Cisco's "Mmm dd hh:mm:ss TZ:"
/// as a zone-less time followed by a tag named after the zone ("CET").
auto fw_header_time(const SyslogHeader& h, const ParseContext& ctx)
    -> std::optional<core::TimeMs>;

/// Lower-cases an ASCII token into `buf` and sets it as network.transport (known IP
/// protocol names and IANA numbers only: tcp, udp, icmp, ...). Returns whether it did.
auto fw_set_transport(core::Event& out, std::string_view proto, std::string& buf) -> bool;

/// ASCII case-insensitive equality.
auto fw_iequals(std::string_view a, std::string_view b) -> bool;

/// A forward-only scanner over a message, for fixed message shapes without a capture regex
/// (RE2 captures allocate per call). A failed step sets ok() false and makes every later
/// step fail too, so a shape is written as a chain of steps and checked once at the end.
/// Views point into the scanned text.
class FwCursor {
public:
  explicit FwCursor(std::string_view s) : s_(s) {}

  [[nodiscard]] auto ok() const -> bool { return ok_; }
  [[nodiscard]] auto rest() const -> std::string_view { return ok_ ? s_.substr(pos_) : std::string_view{}; }
  [[nodiscard]] auto at(std::string_view l) const -> bool {
    return ok_ && s_.substr(pos_, l.size()) == l;
  }

  /// Consumes `l` exactly.
  auto lit(std::string_view l) -> FwCursor& {
    if (at(l)) {
      pos_ += l.size();
    } else {
      ok_ = false;
    }
    return *this;
  }

  /// Consumes `l` when present; returns whether it did (never fails).
  auto opt(std::string_view l) -> bool {
    if (at(l)) {
      pos_ += l.size();
      return true;
    }
    return false;
  }

  /// A non-empty token up to (not including) the first byte of `stops`, or to the end.
  auto tok(std::string_view& out, std::string_view stops = " ") -> FwCursor& {
    if (!ok_) {
      return *this;
    }
    // (No stops.find() per byte: that is a memchr call per byte of the token.)
    std::size_t e = pos_;
    if (stops.size() == 1) {
      e = find_byte(s_, pos_, stops[0]);
    } else {
      const auto is_stop = [stops](char ch) {
        return std::any_of(stops.begin(), stops.end(), [ch](char c) { return c == ch; });
      };
      while (e < s_.size() && !is_stop(s_[e])) {
        ++e;
      }
    }
    if (e == pos_) {
      ok_ = false;
      return *this;
    }
    out = s_.substr(pos_, e - pos_);
    pos_ = e;
    return *this;
  }

  /// Text up to the next occurrence of `l` (possibly empty), then `l` itself.
  auto upto(std::string_view& out, std::string_view l) -> FwCursor& {
    if (!ok_) {
      return *this;
    }
    const auto e = s_.find(l, pos_);
    if (e == std::string_view::npos) {
      ok_ = false;
      return *this;
    }
    out = s_.substr(pos_, e - pos_);
    pos_ = e + l.size();
    return *this;
  }

  /// Optional "(...)" (after optional spaces when `space`); its content goes to `out`.
  auto paren(std::string_view& out, bool space = false) -> FwCursor& {
    if (!ok_) {
      return *this;
    }
    std::size_t p = pos_;
    while (space && p < s_.size() && s_[p] == ' ') {
      ++p;
    }
    if (p < s_.size() && s_[p] == '(') {
      const auto e = s_.find(')', p);
      if (e != std::string_view::npos) {
        out = s_.substr(p + 1, e - p - 1);
        pos_ = e + 1;
      }
    }
    return *this;
  }

private:
  std::string_view s_;
  std::size_t pos_ = 0;
  bool ok_ = true;
};

/// Factories of the family's parsers (one per format), in detection order.
auto make_cisco_asa_parser() -> std::unique_ptr<FormatParser>;
auto make_cisco_ios_parser() -> std::unique_ptr<FormatParser>;
auto make_sophos_parser() -> std::unique_ptr<FormatParser>;
auto make_sonicwall_parser() -> std::unique_ptr<FormatParser>;
auto make_stormshield_parser() -> std::unique_ptr<FormatParser>;
auto make_watchguard_parser() -> std::unique_ptr<FormatParser>;

}  // namespace siem::parsers::detail
