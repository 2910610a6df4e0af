#pragma once

#include <compare>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace siem::ingest::detail {

/// A Kafka partition of a topic.
struct TopicPartition {
  std::string topic;
  std::int32_t partition = 0;

  auto operator<=>(const TopicPartition&) const = default;
};

/// Next offset to read, per partition.
using KafkaOffsets = std::map<TopicPartition, std::int64_t>;

/// Kafka topic names: 1-249 of [A-Za-z0-9._-]. The position strings below rely on it (no
/// '/' or ',' inside a name).
auto valid_kafka_topic(std::string_view topic) -> bool;

/// The durable position of a Kafka source: "topic/partition/next_offset" per partition the
/// source has read, comma-separated, in (topic, partition) order — e.g. "logs/0/120,logs/1/98".
/// One string covers every partition, so it fits the store's one position per source.
auto encode_kafka_offsets(const KafkaOffsets& offsets) -> std::string;

/// Parses encode_kafka_offsets() output ("" is the empty map); nullopt when malformed.
auto decode_kafka_offsets(std::string_view text) -> std::optional<KafkaOffsets>;

}  // namespace siem::ingest::detail
