#pragma once

#include "siem/ingest/source.hpp"

#include "kafka_position.hpp"
#include <librdkafka/rdkafka.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace siem::ingest::detail {

/// Checks the Kafka keys of `options` (brokers, topics, group, offsets, and that librdkafka
/// accepts every property). Errors: invalid_argument naming the key ("sources[k].properties.x").
auto validate_kafka_options(const SourceOptions& options, const std::string& where) -> core::Status;

/// The value librdkafka would be given for `key` by a source with `options` (defaults of the
/// source's own included); nullopt when the configuration is invalid. For tests.
auto kafka_consumer_property(const SourceOptions& options, const std::string& key)
    -> std::optional<std::string>;

/// A librdkafka high-level consumer in a consumer group (cooperative-sticky assignment,
/// manual commits). Delivery:
///
/// - Each batch carries the next offset of every partition read so far, encoded in one
///   position string (kafka_position.hpp) that the store writes in the ledger batch's
///   WriteBatch; records carry "topic/partition/offset".
/// - acknowledge() (after the group commit's fsync) hands that position back; the consumer
///   thread then commits those offsets to Kafka, for partitions it still owns. A crash
///   between the ledger write and the Kafka commit leaves the committed offset behind the
///   stored one, so...
/// - on start and on every assignment each partition starts at max(stored next offset,
///   committed offset), and a record below the stored next offset of its partition is
///   skipped as a redelivery (counted): nothing acknowledged is lost or stored twice.
/// - A full queue pauses every assigned partition; the consumer keeps polling (rebalances and
///   heartbeats go on) until the held batch fits, then resumes.
/// - librdkafka's fetchers stop at a full consumer queue and, in librdkafka 2.0, look again
///   only when something wakes their thread, at the latest after a second: the source wakes
///   them when the queue runs low while it lags (wake_fetchers()).
///
/// The consumer handle is owned by the source's thread; acknowledge() and partition_lags()
/// are thread-safe. Non-copyable, non-movable.
class KafkaSource final : public Source {
public:
  KafkaSource(SourceOptions options, const core::Clock& clock)
      : Source(std::move(options)), clock_(clock) {}

  KafkaSource(const KafkaSource&) = delete;
  auto operator=(const KafkaSource&) -> KafkaSource& = delete;
  KafkaSource(KafkaSource&&) = delete;
  auto operator=(KafkaSource&&) -> KafkaSource& = delete;

  ~KafkaSource() override;

  /// Creates the consumer and subscribes. Errors: invalid_argument (a stored position that
  /// does not parse, a property librdkafka rejects), unavailable (subscribe failed).
  auto start(BatchQueue& out, const std::string& resume_position) -> core::Status override;
  void stop() override;
  void acknowledge(const std::string& position) override;
  [[nodiscard]] auto partition_lags() const -> std::vector<PartitionLag> override;

private:
  void run(BatchQueue& out, const std::stop_token& stop);
  void add_record(const rd_kafka_message_t& msg, core::RawBatch& batch);
  void on_rebalance(rd_kafka_resp_err_t err, rd_kafka_topic_partition_list_t* parts);
  void on_commit(rd_kafka_resp_err_t err, const rd_kafka_topic_partition_list_t* offsets);
  void wake_fetchers(std::chrono::steady_clock::time_point now);
  /// A partition this member owns has records beyond what it has read (cached watermarks).
  [[nodiscard]] auto lagging() const -> bool;
  void commit_acknowledged();
  void set_paused(bool paused);
  void refresh_lags();
  void close();

  static void rebalance_cb(rd_kafka_t* rk, rd_kafka_resp_err_t err,
                           rd_kafka_topic_partition_list_t* parts, void* opaque);
  static void commit_cb(rd_kafka_t* rk, rd_kafka_resp_err_t err,
                        rd_kafka_topic_partition_list_t* offsets, void* opaque);

  const core::Clock& clock_;
  rd_kafka_t* rk_ = nullptr;
  std::jthread thread_;

  // Consumer thread only (librdkafka runs the callbacks inside rd_kafka_consumer_poll).
  KafkaOffsets next_;                  ///< next offset per partition, in batches handed on
  // The partition of the previous message and its entry in next_ (messages come in runs per
  // partition); reset at every rebalance.
  const rd_kafka_topic_t* last_rkt_ = nullptr;
  std::int32_t last_partition_ = -1;
  KafkaOffsets::iterator last_next_;
  KafkaOffsets committed_;             ///< confirmed committed offset per partition
  std::set<TopicPartition> assigned_;  ///< partitions this member owns now
  rd_kafka_queue_t* consumer_q_ = nullptr;  ///< the consumer queue, for its length
  std::size_t wake_below_ = 0;              ///< queue length that counts as running low
  std::size_t last_queue_len_ = 0;
  std::chrono::steady_clock::time_point last_wake_check_{};
  std::chrono::steady_clock::time_point last_wake_{};
  bool ever_assigned_ = false;
  bool paused_ = false;
  bool retry_commit_ = false;        ///< the last commit failed: commit again
  std::uint64_t committed_ack_ = 0;  ///< ack_seq_ of the last commit sent

  std::mutex ack_mu_;
  std::string acked_;          ///< the latest fsynced position
  std::uint64_t ack_seq_ = 0;  ///< bumped by every acknowledge()

  mutable std::mutex lag_mu_;
  std::vector<PartitionLag> lags_;
};

}  // namespace siem::ingest::detail
