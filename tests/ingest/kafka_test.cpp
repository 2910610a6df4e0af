// The Kafka source against librdkafka's in-process mock cluster: positions, resume from a
// stored position, commits after acknowledge, back-pressure. The end-to-end test with the
// engine, kcat, SIGKILL and a broker outage is tests/integration/kafka_source.sh.
#include "siem/ingest/source.hpp"

#include "kafka_position.hpp"
#include "kafka_source.hpp"
#include <boost/test/unit_test.hpp>
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#include <chrono>
#include <map>
#include <string>
#include <thread>
#include <vector>

using namespace siem;  // NOLINT(google-build-using-namespace)
using namespace std::chrono_literals;

namespace {

core::ManualClock g_kafka_clock(1'700'000'000'000);

/// A one-broker mock cluster with topic "t" (2 partitions), and a producer connected to it
/// that sends at most `batch_messages` records per message set.
class MockCluster {
public:
  explicit MockCluster(int batch_messages = 10'000) {
    char err[256];
    rd_kafka_conf_t* conf = rd_kafka_conf_new();
    BOOST_REQUIRE(rd_kafka_conf_set(conf, "test.mock.num.brokers", "1", err, sizeof(err))
                  == RD_KAFKA_CONF_OK);
    BOOST_REQUIRE(rd_kafka_conf_set(conf, "batch.num.messages",
                                    std::to_string(batch_messages).c_str(), err, sizeof(err))
                  == RD_KAFKA_CONF_OK);
    rk_ = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof(err));
    BOOST_REQUIRE(rk_ != nullptr);
    rd_kafka_mock_cluster_t* mc = rd_kafka_handle_mock_cluster(rk_);
    BOOST_REQUIRE(mc != nullptr);
    bootstraps_ = rd_kafka_mock_cluster_bootstraps(mc);
    BOOST_REQUIRE(rd_kafka_mock_topic_create(mc, "t", 2, 1) == RD_KAFKA_RESP_ERR_NO_ERROR);
  }

  MockCluster(const MockCluster&) = delete;
  auto operator=(const MockCluster&) -> MockCluster& = delete;
  MockCluster(MockCluster&&) = delete;
  auto operator=(MockCluster&&) -> MockCluster& = delete;

  ~MockCluster() { rd_kafka_destroy(rk_); }

