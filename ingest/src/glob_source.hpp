#pragma once

#include "siem/ingest/source.hpp"

#include "fingerprint.hpp"

#include <atomic>
#include <cstdint>
#include <map>
#include <string>
#include <thread>

namespace siem::ingest::detail {

/// True when a file source's path is read by GlobSource: a glob pattern (`*`, `?`, `[`) or a
/// gzip file (`.gz`).
auto is_glob_path(std::string_view path) -> bool;

/// Reads every file a glob pattern matches, line by line; plain files are tailed (growth,
/// copytruncate; a rotated file that still matches is read to its end under its own inode, a
/// new file is picked up at the next rescan), `.gz` files are read once through zlib. Files
/// are told apart by inode. One source position covers them all —
/// "glob;<inode>:<offset>:<fingerprint>;..." with `done` as the offset of a finished gzip
/// file — and is stored with each batch, so a restart resumes every file after its last
/// stored line, provided the file under that inode still starts with the bytes the
/// fingerprint covers (else it is read from the beginning). Each batch holds lines of one file.
class GlobSource final : public Source {
public:
  GlobSource(SourceOptions options, const core::Clock& clock)
      : Source(std::move(options)), clock_(clock) {}

  GlobSource(const GlobSource&) = delete;
  auto operator=(const GlobSource&) -> GlobSource& = delete;
  GlobSource(GlobSource&&) = delete;
  auto operator=(GlobSource&&) -> GlobSource& = delete;

  ~GlobSource() override { stop(); }

  auto start(BatchQueue& out, const std::string& resume_position) -> core::Status override;
  void stop() override;

  [[nodiscard]] auto finished() const -> bool override { return finished_.load(); }

  static constexpr std::uint64_t kDone = ~std::uint64_t{0};  ///< a gzip file read to its end

  /// Where a file was left: an offset (kDone for a finished gzip file) and the fingerprint of
  /// the file's first bytes (none in positions stored before fingerprints).
  struct FilePosition {
    std::uint64_t offset = 0;
    Fingerprint fp;
  };

  /// "glob;1234:560:560-<hash>;1240:done:1024-<hash>" <-> {1234: {560, ...}, 1240: {kDone,
  /// ...}}; nullopt when malformed.
  static auto decode_position(std::string_view text)
      -> std::optional<std::map<std::uint64_t, FilePosition>>;
  static auto encode_position(const std::map<std::uint64_t, FilePosition>& files) -> std::string;

private:
  struct File;

  void run(BatchQueue& out, const std::stop_token& stop);

  const core::Clock& clock_;
  std::map<std::uint64_t, FilePosition> resume_;  // by inode, from the stored position
  std::atomic<bool> finished_{false};
  std::jthread thread_;
};

}  // namespace siem::ingest::detail
