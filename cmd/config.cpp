#include "config.hpp"

#include <yaml-cpp/yaml.h>

#include <charconv>
#include <set>

namespace siem::cmd {
namespace {

using core::Status;

auto err(const std::string& key, const std::string& what) -> Status {
  return core::invalid_argument("config key '" + key + "': " + what);
}

// yaml-cpp 0.7 keeps the first of duplicate keys silently; reject them, and unknown keys.
auto check_keys(const YAML::Node& map, const std::string& where,
                const std::set<std::string, std::less<>>& allowed) -> Status {
  if (!map.IsMap()) {
    return err(where.empty() ? "(top level)" : where, "must be a mapping");
  }
  std::set<std::string, std::less<>> seen;
  for (const auto& kv : map) {
    const auto key = kv.first.as<std::string>();
    const std::string full = where.empty() ? key : where + "." + key;
    if (!allowed.contains(key)) {
      return err(full, "unknown key");
    }
    if (!seen.insert(key).second) {
      return err(full, "duplicate key");
    }
  }
  return Status::ok();
}

auto get_string(const YAML::Node& n, const std::string& key, std::string& out) -> Status {
  if (!n.IsScalar()) {
    return err(key, "must be a string");
  }
  out = n.as<std::string>();
  return Status::ok();
}

template <class Int>
auto get_uint(const YAML::Node& n, const std::string& key, Int& out) -> Status {
  if (!n.IsScalar()) {
    return err(key, "must be a number");
  }
  const auto text = n.as<std::string>();
  std::uint64_t v = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc{} || p != text.data() + text.size()) {
    return err(key, "'" + text + "' is not a non-negative integer");
  }
  out = static_cast<Int>(v);
  return Status::ok();
}

auto get_bool(const YAML::Node& n, const std::string& key, bool& out) -> Status {
  const auto text = n.IsScalar() ? n.as<std::string>() : std::string{};
  if (text == "true") {
    out = true;
  } else if (text == "false") {
    out = false;
  } else {
    return err(key, "must be true or false");
  }
  return Status::ok();
}

auto get_string_list(const YAML::Node& n, const std::string& key, std::vector<std::string>& out)
    -> Status {
  if (!n.IsSequence()) {
    return err(key, "must be a list of strings");
  }
  out.clear();
  for (const auto& item : n) {
    if (!item.IsScalar()) {
      return err(key, "must be a list of strings");
    }
    out.push_back(item.as<std::string>());
  }
  return Status::ok();
}

// Values pass through as strings, in file order; duplicate keys are errors as elsewhere.
auto get_string_map(const YAML::Node& n, const std::string& key,
                    std::vector<std::pair<std::string, std::string>>& out) -> Status {
  if (!n.IsMap()) {
    return err(key, "must be a mapping of strings");
  }
  out.clear();
  std::set<std::string, std::less<>> seen;
  for (const auto& kv : n) {
    const auto name = kv.first.as<std::string>();
    if (!kv.second.IsScalar()) {
      return err(key + "." + name, "must be a string");
    }
    if (!seen.insert(name).second) {
      return err(key + "." + name, "duplicate key");
    }
    out.emplace_back(name, kv.second.as<std::string>());
  }
  return Status::ok();
}

auto get_duration(const YAML::Node& n, const std::string& key, std::int64_t& out) -> Status {
  if (!n.IsScalar()) {
    return err(key, "must be a duration such as 5s");
  }
  SIEM_TRY_ASSIGN(out, parse_duration_ms(n.as<std::string>(), key));
  return Status::ok();
}

/// sinks: {kafka: {brokers, incidents_topic, alerts_topic, properties}}.
auto load_sinks(const YAML::Node& n, Config& config) -> Status {
  if (!n.IsMap()) {
    return err("sinks", "expected a map (kafka)");
  }
  SIEM_TRY(check_keys(n, "sinks", {"kafka"}));
  const auto& k = n["kafka"];
  if (!k.IsMap()) {
    return err("sinks.kafka", "expected a map with brokers and incidents_topic or alerts_topic");
  }
  SIEM_TRY(
      check_keys(k, "sinks.kafka", {"brokers", "incidents_topic", "alerts_topic", "properties"}));
  ingest::KafkaPublisher::Options base;
  base.where = "sinks.kafka";
  if (k["brokers"]) {
    SIEM_TRY(get_string(k["brokers"], "sinks.kafka.brokers", base.brokers));
  }
  if (base.brokers.empty()) {
    return err("sinks.kafka.brokers", "required");
  }
  if (k["properties"]) {
    SIEM_TRY(get_string_map(k["properties"], "sinks.kafka.properties", base.properties));
  }
  auto& inc = config.incidents_kafka;
  auto& alerts = config.alerts_kafka;
  inc = base;
  alerts = base;
  inc.metric = "siem_sink_kafka_incidents";
  inc.what = "Incident versions";
  alerts.metric = "siem_sink_kafka_alerts";
  alerts.what = "Alerts";
  if (k["incidents_topic"]) {
    SIEM_TRY(get_string(k["incidents_topic"], "sinks.kafka.incidents_topic", inc.topic));
  }
  if (k["alerts_topic"]) {
    SIEM_TRY(get_string(k["alerts_topic"], "sinks.kafka.alerts_topic", alerts.topic));
  }
  if (inc.topic.empty() && alerts.topic.empty()) {
    return err("sinks.kafka", "give incidents_topic, alerts_topic or both");
  }
  if (inc.topic.empty()) {
    inc.brokers.clear();  // off
  }
  if (alerts.topic.empty()) {
    alerts.brokers.clear();
  }
  return Status::ok();
}

auto load_source(const YAML::Node& n, std::size_t index, const Config& config,
                 ingest::SourceOptions& s) -> Status {
  const std::string where = "sources[" + std::to_string(index) + "]";
  SIEM_TRY(check_keys(n, where,
                      {"name",
                       "type",
                       "format",
                       "engagement",
                       "timezone",
                       "encoding",
                       "path",
                       "follow",
                       "listen",
                       "protocol",
                       "max_message_bytes",
                       "batch_records",
                       "brokers",
                       "topics",
                       "group_id",
                       "group",
                       "session_timeout_ms",
                       "auto_offset_reset",
                       "properties",
                       "silence_after",
                       "tls_cert",
                       "tls_key",
                       "tls_ca"}));
  if (n["group_id"] && n["group"]) {
    return err(where + ".group", "give group_id or its alias group, not both");
  }
  s.engagement = config.engagement;
  for (const auto& kv : n) {
    const auto key = kv.first.as<std::string>();
    const std::string full = where + "." + key;
    const auto& v = kv.second;
    if (key == "name") {
      SIEM_TRY(get_string(v, full, s.name));
    } else if (key == "type") {
      SIEM_TRY(get_string(v, full, s.type));
    } else if (key == "format") {
      SIEM_TRY(get_string(v, full, s.format));
    } else if (key == "engagement") {
      SIEM_TRY(get_string(v, full, s.engagement));
    } else if (key == "timezone") {
      std::string tz;
      SIEM_TRY(get_string(v, full, tz));
      SIEM_TRY_ASSIGN(s.tz_offset_minutes, parse_tz_offset(tz, full));
    } else if (key == "encoding") {
      SIEM_TRY(get_string(v, full, s.encoding));
    } else if (key == "path") {
      SIEM_TRY(get_string(v, full, s.path));
    } else if (key == "follow") {
      SIEM_TRY(get_bool(v, full, s.follow));
    } else if (key == "listen") {
      SIEM_TRY(get_string(v, full, s.listen));
    } else if (key == "protocol") {
      SIEM_TRY(get_string(v, full, s.protocol));
    } else if (key == "max_message_bytes") {
      SIEM_TRY(get_uint(v, full, s.max_message_bytes));
    } else if (key == "batch_records") {
      SIEM_TRY(get_uint(v, full, s.batch_records));
    } else if (key == "brokers") {
      SIEM_TRY(get_string(v, full, s.brokers));
    } else if (key == "topics") {
      SIEM_TRY(get_string_list(v, full, s.topics));
    } else if (key == "group_id" || key == "group") {
      SIEM_TRY(get_string(v, full, s.group_id));
    } else if (key == "session_timeout_ms") {
      SIEM_TRY(get_uint(v, full, s.session_timeout_ms));
    } else if (key == "auto_offset_reset") {
      SIEM_TRY(get_string(v, full, s.auto_offset_reset));
    } else if (key == "properties") {
      SIEM_TRY(get_string_map(v, full, s.properties));
    } else if (key == "tls_cert") {
      SIEM_TRY(get_string(v, full, s.tls_cert));
    } else if (key == "tls_key") {
      SIEM_TRY(get_string(v, full, s.tls_key));
    } else if (key == "tls_ca") {
      SIEM_TRY(get_string(v, full, s.tls_ca));
    } else if (key == "silence_after") {
      SIEM_TRY(get_duration(v, full, s.silence_after_ms));
    }
  }
  if (!store::valid_name(s.name)) {
    return err(where + ".name", "'" + s.name + "' must be 1-64 of A-Z a-z 0-9 _ . -");
  }
  if (!store::valid_name(s.engagement)) {
    return err(where + ".engagement", "'" + s.engagement + "' must be 1-64 of A-Z a-z 0-9 _ . -");
  }
  return Status::ok();
}

}  // namespace

