#pragma once

// Event blocks: the normalized events of one put_events() call under one key of the `events`
// column family, compressed with zstd before RocksDB (and its encryption) sees them.
//
//   block   := 0x00 'E' 0x02 varint(count) varint(frame_events)
//              { varint(seq - first_seq) varint(time) }*count     time: 0 = none, else
//                                                                  zigzag(ms) + 1
//              { varint(frame_bytes) }*frames  frame*
//   frame   := zstd( { varint(len) json }*frame_events )
//
// The header (sequences and event times) is not compressed, so a query checks times and
// finds an event's frame without decompressing anything; one frame (64 events) is
// decompressed per event read. Blocks written by schema 1 (`varint(count) { varint(seq)
// lp(json) }*`, no compression) never start with 0x00 and are still read.
//
// Owned by one thread (writer and reader keep zstd contexts and buffers).

#include "siem/core/status.hpp"
#include "siem/core/time.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

struct ZSTD_CCtx_s;
struct ZSTD_DCtx_s;

namespace siem::store::detail {

inline constexpr std::size_t kFrameEvents = 64;

/// One zstd compression and one decompression context. Owned by one thread.
class Zstd {
public:
  Zstd();
  Zstd(const Zstd&) = delete;
  auto operator=(const Zstd&) -> Zstd& = delete;
  Zstd(Zstd&&) = delete;
  auto operator=(Zstd&&) -> Zstd& = delete;
  ~Zstd();

  /// Appends the compressed form of `in` (one frame, level 1, content size recorded) to out.
  auto compress(std::string_view in, std::string& out) -> core::Status;
  /// Replaces out with the content of the frame `in`, at most `max_size` bytes.
  /// Errors: corruption.
  auto decompress(std::string_view in, std::size_t max_size, std::string& out) -> core::Status;

private:
  ZSTD_CCtx_s* cctx_;
  ZSTD_DCtx_s* dctx_;
  /// Where compress() writes a frame before appending it: growing `out` by the frame's bound
  /// would zero-fill that much (a raw block's 256 KiB) to keep an eighth of it. Not kept
  /// beyond kKeepScratch once an unusually large block has needed more.
  std::unique_ptr<char[]> scratch_;
  std::size_t scratch_size_ = 0;
};

class EventBlockWriter {
public:
  /// Starts a new block; sequences must then come in ascending order.
  void clear();
  /// Adds one event. Errors: internal (zstd failed).
  auto add(std::uint64_t seq, std::optional<core::TimeMs> time, std::string_view json)
      -> core::Status;
  /// Writes the block into `out` (replacing its content). Errors: internal.
  auto finish(std::string& out) -> core::Status;

  [[nodiscard]] auto count() const -> std::size_t { return seqs_.size(); }

  /// JSON bytes added since clear().
  [[nodiscard]] auto json_bytes() const -> std::size_t { return json_bytes_; }

  [[nodiscard]] auto first_seq() const -> std::uint64_t { return seqs_.empty() ? 0 : seqs_[0]; }

  /// Earliest and latest event time in the block (nullopt when no event has one).
  [[nodiscard]] auto min_time() const -> std::optional<core::TimeMs> { return min_; }

  [[nodiscard]] auto max_time() const -> std::optional<core::TimeMs> { return max_; }

private:
  auto flush_frame() -> core::Status;

  Zstd zstd_;
  std::vector<std::uint64_t> seqs_;
  std::vector<std::uint64_t> times_;  // encoded as in the header
  std::vector<std::size_t> frame_sizes_;
  std::string frame_;   // the current frame, uncompressed
  std::string frames_;  // compressed frames so far
  std::optional<core::TimeMs> min_;
  std::optional<core::TimeMs> max_;
  std::size_t json_bytes_ = 0;
};

class EventBlockReader {
public:
  /// Reads the header of a block stored under `first_seq`. `value` must outlive the reader's
  /// use of it. Errors: corruption.
  auto open(std::uint64_t first_seq, std::string_view value) -> core::Status;

  [[nodiscard]] auto size() const -> std::size_t { return seqs_.size(); }

  [[nodiscard]] auto seq(std::size_t i) const -> std::uint64_t { return seqs_[i]; }

  [[nodiscard]] auto time(std::size_t i) const -> std::optional<core::TimeMs>;
  /// Index of the event with sequence `seq`, if the block holds it.
  [[nodiscard]] auto find(std::uint64_t seq) const -> std::optional<std::size_t>;
  /// The event's JSON; valid until the next json() call or open(). Errors: corruption.
  auto json(std::size_t i) -> core::Result<std::string_view>;

  /// Schema-1 block (no times stored; json() needs no decompression).
  [[nodiscard]] auto legacy() const -> bool { return legacy_; }

private:
  auto load_frame(std::size_t frame) -> core::Status;

  Zstd zstd_;
  std::string_view value_;
  bool legacy_ = false;
  std::size_t frame_events_ = kFrameEvents;
  std::vector<std::uint64_t> seqs_;
  std::vector<std::uint64_t> times_;
  std::vector<std::string_view> frames_;       // compressed frames (v2)
  std::vector<std::string_view> legacy_json_;  // v1: the JSON of each event
  std::size_t loaded_frame_ = SIZE_MAX;
  std::string frame_;  // decompressed frame
  std::vector<std::string_view> frame_json_;
};

/// Raw ledger blocks since schema 2: this magic, then one zstd frame of the records
///   varint(count) { varint(received_at) lp(source) lp(position) lp(peer) digest[32] lp(bytes) }*
/// compressed before the WAL and its encryption see them. Schema-1 blocks (the records
/// uncompressed, each chain hash as 64 hex characters) start with a non-zero byte.
inline constexpr std::string_view kRawMagic{"\0R\2", 3};
inline constexpr std::size_t kMaxRawBlock = std::size_t{256} << 20;

/// The records of a schema-2 raw block value (decompressed into `out`). Errors: corruption.
auto raw_block_records(Zstd& zstd, std::string_view value, std::string& out) -> core::Status;
/// A schema-2 raw block value from its records. Errors: internal.
auto raw_block_value(Zstd& zstd, std::string_view records, std::string& out) -> core::Status;

/// zigzag(ms) + 1, or 0 for no time.
auto encode_time(std::optional<core::TimeMs> t) -> std::uint64_t;
auto decode_time(std::uint64_t v) -> std::optional<core::TimeMs>;

}  // namespace siem::store::detail
