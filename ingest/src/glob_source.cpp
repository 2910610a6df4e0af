#include "glob_source.hpp"

#include <fcntl.h>
#include <glob.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <chrono>
#include <cstring>
#include <memory>

namespace siem::ingest::detail {
namespace {

constexpr std::size_t kChunk = std::size_t{1} << 20U;
constexpr auto kRescan = std::chrono::seconds(1);
constexpr auto kIdle = std::chrono::milliseconds(200);
constexpr int kTruncatedTries = 30;  // rescans of a gzip file that ends early (30 s)

auto ends_with_gz(std::string_view path) -> bool { return path.ends_with(".gz"); }

}  // namespace

auto is_glob_path(std::string_view path) -> bool {
  return path.find_first_of("*?[") != std::string_view::npos || ends_with_gz(path);
}

struct GlobSource::File {
  std::string path;
  std::uint64_t inode = 0;
  bool gzip = false;
  int fd = -1;
  gzFile gz = nullptr;
  std::uint64_t offset = 0;    // bytes read (uncompressed for gzip)
  std::uint64_t line_end = 0;  // end of the last line emitted: what the position stores
  Fingerprint fp;              // of the first bytes (compressed ones for gzip), in the position
  std::string pending;         // an incomplete line
  bool discarding = false;     // inside an oversize line, skipping to its newline
  bool done = false;           // read to its end for good (gzip, or read once)
  bool matched = true;         // still matched by the pattern

  File() = default;
  File(const File&) = delete;
  auto operator=(const File&) -> File& = delete;
  File(File&&) = delete;
  auto operator=(File&&) -> File& = delete;
  ~File() { close(); }