auto parse_duration_ms(std::string_view text, std::string_view key) -> core::Result<std::int64_t> {
  std::size_t i = 0;
  std::int64_t v = 0;
  while (i < text.size() && text[i] >= '0' && text[i] <= '9' && i < 15) {
    v = v * 10 + (text[i] - '0');
    ++i;
  }
  const auto unit = text.substr(i);
  if (i == 0) {
    return err(std::string{key}, "'" + std::string{text} + "' is not a duration (e.g. 500ms, 5s, 2m, 1h)");
  }
  if (unit == "ms") {
    return v;
  }
  if (unit == "s") {
    return v * 1000;
  }
  if (unit == "m") {
    return v * 60'000;
  }
  if (unit == "h") {
    return v * 3'600'000;
  }
  if (unit == "d") {
    return v * 86'400'000;
  }
  return err(std::string{key}, "'" + std::string{text} + "' is not a duration (e.g. 500ms, 5s, 2m, 1h)");
}

auto parse_tz_offset(std::string_view text, std::string_view key) -> core::Result<int> {
  if (text == "UTC" || text == "Z" || text == "utc") {
    return 0;
  }
  auto bad = [&] {
    return err(std::string{key}, "'" + std::string{text} + "' is not UTC or an offset like +08:00");
  };
  if (text.size() < 5 || (text[0] != '+' && text[0] != '-')) {
    return bad();
  }
  std::string digits;
  for (char c : text.substr(1)) {
    if (c >= '0' && c <= '9') {
      digits.push_back(c);
    } else if (c != ':') {
      return bad();
    }
  }
  if (digits.size() != 4) {
    return bad();
  }
  const int h = (digits[0] - '0') * 10 + (digits[1] - '0');
  const int m = (digits[2] - '0') * 10 + (digits[3] - '0');
  if (h > 14 || m > 59) {
    return bad();
  }
  return (h * 60 + m) * (text[0] == '-' ? -1 : 1);
}

