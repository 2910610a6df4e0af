#pragma once

#include "siem/api/server.hpp"
#include "siem/core/status.hpp"
#include "siem/ingest/kafka_publisher.hpp"
#include "siem/ingest/source.hpp"
#include "siem/store/store.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace siem::cmd {

/// Pipeline tuning (config key `pipeline`).
struct PipelineOptions {
  std::size_t queue_batches = 64;         ///< bounded queue length between stages, in batches
  std::int64_t sync_interval_ms = 5;      ///< group commit: fsync at least this often
  std::size_t sync_batches = 16;          ///< ... or after this many batches
  std::int64_t progress_interval_ms = 5000;
  /// `background`: the processing stage (normalize, correlate, store events) runs with the
  /// idle scheduling class, on CPU time that ingestion leaves; `normal`: as any other thread.
  bool processing_background = false;
};

/// The whole daemon configuration: built-in defaults < config file < command-line flags.
struct Config {
  std::string data = "./var/siem";
  std::string engagement = "default";
  store::StoreOptions store;
  api::ApiOptions api;
  PipelineOptions pipeline;
  std::string rules;  ///< rule file or directory; empty = the built-in rule pack
  std::vector<ingest::SourceOptions> sources;
  bool sources_from_file = false;
  /// store.anchor_kafka: also publish the signed checkpoint heads to this topic (off when
  /// brokers is empty).
  ingest::KafkaPublisher::Options anchor_kafka;
  /// sinks.kafka: every incident version (keyed by incident id) and every alert (keyed by
  /// alert id) to these topics; each is off when its topic is empty.
  ingest::KafkaPublisher::Options incidents_kafka;
  ingest::KafkaPublisher::Options alerts_kafka;

  [[nodiscard]] auto validate() const -> core::Status;
};

/// The built-in defaults (syslog on 127.0.0.1:5514 over UDP and TCP, API on 127.0.0.1:8080).
auto default_config() -> Config;

/// Reads a YAML config file over the defaults. Unknown or duplicate keys and ill-typed
/// values are errors naming the key.
auto load_config(const std::string& path, Config& config) -> core::Status;

/// "5ms", "5s", "2m", "12h" → milliseconds. Errors name `key`.
auto parse_duration_ms(std::string_view text, std::string_view key) -> core::Result<std::int64_t>;

/// "UTC", "Z", "+08:00", "-0500" → minutes east of UTC. Errors name `key`.
auto parse_tz_offset(std::string_view text, std::string_view key) -> core::Result<int>;

}  // namespace siem::cmd
