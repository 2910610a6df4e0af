#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace siem::ingest::detail {

/// What tells a file's content apart across restarts, beside its inode: a new file may get
/// the inode of a deleted one, and copytruncate keeps the inode while the content starts
/// over. A stored position carries the hash of the file's first bytes (up to kBytes); a
/// restart resumes at the stored offset only when the file still starts with them.
struct Fingerprint {
  static constexpr std::uint64_t kBytes = 1024;

  std::uint64_t length = 0;  ///< bytes covered; 0: none (nothing to compare)
  std::uint64_t hash = 0;    ///< FNV-1a (64 bits) of those bytes

  /// Of the first `length` bytes of `fd` (pread: its offset is unchanged); nullopt when the
  /// file is shorter or cannot be read.
  static auto of(int fd, std::uint64_t length) -> std::optional<Fingerprint>;

  /// Covers min(offset, kBytes) bytes of `fd` once a position reaches `offset` (reads the
  /// file only while the covered prefix is still shorter than that).
  void cover(int fd, std::uint64_t offset);

  /// True when `fd` starts with the bytes this fingerprint covers.
  [[nodiscard]] auto matches(int fd) const -> bool;

  /// "<length>-<hash, 16 hex digits>".
  [[nodiscard]] auto encode() const -> std::string;
  static auto decode(std::string_view text) -> std::optional<Fingerprint>;
  /// Appends ":<encode()>" to a position, when the fingerprint covers anything.
  void append_to(std::string& position) const;

  /// Splits what follows the inode in a stored position, "<offset>" or
  /// "<offset>:<fingerprint>", into the offset's text and the fingerprint (none in positions
  /// stored before fingerprints); nullopt when the fingerprint is malformed.
  static auto split(std::string_view text)
      -> std::optional<std::pair<std::string_view, Fingerprint>>;

  auto operator==(const Fingerprint&) const -> bool = default;
};

/// A decimal number that is all of `text`.
auto parse_u64(std::string_view text, std::uint64_t& out) -> bool;

}  // namespace siem::ingest::detail
