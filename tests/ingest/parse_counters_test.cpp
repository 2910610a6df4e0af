// ingest::ParseCounters: the per-source, per-format normalization counters behind /metrics.
// Part of the ingest_test executable (the module is declared in ingest_test.cpp).
#include "siem/ingest/parse_counters.hpp"

#include "siem/core/event.hpp"
#include "siem/ingest/peer_health.hpp"

#include "alloc_counter.hpp"
#include <boost/test/unit_test.hpp>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

using siem::core::Event;
using siem::ingest::ParseCounters;
using siem::test::g_allocations;

namespace {

auto parsed(std::string_view dataset) -> Event {
  Event ev;
  ev.set("event.kind", "event");
  ev.set("event.dataset", dataset);
  return ev;
}

auto unparsed(std::string_view reason) -> Event {
  Event ev;
  ev.set("event.kind", "unparsed");
  ev.set("event.original", "whatever");
  ev.set("error.message", reason);
  return ev;
}

auto two_sources() -> std::vector<siem::ingest::ParseCounterSource> {
  return {{"fw", "auto"}, {"ids", "suricata/eve"}};
}

}  // namespace

BOOST_AUTO_TEST_SUITE(parse_counters)

BOOST_AUTO_TEST_CASE(metrics_text_per_source_format_reason_and_dataset) {
  ParseCounters c(two_sources());
  BOOST_TEST(c.row("fw") == 0U);
  BOOST_TEST(c.row("ids") == 1U);
  BOOST_TEST(c.row("gone") == c.unconfigured_row());
  const auto fw = c.row("fw");
  const auto ids = c.row("ids");
  c.count(fw, parsed("openssh.sshd"));
  c.count(fw, parsed("openssh.sshd"));
  c.count(fw, unparsed("unrecognized format"));
  c.count(fw, parsed("fortinet.fortigate"));
  c.count(ids, unparsed("not a JSON object"));
  Event bare;  // neither kind nor dataset: a parsed event of unknown dataset
  c.count(ids, bare);
  Event no_reason;
  no_reason.set("event.kind", "unparsed");
  c.count(ids, no_reason);
  BOOST_TEST(c.events(fw) == 4U);
  BOOST_TEST(c.events(ids) == 3U);

  const std::string expected =
      "# HELP siem_source_events_total Records normalized per source since start, parsed or "
      "not.\n"
      "# TYPE siem_source_events_total counter\n"
      "siem_source_events_total{source=\"fw\",format=\"auto\"} 4\n"
      "siem_source_events_total{source=\"ids\",format=\"suricata/eve\"} 3\n"
      "# HELP siem_source_unparsed_events_total Records that became event.kind unparsed, per "
      "source and reason, since start.\n"
      "# TYPE siem_source_unparsed_events_total counter\n"
      "siem_source_unparsed_events_total{source=\"fw\",format=\"auto\",reason=\"unrecognized "
      "format\"} 1\n"
      "siem_source_unparsed_events_total{source=\"ids\",format=\"suricata/eve\",reason=\"not a "
      "JSON object\"} 1\n"
      "siem_source_unparsed_events_total{source=\"ids\",format=\"suricata/eve\",reason="
      "\"unknown\"} 1\n"
      "# HELP siem_source_parsed_events_total Parsed events per source and event.dataset, since "
      "start.\n"
      "# TYPE siem_source_parsed_events_total counter\n"
      "siem_source_parsed_events_total{source=\"fw\",format=\"auto\",dataset=\"openssh.sshd\"} 2\n"
      "siem_source_parsed_events_total{source=\"fw\",format=\"auto\",dataset=\"fortinet."
      "fortigate\"} 1\n"
      "siem_source_parsed_events_total{source=\"ids\",format=\"suricata/eve\",dataset="
      "\"unknown\"} 1\n";
  BOOST_TEST(c.metrics_text() == expected);
}

BOOST_AUTO_TEST_CASE(configured_sources_start_at_zero_unconfigured_appears_when_used) {
  ParseCounters c(two_sources());
  auto text = c.metrics_text();
  BOOST_TEST(text.find("siem_source_events_total{source=\"fw\",format=\"auto\"} 0\n")
             != std::string::npos);
  BOOST_TEST(text.find("(unconfigured)") == std::string::npos);
  BOOST_TEST(text.find("siem_source_unparsed_events_total{") == std::string::npos);
  c.count(c.row("removed-source"), unparsed("empty line"));
  text = c.metrics_text();
  BOOST_TEST(text.find("siem_source_events_total{source=\"(unconfigured)\",format=\"auto\"} 1\n")
             != std::string::npos);
  BOOST_TEST(text.find("siem_source_unparsed_events_total{source=\"(unconfigured)\",format="
                       "\"auto\",reason=\"empty line\"} 1\n")
             != std::string::npos);
}

