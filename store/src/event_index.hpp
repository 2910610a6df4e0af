#pragma once

// The secondary index of stored events and the search over it.
//
// Postings are kept per segment of 2^16 ledger sequences: one key per distinct value of an
// indexed field in the segment, written with the segment's block summaries as one table file
// (SstFileWriter + IngestExternalFile) when the segment is complete. A search walks segments
// newest first (the open one from memory); expiry drops whole segments by key range:
//
//   posting := be32(segment) u8(field id 1..5) value
//              -> varint(n) { varint(block delta) varint(index) }*n   blocks as first seqs,
//                 the first delta from segment << 16, then from the previous block
//   summary := be32(segment) u8(0) be64(block first seq)
//              -> varint(count) varint(min time) varint(max time)   (times as in blocks)
//
// `value` is 16 bytes for IP fields (IPv4 as ::ffff:a.b.c.d), so a CIDR is one key range;
// other values are at most 128 bytes of the text with 0x00 written as 0x00 0xFF and ended by
// 0x00 0x00, so a prefix is one key range too. Values longer than that share a key with
// their first 128 bytes: the search checks every condition on the event itself.

#include "siem/core/status.hpp"
#include "siem/core/time.hpp"
#include "siem/store/store.hpp"

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace rocksdb {
class DB;
class ColumnFamilyHandle;
}  // namespace rocksdb

namespace siem::store::detail {

inline constexpr unsigned kSegmentBits = 16;
inline constexpr std::uint8_t kSummaryField = 0;
inline constexpr std::size_t kMaxIndexedValue = 128;

using Ip16 = std::array<unsigned char, 16>;

/// IPv4 or IPv6 text as 16 bytes (IPv4 mapped into ::ffff:0:0/96).
auto parse_ip16(std::string_view s) -> std::optional<Ip16>;

/// 1-based id of an indexed field, 0 when the field has none.
auto indexed_field_id(std::string_view field) -> std::uint8_t;

/// Fields holding IP addresses (compared as addresses, searchable by CIDR).
auto is_ip_field(std::string_view field) -> bool;

inline auto segment_of(std::uint64_t seq) -> std::uint32_t {
  return static_cast<std::uint32_t>(seq >> kSegmentBits);
}

void put_be32(std::string& out, std::uint32_t v);

/// Appends the key form of `value` for field `id`; false when an IP field's value is no
/// address (nothing appended).
auto append_index_value(std::uint8_t id, std::string_view value, std::string& out) -> bool;

auto summary_key(std::uint64_t block_first) -> std::string;

class EventMatcher;

/// A search hit candidate: event `index` of the block stored under `block` (kAllEvents: every
/// event of the block).
struct Candidate {
  std::uint64_t block;
  std::uint32_t index;
};

inline constexpr std::uint32_t kAllEvents = UINT32_MAX;

/// Which key forms a driving condition selects (see driver_match()).
struct KeyMatch {
  std::string form;  ///< exact: id + value form; prefix: id + escaped prefix; cidr: id
  enum class Kind : std::uint8_t { exact, prefix, cidr } kind = Kind::exact;
  Ip16 lo{};
  Ip16 hi{};

  [[nodiscard]] auto matches(std::string_view key_form) const -> bool;
};

/// The postings and block summaries of one segment while it is being written: kept in
/// memory and written once, in key order, as one table file when the segment is complete
/// (so RocksDB inserts no key per batch and value). After a restart the open segment is
/// rebuilt from its event blocks. Thread-compatible (the store guards it with a mutex);
/// no allocation per event once its buffers have grown.
class SegmentIndex {
public:
  void reset(std::uint32_t segment);

  [[nodiscard]] auto segment() const -> std::uint32_t { return segment_; }

  [[nodiscard]] auto empty() const -> bool { return blocks_.empty(); }

  /// First sequence of the newest block indexed (0 when empty).
  [[nodiscard]] auto last_block() const -> std::uint64_t {
    return blocks_.empty() ? 0 : blocks_.back().block;
  }