  /// Produces "p<partition>-<i>" for i in [0, n) to each partition, and waits for delivery.
  void produce(int n) {
    rd_kafka_topic_t* topic = rd_kafka_topic_new(rk_, "t", nullptr);
    for (int p = 0; p < 2; ++p) {
      for (int i = 0; i < n; ++i) {
        std::string v = "p" + std::to_string(p) + "-" + std::to_string(i);
        BOOST_REQUIRE(
            rd_kafka_produce(topic, p, RD_KAFKA_MSG_F_COPY, v.data(), v.size(), nullptr, 0, nullptr)
            == 0);
      }
    }
    BOOST_REQUIRE(rd_kafka_flush(rk_, 10'000) == RD_KAFKA_RESP_ERR_NO_ERROR);
    rd_kafka_topic_destroy(topic);
  }

  [[nodiscard]] auto bootstraps() const -> const std::string& { return bootstraps_; }

private:
  rd_kafka_t* rk_ = nullptr;
  std::string bootstraps_;
};

auto kafka_options(const std::string& brokers) -> ingest::SourceOptions {
  ingest::SourceOptions o;
  o.name = "k";
  o.type = "kafka";
  o.brokers = brokers;
  o.topics = {"t"};
  o.group_id = "unit";
  o.session_timeout_ms = 6000;
  return o;
}

/// Polls `done` every 20 ms until it holds or 20 s passed.
template <typename Done>
void wait_until(Done done) {
  const auto deadline = std::chrono::steady_clock::now() + 20s;
  while (!done() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(20ms);
  }
}

/// Pops batches until `n` records arrived or `limit` passed.
auto collect_kafka(ingest::BatchQueue& q, std::size_t n, std::chrono::seconds limit = 20s)
    -> std::vector<core::RawBatch> {
  std::vector<core::RawBatch> out;
  std::size_t got = 0;
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (got < n && std::chrono::steady_clock::now() < deadline) {
    if (auto b = q.pop(50ms)) {
      got += b->records.size();
      out.push_back(std::move(*b));
    }
  }
  return out;
}

/// Record positions "t/<p>/<offset>" by payload; checks each partition's offsets are dense
/// and increasing from `first[p]`.
void check_records(const std::vector<core::RawBatch>& batches, std::map<int, std::int64_t> first) {
  for (const auto& b : batches) {
    BOOST_TEST(b.durable_position);
    for (const auto& r : b.records) {
      const int p = r.position[2] - '0';
      const std::string want_pos = "t/" + std::to_string(p) + "/" + std::to_string(first[p]);
      const std::string want_raw = "p" + std::to_string(p) + "-" + std::to_string(first[p]);
      BOOST_TEST(r.position == want_pos);
      BOOST_TEST(r.bytes == want_raw);
      ++first[p];
    }
  }
}

auto total(const ingest::detail::KafkaOffsets& o) -> std::int64_t {
  std::int64_t n = 0;
  for (const auto& kv : o) {
    n += kv.second;
  }
  return n;
}

}  // namespace

BOOST_AUTO_TEST_CASE(kafka_positions_round_trip) {
  using ingest::detail::decode_kafka_offsets;
  using ingest::detail::encode_kafka_offsets;
  ingest::detail::KafkaOffsets o{{{"logs", 1}, 98}, {{"logs", 0}, 120}, {{"a.b-c_d", 7}, 0}};
  const auto text = encode_kafka_offsets(o);
  BOOST_TEST(text == "a.b-c_d/7/0,logs/0/120,logs/1/98");
  BOOST_TEST((decode_kafka_offsets(text) == o));
  BOOST_TEST(decode_kafka_offsets("")->empty());
  for (const char* bad : {"logs/0", "logs/x/1", "logs/0/-1", "/0/1", "lo gs/0/1", "logs/0/1,",
                          "logs/0/1,,logs/1/2", "logs/-1/5", "12345:678"}) {
    BOOST_TEST_INFO(bad);
    BOOST_TEST(!decode_kafka_offsets(bad).has_value());
  }
}

BOOST_AUTO_TEST_CASE(kafka_options_validation_names_the_key) {
  auto msg = [](const ingest::SourceOptions& o) {
    return std::string{o.validate().message()};
  };
  auto o = kafka_options("127.0.0.1:9092");
  BOOST_TEST(o.validate().is_ok());
  o.brokers.clear();
  BOOST_TEST(msg(o).find("sources[k].brokers") != std::string::npos);
  o = kafka_options("127.0.0.1:9092");
  o.topics = {"ok", "not/ok"};
  BOOST_TEST(msg(o).find("sources[k].topics: 'not/ok'") != std::string::npos);
  o = kafka_options("127.0.0.1:9092");
  o.auto_offset_reset = "beginning";
  BOOST_TEST(msg(o).find("sources[k].auto_offset_reset") != std::string::npos);
  o = kafka_options("127.0.0.1:9092");
  o.session_timeout_ms = 10;
  BOOST_TEST(msg(o).find("sources[k].session_timeout_ms") != std::string::npos);
  o = kafka_options("127.0.0.1:9092");
  o.properties = {{"enable.auto.commit", "true"}};
  BOOST_TEST(msg(o).find("sources[k].properties.enable.auto.commit: set by the source")
             != std::string::npos);
  o.properties = {{"no.such.property", "1"}};
  BOOST_TEST(msg(o).find("sources[k].properties.no.such.property") != std::string::npos);
  o.properties = {{"security.protocol", "carrier-pigeon"}};
  BOOST_TEST(msg(o).find("sources[k].properties.security.protocol") != std::string::npos);
  o.properties = {{"security.protocol", "sasl_ssl"},
                  {"sasl.mechanisms", "SCRAM-SHA-512"},
                  {"sasl.username", "u"},
                  {"sasl.password", "p"}};
  BOOST_TEST(o.validate().is_ok());
}

// Fetches default to 4 MiB (not librdkafka's 50 MiB); sizing fetches, messages or the fetch
// queue in `properties` leaves the choice to the user and librdkafka.
BOOST_AUTO_TEST_CASE(kafka_fetch_size_defaults_to_4_mib_unless_properties_size_it) {
  using ingest::detail::kafka_consumer_property;
  std::string librdkafka_default(32, '\0');
  {
    rd_kafka_conf_t* conf = rd_kafka_conf_new();
    std::size_t size = librdkafka_default.size();
    BOOST_REQUIRE(rd_kafka_conf_get(conf, "fetch.max.bytes", librdkafka_default.data(), &size)
                  == RD_KAFKA_CONF_OK);
    librdkafka_default.resize(size - 1);
    rd_kafka_conf_destroy(conf);
  }
  BOOST_TEST(librdkafka_default != "4194304");
  auto o = kafka_options("127.0.0.1:9092");
  BOOST_TEST(kafka_consumer_property(o, "fetch.max.bytes").value_or("") == "4194304");
  o.properties = {{"fetch.max.bytes", "1048576"}};
  BOOST_TEST(kafka_consumer_property(o, "fetch.max.bytes").value_or("") == "1048576");
  for (const auto& [key, value] :
       std::vector<std::pair<std::string, std::string>>{{"message.max.bytes", "8388608"},
                                                        {"receive.message.max.bytes", "60000000"},
                                                        {"max.partition.fetch.bytes", "8388608"},
                                                        {"fetch.message.max.bytes", "8388608"},
                                                        {"queued.max.messages.kbytes", "2048"}}) {
    BOOST_TEST_INFO(key);
    o.properties = {{key, value}};
    BOOST_TEST(kafka_consumer_property(o, "fetch.max.bytes").value_or("") == librdkafka_default);
  }
  o.properties = {{"no.such.property", "1"}};
  BOOST_TEST(!kafka_consumer_property(o, "fetch.max.bytes").has_value());
}

// One consumer reads everything through a one-batch queue (so it is paused most of the
// time), a second resumes from a stored position with nothing committed, and once that one
// acknowledges, a third finds everything committed.
BOOST_AUTO_TEST_CASE(kafka_source_resumes_commits_and_applies_back_pressure) {
  MockCluster cluster;
  constexpr int kPerPartition = 5000;
  cluster.produce(kPerPartition);
  auto o = kafka_options(cluster.bootstraps());
  o.batch_records = 100;

  ingest::BatchQueue q(1);
  auto first = ingest::make_source(o, g_kafka_clock);
  BOOST_REQUIRE(first.has_value());
  BOOST_REQUIRE((*first)->start(q, "").is_ok());
  // Wait until the queue is full, then give the source time to run ahead if it would.
  wait_until([&] { return q.size() != 0; });
  std::this_thread::sleep_for(1s);
  const auto read_while_full = (*first)->counters().records.load();
  BOOST_TEST_MESSAGE("records read while the queue was full: " << read_while_full);
  // The batch in the queue, the held one, and at most one more fetched before the pause.
  BOOST_TEST(read_while_full <= 3 * o.batch_records);
  // Blocked for longer than the source waits before pausing (500 ms): the pause is counted.
  wait_until([&] { return (*first)->counters().pauses.load() != 0; });
  BOOST_TEST((*first)->counters().pauses.load() >= 1U);
  auto batches = collect_kafka(q, 2 * kPerPartition);
  check_records(batches, {{0, 0}, {1, 0}});
  BOOST_REQUIRE(!batches.empty());
  BOOST_TEST(batches.back().position == "t/0/5000,t/1/5000");
  (*first)->stop();  // nothing acknowledged: nothing committed

  // Resume from a stored position in the middle (as after a crash before any Kafka commit).
  const auto& mid = batches[batches.size() / 2].position;
  const auto stored = ingest::detail::decode_kafka_offsets(mid);
  BOOST_REQUIRE(stored.has_value());
  ingest::BatchQueue q2(1000);
  auto second = ingest::make_source(o, g_kafka_clock);
  BOOST_REQUIRE((*second)->start(q2, mid).is_ok());
  const auto rest = static_cast<std::size_t>(2 * kPerPartition - total(*stored));
  auto resumed = collect_kafka(q2, rest);
  check_records(resumed, {{0, stored->at({"t", 0})}, {1, stored->at({"t", 1})}});
  BOOST_REQUIRE(!resumed.empty());
  BOOST_TEST(resumed.back().position == "t/0/5000,t/1/5000");
  (*second)->acknowledge(resumed.back().position);
  std::this_thread::sleep_for(500ms);  // the consumer thread commits every 200 ms
  (*second)->stop();

  // Committed offsets now cover everything: a fresh member without a stored position reads
  // nothing (auto_offset_reset would restart at 0 if nothing were committed).
  ingest::BatchQueue q3(1000);
  auto third = ingest::make_source(o, g_kafka_clock);
  BOOST_REQUIRE((*third)->start(q3, "").is_ok());
  wait_until([&] { return (*third)->partition_lags().size() >= 2; });
  std::this_thread::sleep_for(500ms);
  const auto lags = (*third)->partition_lags();
  BOOST_REQUIRE(lags.size() == 2U);
  for (const auto& l : lags) {
    BOOST_TEST(l.topic == "t");
    BOOST_TEST(l.lag == 0);
  }
  BOOST_TEST(q3.size() == 0U);
  BOOST_TEST((*third)->counters().records.load() == 0U);
  (*third)->stop();
}

// librdkafka 2.0 stops fetching once the consumer queue holds queued.min.messages and, unless
// something wakes its broker thread, decides again only up to a second later. Here the
// records are stored in message sets of 500, a fetch brings one set per partition, and the
// threshold is 300: every fetch fills the queue, so reading 2 x 6,000 records would take a
// dozen such stalls. The source wakes the fetchers when the queue runs low while it lags.
BOOST_AUTO_TEST_CASE(kafka_source_wakes_fetchers_stopped_at_a_full_queue) {
  MockCluster cluster(500);
  constexpr int kPerPartition = 6000;
  cluster.produce(kPerPartition);
  auto o = kafka_options(cluster.bootstraps());
  o.batch_records = 200;
  o.properties = {{"queued.min.messages", "300"},
                  {"message.max.bytes", "4096"},
                  {"fetch.max.bytes", "8192"},
                  {"max.partition.fetch.bytes", "4096"}};
  ingest::BatchQueue q(1000);
  auto src = ingest::make_source(o, g_kafka_clock);
  BOOST_REQUIRE(src.has_value());
  const auto started = (*src)->start(q, "");
  BOOST_TEST_INFO(started.to_string());
  BOOST_REQUIRE(started.is_ok());
  auto batches = collect_kafka(q, 1);  // the group join and the first fetch
  BOOST_REQUIRE(!batches.empty());
  const auto t0 = std::chrono::steady_clock::now();
  auto rest = collect_kafka(q, 2 * kPerPartition - batches.front().records.size(), 30s);
  const auto took = std::chrono::steady_clock::now() - t0;
  batches.insert(batches.end(), rest.begin(), rest.end());
  check_records(batches, {{0, 0}, {1, 0}});
  BOOST_REQUIRE(!batches.empty());
  BOOST_TEST(batches.back().position == "t/0/6000,t/1/6000");
  const auto wakeups = (*src)->counters().fetch_wakeups.load();
  BOOST_TEST_MESSAGE(
      "read in " << std::chrono::duration_cast<std::chrono::milliseconds>(took).count()
                 << " ms with " << wakeups << " wake-ups");
  BOOST_TEST(wakeups > 0U);
  // Without the wake-ups this takes ~1 s per fetch (11.0 s measured with them disabled,
  // against 1.1 s).
  BOOST_TEST(took < 6s);
  (*src)->stop();
}
