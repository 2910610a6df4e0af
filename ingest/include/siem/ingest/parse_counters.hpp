#pragma once

#include "siem/core/event.hpp"

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace siem::ingest {

/// One row of ParseCounters: a configured source and the format it is parsed with.
struct ParseCounterSource {
  std::string name;    ///< source name (label `source`)
  std::string format;  ///< configured format, "auto" or a registry name (label `format`)
};

namespace detail {

/// A bounded, append-only table of label values, interned on first sight.
///
/// One writer thread interns; any thread may read the published entries concurrently
/// (entries below size() never change, and size() is published with release/acquire). Each
/// slot reserves kMaxLabelBytes at construction, so interning never allocates. Values are
/// cut at kMaxLabelBytes and reduced to printable ASCII (other bytes become '?'), so every
/// stored value is a valid Prometheus label value once escaped.
class LabelTable {
public:
  static constexpr std::size_t kMaxLabelBytes = 128;

  explicit LabelTable(std::size_t capacity);

  /// Index of `value` (as stored: cut and reduced), adding it when there is room;
  /// capacity() when the table is full and `value` is not in it. Writer thread only.
  auto intern(std::string_view value) -> std::size_t;

  /// Number of published entries. Thread-safe.
  [[nodiscard]] auto size() const -> std::size_t { return size_.load(std::memory_order_acquire); }

  [[nodiscard]] auto capacity() const -> std::size_t { return names_.size(); }

  /// A published entry (i < size()). Thread-safe.
  [[nodiscard]] auto name(std::size_t i) const -> std::string_view { return names_[i]; }

private:
  std::vector<std::string> names_;
  std::atomic<std::size_t> size_{0};
  std::size_t last_ = 0;  // index of the last hit: runs of one value skip the scan
};

/// Appends `key="value"` to Prometheus text, with `\`, `"` and newlines escaped.
void append_label(std::string& out, std::string_view key, std::string_view value);

}  // namespace detail

/// Normalization outcome counters per source, since the engine started, for /metrics:
///
///     siem_source_events_total{source,format}                   every normalized record
///     siem_source_unparsed_events_total{source,format,reason}   event.kind "unparsed"
///     siem_source_parsed_events_total{source,format,dataset}    other events, by event.dataset
///
/// Rows are created up front, one per configured source plus one for records whose source is
/// not configured (replayed from the ledger after the source was removed; labelled
/// `source="(unconfigured)"`, `format="auto"`). Label cardinality is bounded: at most
/// kMaxReasons distinct reasons and kMaxDatasets distinct datasets over all sources; further
/// values are counted as `reason="other"` / `dataset="other"`. An event without
/// `error.message` / `event.dataset` counts as "unknown".
///
/// Thread-safety: count*() are called by one thread at a time (the processing stage; calls
/// from different threads must be ordered, e.g. by thread start); metrics_text() and
/// events() may run concurrently from any thread. count*() allocate nothing.
/// Non-copyable, non-movable.
class ParseCounters {
public:
  static constexpr std::size_t kMaxReasons = 32;
  static constexpr std::size_t kMaxDatasets = 64;
  static constexpr std::string_view kUnconfiguredSource = "(unconfigured)";
  static constexpr std::string_view kOther = "other";
  static constexpr std::string_view kUnknown = "unknown";

  /// One row per entry of `sources` (names are expected to be unique), in that order.
  explicit ParseCounters(std::vector<ParseCounterSource> sources);
  ParseCounters(const ParseCounters&) = delete;
  auto operator=(const ParseCounters&) -> ParseCounters& = delete;
  ParseCounters(ParseCounters&&) = delete;
  auto operator=(ParseCounters&&) -> ParseCounters& = delete;
  ~ParseCounters() = default;

  /// The row of a configured source, or unconfigured_row(). Linear in the number of sources:
  /// look rows up once (at configuration), not per record.
  [[nodiscard]] auto row(std::string_view source) const -> std::size_t;

  /// The row of records whose source is not configured.
  [[nodiscard]] auto unconfigured_row() const -> std::size_t { return sources_.size(); }

  /// Counts one normalized event: unparsed (reason = `error.message`) when `event.kind` is
  /// "unparsed", else parsed (dataset = `event.dataset`). Returns whether it was unparsed.
  auto count(std::size_t row, const core::Event& ev) -> bool;
  void count_parsed(std::size_t row, std::string_view dataset);
  void count_unparsed(std::size_t row, std::string_view reason);

  /// Events counted in `row` so far. Thread-safe.
  [[nodiscard]] auto events(std::size_t row) const -> std::uint64_t;

  /// One non-zero count of a row: unparsed events of one reason, or parsed events of one
  /// dataset ("other" past the label bounds).
  struct Count {
    bool unparsed = false;
    std::string_view label;  ///< valid as long as the ParseCounters
    std::uint64_t n = 0;
  };

  /// The row's non-zero counts: unparsed reasons, then datasets, each in first-seen order.
  /// Thread-safe.
  [[nodiscard]] auto counts(std::size_t row) const -> std::vector<Count>;
  /// The Prometheus text of the three counters (HELP, TYPE, samples). Every configured source
  /// has a siem_source_events_total sample; the other series appear once non-zero.
  /// Thread-safe.
  [[nodiscard]] auto metrics_text() const -> std::string;

private:
  // Per row: [0] events, [1 .. kMaxReasons + 1] reasons (last = other),
  // then kMaxDatasets + 1 datasets (last = other).
  static constexpr std::size_t kReasonBase = 1;
  static constexpr std::size_t kDatasetBase = kReasonBase + kMaxReasons + 1;
  static constexpr std::size_t kStride = kDatasetBase + kMaxDatasets + 1;

  auto cell(std::size_t row, std::size_t offset) -> std::atomic<std::uint64_t>& {
    return cells_[row * kStride + offset];
  }

  [[nodiscard]] auto cell(std::size_t row, std::size_t offset) const
      -> const std::atomic<std::uint64_t>& {
    return cells_[row * kStride + offset];
  }

  std::vector<ParseCounterSource> sources_;
  std::vector<std::atomic<std::uint64_t>> cells_;
  detail::LabelTable reasons_{kMaxReasons};
  detail::LabelTable datasets_{kMaxDatasets};
};

}  // namespace siem::ingest
