#include "kafka_position.hpp"

#include <charconv>

namespace siem::ingest::detail {
namespace {

template <class Int>
auto parse_int(std::string_view text, Int& out) -> bool {
  const auto* end = text.data() + text.size();
  auto [p, ec] = std::from_chars(text.data(), end, out);
  return ec == std::errc{} && p == end && !text.empty();
}

}  // namespace

auto valid_kafka_topic(std::string_view topic) -> bool {
  if (topic.empty() || topic.size() > 249) {
    return false;
  }
  for (const char c : topic) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '.' || c == '_' || c == '-';
    if (!ok) {
      return false;
    }
  }
  return true;
}

auto encode_kafka_offsets(const KafkaOffsets& offsets) -> std::string {
  std::string out;
  for (const auto& [tp, next] : offsets) {
    if (next < 0) {
      continue;  // a partition seen but not read yet (no offset to store)
    }
    if (!out.empty()) {
      out += ',';
    }
    out += tp.topic;
    out += '/';
    out += std::to_string(tp.partition);
    out += '/';
    out += std::to_string(next);
  }
  return out;
}

auto decode_kafka_offsets(std::string_view text) -> std::optional<KafkaOffsets> {
  KafkaOffsets out;
  while (!text.empty()) {
    const auto comma = text.find(',');
    const auto entry = text.substr(0, comma);
    if (comma != std::string_view::npos && comma + 1 == text.size()) {
      return std::nullopt;  // a trailing comma
    }
    text = comma == std::string_view::npos ? std::string_view{} : text.substr(comma + 1);
    const auto second = entry.rfind('/');
    const auto first = second == std::string_view::npos || second == 0
                           ? std::string_view::npos
                           : entry.rfind('/', second - 1);
    if (first == std::string_view::npos) {
      return std::nullopt;
    }
    TopicPartition tp{std::string{entry.substr(0, first)}, 0};
    std::int64_t next = 0;
    if (!valid_kafka_topic(tp.topic)
        || !parse_int(entry.substr(first + 1, second - first - 1), tp.partition)
        || !parse_int(entry.substr(second + 1), next) || tp.partition < 0 || next < 0) {
      return std::nullopt;
    }
    out[std::move(tp)] = next;
  }
  return out;
}

}  // namespace siem::ingest::detail