  /// Event `index` of `block` has `value` in indexed field `id` (1..5).
  void add(std::uint8_t id, std::string_view value, std::uint64_t block, std::uint32_t index);
  /// The block's summary (call once per block, after its postings).
  void add_block(std::uint64_t block, std::size_t count, std::optional<core::TimeMs> min_time,
                 std::optional<core::TimeMs> max_time);
  /// Calls put(key, value) for every key of the segment in ascending order: the block
  /// summaries, then one posting per distinct (field, value).
  auto write(const std::function<core::Status(std::string_view, std::string_view)>& put)
      -> core::Status;
  /// Appends the candidates of the postings whose value `m` selects.
  void postings(const KeyMatch& m, std::vector<Candidate>& out) const;
  /// Appends every block whose time range meets [from, to) (all blocks without a range).
  void blocks(std::optional<core::TimeMs> from, std::optional<core::TimeMs> to,
              std::vector<Candidate>& out) const;

private:
  struct Value {
    std::uint32_t offset;  // key form in arena_
    std::uint32_t length;
    std::uint32_t head;  // first and last posting of the value
    std::uint32_t tail;
    std::uint32_t count;
  };

  struct Posting {
    std::uint64_t block;
    std::uint32_t index;
    std::uint32_t next;  // UINT32_MAX at the end
  };

  struct Block {
    std::uint64_t block;
    std::uint64_t count;
    std::uint64_t min_time;  // encoded as in event blocks
    std::uint64_t max_time;
  };

  [[nodiscard]] auto form(const Value& v) const -> std::string_view {
    return std::string_view{arena_}.substr(v.offset, v.length);
  }

  void grow();

  std::uint32_t segment_ = 0;
  std::string arena_;
  std::vector<Value> values_;
  std::vector<std::uint32_t> table_;  // open addressing: value index + 1, 0 = free
  std::vector<Posting> postings_;
  std::vector<Block> blocks_;
  std::string scratch_;
};

/// Calls add(id, value) for each indexed field of an event stored as JSON (rebuilding an
/// open segment, migrating schema 1).
void index_json(EventMatcher& fields, std::string_view json,
                const std::function<void(std::uint8_t, std::string_view)>& add);

/// Checks query conditions on an event's JSON. Owned by one thread.
class EventMatcher {
public:
  explicit EventMatcher(std::span<const EventCondition> where);
  EventMatcher(const EventMatcher&) = delete;
  auto operator=(const EventMatcher&) -> EventMatcher& = delete;
  EventMatcher(EventMatcher&&) = delete;
  auto operator=(EventMatcher&&) -> EventMatcher& = delete;
  ~EventMatcher();

  auto matches(std::string_view json) -> bool;

  /// The text of a field in an event's JSON (numbers in decimal), for rebuilding postings
  /// from schema-1 blocks.
  auto field_text(std::string_view json, std::string_view field) -> std::optional<std::string>;
  /// Calls add(field id, text) for each indexed field of an event's JSON that holds a string
  /// or an integer (as put_events() indexes), parsing the JSON once.
  void index_fields(std::string_view json,
                    const std::function<void(std::uint8_t, std::string_view)>& add);
  /// `@timestamp` of an event's JSON.
  auto timestamp(std::string_view json) -> std::optional<core::TimeMs>;

private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// The open segment's candidates for a search: called with the segment and the driving
/// condition's KeyMatch (nullptr: every block in the time range); appends what it holds for
/// that segment and returns true when the segment is the open one (not on disk).
using OpenSegmentFn = std::function<bool(
    std::uint32_t segment, const KeyMatch* match, std::optional<core::TimeMs> from,
    std::optional<core::TimeMs> to, std::vector<Candidate>& out)>;

/// Runs `q` over one engagement whose ledger ends at `last_seq`.
auto run_event_query(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* events,
                     rocksdb::ColumnFamilyHandle* postings, std::uint64_t last_seq,
                     const OpenSegmentFn& open_segment, const EventQuery& q)
    -> core::Result<EventPage>;

}  // namespace siem::store::detail
