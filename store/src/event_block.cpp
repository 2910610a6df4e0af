#include "event_block.hpp"

#include "codec.hpp"
#include <zstd.h>

#include <algorithm>

namespace siem::store::detail {

namespace {

constexpr std::string_view kMagic{
    "\x00"
    "E\x02",
    3};
// Level 1: ~4x on event JSON at several hundred MB/s; higher levels cost the writer more
// than they save in WAL bytes to encrypt and fsync. No zstd checksum: the chain and RocksDB
// check the bytes.
constexpr int kLevel = 1;
/// The largest scratch buffer a Zstd keeps between calls (one per engagement and thread).
constexpr std::size_t kKeepScratch = std::size_t{8} << 20;
// A frame larger than this is corrupt: put_events() starts a new block after 32 MiB of JSON,
// so a frame holds at most that plus one event (a 64 MiB record, escaped, fits).
constexpr std::size_t kMaxFrame = std::size_t{512} << 20;

auto corrupt(std::uint64_t first, std::string_view what) -> core::Status {
  return {core::StatusCode::corruption,
          "event block " + std::to_string(first) + ": " + std::string{what}};
}

}  // namespace

auto encode_time(std::optional<core::TimeMs> t) -> std::uint64_t {
  if (!t) {
    return 0;
  }
  const auto v = static_cast<std::int64_t>(*t);
  return ((static_cast<std::uint64_t>(v) << 1U) ^ static_cast<std::uint64_t>(v >> 63)) + 1;
}

auto decode_time(std::uint64_t v) -> std::optional<core::TimeMs> {
  if (v == 0) {
    return std::nullopt;
  }
  const auto z = v - 1;
  return static_cast<core::TimeMs>(static_cast<std::int64_t>(z >> 1U)
                                   ^ -static_cast<std::int64_t>(z & 1U));
}

// --- zstd -------------------------------------------------------------------------------

Zstd::Zstd() : cctx_(ZSTD_createCCtx()), dctx_(ZSTD_createDCtx()) {
  ZSTD_CCtx_setParameter(cctx_, ZSTD_c_compressionLevel, kLevel);
  ZSTD_CCtx_setParameter(cctx_, ZSTD_c_checksumFlag, 0);
  ZSTD_CCtx_setParameter(cctx_, ZSTD_c_contentSizeFlag, 1);
}

Zstd::~Zstd() {
  ZSTD_freeCCtx(cctx_);
  ZSTD_freeDCtx(dctx_);
}

auto Zstd::compress(std::string_view in, std::string& out) -> core::Status {
  const auto bound = ZSTD_compressBound(in.size());
  if (bound > scratch_size_) {
    scratch_ = std::make_unique_for_overwrite<char[]>(bound);
    scratch_size_ = bound;
  }
  const auto n = ZSTD_compress2(cctx_, scratch_.get(), bound, in.data(), in.size());
  const bool failed = ZSTD_isError(n) != 0U;
  if (!failed) {
    out.append(scratch_.get(), n);
  }
  if (scratch_size_ > kKeepScratch) {
    scratch_.reset();
    scratch_size_ = 0;
  }
  if (failed) {
    return core::Status{core::StatusCode::internal,
                        std::string{"zstd compression failed: "} + ZSTD_getErrorName(n)};
  }
  return core::Status::ok();
}

auto Zstd::decompress(std::string_view in, std::size_t max_size, std::string& out) -> core::Status {
  const auto size = ZSTD_getFrameContentSize(in.data(), in.size());
  if (size == ZSTD_CONTENTSIZE_ERROR || size == ZSTD_CONTENTSIZE_UNKNOWN || size > max_size) {
    return {core::StatusCode::corruption,
            "not a zstd frame of at most " + std::to_string(max_size) + " bytes"};
  }
  out.resize(size);
  const auto n = ZSTD_decompressDCtx(dctx_, out.data(), out.size(), in.data(), in.size());
  if (ZSTD_isError(n) != 0U || n != size) {
    return {core::StatusCode::corruption, "zstd frame does not decompress"};
  }
  return core::Status::ok();
}

auto raw_block_records(Zstd& zstd, std::string_view value, std::string& out) -> core::Status {
  if (!value.starts_with(kRawMagic)) {
    return {core::StatusCode::corruption, "not a compressed raw block"};
  }
  return zstd.decompress(value.substr(kRawMagic.size()), kMaxRawBlock, out);
}

auto raw_block_value(Zstd& zstd, std::string_view records, std::string& out) -> core::Status {
  out.assign(kRawMagic);
  return zstd.compress(records, out);
}

// --- writer -----------------------------------------------------------------------------

void EventBlockWriter::clear() {
  seqs_.clear();
  times_.clear();
  frame_sizes_.clear();
  frame_.clear();
  frames_.clear();
  min_.reset();
  max_.reset();
  json_bytes_ = 0;
}

auto EventBlockWriter::add(std::uint64_t seq, std::optional<core::TimeMs> time,
                           std::string_view json) -> core::Status {
  seqs_.push_back(seq);
  times_.push_back(encode_time(time));
  if (time) {
    min_ = min_ ? std::min(*min_, *time) : *time;
    max_ = max_ ? std::max(*max_, *time) : *time;
  }
  put_lp(frame_, json);
  json_bytes_ += json.size();
  if (seqs_.size() % kFrameEvents == 0) {
    return flush_frame();
  }
  return core::Status::ok();
}

auto EventBlockWriter::flush_frame() -> core::Status {
  if (frame_.empty()) {
    return core::Status::ok();
  }
  const auto at = frames_.size();
  SIEM_TRY(zstd_.compress(frame_, frames_));
  frame_sizes_.push_back(frames_.size() - at);
  frame_.clear();
  return core::Status::ok();
}

auto EventBlockWriter::finish(std::string& out) -> core::Status {
  SIEM_TRY(flush_frame());
  out.clear();
  out.reserve(frames_.size() + seqs_.size() * 8 + frame_sizes_.size() * 3 + 16);
  out.append(kMagic);
  put_varint(out, seqs_.size());
  put_varint(out, kFrameEvents);
  const auto first = first_seq();
  for (std::size_t i = 0; i < seqs_.size(); ++i) {
    put_varint(out, seqs_[i] - first);
    put_varint(out, times_[i]);
  }
  for (const auto n : frame_sizes_) {
    put_varint(out, n);
  }
  out.append(frames_);
  return core::Status::ok();
}

// --- reader -----------------------------------------------------------------------------

auto EventBlockReader::open(std::uint64_t first_seq, std::string_view value) -> core::Status {
  value_ = value;
  seqs_.clear();
  times_.clear();
  frames_.clear();
  legacy_json_.clear();
  frame_json_.clear();
  loaded_frame_ = SIZE_MAX;
  legacy_ = !value.starts_with(kMagic);
  if (legacy_) {
    Reader r(value);
    const auto count = r.varint();
    for (std::uint64_t i = 0; i < count && r.ok(); ++i) {
      seqs_.push_back(r.varint());
      times_.push_back(0);
      legacy_json_.push_back(r.lp());
    }
    if (!r.ok() || !r.done()) {
      return corrupt(first_seq, "schema-1 block cannot be decoded");
    }
    return core::Status::ok();
  }
  Reader r(value.substr(kMagic.size()));
  const auto count = r.varint();
  frame_events_ = r.varint();
  // Each event takes at least two header bytes: a larger count is corrupt (and must not
  // size an allocation).
  if (!r.ok() || count == 0 || count > value.size() / 2 || frame_events_ == 0
      || frame_events_ > 65536) {
    return corrupt(first_seq, "bad header");
  }
  seqs_.reserve(count);
  times_.reserve(count);
  std::uint64_t prev = 0;
  for (std::uint64_t i = 0; i < count && r.ok(); ++i) {
    const auto s = first_seq + r.varint();
    if (i > 0 && s <= prev) {
      return corrupt(first_seq, "sequences out of order");
    }
    seqs_.push_back(s);
    times_.push_back(r.varint());
    prev = s;
  }
  const auto nframes = (count + frame_events_ - 1) / frame_events_;
  std::vector<std::uint64_t> sizes;
  sizes.reserve(nframes);
  std::uint64_t total = 0;
  for (std::uint64_t i = 0; i < nframes && r.ok(); ++i) {
    const auto n = r.varint();
    if (n > value.size() - total) {  // also keeps the sum from wrapping
      return corrupt(first_seq, "frame sizes do not add up");
    }
    sizes.push_back(n);
    total += n;
  }
  if (!r.ok()) {
    return corrupt(first_seq, "truncated header");
  }
  const auto body = value.substr(kMagic.size() + r.position());
  if (body.size() != total) {
    return corrupt(first_seq, "frame sizes do not add up");
  }
  std::size_t at = 0;
  for (const auto n : sizes) {
    frames_.push_back(body.substr(at, n));
    at += n;
  }
  return core::Status::ok();
}

auto EventBlockReader::time(std::size_t i) const -> std::optional<core::TimeMs> {
  return decode_time(times_[i]);
}

auto EventBlockReader::find(std::uint64_t seq) const -> std::optional<std::size_t> {
  const auto it = std::lower_bound(seqs_.begin(), seqs_.end(), seq);
  if (it == seqs_.end() || *it != seq) {
    return std::nullopt;
  }
  return static_cast<std::size_t>(it - seqs_.begin());
}

auto EventBlockReader::load_frame(std::size_t frame) -> core::Status {
  const auto first = seqs_.empty() ? 0 : seqs_[0];
  const auto src = frames_[frame];
  if (auto st = zstd_.decompress(src, kMaxFrame, frame_); !st) {
    return corrupt(first, "frame " + std::to_string(frame) + ": " + std::string{st.message()});
  }
  frame_json_.clear();
  Reader r(frame_);
  const auto begin = frame * frame_events_;
  const auto end = std::min(seqs_.size(), begin + frame_events_);
  for (auto i = begin; i < end && r.ok(); ++i) {
    frame_json_.push_back(r.lp());
  }
  if (!r.ok() || !r.done()) {
    return corrupt(first, "frame " + std::to_string(frame) + " holds the wrong events");
  }
  loaded_frame_ = frame;
  return core::Status::ok();
}

auto EventBlockReader::json(std::size_t i) -> core::Result<std::string_view> {
  if (legacy_) {
    return legacy_json_[i];
  }
  const auto frame = i / frame_events_;
  if (frame != loaded_frame_) {
    loaded_frame_ = SIZE_MAX;
    SIEM_TRY(load_frame(frame));
  }
  return frame_json_[i % frame_events_];
}

}  // namespace siem::store::detail
