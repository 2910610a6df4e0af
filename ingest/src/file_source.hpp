#pragma once

#include "siem/ingest/source.hpp"

#include "fingerprint.hpp"

#include <atomic>
#include <thread>

namespace siem::ingest::detail {

/// Reads a file (tailing it, following rename and copytruncate rotation) or standard input
/// line by line. File positions ("<inode>:<offset>:<fingerprint>") are stored with each
/// batch, so after a crash the source resumes exactly after the last stored line, provided
/// the file still starts with the bytes the fingerprint covers (else it is read from the
/// beginning: another file under a reused inode, or one truncated and written again while
/// the engine was stopped). Owned by its thread.
class FileSource final : public Source {
public:
  FileSource(SourceOptions options, const core::Clock& clock)
      : Source(std::move(options)), clock_(clock) {}

  FileSource(const FileSource&) = delete;
  auto operator=(const FileSource&) -> FileSource& = delete;
  FileSource(FileSource&&) = delete;
  auto operator=(FileSource&&) -> FileSource& = delete;

  ~FileSource() override { stop(); }

  auto start(BatchQueue& out, const std::string& resume_position) -> core::Status override;
  void stop() override;

  [[nodiscard]] auto finished() const -> bool override { return finished_.load(); }

private:
  void run(BatchQueue& out, std::stop_token stop);

  const core::Clock& clock_;
  int fd_ = -1;
  std::uint64_t inode_ = 0;
  std::uint64_t offset_ = 0;
  Fingerprint fp_;  // of the current file's first bytes, in the stored position
  std::atomic<bool> finished_{false};
  std::jthread thread_;
};

}  // namespace siem::ingest::detail
