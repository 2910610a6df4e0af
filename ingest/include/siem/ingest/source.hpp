#pragma once

#include "siem/core/bounded_queue.hpp"
#include "siem/core/raw_record.hpp"
#include "siem/core/status.hpp"
#include "siem/core/time.hpp"

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace siem::ingest {

/// The queue every source feeds. Sources block on a full queue (back-pressure).
using BatchQueue = core::BoundedQueue<core::RawBatch>;

/// Configuration of one source (one entry of the config's `sources:` list).
struct SourceOptions {
  std::string name;                  ///< unique; names the source in the ledger and metrics
  std::string type;                  ///< stdin | file | syslog | kafka
  std::string format = "auto";       ///< parser registry name or auto
  std::string engagement = "default";
  int tz_offset_minutes = 0;         ///< time zone of zone-less timestamps
  std::string encoding = "utf-8";    ///< utf-8 | gbk | gb18030: converted before parsing
  // file
  std::string path;
  bool follow = true;                ///< keep tailing at end of file; false = read once
  // syslog
  std::string listen;                ///< host:port
  std::string protocol = "udp+tcp";  ///< udp | tcp | udp+tcp | tls (RFC 5425) | relp
  std::string tls_cert;              ///< tls: PEM certificate chain of the listener
  std::string tls_key;               ///< tls: PEM private key
  /// tls: PEM file of the CAs that sign client certificates; when set, every client must
  /// present a certificate that verifies against them (mutual TLS)
  std::string tls_ca;
  std::size_t max_message_bytes = 64 * 1024;
  // kafka
  std::string brokers;              ///< bootstrap.servers: "host:port,host:port"
  std::vector<std::string> topics;  ///< literal topic names (no regex subscriptions)
  std::string group_id = "siem";    ///< consumer group
  /// Short by default: a restarted engine gets its partitions back only after the group
  /// coordinator expires the killed member, i.e. after this long (librdkafka's default 45 s).
  std::int64_t session_timeout_ms = 10'000;
  std::string auto_offset_reset = "earliest";  ///< earliest | latest: where a new group starts
  /// Passed to librdkafka as given (SASL, TLS, fetch tuning). Keys the source manages itself
  /// are rejected by validate().
  std::vector<std::pair<std::string, std::string>> properties;
  // batching
  std::size_t batch_records = 2048;
  // health
  /// A source that sends nothing for longer than this raises a silence alert and an FF
  /// incident (milliseconds; 0: never).
  std::int64_t silence_after_ms = 0;

  /// Errors name the key: "sources[fw].listen: ...".
  [[nodiscard]] auto validate() const -> core::Status;
};

/// Live counters of a source. Thread-safe (atomics).
struct SourceCounters {
  std::atomic<std::uint64_t> records{0};
  std::atomic<std::uint64_t> bytes{0};
  std::atomic<std::uint64_t> oversize{0};     ///< messages cut at max_message_bytes
  std::atomic<std::uint64_t> errors{0};       ///< framing errors, read errors
  std::atomic<std::uint64_t> connections{0};  ///< TCP connections accepted
  std::atomic<std::uint64_t> redelivered{0};  ///< records skipped as already stored (Kafka)
  /// Times the source paused its input because the ledger queue stayed full (Kafka pauses
  /// its partitions).
  std::atomic<std::uint64_t> pauses{0};
  /// Times a Kafka source woke librdkafka's fetchers, stopped at a full consumer queue while
  /// the source lags (KafkaSource::wake_fetchers).
  std::atomic<std::uint64_t> fetch_wakeups{0};
  /// Datagrams the kernel dropped on the source's UDP socket because its receive buffer was
  /// full (SO_RXQ_OVFL), since the socket was opened.
  std::atomic<std::uint64_t> udp_drops{0};
  std::atomic<std::int64_t> last_seen_ms{0};
};

/// How far a source is behind one Kafka partition.
struct PartitionLag {
  std::string topic;
  std::int32_t partition = 0;
  std::int64_t lag = 0;  ///< records between the next offset to read and the high watermark
};

/// A running source. Implementations own one thread; start()/stop() are called from the
/// daemon thread. Non-copyable, non-movable.
class Source {
public:
  Source() = default;
  Source(const Source&) = delete;
  auto operator=(const Source&) -> Source& = delete;
  Source(Source&&) = delete;
  auto operator=(Source&&) -> Source& = delete;
  virtual ~Source() = default;

  /// Starts reading into `out`. `resume_position` is the position stored with the last
  /// acknowledged batch (file and Kafka sources resume from it). Errors: io_error naming the
  /// path or address; invalid_argument (Kafka: a stored position or property it rejects).
  virtual auto start(BatchQueue& out, const std::string& resume_position) -> core::Status = 0;
  /// Stops and joins; batches already pushed stay in the queue.
  virtual void stop() = 0;
  /// True when a finite source (stdin, a file read once) has delivered everything.
  [[nodiscard]] virtual auto finished() const -> bool { return false; }
  /// Bound address for network sources ("127.0.0.1:5514"), else empty.
  [[nodiscard]] virtual auto bound_address() const -> std::string { return {}; }

  /// Called once the batches up to one carrying `position` (a durable position this source
  /// produced) are fsynced in the ledger; the Kafka source then commits those offsets.
  /// Thread-safe (the daemon's writer thread calls it). Default: nothing to acknowledge.
  virtual void acknowledge(const std::string& /*position*/) {}

  /// Lag per assigned Kafka partition, refreshed about once a second; empty for other
  /// sources. Thread-safe.
  [[nodiscard]] virtual auto partition_lags() const -> std::vector<PartitionLag> { return {}; }

  /// Called on the source's thread with each batch just before it is queued, with the index of
  /// the first record it has not seen (a held Kafka batch grows while paused). The engine
  /// hashes the records for the ledger there, off the ledger writer's thread. Set before
  /// start().
  using BatchHook = std::function<void(core::RawBatch&, std::size_t first)>;

  void set_batch_hook(BatchHook hook) { hook_ = std::move(hook); }

  /// Set by the engine's health check while the source is past its silence_after (shown in
  /// /metrics as siem_source_silent). Thread-safe.
  void set_silent(bool silent) { silent_.store(silent, std::memory_order_relaxed); }

  [[nodiscard]] auto silent() const -> bool { return silent_.load(std::memory_order_relaxed); }

  [[nodiscard]] auto options() const -> const SourceOptions& { return options_; }

  [[nodiscard]] auto counters() const -> const SourceCounters& { return counters_; }

protected:
  explicit Source(SourceOptions options) : options_(std::move(options)) {}

  /// A fresh batch stamped with this source's name, engagement and format, with room for
  /// `reserve` records (batch_records by default).
  [[nodiscard]] auto new_batch() const -> core::RawBatch {
    return new_batch(options_.batch_records);
  }

  [[nodiscard]] auto new_batch(std::size_t reserve) const -> core::RawBatch;

  /// Names the calling thread "src:<name>", as `top -H` and perf show it; each source's
  /// thread calls it first.
  void name_source_thread() const;

  /// Runs the batch hook, queues the batch (blocking while the queue is full) and puts a
  /// fresh one in its place. False once the queue is closed.
  auto deliver(BatchQueue& out, core::RawBatch& batch) -> bool {
    prepare(batch);
    if (!out.push(std::move(batch))) {
      return false;
    }
    batch = new_batch();
    return true;
  }

  /// Runs the batch hook on records [first, end) of `batch`; every implementation calls it
  /// before queueing a batch.
  void prepare(core::RawBatch& batch, std::size_t first = 0) const {
    if (hook_) {
      hook_(batch, first);
    }
  }

  SourceOptions options_;
  SourceCounters counters_;

private:
  BatchHook hook_;
  std::atomic<bool> silent_{false};
};

/// Creates the source for `options.type`. Errors: invalid_argument for an unknown type.
auto make_source(const SourceOptions& options, const core::Clock& clock)
    -> core::Result<std::unique_ptr<Source>>;

/// Splits "host:port" ("[::1]:514" for IPv6). Errors: invalid_argument naming `key`.
auto parse_host_port(std::string_view text, std::string_view key)
    -> core::Result<std::pair<std::string, std::uint16_t>>;

/// Prometheus text for the given sources' counters.
auto metrics_text(const std::vector<std::unique_ptr<Source>>& sources) -> std::string;

}  // namespace siem::ingest
