#pragma once

// The secondary index of stored events and the search over it.
//
// Postings are written per event block (one put_events() call), one key per distinct value of
// an indexed field in the block, and grouped in segments of 2^16 ledger sequences so that
// a search walks segments newest first and expiry drops whole segments by key range:
//
//   posting := be32(segment) u8(field id 1..5) value be64(block first seq)
//              -> varint(n) { varint(index delta) }*n     indexes of the block's events
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
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace rocksdb {
class DB;
class ColumnFamilyHandle;
class WriteBatch;
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

/// Collects one block's postings and writes them. Owned by one thread; reused across blocks
/// (no allocation per event once warm).
class PostingsBuilder {
public:
  void clear();
  /// Event `index` of the block has `value` in field `id` (1..5).
  void add(std::uint8_t id, std::string_view value, std::uint32_t index);
  /// Puts one key per distinct (field, value) and the block's summary into `wb`.
  void emit(std::uint64_t block_first, std::size_t count, std::optional<core::TimeMs> min_time,
            std::optional<core::TimeMs> max_time, rocksdb::WriteBatch& wb,
            rocksdb::ColumnFamilyHandle* cf);

private:
  struct Entry {
    std::uint8_t id;
    std::uint32_t offset;
    std::uint32_t length;
    std::uint32_t index;
  };

  auto entry_value(const Entry& e) const -> std::string_view {
    return std::string_view{values_}.substr(e.offset, e.length);
  }

  std::string values_;  // key forms of the values, back to back
  std::vector<Entry> entries_;
  std::string key_;
  std::string value_;
};

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
  /// `@timestamp` of an event's JSON.
  auto timestamp(std::string_view json) -> std::optional<core::TimeMs>;

private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// Runs `q` over one engagement whose ledger ends at `last_seq`.
auto run_event_query(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* events,
                     rocksdb::ColumnFamilyHandle* postings, std::uint64_t last_seq,
                     const EventQuery& q) -> core::Result<EventPage>;

}  // namespace siem::store::detail
