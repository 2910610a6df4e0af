#pragma once

#include "siem/core/event.hpp"
#include "siem/parsers/normalizer.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace siem::parsers::detail {

/// Type of one Zeek value, from the JSON value or the TSV `#types` header.
enum class ZeekType : std::uint8_t { string, integer, real, boolean, time, list };

/// One field of a Zeek log record. Views are valid during one parse() only.
struct ZeekField {
  std::string_view key;
  std::string_view text;  ///< value text (numbers as written, lists joined by ',')
  ZeekType type = ZeekType::string;
};

/// One Zeek log record (a JSON object or a TSV row).
struct ZeekRecord {
  std::string_view path;  ///< the log: conn, dns, http, ... (from `_path`, `#path` or inferred)
  std::vector<ZeekField> fields;

  [[nodiscard]] auto find(std::string_view key) const -> const ZeekField*;
};

/// Maps a Zeek record to ECS (source/destination from id.*, network.transport/protocol,
/// dns.*, http.*, url.*, tls.*, file.*, x509.*, ...) and keeps every other field under
/// zeek.<path>.<field>, typed. `key` and `buf` are scratch.
void map_zeek(const ZeekRecord& r, const ParseContext& ctx, core::Event& out, std::string& key,
              std::string& buf);

}  // namespace siem::parsers::detail
