#include "file_source.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>

namespace siem::ingest::detail {
namespace {

/// "<inode>:<offset>" or "<inode>:<offset>:<fingerprint>" (positions stored before
/// fingerprints have none).
auto parse_position(std::string_view pos, std::uint64_t& inode, std::uint64_t& offset,
                    Fingerprint& fp) -> bool {
  const auto colon = pos.find(':');
  if (colon == std::string_view::npos || !parse_u64(pos.substr(0, colon), inode)) {
    return false;
  }
  const auto rest = Fingerprint::split(pos.substr(colon + 1));
  if (!rest) {
    return false;
  }
  fp = rest->second;
  return parse_u64(rest->first, offset);
}

}  // namespace

auto FileSource::start(BatchQueue& out, const std::string& resume_position) -> core::Status {
  if (options_.type == "stdin") {
    fd_ = STDIN_FILENO;
  } else {
    fd_ = ::open(options_.path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd_ < 0) {
      return core::io_error("sources[" + options_.name + "].path: cannot open " + options_.path
                            + ": " + std::strerror(errno));
    }
    struct stat st {};
    if (::fstat(fd_, &st) != 0) {
      return core::io_error("cannot stat " + options_.path);
    }
    inode_ = st.st_ino;
    std::uint64_t inode = 0;
    std::uint64_t offset = 0;
    Fingerprint fp;
    // Resumed only in the same content: a reused inode, or a file truncated and written again
    // while the engine was stopped, no longer starts with the fingerprinted bytes.
    if (parse_position(resume_position, inode, offset, fp) && inode == inode_
        && offset <= static_cast<std::uint64_t>(st.st_size) && fp.matches(fd_)) {
      if (::lseek(fd_, static_cast<off_t>(offset), SEEK_SET) < 0) {
        return core::io_error("cannot seek in " + options_.path);
      }
      offset_ = offset;
      fp_ = fp;
    }
  }
  thread_ = std::jthread([this, &out](std::stop_token st) {
    name_source_thread();
    run(out, std::move(st));
  });
  return core::Status::ok();
}

void FileSource::stop() {
  if (thread_.joinable()) {
    thread_.request_stop();
    thread_.join();
  }
  if (fd_ > STDIN_FILENO) {
    ::close(fd_);
  }
  fd_ = -1;
}

void FileSource::run(BatchQueue& out, std::stop_token stop) {
  const bool is_stdin = options_.type == "stdin";
  const bool follow = options_.follow && !is_stdin;
  std::string pending;          // bytes of an incomplete line
  std::uint64_t line_start = offset_;  // file offset of pending[0]
  bool discarding = false;      // inside an oversize line, skipping to its newline
  std::string buf(1U << 20U, '\0');
  auto batch = new_batch();
  auto position = [&](std::uint64_t off) {
    return (is_stdin ? std::string{"stdin"} : std::to_string(inode_)) + ":" + std::to_string(off);
  };
  std::uint64_t last_end = 0;  // end offset of the last line emitted
  auto flush = [&] {
    if (batch.records.empty()) {
      return true;
    }
    batch.position = batch.records.back().position;
    if (!is_stdin) {
      fp_.cover(fd_, last_end);
      fp_.append_to(batch.position);
    }
    batch.durable_position = !is_stdin;
    counters_.last_seen_ms = clock_.now_ms();
    return deliver(out, batch);
  };
  auto emit = [&](std::string_view line, std::uint64_t end_offset) {
    if (!line.empty() && line.back() == '\r') {
      line.remove_suffix(1);
    }
    core::RawInput rec;
    rec.bytes.assign(line);
    rec.position = position(end_offset);
    last_end = end_offset;
    rec.received_at = clock_.now_ms();
    counters_.records.fetch_add(1, std::memory_order_relaxed);
    counters_.bytes.fetch_add(line.size(), std::memory_order_relaxed);
    batch.records.push_back(std::move(rec));
  };
  int idle_polls = 0;
  while (!stop.stop_requested()) {
    const ssize_t n = ::read(fd_, buf.data(), buf.size());
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      counters_.errors.fetch_add(1);
      break;
    }
    if (n == 0) {
      if (!flush()) {
        return;
      }
      if (!follow) {
        if (!pending.empty() && !discarding) {
          emit(pending, offset_);
          pending.clear();
          static_cast<void>(flush());
        }
        finished_ = true;
        return;
      }
      // Tail: wait for growth, then check for rotation.
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
      struct stat st {};
      if (::stat(options_.path.c_str(), &st) == 0) {
        if (st.st_ino != inode_) {
          // Renamed away: the old file is drained (we are at its EOF); follow the new one.
          if (++idle_polls >= 2) {
            const int nfd = ::open(options_.path.c_str(), O_RDONLY | O_CLOEXEC);
            if (nfd >= 0) {
              ::close(fd_);
              fd_ = nfd;
              inode_ = st.st_ino;
              fp_ = {};
              offset_ = 0;
              line_start = 0;
              pending.clear();
              discarding = false;
              idle_polls = 0;
            }
          }
        } else if (static_cast<std::uint64_t>(st.st_size) < offset_) {
          // copytruncate: start over at the beginning of the same inode.
          ::lseek(fd_, 0, SEEK_SET);
          fp_ = {};
          offset_ = 0;
          line_start = 0;
          pending.clear();
          discarding = false;
        }
      }
      continue;
    }
    idle_polls = 0;
    std::string_view chunk(buf.data(), static_cast<std::size_t>(n));
    std::uint64_t chunk_offset = offset_;
    offset_ += static_cast<std::uint64_t>(n);
    while (!chunk.empty()) {
      const auto nl = chunk.find('\n');
      if (nl == std::string_view::npos) {
        if (!discarding) {
          pending.append(chunk);
          if (pending.size() > options_.max_message_bytes) {
            pending.resize(options_.max_message_bytes);
            counters_.oversize.fetch_add(1);
            discarding = true;
          }
        }
        break;
      }
      const std::uint64_t end = chunk_offset + nl + 1;
      if (discarding) {
        emit(pending, end);
        pending.clear();
        discarding = false;
      } else if (pending.empty()) {
        auto line = chunk.substr(0, nl);
        if (line.size() > options_.max_message_bytes) {
          line = line.substr(0, options_.max_message_bytes);
          counters_.oversize.fetch_add(1);
        }
        emit(line, end);
      } else {
        pending.append(chunk.substr(0, nl));
        if (pending.size() > options_.max_message_bytes) {
          pending.resize(options_.max_message_bytes);
          counters_.oversize.fetch_add(1);
        }
        emit(pending, end);
        pending.clear();
      }
      line_start = end;
      chunk_offset = end;
      chunk.remove_prefix(nl + 1);
      if (batch.records.size() >= options_.batch_records && !flush()) {
        return;
      }
    }
    static_cast<void>(line_start);
    if (!flush()) {
      return;
    }
  }
  static_cast<void>(flush());
}

}  // namespace siem::ingest::detail
