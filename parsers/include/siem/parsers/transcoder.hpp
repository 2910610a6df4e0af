#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "siem/core/status.hpp"

namespace siem::parsers {

/// Converts a source's declared character set to UTF-8 before parsing (iconv). GBK input is
/// read as GB18030, its superset. The raw record keeps the original bytes; only the text the
/// parsers see is converted. Owned by one worker; not thread-safe.
class Transcoder {
public:
  /// `encoding`: "utf-8" (no conversion), "gbk" or "gb18030" (case-insensitive).
  /// Errors: invalid_argument naming the encoding.
  static auto create(std::string_view encoding) -> core::Result<std::unique_ptr<Transcoder>>;

  Transcoder(const Transcoder&) = delete;
  auto operator=(const Transcoder&) -> Transcoder& = delete;
  Transcoder(Transcoder&&) = delete;
  auto operator=(Transcoder&&) -> Transcoder& = delete;
  ~Transcoder();

  /// True when the encoding is UTF-8 (to_utf8 is then a copy the caller can skip).
  [[nodiscard]] auto is_identity() const -> bool;

  /// Converts `in` into `out` (cleared first). Byte sequences invalid in the source encoding
  /// become U+FFFD; returns how many were replaced (0 = clean). Never fails.
  auto to_utf8(std::string_view in, std::string& out) -> std::size_t;

  /// The canonical name ("utf-8", "gb18030").
  [[nodiscard]] auto name() const -> std::string_view;

private:
  struct Impl;
  explicit Transcoder(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace siem::parsers
