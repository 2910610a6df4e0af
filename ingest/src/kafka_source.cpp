#include "kafka_source.hpp"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <memory>

namespace siem::ingest::detail {
namespace {

using namespace std::chrono_literals;

/// A batch is handed on when full or when its first record is this old.
constexpr auto kMaxBatchDelay = 20ms;
/// A full queue blocks the source this long before it pauses its partitions: short stalls
/// cost no pause/resume round trip (each restarts fetching), long ones keep the consumer
/// polling so that its group membership and rebalances go on.
constexpr auto kBlockBeforePause = 500ms;
/// Commits at most this often: a commit per group commit (every few ms under load) would
/// only load the coordinator; a later commit covers the earlier ones.
constexpr auto kCommitInterval = 200ms;
/// How often the source checks whether librdkafka's fetchers need waking, and how often at
/// most it wakes them (see wake_fetchers()).
constexpr auto kWakeCheck = 5ms;
constexpr auto kWakeInterval = 50ms;
/// How long a wake-up waits for the leaders' answers: not at all, in effect. Sending the
/// requests is what wakes the fetchers; waiting would keep the source from polling (a leader
/// answers after any fetch it holds for fetch.wait.max.ms), and late answers are dropped.
constexpr int kWakeTimeoutMs = 1;
/// How long an assignment waits for the group's committed offsets.
constexpr int kCommittedTimeoutMs = 10'000;
/// fetch.max.bytes unless `properties` size fetches, messages or the fetch queue (librdkafka's
/// default is 50 MiB). A broker's fetch response fills this much; responses of more than
/// 32 MiB are beyond glibc's largest mmap threshold, so every one is a fresh mapping whose
/// pages fault in and are unmapped again. With 4 MiB, bench/ingest.py's Kafka run stored
/// 186-199 k instead of 150-162 k records/s, with 10-20 % less CPU (bench/README.md).
constexpr std::string_view kFetchMaxBytes = "4194304";
/// Properties whose presence leaves fetch.max.bytes to librdkafka: it must be at least
/// message.max.bytes and below receive.message.max.bytes, a partition's share
/// (max.partition.fetch.bytes, alias fetch.message.max.bytes) fits in it, and librdkafka
/// lowers it to queued.max.messages.kbytes only when it is not set.
constexpr std::string_view kFetchSizing[] = {
    "fetch.max.bytes",           "message.max.bytes",       "receive.message.max.bytes",
    "max.partition.fetch.bytes", "fetch.message.max.bytes", "queued.max.messages.kbytes"};

struct ConfDeleter {
  void operator()(rd_kafka_conf_t* c) const { rd_kafka_conf_destroy(c); }
};

using ConfPtr = std::unique_ptr<rd_kafka_conf_t, ConfDeleter>;

struct PartitionListDeleter {
  void operator()(rd_kafka_topic_partition_list_t* l) const {
    rd_kafka_topic_partition_list_destroy(l);
  }
};

using PartitionList = std::unique_ptr<rd_kafka_topic_partition_list_t, PartitionListDeleter>;

/// librdkafka properties the source sets itself, and the source key that replaces each.
constexpr std::pair<std::string_view, std::string_view> kManagedProperties[] = {
    {"bootstrap.servers", "use the source key 'brokers'"},
    {"metadata.broker.list", "use the source key 'brokers'"},
    {"group.id", "use the source key 'group_id'"},
    {"session.timeout.ms", "use the source key 'session_timeout_ms'"},
    {"auto.offset.reset", "use the source key 'auto_offset_reset'"},
    {"enable.auto.commit", "offsets are committed by the source, after the ledger fsync"},
    {"enable.auto.offset.store", "offsets are committed by the source, after the ledger fsync"},
    {"partition.assignment.strategy", "the source uses cooperative-sticky"},
};

/// The consumer configuration of a source. Errors name the source key of a rejected value.
auto make_conf(const SourceOptions& o, const std::string& where) -> core::Result<ConfPtr> {
  ConfPtr conf(rd_kafka_conf_new());
  char err[512];
  auto set = [&](const std::string& key, const std::string& value,
                 const std::string& config_key) -> core::Status {
    if (rd_kafka_conf_set(conf.get(), key.c_str(), value.c_str(), err, sizeof(err))
        != RD_KAFKA_CONF_OK) {
      return core::invalid_argument(where + "." + config_key + ": " + err);
    }
    return core::Status::ok();
  };
  SIEM_TRY(set("bootstrap.servers", o.brokers, "brokers"));
  SIEM_TRY(set("group.id", o.group_id, "group_id"));
  SIEM_TRY(set("client.id", "siem-" + o.name, "name"));
  SIEM_TRY(set("session.timeout.ms", std::to_string(o.session_timeout_ms), "session_timeout_ms"));
  // Kafka's rule of thumb: heartbeats at no more than a third of the session timeout.
  SIEM_TRY(
      set("heartbeat.interval.ms", std::to_string(o.session_timeout_ms / 3), "session_timeout_ms"));
  SIEM_TRY(set("auto.offset.reset", o.auto_offset_reset, "auto_offset_reset"));
  SIEM_TRY(set("enable.auto.commit", "false", "properties"));
  SIEM_TRY(set("enable.auto.offset.store", "false", "properties"));
  SIEM_TRY(set("partition.assignment.strategy", "cooperative-sticky", "properties"));
  const bool sized = std::any_of(o.properties.begin(), o.properties.end(), [](const auto& kv) {
    return std::find(std::begin(kFetchSizing), std::end(kFetchSizing), kv.first)
           != std::end(kFetchSizing);
  });
  if (!sized) {
    SIEM_TRY(set("fetch.max.bytes", std::string{kFetchMaxBytes}, "properties"));
  }
  for (const auto& [key, value] : o.properties) {
    SIEM_TRY(set(key, value, "properties." + key));
  }
  return conf;
}

auto name_of(const rd_kafka_topic_partition_t& p) -> TopicPartition {
  return {p.topic, p.partition};
}

}  // namespace

auto validate_kafka_options(const SourceOptions& o, const std::string& where) -> core::Status {
  if (o.brokers.empty()) {
    return core::invalid_argument(where + ".brokers: a kafka source needs host:port[,host:port]");
  }
  if (o.topics.empty()) {
    return core::invalid_argument(where + ".topics: a kafka source needs at least one topic");
  }
  for (const auto& t : o.topics) {
    if (!valid_kafka_topic(t)) {
      return core::invalid_argument(where + ".topics: '" + t
                                    + "' is not a topic name (1-249 of A-Z a-z 0-9 . _ -)");
    }
  }
  if (o.group_id.empty()) {
    return core::invalid_argument(where + ".group_id: must not be empty");
  }
  if (o.session_timeout_ms < 1000 || o.session_timeout_ms > 3'600'000) {
    return core::invalid_argument(where + ".session_timeout_ms: must be 1000 .. 3600000");
  }
  if (o.auto_offset_reset != "earliest" && o.auto_offset_reset != "latest") {
    return core::invalid_argument(where + ".auto_offset_reset: '" + o.auto_offset_reset
                                  + "' is not earliest or latest");
  }
  for (const auto& kv : o.properties) {
    for (const auto& [managed, why] : kManagedProperties) {
      if (kv.first == managed) {
        return core::invalid_argument(where + ".properties." + kv.first + ": set by the source ("
                                      + std::string{why} + ")");
      }
    }
  }
  if (auto conf = make_conf(o, where); !conf) {
    return conf.error();
  }
  return core::Status::ok();
}

auto kafka_consumer_property(const SourceOptions& o, const std::string& key)
    -> std::optional<std::string> {
  auto conf = make_conf(o, "sources[" + o.name + "]");
  if (!conf) {
    return std::nullopt;
  }
  char value[512];
  std::size_t size = sizeof value;
  if (rd_kafka_conf_get(conf->get(), key.c_str(), value, &size) != RD_KAFKA_CONF_OK) {
    return std::nullopt;
  }
  return std::string{value};
}

KafkaSource::~KafkaSource() {
  stop();
  close();
}

auto KafkaSource::start(BatchQueue& out, const std::string& resume_position) -> core::Status {
  const std::string where = "sources[" + options_.name + "]";
  auto stored = decode_kafka_offsets(resume_position);
  if (!stored) {
    return core::invalid_argument(where + ": the stored position '" + resume_position
                                  + "' is not a Kafka position");
  }
  next_ = std::move(*stored);
  SIEM_TRY_ASSIGN(auto conf, make_conf(options_, where));
  rd_kafka_conf_set_opaque(conf.get(), this);
  rd_kafka_conf_set_rebalance_cb(conf.get(), &KafkaSource::rebalance_cb);
  rd_kafka_conf_set_offset_commit_cb(conf.get(), &KafkaSource::commit_cb);
  char err[512];
  // The fetchers stop at queued.min.messages in the consumer queue; below half of it the
  // queue counts as running low (wake_fetchers()).
  std::size_t size = sizeof(err);
  std::size_t min_messages = 100'000;
  if (rd_kafka_conf_get(conf.get(), "queued.min.messages", err, &size) == RD_KAFKA_CONF_OK) {
    min_messages = std::strtoull(err, nullptr, 10);
  }
  wake_below_ = std::max<std::size_t>(1, min_messages / 2);
  rk_ = rd_kafka_new(RD_KAFKA_CONSUMER, conf.get(), err, sizeof(err));
  if (rk_ == nullptr) {
    return core::invalid_argument(where + ": " + err);
  }
  static_cast<void>(conf.release());  // rd_kafka_new took it
  // Every callback (rebalance, commit) is then served by rd_kafka_consumer_poll.
  rd_kafka_poll_set_consumer(rk_);
  consumer_q_ = rd_kafka_queue_get_consumer(rk_);
  PartitionList topics(rd_kafka_topic_partition_list_new(static_cast<int>(options_.topics.size())));
  for (const auto& t : options_.topics) {
    rd_kafka_topic_partition_list_add(topics.get(), t.c_str(), RD_KAFKA_PARTITION_UA);
  }
  if (const auto e = rd_kafka_subscribe(rk_, topics.get()); e != RD_KAFKA_RESP_ERR_NO_ERROR) {
    close();
    return {core::StatusCode::unavailable,
            where + ".topics: cannot subscribe: " + rd_kafka_err2str(e)};
  }
  thread_ = std::jthread([this, &out](const std::stop_token& st) {
    name_source_thread();
    run(out, st);
  });
  return core::Status::ok();
}

void KafkaSource::stop() {
  if (thread_.joinable()) {
    thread_.request_stop();
    thread_.join();
  }
}

void KafkaSource::acknowledge(const std::string& position) {
  std::lock_guard lock(ack_mu_);
  acked_ = position;
  ++ack_seq_;
}

auto KafkaSource::partition_lags() const -> std::vector<PartitionLag> {
  std::lock_guard lock(lag_mu_);
  return lags_;
}

void KafkaSource::run(BatchQueue& out, const std::stop_token& stop) {
  auto batch = new_batch();
  std::size_t prepared = 0;  // records of `batch` the batch hook has seen
  auto batch_started = std::chrono::steady_clock::now();
  auto last_lags = batch_started - 1s;
  auto last_commit = batch_started;
  while (!stop.stop_requested()) {
    const auto now = std::chrono::steady_clock::now();
    if (!batch.records.empty()
        && (paused_ || batch.records.size() >= options_.batch_records
            || now - batch_started >= kMaxBatchDelay)) {
      batch.position = encode_kafka_offsets(next_);
      batch.durable_position = true;
      prepare(batch, prepared);
      prepared = batch.records.size();
      if (out.try_push_for(batch, paused_ ? 0ms : kBlockBeforePause)) {
        batch = new_batch();
        prepared = 0;
        set_paused(false);
      } else if (out.closed()) {
        break;
      } else {
        // Back-pressure: stop fetching, but keep polling. Records fetched before the pause
        // may still arrive; they join the held batch.
        set_paused(true);
      }
    }
    if (now - last_commit >= kCommitInterval) {
      commit_acknowledged();
      last_commit = now;
    }
    if (now - last_lags >= 1s) {
      refresh_lags();
      last_lags = now;
    }
    if (now - last_wake_check_ >= kWakeCheck) {
      wake_fetchers(now);
      last_wake_check_ = now;
    }
    auto wait = 100ms;
    if (paused_) {
      wait = kMaxBatchDelay;
    } else if (!batch.records.empty()) {
      wait = std::max(1ms, std::chrono::duration_cast<std::chrono::milliseconds>(
                               batch_started + kMaxBatchDelay - now));
    }
    rd_kafka_message_t* msg = rd_kafka_consumer_poll(rk_, static_cast<int>(wait.count()));
    if (msg == nullptr) {
      continue;
    }
    if (msg->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      // Broker and topic errors: librdkafka logs them and keeps retrying.
      counters_.errors.fetch_add(1, std::memory_order_relaxed);
    } else {
      if (batch.records.empty()) {
        batch_started = std::chrono::steady_clock::now();
      }
      add_record(*msg, batch);
    }
    rd_kafka_message_destroy(msg);
  }
  // What the queue does not take now is not in any stored position, so it is read again
  // after a restart.
  if (!batch.records.empty()) {
    batch.position = encode_kafka_offsets(next_);
    batch.durable_position = true;
    prepare(batch, prepared);
    static_cast<void>(out.try_push(batch));
  }
  close();
}

void KafkaSource::add_record(const rd_kafka_message_t& msg, core::RawBatch& batch) {
  if (msg.rkt != last_rkt_ || msg.partition != last_partition_) {
    TopicPartition tp{rd_kafka_topic_name(msg.rkt), msg.partition};
    last_next_ = next_.find(tp);
    if (last_next_ == next_.end()) {
      last_next_ = next_.emplace(std::move(tp), RD_KAFKA_OFFSET_INVALID).first;
    }
    last_rkt_ = msg.rkt;
    last_partition_ = msg.partition;
  }
  const auto it = last_next_;
  if (it->second != RD_KAFKA_OFFSET_INVALID && msg.offset < it->second) {
    // Already stored (a redelivery after a crash or a rebalance).
    counters_.redelivered.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  std::size_t len = msg.len;
  if (len > options_.max_message_bytes) {
    len = options_.max_message_bytes;
    counters_.oversize.fetch_add(1, std::memory_order_relaxed);
  }
  core::RawInput rec;
  if (len > 0) {
    rec.bytes.assign(static_cast<const char*>(msg.payload), len);
  }
  // "topic/partition/offset", written in place.
  const auto& topic = it->first.topic;
  char digits[48];
  char* end = std::to_chars(digits, digits + 16, msg.partition).ptr;
  *end++ = '/';
  end = std::to_chars(end, digits + sizeof digits, msg.offset).ptr;
  rec.position.reserve(topic.size() + 1 + static_cast<std::size_t>(end - digits));
  rec.position.append(topic).push_back('/');
  rec.position.append(digits, end);
  rec.received_at = clock_.now_ms();
  counters_.records.fetch_add(1, std::memory_order_relaxed);
  counters_.bytes.fetch_add(len, std::memory_order_relaxed);
  counters_.last_seen_ms.store(rec.received_at, std::memory_order_relaxed);
  batch.records.push_back(std::move(rec));
  it->second = msg.offset + 1;
}

void KafkaSource::rebalance_cb(rd_kafka_t* /*rk*/, rd_kafka_resp_err_t err,
                               rd_kafka_topic_partition_list_t* parts, void* opaque) {
  static_cast<KafkaSource*>(opaque)->on_rebalance(err, parts);
}

void KafkaSource::commit_cb(rd_kafka_t* /*rk*/, rd_kafka_resp_err_t err,
                            rd_kafka_topic_partition_list_t* offsets, void* opaque) {
  static_cast<KafkaSource*>(opaque)->on_commit(err, offsets);
}

void KafkaSource::on_rebalance(rd_kafka_resp_err_t err, rd_kafka_topic_partition_list_t* parts) {
  last_rkt_ = nullptr;  // next_ may change below
  last_partition_ = -1;
  if (err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {
    // Start each partition at max(stored next offset, group's committed offset). next_ also
    // covers batches handed on but not yet stored, so a partition revoked and assigned back
    // within this process does not read them again.
    PartitionList committed(rd_kafka_topic_partition_list_copy(parts));
    const auto cerr = rd_kafka_committed(rk_, committed.get(), kCommittedTimeoutMs);
    std::string started;
    for (int i = 0; i < parts->cnt; ++i) {
      auto& p = parts->elems[i];
      const auto tp = name_of(p);
      std::int64_t start = RD_KAFKA_OFFSET_INVALID;
      if (cerr == RD_KAFKA_RESP_ERR_NO_ERROR
          && committed->elems[i].err == RD_KAFKA_RESP_ERR_NO_ERROR
          && committed->elems[i].offset >= 0) {
        start = committed->elems[i].offset;
        committed_[tp] = start;
      }
      if (auto it = next_.find(tp); it != next_.end()) {
        start = std::max(start, it->second);
      }
      if (start >= 0) {
        p.offset = start;
        next_[tp] = start;
      }
      // Else RD_KAFKA_OFFSET_INVALID: nothing stored or committed, auto_offset_reset applies.
      assigned_.insert(tp);
      if (!started.empty()) {
        started += ' ';
      }
      started += tp.topic + "/" + std::to_string(tp.partition) + "@"
                 + (start >= 0 ? std::to_string(start) : options_.auto_offset_reset);
    }
    if (cerr != RD_KAFKA_RESP_ERR_NO_ERROR) {
      std::fprintf(stderr,
                   "siem: kafka source %s: committed offsets unavailable (%s); "
                   "resuming from the stored positions\n",
                   options_.name.c_str(), rd_kafka_err2str(cerr));
    }
    if (rd_kafka_error_t* e = rd_kafka_incremental_assign(rk_, parts); e != nullptr) {
      std::fprintf(stderr, "siem: kafka source %s: assign failed: %s\n", options_.name.c_str(),
                   rd_kafka_error_string(e));
      counters_.errors.fetch_add(1, std::memory_order_relaxed);
      rd_kafka_error_destroy(e);
      return;
    }
    ever_assigned_ = true;
    // librdkafka keeps a partition's pause flag across assignments: set it either way.
    static_cast<void>(paused_ ? rd_kafka_pause_partitions(rk_, parts)
                              : rd_kafka_resume_partitions(rk_, parts));
    std::fprintf(stderr, "siem: kafka source %s: assigned %s\n", options_.name.c_str(),
                 started.c_str());
  } else if (err == RD_KAFKA_RESP_ERR__REVOKE_PARTITIONS) {
    // Hand over what is fsynced, unless the partitions are already lost (the commit would be
    // refused with a stale generation).
    if (rd_kafka_assignment_lost(rk_) == 0) {
      commit_acknowledged();
    }
    for (int i = 0; i < parts->cnt; ++i) {
      const auto tp = name_of(parts->elems[i]);
      assigned_.erase(tp);
      committed_.erase(tp);
    }
    if (paused_) {
      static_cast<void>(rd_kafka_resume_partitions(rk_, parts));
    }
    if (rd_kafka_error_t* e = rd_kafka_incremental_unassign(rk_, parts); e != nullptr) {
      counters_.errors.fetch_add(1, std::memory_order_relaxed);
      rd_kafka_error_destroy(e);
    }
    std::fprintf(stderr, "siem: kafka source %s: %d partitions revoked\n", options_.name.c_str(),
                 parts->cnt);
  } else {
    std::fprintf(stderr, "siem: kafka source %s: rebalance error: %s\n", options_.name.c_str(),
                 rd_kafka_err2str(err));
    counters_.errors.fetch_add(1, std::memory_order_relaxed);
    static_cast<void>(rd_kafka_assign(rk_, nullptr));
    assigned_.clear();
  }
}

void KafkaSource::on_commit(rd_kafka_resp_err_t err,
                            const rd_kafka_topic_partition_list_t* offsets) {
  if (err == RD_KAFKA_RESP_ERR__NO_OFFSET) {
    return;
  }
  bool failed = err != RD_KAFKA_RESP_ERR_NO_ERROR;
  for (int i = 0; offsets != nullptr && i < offsets->cnt; ++i) {
    const auto& p = offsets->elems[i];
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR || p.err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      failed = true;
    } else if (p.offset >= 0) {
      auto& c = committed_[name_of(p)];
      c = std::max(c, p.offset);
    }
  }
  if (failed) {
    // Try again with the latest acknowledged position; the stored position stays
    // authoritative on restart meanwhile.
    counters_.errors.fetch_add(1, std::memory_order_relaxed);
    retry_commit_ = true;
  }
}

void KafkaSource::commit_acknowledged() {
  std::string acked;
  {
    std::lock_guard lock(ack_mu_);
    if (ack_seq_ == committed_ack_ && !retry_commit_) {
      return;
    }
    acked = acked_;
    committed_ack_ = ack_seq_;
  }
  retry_commit_ = false;
  const auto offsets = decode_kafka_offsets(acked);
  if (!offsets) {
    counters_.errors.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  PartitionList list(rd_kafka_topic_partition_list_new(static_cast<int>(assigned_.size())));
  for (const auto& [tp, next] : *offsets) {
    // Only partitions this member owns: committing another member's partition could move
    // its offset backwards.
    if (!assigned_.contains(tp)) {
      continue;
    }
    if (auto c = committed_.find(tp); c != committed_.end() && c->second >= next) {
      continue;
    }
    rd_kafka_topic_partition_list_add(list.get(), tp.topic.c_str(), tp.partition)->offset = next;
  }
  if (list->cnt == 0) {
    return;
  }
  if (const auto e = rd_kafka_commit(rk_, list.get(), 1); e != RD_KAFKA_RESP_ERR_NO_ERROR) {
    counters_.errors.fetch_add(1, std::memory_order_relaxed);
    retry_commit_ = true;
  }
}

void KafkaSource::set_paused(bool paused) {
  if (paused == paused_) {
    return;
  }
  paused_ = paused;
  if (paused) {
    counters_.pauses.fetch_add(1, std::memory_order_relaxed);
  }
  PartitionList list(rd_kafka_topic_partition_list_new(static_cast<int>(assigned_.size())));
  for (const auto& tp : assigned_) {
    rd_kafka_topic_partition_list_add(list.get(), tp.topic.c_str(), tp.partition);
  }
  static_cast<void>(paused ? rd_kafka_pause_partitions(rk_, list.get())
                           : rd_kafka_resume_partitions(rk_, list.get()));
}

void KafkaSource::refresh_lags() {
  std::vector<PartitionLag> lags;
  lags.reserve(assigned_.size());
  for (const auto& tp : assigned_) {
    std::int64_t low = 0;
    std::int64_t high = 0;
    auto it = next_.find(tp);
    // The watermarks librdkafka cached from its last fetch response: no broker round trip.
    if (it == next_.end()
        || rd_kafka_get_watermark_offsets(rk_, tp.topic.c_str(), tp.partition, &low, &high)
               != RD_KAFKA_RESP_ERR_NO_ERROR
        || high < 0) {
      continue;
    }
    lags.push_back({tp.topic, tp.partition, std::max<std::int64_t>(0, high - it->second)});
  }
  std::lock_guard lock(lag_mu_);
  lags_ = std::move(lags);
}

void KafkaSource::wake_fetchers(std::chrono::steady_clock::time_point now) {
  // librdkafka 2.0 stops fetching a partition while the consumer queue holds
  // queued.min.messages (or queued.max.messages.kbytes), and its broker thread decides again
  // only when something wakes it, at the latest after a second (2.1 added
  // fetch.queue.backoff.ms for this). Where the cluster fills the queue faster than the
  // source empties it, the source emptied it and then waited: bench/ingest.py's Kafka run
  // received nothing for 0.25-0.75 s of every second. A ListOffsets request to the leaders (an
  // offsets-for-times query for the latest offsets) wakes their broker threads, which then
  // fetch again. Sent when the queue runs low and has not grown since the last check while a
  // partition lags, at most every kWakeInterval; never while paused.
  const std::size_t len = rd_kafka_queue_length(consumer_q_);
  const bool stalled = len < wake_below_ && len <= last_queue_len_;
  last_queue_len_ = len;
  if (!stalled || paused_ || assigned_.empty() || now - last_wake_ < kWakeInterval || !lagging()) {
    return;
  }
  last_wake_ = now;
  PartitionList parts(rd_kafka_topic_partition_list_new(static_cast<int>(assigned_.size())));
  for (const auto& tp : assigned_) {
    rd_kafka_topic_partition_list_add(parts.get(), tp.topic.c_str(), tp.partition)->offset =
        RD_KAFKA_OFFSET_END;
  }
  counters_.fetch_wakeups.fetch_add(1, std::memory_order_relaxed);
  // The answer (the latest offsets) is not needed: it times out at once (kWakeTimeoutMs).
  static_cast<void>(rd_kafka_offsets_for_times(rk_, parts.get(), kWakeTimeoutMs));
}

auto KafkaSource::lagging() const -> bool {
  for (const auto& tp : assigned_) {
    std::int64_t low = 0;
    std::int64_t high = 0;
    if (rd_kafka_get_watermark_offsets(rk_, tp.topic.c_str(), tp.partition, &low, &high)
        != RD_KAFKA_RESP_ERR_NO_ERROR) {
      continue;
    }
    const auto it = next_.find(tp);
    std::int64_t next = it == next_.end() ? RD_KAFKA_OFFSET_INVALID : it->second;
    if (next < 0) {
      // Nothing read, stored or committed yet: the partition starts where auto_offset_reset
      // says, which is known here only for earliest.
      if (options_.auto_offset_reset != "earliest") {
        continue;
      }
      next = low;
    }
    if (high > next) {
      return true;
    }
  }
  return false;
}

void KafkaSource::close() {
  if (consumer_q_ != nullptr) {
    rd_kafka_queue_destroy(consumer_q_);
    consumer_q_ = nullptr;
  }
  if (rk_ == nullptr) {
    return;
  }
  if (ever_assigned_) {
    commit_acknowledged();
    // Revokes the assignment (our rebalance callback commits) and leaves the group.
    static_cast<void>(rd_kafka_consumer_close(rk_));
    rd_kafka_destroy(rk_);
  } else {
    // librdkafka 2.0.2 can abort closing a cooperative-sticky consumer that never had an
    // assignment (fixed in 2.3.0); the group expires the member instead.
    rd_kafka_destroy_flags(rk_, RD_KAFKA_DESTROY_F_NO_CONSUMER_CLOSE);
  }
  rk_ = nullptr;
  std::lock_guard lock(lag_mu_);
  lags_.clear();
}

}  // namespace siem::ingest::detail