BOOST_AUTO_TEST_CASE(reasons_beyond_the_cap_fold_into_other) {
  ParseCounters c(std::vector<siem::ingest::ParseCounterSource>{{"fw", "auto"}});
  for (std::size_t i = 0; i < ParseCounters::kMaxReasons + 8; ++i) {
    c.count_unparsed(0, "reason " + std::to_string(i));
  }
  c.count_unparsed(0, "reason 0");  // known values keep their own series after the cap
  c.count_unparsed(0, "reason 99");
  const auto text = c.metrics_text();
  BOOST_TEST(text.find("reason=\"reason 0\"} 2\n") != std::string::npos);
  BOOST_TEST(text.find("reason=\"reason 31\"} 1\n") != std::string::npos);
  BOOST_TEST(text.find("reason=\"reason 32\"") == std::string::npos);
  BOOST_TEST(text.find("reason=\"other\"} 9\n") != std::string::npos);
  std::size_t series = 0;
  for (auto p = text.find("siem_source_unparsed_events_total{"); p != std::string::npos;
       p = text.find("siem_source_unparsed_events_total{", p + 1)) {
    ++series;
  }
  BOOST_TEST(series == ParseCounters::kMaxReasons + 1);
  BOOST_TEST(c.events(0) == ParseCounters::kMaxReasons + 10);

  for (std::size_t i = 0; i < ParseCounters::kMaxDatasets + 1; ++i) {
    c.count_parsed(0, "ds" + std::to_string(i));
  }
  BOOST_TEST(c.metrics_text().find("dataset=\"other\"} 1\n") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(label_values_are_escaped_cut_and_ascii) {
  ParseCounters c(std::vector<siem::ingest::ParseCounterSource>{{"fw", "auto"}});
  c.count_unparsed(0, "no Topsec id=tos / id=\"");
  c.count_unparsed(0, "back\\slash\nnew line");
  c.count_unparsed(0, "caf\xC3\xA9\t\x01");
  c.count_unparsed(0, std::string(300, 'x'));
  c.count_unparsed(0, std::string(200, 'x'));  // the same once cut: one series
  const auto text = c.metrics_text();
  BOOST_TEST(text.find("reason=\"no Topsec id=tos / id=\\\"\"} 1\n") != std::string::npos);
  // A newline is not printable ASCII: it becomes '?' before escaping is needed.
  BOOST_TEST(text.find("reason=\"back\\\\slash?new line\"} 1\n") != std::string::npos);
  BOOST_TEST(text.find("reason=\"caf????\"} 1\n") != std::string::npos);
  BOOST_TEST(text.find("reason=\"" + std::string(128, 'x') + "\"} 2\n") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(counting_allocates_nothing) {
  ParseCounters c(two_sources());
  std::vector<Event> events;
  for (int i = 0; i < 40; ++i) {
    events.push_back(
        unparsed("a reason that is longer than the small string buffer #" + std::to_string(i)));
    events.push_back(parsed("a.dataset.name.longer.than.sso." + std::to_string(i)));
  }
  const auto before = g_allocations.load();
  // First sight of every value (interning) and steady state alike.
  for (int round = 0; round < 20; ++round) {
    for (const auto& ev : events) {
      c.count(static_cast<std::size_t>(round % 3), ev);
    }
  }
  BOOST_TEST(g_allocations.load() - before == 0U);
  BOOST_TEST(c.events(c.unconfigured_row()) == 6U * 80U);
}

BOOST_AUTO_TEST_CASE(scrapes_run_concurrently_with_counting) {
  ParseCounters c(two_sources());
  std::atomic<bool> done{false};
  std::atomic<int> bad_scrapes{0};
  std::thread scraper([&] {  // Boost.Test assertions are not thread-safe: count instead
    while (!done.load()) {
      const auto text = c.metrics_text();
      if (text.find("# TYPE siem_source_parsed_events_total counter") == std::string::npos) {
        bad_scrapes.fetch_add(1);
      }
    }
  });
  for (int i = 0; i < 20000; ++i) {
    c.count_parsed(0, "ds" + std::to_string(i % 50));
    c.count_unparsed(1, "r" + std::to_string(i % 40));
  }
  done = true;
  scraper.join();
  BOOST_TEST(bad_scrapes.load() == 0);
  BOOST_TEST(c.events(0) == 20000U);
  const auto text = c.metrics_text();
  BOOST_TEST(text.find("source=\"ids\",format=\"suricata/eve\",reason=\"other\"} 4000\n")
             != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()

// Per sending host: the port is dropped (a TCP sender gets a new one per connection), runs
// add up, empty peers are not counted, and hosts past the cap per source fold into "other".
BOOST_AUTO_TEST_CASE(peer_health_per_host_with_a_cap) {
  using siem::ingest::PeerHealth;
  BOOST_TEST(PeerHealth::host_of("10.0.0.1:514") == "10.0.0.1");
  BOOST_TEST(PeerHealth::host_of("[2001:db8::1]:6514") == "2001:db8::1");
  BOOST_TEST(PeerHealth::host_of("2001:db8::1") == "2001:db8::1");
  BOOST_TEST(PeerHealth::host_of("fw.example") == "fw.example");
  PeerHealth h;
  h.add("fw", "10.0.0.1:40001", 5, 1, 1'000'000);
  h.add("fw", "10.0.0.1:40002", 3, 0, 2'000'000);
  h.add("fw", "", 7, 7, 3'000'000);  // a file or Kafka record: no peer
  const auto r = h.row("fw", "10.0.0.1");
  BOOST_TEST(r.records == 8U);
  BOOST_TEST(r.unparsed == 1U);
  BOOST_TEST(r.last_seen == 2'000'000);
  for (std::size_t i = 0; i < PeerHealth::kMaxPeers + 10; ++i) {
    h.add("many", "192.0.2." + std::to_string(i) + ":514", 1, 0, 1000);
  }
  BOOST_TEST(h.row("many", "other").records == 10U);
  BOOST_TEST(h.row("many", "192.0.2.0").records == 1U);
  const auto m = h.metrics_text();
  BOOST_TEST(m.find("siem_peer_records_total{source=\"fw\",peer=\"10.0.0.1\"} 8\n")
             != std::string::npos);
  BOOST_TEST(m.find("siem_peer_unparsed_total{source=\"fw\",peer=\"10.0.0.1\"} 1\n")
             != std::string::npos);
  BOOST_TEST(m.find("siem_peer_last_seen_seconds{source=\"fw\",peer=\"10.0.0.1\"} 2000\n")
             != std::string::npos);
  BOOST_TEST(m.find("peer=\"\"") == std::string::npos);
}
