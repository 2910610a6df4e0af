#pragma once

#include "siem/core/status.hpp"

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace siem::ingest {

/// Publishes records to one Kafka topic: the signed checkpoint heads of the store
/// (`store.anchor_kafka`), so that a copy of every head lives outside the host, and the
/// incident versions and alerts of `sinks.kafka`. An idempotent
/// producer (acks=all); publish() queues and returns (it never waits for a broker), delivery
/// is reported through delivered() and failed(), and librdkafka retries until
/// message.timeout.ms (default here: 5 minutes). Thread-safe.
class KafkaPublisher {
public:
  struct Options {
    std::string brokers;  ///< bootstrap.servers
    std::string topic;
    /// Passed to librdkafka as given (SASL, TLS); "bootstrap.servers" is not allowed here.
    std::vector<std::pair<std::string, std::string>> properties;
    std::string where = "store.anchor_kafka";  ///< config prefix named in errors
    /// Names the metrics: `<metric>_delivered_total`, `<metric>_failed_total`.
    std::string metric = "siem_anchor_kafka";
    std::string what = "Signed checkpoint heads";  ///< what is published, for the metrics' help
  };

  /// Errors: invalid_argument (a property librdkafka rejects, named by its config key).
  static auto create(const Options& options) -> core::Result<std::unique_ptr<KafkaPublisher>>;

  KafkaPublisher(const KafkaPublisher&) = delete;
  auto operator=(const KafkaPublisher&) -> KafkaPublisher& = delete;
  KafkaPublisher(KafkaPublisher&&) = delete;
  auto operator=(KafkaPublisher&&) -> KafkaPublisher& = delete;
  /// Waits up to 10 s for queued records, then reports what was left undelivered on stderr.
  ~KafkaPublisher();

  /// Queues one record (key: the engagement for anchors, the id for incidents and alerts). A
  /// full local queue counts as a failure.
  void publish(std::string_view key, std::string_view value);
  /// Waits until every queued record is delivered or failed. Errors: unavailable (timeout).
  auto flush(std::chrono::milliseconds timeout) -> core::Status;

  [[nodiscard]] auto delivered() const -> std::uint64_t { return delivered_.load(); }

  [[nodiscard]] auto failed() const -> std::uint64_t { return failed_.load(); }

  [[nodiscard]] auto topic() const -> const std::string& { return topic_; }

  /// Prometheus text: <metric>_{delivered,failed}_total.
  [[nodiscard]] auto metrics_text() const -> std::string;

private:
  struct Impl;
  KafkaPublisher();
  static void delivery_cb(void* rk, const void* message, void* opaque);

  std::unique_ptr<Impl> impl_;
  std::string topic_;
  std::string metric_;
  std::string what_;
  std::atomic<std::uint64_t> delivered_{0};
  std::atomic<std::uint64_t> failed_{0};
};

}  // namespace siem::ingest