  void close() {
    if (gz != nullptr) {
      gzclose(gz);  // closes fd too
      gz = nullptr;
      fd = -1;
    } else if (fd >= 0) {
      ::close(fd);
      fd = -1;
    }
  }
};

auto GlobSource::decode_position(std::string_view text)
    -> std::optional<std::map<std::uint64_t, FilePosition>> {
  std::map<std::uint64_t, FilePosition> out;
  if (!text.starts_with("glob")) {
    return std::nullopt;
  }
  text.remove_prefix(4);
  while (!text.empty()) {
    if (text.front() != ';') {
      return std::nullopt;
    }
    text.remove_prefix(1);
    const auto end = std::min(text.find(';'), text.size());
    const auto item = text.substr(0, end);
    text.remove_prefix(end);
    const auto colon = item.find(':');
    std::uint64_t inode = 0;
    std::uint64_t offset = 0;
    if (colon == std::string_view::npos || !parse_u64(item.substr(0, colon), inode)) {
      return std::nullopt;
    }
    // Positions stored before fingerprints have none: the inode alone counts.
    const auto rest = Fingerprint::split(item.substr(colon + 1));
    if (!rest) {
      return std::nullopt;
    }
    const auto [off, fp] = *rest;
    if (off == "done") {
      offset = kDone;
    } else if (!parse_u64(off, offset)) {
      return std::nullopt;
    }
    out[inode] = {offset, fp};
  }
  return out;
}

auto GlobSource::encode_position(const std::map<std::uint64_t, FilePosition>& files)
    -> std::string {
  std::string out = "glob";
  for (const auto& [inode, at] : files) {
    out += ';';
    out += std::to_string(inode);
    out += ':';
    out += at.offset == kDone ? std::string{"done"} : std::to_string(at.offset);
    at.fp.append_to(out);
  }
  return out;
}

auto GlobSource::start(BatchQueue& out, const std::string& resume_position) -> core::Status {
  if (!resume_position.empty()) {
    if (auto r = decode_position(resume_position)) {
      resume_ = std::move(*r);
    }
    // Anything else (a position of a single-file source, before the path became a pattern)
    // starts the files from the beginning.
  }
  glob_t g{};
  const int rc = ::glob(options_.path.c_str(), 0, nullptr, &g);
  ::globfree(&g);
  if (rc != 0 && rc != GLOB_NOMATCH) {
    return core::io_error("sources[" + options_.name + "].path: cannot expand " + options_.path);
  }
  thread_ = std::jthread([this, &out](const std::stop_token& st) {
    name_source_thread();
    run(out, st);
  });
  return core::Status::ok();
}

void GlobSource::stop() {
  if (thread_.joinable()) {
    thread_.request_stop();
    thread_.join();
  }
}

void GlobSource::run(BatchQueue& out, const std::stop_token& stop) {
  std::map<std::uint64_t, std::unique_ptr<File>> files;
  std::map<std::uint64_t, int> truncated_tries;  // per gzip file ending early
  std::string buf(kChunk, '\0');
  auto batch = new_batch();

  // Opens what the pattern matches now; marks files it no longer matches.
  bool first_scan = true;
  const auto scan = [&] {
    for (auto& [inode, f] : files) {
      f->matched = false;
    }
    std::map<std::uint64_t, bool> seen;  // inodes the pattern matches now
    glob_t g{};
    if (::glob(options_.path.c_str(), 0, nullptr, &g) == 0) {
      for (std::size_t i = 0; i < g.gl_pathc; ++i) {
        const std::string path = g.gl_pathv[i];
        struct stat st {};
        if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) {
          continue;
        }
        seen[static_cast<std::uint64_t>(st.st_ino)] = true;
        if (auto it = files.find(static_cast<std::uint64_t>(st.st_ino)); it != files.end()) {
          it->second->matched = true;
          it->second->path = path;
          continue;
        }
        auto f = std::make_unique<File>();
        f->path = path;
        f->gzip = ends_with_gz(path);
        f->fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
        // The inode of what was opened: the path may have been rotated since stat().
        if (f->fd < 0 || ::fstat(f->fd, &st) != 0) {
          counters_.errors.fetch_add(1);
          continue;  // tried again at the next scan; a stored offset is kept meanwhile
        }
        f->inode = static_cast<std::uint64_t>(st.st_ino);
        seen[f->inode] = true;
        if (auto it = files.find(f->inode); it != files.end()) {
          it->second->matched = true;
          continue;
        }
        auto resumed = resume_.find(f->inode);
        if (resumed != resume_.end() && !resumed->second.fp.matches(f->fd)) {
          // Another file under the stored inode (a deleted file's inode reused), or the same
          // file truncated and written again while the engine was stopped: all of it is new.
          resume_.erase(resumed);
          resumed = resume_.end();
        }
        const std::uint64_t from = resumed == resume_.end() ? 0 : resumed->second.offset;
        if (f->gzip) {
          f->fp.cover(f->fd, static_cast<std::uint64_t>(st.st_size));  // compressed bytes
        } else if (resumed != resume_.end()) {
          f->fp = resumed->second.fp;
        }
        if (from == kDone) {
          f->done = true;  // a gzip file read to its end before
          f->close();
        } else if (f->gzip) {
          f->gz = gzdopen(f->fd, "rb");
          if (f->gz == nullptr) {
            counters_.errors.fetch_add(1);
            continue;
          }
          gzbuffer(f->gz, 256 * 1024);
          if (from > 0 && gzseek(f->gz, static_cast<z_off_t>(from), SEEK_SET) < 0) {
            counters_.errors.fetch_add(1);
            continue;
          }
          f->offset = from;
          f->line_end = from;
        } else if (from > 0 && from <= static_cast<std::uint64_t>(st.st_size)) {
          ::lseek(f->fd, static_cast<off_t>(from), SEEK_SET);
          f->offset = from;
          f->line_end = from;
        }
        if (resumed != resume_.end()) {
          resume_.erase(resumed);  // used: an inode reused later starts from the beginning
        }
        files.emplace(f->inode, std::move(f));
      }
    }
    ::globfree(&g);
    if (first_scan) {
      // Stored offsets of files the pattern no longer matches are dropped (their inodes may be
      // reused by new files); offsets of files that could not be opened yet are kept.
      std::erase_if(resume_, [&](const auto& kv) { return !seen.contains(kv.first); });
      first_scan = false;
    }
  };

