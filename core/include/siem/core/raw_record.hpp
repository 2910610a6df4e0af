#pragma once

#include "siem/core/time.hpp"

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace siem::core {

/// One record as received from a source, before it is stored. Owns its bytes.
struct RawInput {
  std::string bytes;       ///< the record exactly as received (no trailing newline)
  std::string source;      ///< configured source name
  std::string position;    ///< source position after this record ("inode:offset", peer, ...)
  std::string peer;        ///< sending peer address for network sources, else empty
  TimeMs received_at = 0;  ///< receive time, UTC ms
  /// The ledger's per-record digest, filled by `store::Store::digest()` on the source's thread
  /// so that the ledger writer only chains digests; meaningful when the batch's `digest_kind`
  /// is not 0.
  std::array<unsigned char, 32> digest{};
};

/// A batch of records from one source, with the source position it reaches. Only batches
/// cross threads. Owned by one stage at a time.
struct RawBatch {
  std::string source;
  std::string engagement;
  std::string format;       ///< configured parser ("auto", "suricata/eve", ...)
  std::string position;     ///< source position covering every record of the batch
  bool durable_position = false;  ///< the position is stored with the records (file sources)
  /// 0: the records carry no digest; otherwise which hash made them (the store's own tag,
  /// checked by `append()`, which recomputes digests made with another hash).
  std::uint8_t digest_kind = 0;
  std::vector<RawInput> records;
};

/// A record as stored in the ledger.
struct RawRecord {
  std::uint64_t seq = 0;  ///< ledger sequence in its engagement, from 1
  std::string engagement;
  std::string source;
  std::string position;
  std::string peer;
  TimeMs received_at = 0;
  std::string hash;  ///< hex chain hash: H(prev hash || record)
  std::string bytes;

  /// "<engagement>:<seq>", the reference used by events, incidents and the API.
  [[nodiscard]] auto ref() const -> std::string;

  /// The evidence-export JSON line of ARCHITECTURE.md (`seq`, `engagement`, `source`,
  /// `position`, `received_at`, `hash`, `raw`).
  [[nodiscard]] auto to_json() const -> std::string;
};

}  // namespace siem::core

namespace siem::core {

/// A parsed "<engagement>:<seq>" reference.
struct Ref {
  std::string engagement;
  std::uint64_t seq = 0;
};

/// Parses "<engagement>:<seq>"; nullopt when malformed (empty engagement, seq not a positive
/// decimal number).
auto parse_ref(std::string_view ref) -> std::optional<Ref>;

/// "<engagement>:<seq>", the reference parse_ref reads.
auto make_ref(std::string_view engagement, std::uint64_t seq) -> std::string;
/// Appends make_ref(engagement, seq) to `out` (no temporary: the processing stage writes each
/// event's reference into the event's own string).
void append_ref(std::string& out, std::string_view engagement, std::uint64_t seq);

}  // namespace siem::core
