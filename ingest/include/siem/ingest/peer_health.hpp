#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>

#include "siem/core/time.hpp"

namespace siem::ingest {

/// Health per source and sending host, for /metrics:
///
///     siem_peer_records_total{source,peer}        records normalized
///     siem_peer_unparsed_total{source,peer}       of which event.kind "unparsed"
///     siem_peer_last_seen_seconds{source,peer}    receive time of the latest record
///
/// `peer` is the sender's address without its port (a TCP sender gets a new port per
/// connection). Events per second and the parse-failure rate are rates of these counters
/// (PromQL `rate()`). At most kMaxPeers hosts per source; later ones count as "other".
/// Thread-safe: add() from the processing thread (once per run of records from one host),
/// metrics_text() from any thread.
class PeerHealth {
public:
  static constexpr std::size_t kMaxPeers = 256;

  struct Row {
    std::uint64_t records = 0;
    std::uint64_t unparsed = 0;
    core::TimeMs last_seen = 0;
  };

  /// `peer` as stored with the record ("10.0.0.1:514", "[::1]:514"); empty peers (files,
  /// Kafka) are not counted.
  void add(std::string_view source, std::string_view peer, std::uint64_t records,
           std::uint64_t unparsed, core::TimeMs last_seen);

  /// The row of one source and host ("10.0.0.1"); zeros when unknown.
  [[nodiscard]] auto row(std::string_view source, std::string_view host) const -> Row;

  [[nodiscard]] auto metrics_text() const -> std::string;

  /// "10.0.0.1:514" -> "10.0.0.1", "[::1]:514" -> "::1"; anything else as given.
  static auto host_of(std::string_view peer) -> std::string_view;

private:
  /// Orders (source, host) pairs of strings and of string views alike.
  struct KeyLess {
    using is_transparent = void;
    template <class A, class B>
    auto operator()(const A& a, const B& b) const -> bool {
      return std::pair<std::string_view, std::string_view>{a.first, a.second}
             < std::pair<std::string_view, std::string_view>{b.first, b.second};
    }
  };

  mutable std::mutex mu_;
  std::map<std::pair<std::string, std::string>, Row, KeyLess> rows_;
  std::map<std::string, std::size_t, std::less<>> hosts_per_source_;
};

}  // namespace siem::ingest