  const auto position = [&] {
    std::map<std::uint64_t, FilePosition> at = resume_;  // files not opened yet
    for (const auto& [inode, f] : files) {
      if (!f->gzip && f->fd >= 0) {
        f->fp.cover(f->fd, f->line_end);
      }
      at[inode] = {f->done && f->gzip ? kDone : f->line_end, f->fp};
    }
    return encode_position(at);
  };
  // A file ended or was truncated: its state goes out even without records.
  bool state_changed = false;
  const auto flush = [&] {
    if (batch.records.empty() && !state_changed) {
      return true;
    }
    state_changed = false;
    batch.position = position();
    batch.durable_position = true;
    if (!batch.records.empty()) {
      counters_.last_seen_ms = clock_.now_ms();
    }
    return deliver(out, batch);
  };
  const auto emit = [&](File& f, std::string_view line, std::uint64_t end) {
    if (!line.empty() && line.back() == '\r') {
      line.remove_suffix(1);
    }
    f.line_end = end;
    if (line.empty()) {
      return;
    }
    core::RawInput rec;
    rec.bytes.assign(line);
    rec.position = std::to_string(f.inode) + ":" + std::to_string(end);
    rec.received_at = clock_.now_ms();
    counters_.records.fetch_add(1, std::memory_order_relaxed);
    counters_.bytes.fetch_add(line.size(), std::memory_order_relaxed);
    batch.records.push_back(std::move(rec));
  };
  // Splits a chunk read from `f` into lines; false when the queue is closed.
  const auto consume = [&](File& f, std::string_view chunk) {
    std::uint64_t at = f.offset;
    f.offset += chunk.size();
    while (!chunk.empty()) {
      const auto nl = chunk.find('\n');
      if (nl == std::string_view::npos) {
        if (!f.discarding) {
          f.pending.append(chunk);
          if (f.pending.size() > options_.max_message_bytes) {
            f.pending.resize(options_.max_message_bytes);
            counters_.oversize.fetch_add(1);
            f.discarding = true;
          }
        }
        break;
      }
      const std::uint64_t end = at + nl + 1;
      if (f.discarding || !f.pending.empty()) {
        if (!f.discarding) {
          f.pending.append(chunk.substr(0, nl));
          if (f.pending.size() > options_.max_message_bytes) {
            f.pending.resize(options_.max_message_bytes);
            counters_.oversize.fetch_add(1);
          }
        }
        emit(f, f.pending, end);
        f.pending.clear();
        f.discarding = false;
      } else {
        auto line = chunk.substr(0, nl);
        if (line.size() > options_.max_message_bytes) {
          line = line.substr(0, options_.max_message_bytes);
          counters_.oversize.fetch_add(1);
        }
        emit(f, line, end);
      }
      at = end;
      chunk.remove_prefix(nl + 1);
      if (batch.records.size() >= options_.batch_records && !flush()) {
        return false;
      }
    }
    return true;
  };
  // At the end of a file that will not grow: its last line, even without a newline.
  const auto finish = [&](File& f) {
    if (!f.pending.empty() && !f.discarding) {
      emit(f, f.pending, f.offset);
    }
    if (!f.gzip) {
      f.fp.cover(f.fd, f.line_end);  // before the file is closed
    }
    f.pending.clear();
    f.discarding = false;
    f.done = true;
    f.close();
    state_changed = true;
  };

  scan();
  auto last_scan = std::chrono::steady_clock::now();
  while (!stop.stop_requested()) {
    bool any = false;
    for (auto it = files.begin(); it != files.end();) {
      File& f = *it->second;
      if (f.done) {
        // Finished files stay in the position while the pattern matches them.
        it = f.matched || !options_.follow ? std::next(it) : files.erase(it);
        continue;
      }
      const long n = f.gzip ? gzread(f.gz, buf.data(), static_cast<unsigned>(buf.size()))
                            : ::read(f.fd, buf.data(), buf.size());
      if (n < 0) {
        if (!f.gzip && errno == EINTR) {
          continue;
        }
        counters_.errors.fetch_add(1);  // a damaged gzip stream or a read error: give up the file
        finish(f);
        if (!flush()) {
          return;
        }
        ++it;
        continue;
      }
      if (n > 0) {
        any = true;
        if (!consume(f, {buf.data(), static_cast<std::size_t>(n)}) || !flush()) {
          return;
        }
        ++it;
        continue;
      }
      // End of file.
      if (f.gzip && options_.follow) {
        int err = Z_OK;
        gzerror(f.gz, &err);
        if (err == Z_BUF_ERROR && ++truncated_tries[f.inode] <= kTruncatedTries) {
          // The stream ends early: still being written (logrotate compressing). Read it again
          // from the last line at a later scan; after kTruncatedTries scans it counts as damaged
          // and is finished with what it held.
          resume_[f.inode] = {f.line_end, f.fp};
          it = files.erase(it);
          continue;
        }
        if (err == Z_BUF_ERROR) {
          counters_.errors.fetch_add(1);
        }
      }
      if (f.gzip || !options_.follow) {
        finish(f);
        if (!flush()) {
          return;
        }
      } else if (!f.matched) {
        // Rotated out of the pattern (or deleted) and read to its end.
        it = files.erase(it);
        continue;
      } else if (struct stat st {}; ::fstat(f.fd, &st) == 0
                                    && static_cast<std::uint64_t>(st.st_size) < f.offset) {
        ::lseek(f.fd, 0, SEEK_SET);  // copytruncate: start over
        f.offset = 0;
        f.line_end = 0;
        f.fp = {};
        f.pending.clear();
        f.discarding = false;
        state_changed = true;  // the stored offset must not point into the new content
        if (!flush()) {
          return;
        }
      }
      ++it;
    }
    if (!options_.follow) {
      bool all_done = true;
      for (const auto& [inode, f] : files) {
        all_done = all_done && f->done;
      }
      if (all_done && !any) {
        static_cast<void>(flush());
        finished_ = true;
        return;
      }
    }
    if (!any) {
      std::this_thread::sleep_for(kIdle);
    }
    if (options_.follow && std::chrono::steady_clock::now() - last_scan >= kRescan) {
      scan();
      last_scan = std::chrono::steady_clock::now();
    }
  }
  static_cast<void>(flush());
}

}  // namespace siem::ingest::detail