auto default_config() -> Config {
  Config c;
  ingest::SourceOptions syslog;
  syslog.name = "syslog";
  syslog.type = "syslog";
  syslog.listen = "127.0.0.1:5514";
  syslog.protocol = "udp+tcp";
  c.sources.push_back(syslog);
  return c;
}

auto Config::validate() const -> Status {
  SIEM_TRY(store.validate());
  SIEM_TRY(api.validate());
  if (!store::valid_name(engagement)) {
    return err("engagement", "'" + engagement + "' must be 1-64 of A-Z a-z 0-9 _ . -");
  }
  if (pipeline.queue_batches == 0) {
    return err("pipeline.queue_batches", "must be > 0");
  }
  if (pipeline.sync_interval_ms <= 0) {
    return err("pipeline.sync_interval", "must be > 0");
  }
  if (pipeline.sync_batches == 0) {
    return err("pipeline.sync_batches", "must be > 0");
  }
  std::set<std::string, std::less<>> names;
  for (const auto& s : sources) {
    SIEM_TRY(s.validate());
    if (!names.insert(s.name).second) {
      return err("sources[" + s.name + "].name", "duplicate source name");
    }
  }
  return Status::ok();
}

auto load_config(const std::string& path, Config& config) -> Status {
  YAML::Node root;
  try {
    root = YAML::LoadFile(path);
  } catch (const YAML::Exception& e) {
    return core::invalid_argument("config file " + path + ": " + e.what());
  }
  if (root.IsNull()) {
    return Status::ok();
  }
  try {
    SIEM_TRY(check_keys(
        root, "", {"data", "engagement", "store", "api", "pipeline", "rules", "sources", "sinks"}));
    // engagement first: sources inherit it.
    if (root["engagement"]) {
      SIEM_TRY(get_string(root["engagement"], "engagement", config.engagement));
    }
    for (const auto& kv : root) {
      const auto key = kv.first.as<std::string>();
      const auto& v = kv.second;
      if (key == "data") {
        SIEM_TRY(get_string(v, key, config.data));
      } else if (key == "sinks") {
        SIEM_TRY(load_sinks(v, config));
      } else if (key == "rules") {
        SIEM_TRY(get_string(v, key, config.rules));
      } else if (key == "store") {
        SIEM_TRY(check_keys(
            v, "store",
            {"hash", "block_cache_mb", "encryption", "key_dir", "anchor_file", "checkpoint_records",
             "checkpoint_interval", "retention_days", "anchor_kafka"}));
        if (const auto& k = v["anchor_kafka"]) {
          if (!k.IsMap()) {
            return err("store.anchor_kafka", "expected a map with brokers and topic");
          }
          SIEM_TRY(check_keys(k, "store.anchor_kafka", {"brokers", "topic", "properties"}));
          auto& ak = config.anchor_kafka;
          ak.where = "store.anchor_kafka";
          if (k["brokers"]) {
            SIEM_TRY(get_string(k["brokers"], "store.anchor_kafka.brokers", ak.brokers));
          }
          if (k["topic"]) {
            SIEM_TRY(get_string(k["topic"], "store.anchor_kafka.topic", ak.topic));
          }
          if (k["properties"]) {
            SIEM_TRY(
                get_string_map(k["properties"], "store.anchor_kafka.properties", ak.properties));
          }
          if (ak.brokers.empty() || ak.topic.empty()) {
            return err("store.anchor_kafka", "brokers and topic are both required");
          }
        }
        if (v["retention_days"]) {
          SIEM_TRY(get_uint(v["retention_days"], "store.retention_days",
                            config.store.retention_days));
          if (config.store.retention_days == 0) {  // would expire everything, at once
            return err("store.retention_days",
                       "must be at least 1 (GB/T 32914 asks for 1825, five years)");
          }
        }
        if (v["anchor_file"]) {
          SIEM_TRY(get_string(v["anchor_file"], "store.anchor_file", config.store.anchor_file));
        }
        if (v["checkpoint_records"]) {
          SIEM_TRY(get_uint(v["checkpoint_records"], "store.checkpoint_records",
                            config.store.checkpoint_records));
        }
        if (v["checkpoint_interval"]) {
          SIEM_TRY(get_duration(v["checkpoint_interval"], "store.checkpoint_interval",
                                config.store.checkpoint_interval_ms));
        }
        if (v["encryption"]) {
          std::string c;
          SIEM_TRY(get_string(v["encryption"], "store.encryption", c));
          if (c == "none") {
            config.store.encryption = store::Cipher::none;
          } else if (c == "aes-256-ctr") {
            config.store.encryption = store::Cipher::aes_256_ctr;
          } else if (c == "sm4-ctr") {
            config.store.encryption = store::Cipher::sm4_ctr;
          } else {
            return err("store.encryption", "'" + c + "' is not none, aes-256-ctr or sm4-ctr");
          }
        }
        if (v["key_dir"]) {
          SIEM_TRY(get_string(v["key_dir"], "store.key_dir", config.store.key_dir));
        }
        if (v["hash"]) {
          std::string h;
          SIEM_TRY(get_string(v["hash"], "store.hash", h));
          if (h == "sm3") {
            config.store.hash = store::HashAlgorithm::sm3;
          } else if (h == "sha256") {
            config.store.hash = store::HashAlgorithm::sha256;
          } else {
            return err("store.hash", "'" + h + "' is not sm3 or sha256");
          }
        }
        if (v["block_cache_mb"]) {
          SIEM_TRY(get_uint(v["block_cache_mb"], "store.block_cache_mb", config.store.block_cache_mb));
        }
      } else if (key == "api") {
        SIEM_TRY(check_keys(v, "api", {"listen", "session_ttl", "max_body_bytes", "max_connections"}));
        if (v["listen"]) {
          SIEM_TRY(get_string(v["listen"], "api.listen", config.api.listen));
        }
        if (v["session_ttl"]) {
          SIEM_TRY(get_duration(v["session_ttl"], "api.session_ttl", config.api.session_ttl_ms));
        }
        if (v["max_body_bytes"]) {
          SIEM_TRY(get_uint(v["max_body_bytes"], "api.max_body_bytes", config.api.max_body_bytes));
        }
        if (v["max_connections"]) {
          SIEM_TRY(get_uint(v["max_connections"], "api.max_connections", config.api.max_connections));
        }
      } else if (key == "pipeline") {
        SIEM_TRY(check_keys(v, "pipeline",
                            {"queue_batches", "sync_interval", "sync_batches", "progress_interval",
                             "processing_priority"}));
        if (v["queue_batches"]) {
          SIEM_TRY(get_uint(v["queue_batches"], "pipeline.queue_batches", config.pipeline.queue_batches));
        }
        if (v["sync_interval"]) {
          SIEM_TRY(get_duration(v["sync_interval"], "pipeline.sync_interval", config.pipeline.sync_interval_ms));
        }
        if (v["sync_batches"]) {
          SIEM_TRY(get_uint(v["sync_batches"], "pipeline.sync_batches", config.pipeline.sync_batches));
        }
        if (v["progress_interval"]) {
          SIEM_TRY(get_duration(v["progress_interval"], "pipeline.progress_interval",
                                config.pipeline.progress_interval_ms));
        }
        if (v["processing_priority"]) {
          std::string p;
          SIEM_TRY(get_string(v["processing_priority"], "pipeline.processing_priority", p));
          if (p != "normal" && p != "background") {
            return err("pipeline.processing_priority", "'" + p + "' is not normal or background");
          }
          config.pipeline.processing_background = p == "background";
        }
      } else if (key == "sources") {
        if (!v.IsSequence()) {
          return err("sources", "must be a list");
        }
        config.sources.clear();
        config.sources_from_file = true;
        for (std::size_t i = 0; i < v.size(); ++i) {
          ingest::SourceOptions s;
          SIEM_TRY(load_source(v[i], i, config, s));
          config.sources.push_back(std::move(s));
        }
      }
    }
  } catch (const YAML::Exception& e) {
    return core::invalid_argument("config file " + path + ": " + e.what());
  }
  return Status::ok();
}

}  // namespace siem::cmd
