#define BOOST_TEST_MODULE correlate
#include "siem/correlate/correlate.hpp"

#include "siem/core/ids.hpp"
#include "siem/core/time.hpp"

#include <boost/test/unit_test.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdint>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace core = siem::core;
namespace cor = siem::correlate;

namespace siem::core {
// Lets BOOST_TEST print status codes in failure messages (found by ADL).
inline auto boost_test_print_type(std::ostream& os, StatusCode code) -> std::ostream& {
  return os << to_string(code);
}
}  // namespace siem::core

namespace {

constexpr std::string_view kEngagement = "acme";
constexpr core::TimeMs kT0 = 1'795'000'000'000;  // 2026-11-18
const std::string kRules = std::string{SIEM_SOURCE_DIR} + "/tests/correlate/rules";

auto ssh(std::uint64_t seq, core::TimeMs t, std::string_view ip, std::string_view outcome,
         std::string_view user = "root", std::string_view host = "web01") -> core::Event {
  core::Event ev;
  ev.set("process.name", "sshd");
  ev.set("event.category", "authentication");
  ev.set("event.outcome", outcome);
  ev.set("source.ip", ip);
  ev.set("user.name", user);
  ev.set("host.hostname", host);
  ev.set("destination.ip", "10.0.0.5");
  ev.timestamp = t;
  ev.ref = std::string{kEngagement} + ":" + std::to_string(seq);
  ev.raw_hash = "hash" + std::to_string(seq);
  return ev;
}

/// `n` failures from `ip`, one every `step_ms`, ledger seqs from `first_seq`.
auto failures(std::size_t n, std::uint64_t first_seq, core::TimeMs start, core::TimeMs step_ms,
              std::string_view ip = "203.0.113.7") -> std::vector<core::Event> {
  std::vector<core::Event> v;
  for (std::size_t i = 0; i < n; ++i) {
    v.push_back(ssh(first_seq + i, start + static_cast<core::TimeMs>(i) * step_ms, ip, "failure"));
  }
  return v;
}

struct Fixture {
  core::ManualClock clock{kT0 + 3'600'000};
  cor::Correlator correlator{cor::builtin_rules(), clock};
  cor::CorrelationOutput out;

  void feed(const std::vector<core::Event>& events) {
    out.clear();
    correlator.process_batch(kEngagement, events, out);
  }
};

auto contains(const std::vector<std::string>& v, std::string_view s) -> bool {
  return std::find(v.begin(), v.end(), s) != v.end();
}

}  // namespace

BOOST_AUTO_TEST_SUITE(brute_force)

BOOST_FIXTURE_TEST_CASE(does_not_fire_at_nine_failures, Fixture) {
  feed(failures(9, 1, kT0, 1'000));
  BOOST_TEST(out.alerts.empty());
  BOOST_TEST(out.incidents.empty());
  BOOST_TEST(correlator.open_incidents() == 0U);
}

BOOST_FIXTURE_TEST_CASE(fires_at_tenth_failure_with_full_record, Fixture) {
  auto events = failures(10, 1, kT0, 1'000);
  feed({events.begin(), events.begin() + 9});
  BOOST_TEST(out.alerts.empty());
  feed({events.begin() + 9, events.end()});
  BOOST_TEST_REQUIRE(out.alerts.size() == 1U);
  BOOST_TEST_REQUIRE(out.incidents.size() == 1U);
  BOOST_TEST(correlator.open_incidents() == 1U);

  const auto& alert = out.alerts[0];
  const auto& inc = out.incidents[0];
  BOOST_TEST(alert.rule_id == "siem.builtin.ssh_bruteforce");
  BOOST_TEST(alert.rule_name == "SSH brute force");
  BOOST_TEST(alert.event_ref == "acme:10");
  BOOST_TEST(alert.raw_ref == "acme:10");
  BOOST_TEST(alert.incident_id == inc.id);
  BOOST_TEST(alert.time == kT0 + 9'000);
  BOOST_TEST(alert.source_ip == "203.0.113.7");
  BOOST_TEST(alert.severity == "medium");

  BOOST_TEST(inc.id == core::incident_id("acme", "siem.builtin.ssh_bruteforce", "203.0.113.7", 1));
  BOOST_TEST(inc.version == 1);
  BOOST_TEST(inc.engagement == "acme");
  BOOST_TEST(inc.title == "SSH brute force from 203.0.113.7");
  BOOST_TEST(inc.category == "NAI");
  BOOST_TEST(inc.subcategory == "NAI.ONAI");
  BOOST_TEST(inc.level == "IV");
  BOOST_TEST(!inc.level_basis.empty());
  BOOST_TEST(inc.status == "new");
  BOOST_TEST(inc.determination == "suspected");
  BOOST_TEST(inc.cause.vector == "network");
  BOOST_TEST(inc.cause.techniques == std::vector<std::string>{"T1110.001"});
  BOOST_TEST(inc.cause.actors == std::vector<std::string>{"203.0.113.7"});
  BOOST_TEST(inc.cause.confidence == "medium");
  BOOST_TEST_REQUIRE(inc.sequence.size() == 10U);
  BOOST_TEST(inc.sequence[0].description == "Failed SSH login for root from 203.0.113.7 on web01");
  BOOST_TEST(inc.sequence[0].event_ref == "acme:1");
  BOOST_TEST(inc.sequence[0].raw_ref == "acme:1");
  BOOST_TEST(inc.sequence[0].asset == "web01");
  BOOST_TEST(inc.sequence[0].actor == "203.0.113.7");
  BOOST_TEST(inc.sequence[9].time == kT0 + 9'000);
  BOOST_TEST_REQUIRE(inc.impact.assets.size() == 1U);
  BOOST_TEST(inc.impact.assets[0].host == "web01");
  BOOST_TEST(inc.impact.assets[0].ip == "10.0.0.5");
  BOOST_TEST(inc.impact.assets[0].user == "root");
  BOOST_TEST(inc.impact.records_affected == 0);
  BOOST_TEST(inc.resolution.summary.empty());
  BOOST_TEST(inc.resolution.actions.empty());
  BOOST_TEST(inc.resolution.recommendations.empty());
  BOOST_TEST(inc.times.first_seen == kT0);
  BOOST_TEST(inc.times.last_seen == kT0 + 9'000);
  BOOST_TEST(inc.times.detected_at == clock.now_ms());
  BOOST_TEST(inc.created_at == clock.now_ms());
  BOOST_TEST(inc.modified_at == clock.now_ms());
  BOOST_TEST(inc.detection_methods == std::vector<std::string>{"log-analysis"});
  BOOST_TEST_REQUIRE(inc.sources.size() == 1U);
  BOOST_TEST(inc.sources[0].vendor == "OpenSSH");
  BOOST_TEST(inc.sources[0].product == "sshd");
  BOOST_TEST(inc.rules == std::vector<std::string>{"siem.builtin.ssh_bruteforce"});
  BOOST_TEST(inc.alerts == std::vector<std::string>{alert.id});
  BOOST_TEST(contains(inc.observables, "ipv4-addr:203.0.113.7"));
  BOOST_TEST(contains(inc.observables, "user-account:root"));
  BOOST_TEST_REQUIRE(inc.evidence.size() == 10U);
  BOOST_TEST(inc.evidence[0].raw_ref == "acme:1");
  BOOST_TEST(inc.evidence[0].hash == "hash1");
  BOOST_TEST(inc.handlers.empty());
  // The record serializes to valid JSON.
  BOOST_TEST(nlohmann::json::accept(inc.to_json()));
}

BOOST_FIXTURE_TEST_CASE(does_not_fire_when_ten_failures_span_more_than_window, Fixture) {
  // 9 intervals of 7 s = 63 s > 60 s; keep going: never 10 within 60 s.
  feed(failures(30, 1, kT0, 7'000));
  BOOST_TEST(out.alerts.empty());
  BOOST_TEST(out.incidents.empty());
}

BOOST_FIXTURE_TEST_CASE(window_bound_is_inclusive, Fixture) {
  auto events = failures(9, 1, kT0, 1'000);
  events.push_back(ssh(10, kT0 + 60'000, "203.0.113.7", "failure"));
  feed(events);
  BOOST_TEST(out.alerts.size() == 1U);
}

BOOST_FIXTURE_TEST_CASE(uses_observer_and_clock_fallback, Fixture) {
  auto events = failures(10, 1, kT0, 100);
  for (auto& ev : events) {
    ev.set("observer.vendor", "Huawei");
    ev.set("observer.product", "USG6000");
  }
  events[9].timestamp.reset();  // falls back to clock.now_ms()
  clock.set(kT0 + 950);
  feed(events);
  BOOST_TEST_REQUIRE(out.incidents.size() == 1U);
  BOOST_TEST(out.incidents[0].sources[0].vendor == "Huawei");
  BOOST_TEST(out.incidents[0].sources[0].product == "USG6000");
  BOOST_TEST(out.incidents[0].times.last_seen == clock.now_ms());
}

BOOST_FIXTURE_TEST_CASE(extends_same_incident_with_aggregated_step, Fixture) {
  feed(failures(10, 1, kT0, 1'000));
  BOOST_TEST_REQUIRE(out.incidents.size() == 1U);
  const auto id = out.incidents[0].id;

  clock.advance(5'000);
  feed(failures(5, 11, kT0 + 10'000, 1'000));
  BOOST_TEST(out.alerts.empty());
  BOOST_TEST_REQUIRE(out.incidents.size() == 1U);
  {
    const auto& inc = out.incidents[0];
    BOOST_TEST(inc.id == id);
    BOOST_TEST(inc.version == 2);
    BOOST_TEST(inc.modified_at == clock.now_ms());
    BOOST_TEST(inc.created_at == kT0 + 3'600'000);
    BOOST_TEST_REQUIRE(inc.sequence.size() == 11U);
    const auto& step = inc.sequence.back();
    BOOST_TEST(step.count == 5);
    BOOST_TEST(step.event_ref == "acme:11");
    BOOST_TEST(step.last_event_ref == "acme:15");
    BOOST_TEST(step.last_raw_ref == "acme:15");
    BOOST_TEST(step.time == kT0 + 10'000);
    BOOST_TEST(step.last_time == kT0 + 14'000);
    BOOST_TEST(step.description.find("5 further failed SSH logins from 203.0.113.7") == 0U);
    BOOST_TEST(inc.times.last_seen == kT0 + 14'000);
    BOOST_TEST(inc.evidence.size() == 15U);
  }

  // 1000 more attempts, fed in 10 calls: the record stays small.
  for (int call = 0; call < 10; ++call) {
    feed(failures(100, 16 + static_cast<std::uint64_t>(call) * 100, kT0 + 15'000 + call * 100'000,
                  1'000));
  }
  BOOST_TEST_REQUIRE(out.incidents.size() == 1U);
  const auto& inc = out.incidents[0];
  BOOST_TEST(inc.id == id);
  BOOST_TEST(inc.version == 12);
  BOOST_TEST(inc.sequence.size() == 11U);
  BOOST_TEST(inc.sequence.back().count == 1005);
  BOOST_TEST(inc.sequence.back().last_event_ref == "acme:1015");
  BOOST_TEST(inc.evidence.size() == 1000U);
  BOOST_TEST(inc.summary.find("Evidence lists the first 1000 raw records") != std::string::npos);
  BOOST_TEST(inc.impact.assets.size() == 1U);
  BOOST_TEST(correlator.open_incidents() == 1U);
}

BOOST_FIXTURE_TEST_CASE(one_version_per_call, Fixture) {
  // Fires and is extended within one call: emitted once, version 1.
  feed(failures(25, 1, kT0, 1'000));
  BOOST_TEST(out.alerts.size() == 1U);
  BOOST_TEST_REQUIRE(out.incidents.size() == 1U);
  BOOST_TEST(out.incidents[0].version == 1);
  BOOST_TEST(out.incidents[0].sequence.size() == 11U);
  BOOST_TEST(out.incidents[0].sequence.back().count == 15);
  // A call with nothing relevant emits nothing.
  feed({});
  BOOST_TEST(out.incidents.empty());
}

BOOST_FIXTURE_TEST_CASE(success_raises_level_and_alerts, Fixture) {
  feed(failures(12, 1, kT0, 1'000));
  const auto id = out.incidents.at(0).id;
  feed({ssh(13, kT0 + 20'000, "203.0.113.7", "success", "admin", "web02")});
  BOOST_TEST_REQUIRE(out.alerts.size() == 1U);
  BOOST_TEST_REQUIRE(out.incidents.size() == 1U);
  const auto& alert = out.alerts[0];
  const auto& inc = out.incidents[0];
  BOOST_TEST(alert.rule_id == "siem.builtin.ssh_bruteforce.success");
  BOOST_TEST(alert.severity == "high");
  BOOST_TEST(alert.incident_id == id);
  BOOST_TEST(alert.user_name == "admin");
  BOOST_TEST(inc.id == id);
  BOOST_TEST(inc.version == 2);
  BOOST_TEST(inc.level == "III");
  BOOST_TEST(inc.level_basis.find("successful SSH login as admin") != std::string::npos);
  BOOST_TEST(inc.cause.confidence == "high");
  BOOST_TEST(contains(inc.cause.techniques, "T1078"));
  BOOST_TEST(contains(inc.cause.techniques, "T1110.001"));
  BOOST_TEST(inc.impact.confidentiality == "high");
  BOOST_TEST(inc.alerts.size() == 2U);
  BOOST_TEST(contains(inc.rules, "siem.builtin.ssh_bruteforce.success"));
  BOOST_TEST(contains(inc.observables, "user-account:admin"));
  BOOST_TEST(inc.impact.assets.size() == 2U);
  BOOST_TEST(inc.sequence.back().description
             == "Successful SSH login as admin from 203.0.113.7 on web02 after 12 failed attempts");
  BOOST_TEST(inc.sequence.back().event_ref == "acme:13");

  // Failures after the success start a new aggregated step after it; a second success for
  // the same user adds a step but no second alert.
  feed(failures(3, 14, kT0 + 21'000, 1'000));
  BOOST_TEST_REQUIRE(out.incidents.size() == 1U);
  BOOST_TEST(out.incidents[0].sequence.size() == 13U);
  BOOST_TEST(out.incidents[0].sequence.back().count == 3);
  feed({ssh(17, kT0 + 30'000, "203.0.113.7", "success", "admin", "web02")});
  BOOST_TEST(out.alerts.empty());
  BOOST_TEST(out.incidents.at(0).sequence.size() == 14U);
}

BOOST_FIXTURE_TEST_CASE(success_without_incident_does_nothing, Fixture) {
  auto events = failures(5, 1, kT0, 1'000);
  events.push_back(ssh(6, kT0 + 6'000, "203.0.113.7", "success"));
  events.push_back(ssh(7, kT0 + 6'000, "198.51.100.1", "success"));
  feed(events);
  BOOST_TEST(out.alerts.empty());
  BOOST_TEST(out.incidents.empty());
  BOOST_TEST(correlator.open_incidents() == 0U);
}

BOOST_FIXTURE_TEST_CASE(two_attackers_two_incidents, Fixture) {
  std::vector<core::Event> events;
  for (std::uint64_t i = 0; i < 10; ++i) {
    const auto t = kT0 + static_cast<core::TimeMs>(i) * 1'000;
    events.push_back(ssh(2 * i + 1, t, "203.0.113.7", "failure"));
    events.push_back(ssh(2 * i + 2, t, "2001:db8::66", "failure", "oracle"));
  }
  feed(events);
  BOOST_TEST(out.alerts.size() == 2U);
  BOOST_TEST_REQUIRE(out.incidents.size() == 2U);
  BOOST_TEST(out.incidents[0].id != out.incidents[1].id);
  BOOST_TEST(out.incidents[0].title == "SSH brute force from 203.0.113.7");
  BOOST_TEST(out.incidents[1].title == "SSH brute force from 2001:db8::66");
  BOOST_TEST(contains(out.incidents[1].observables, "ipv6-addr:2001:db8::66"));
  BOOST_TEST(out.incidents[1].id
             == core::incident_id("acme", "siem.builtin.ssh_bruteforce", "2001:db8::66", 2));
  BOOST_TEST(correlator.open_incidents() == 2U);
}

BOOST_FIXTURE_TEST_CASE(idle_close_opens_new_incident, Fixture) {
  feed(failures(10, 1, kT0, 1'000));
  const auto first_id = out.incidents.at(0).id;
  // More than idle_close (1 h) after last_seen: the old incident is not extended; a burst of
  // 9 does not fire, the 10th opens a new incident.
  const auto later = kT0 + 9'000 + 3'600'001;
  feed(failures(9, 100, later, 1'000));
  BOOST_TEST(out.incidents.empty());
  BOOST_TEST(out.alerts.empty());
  BOOST_TEST(correlator.open_incidents() == 0U);
  feed(failures(1, 109, later + 9'000, 1'000));
  BOOST_TEST_REQUIRE(out.incidents.size() == 1U);
  BOOST_TEST(out.incidents[0].id != first_id);
  BOOST_TEST(out.incidents[0].id
             == core::incident_id("acme", "siem.builtin.ssh_bruteforce", "203.0.113.7", 100));
  BOOST_TEST(out.incidents[0].version == 1);
}

BOOST_FIXTURE_TEST_CASE(idle_close_and_refire_within_one_call, Fixture) {
  auto events = failures(12, 1, kT0, 1'000);
  auto later = failures(10, 13, kT0 + 2 * 3'600'000, 1'000);
  events.insert(events.end(), later.begin(), later.end());
  feed(events);
  BOOST_TEST(out.alerts.size() == 2U);
  BOOST_TEST_REQUIRE(out.incidents.size() == 2U);
  BOOST_TEST(out.incidents[0].id != out.incidents[1].id);
  BOOST_TEST(out.incidents[0].version == 1);
  BOOST_TEST(out.incidents[0].sequence.back().count == 2);
  BOOST_TEST(out.incidents[1].version == 1);
  BOOST_TEST(correlator.open_incidents() == 1U);
}

BOOST_FIXTURE_TEST_CASE(parser_companion_events_do_not_count, Fixture) {
  // One attempt as siem::parsers reports it: "Invalid user", PAM failure, "Failed password".
  std::vector<core::Event> events;
  std::uint64_t seq = 0;
  for (int i = 0; i < 9; ++i) {
    for (const auto* action : {"invalid_user", "pam_authentication_failure", "ssh_login"}) {
      auto ev = ssh(++seq, kT0 + i * 1'000, "203.0.113.7", "failure");
      ev.set("event.action", action);
      events.push_back(std::move(ev));
    }
  }
  auto last = ssh(++seq, kT0 + 9'000, "203.0.113.7", "failure");
  last.set("event.action", "max_attempts_exceeded");
  events.push_back(last);
  feed(events);
  BOOST_TEST(out.alerts.empty());
  last.set("event.action", "ssh_login");
  last.ref = "acme:" + std::to_string(++seq);
  feed({last});
  BOOST_TEST(out.alerts.size() == 1U);
}

BOOST_FIXTURE_TEST_CASE(gap_within_idle_close_extends, Fixture) {
  feed(failures(10, 1, kT0, 1'000));
  feed(failures(1, 11, kT0 + 9'000 + 3'600'000, 1'000));
  BOOST_TEST_REQUIRE(out.incidents.size() == 1U);
  BOOST_TEST(out.incidents[0].version == 2);
}

BOOST_FIXTURE_TEST_CASE(ignores_unrelated_events, Fixture) {
  auto events = failures(10, 1, kT0, 1'000);
  for (auto& ev : events) {
    ev.erase("source.ip");
  }
  auto other = failures(10, 11, kT0, 1'000);
  for (auto& ev : other) {
    ev.set("process.name", "sudo");
  }
  events.insert(events.end(), other.begin(), other.end());
  auto wrong_category = failures(10, 21, kT0, 1'000);
  for (auto& ev : wrong_category) {
    ev.set("event.category", "process");
  }
  events.insert(events.end(), wrong_category.begin(), wrong_category.end());
  feed(events);
  BOOST_TEST(out.alerts.empty());
  BOOST_TEST(out.incidents.empty());
  BOOST_TEST(correlator.tracked_sources() == 0U);
}

BOOST_FIXTURE_TEST_CASE(engagements_are_separate, Fixture) {
  auto events = failures(5, 1, kT0, 1'000);
  out.clear();
  correlator.process_batch("acme", events, out);
  correlator.process_batch("globex", failures(5, 6, kT0 + 5'000, 1'000), out);
  BOOST_TEST(out.alerts.empty());
  correlator.process_batch("acme", failures(5, 11, kT0 + 5'000, 1'000), out);
  BOOST_TEST_REQUIRE(out.incidents.size() == 1U);
  BOOST_TEST(out.incidents[0].engagement == "acme");
}

BOOST_AUTO_TEST_CASE(deterministic_across_instances) {
  std::vector<core::Event> events = failures(15, 1, kT0, 1'000);
  events.push_back(ssh(16, kT0 + 16'000, "203.0.113.7", "success"));
  auto more = failures(10, 17, kT0, 500, "198.51.100.23");
  events.insert(events.end(), more.begin(), more.end());

  auto run = [&] {
    core::ManualClock clock{kT0 + 60'000};
    cor::Correlator c{cor::builtin_rules(), clock};
    cor::CorrelationOutput out;
    c.process_batch(kEngagement, std::span{events}.first(12), out);
    clock.advance(1'000);
    c.process_batch(kEngagement, std::span{events}.subspan(12), out);
    std::string text;
    for (const auto& a : out.alerts) {
      text += a.to_json() + "\n";
    }
    for (const auto& i : out.incidents) {
      text += i.to_json() + "\n";
    }
    return std::make_pair(text, out.alerts.size());
  };
  const auto a = run();
  const auto b = run();
  BOOST_TEST(a.second == 3U);
  BOOST_TEST(a.first == b.first);
}

BOOST_FIXTURE_TEST_CASE(memory_is_bounded, Fixture) {
  // 20k scanning sources with one failure each, then time moves on: their windows are pruned.
  std::vector<core::Event> events;
  for (std::uint64_t i = 0; i < 20'000; ++i) {
    events.push_back(ssh(
        i + 1, kT0, "10.1." + std::to_string(i / 256) + "." + std::to_string(i % 256), "failure"));
  }
  feed(events);
  BOOST_TEST(correlator.tracked_sources() == 20'000U);
  feed(failures(20'001, 30'000, kT0 + 120'000, 0, "192.0.2.1"));
  BOOST_TEST(correlator.tracked_sources() == 1U);
  BOOST_TEST(correlator.open_incidents() == 1U);
  BOOST_TEST(out.incidents.at(0).sequence.size() == 11U);
}

BOOST_AUTO_TEST_CASE(alert_json_shape) {
  cor::Alert a;
  a.id = "id1";
  a.rule_id = "r";
  a.rule_name = "R";
  a.engagement = "acme";
  a.time = kT0;
  a.source_ip = "203.0.113.7";
  const auto j = nlohmann::json::parse(a.to_json());
  BOOST_TEST(j["type"] == "alert");
  BOOST_TEST(j["rule"]["id"] == "r");
  BOOST_TEST(j["rule"]["name"] == "R");
  BOOST_TEST(j["time"] == core::format_rfc3339(kT0));
  BOOST_TEST(j["source"]["ip"] == "203.0.113.7");
  BOOST_TEST(j["user"]["name"].is_null());
  BOOST_TEST(j["incident_id"].is_null());
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(rules)

BOOST_AUTO_TEST_CASE(builtin_defaults) {
  const auto set = cor::builtin_rules();
  BOOST_TEST(set.ssh_bruteforce);
  BOOST_TEST(set.brute_force.threshold == 10);
  BOOST_TEST(set.brute_force.window_ms == 60'000);
  BOOST_TEST(set.brute_force.idle_close_ms == 3'600'000);
  BOOST_TEST(set.validate().is_ok());
  BOOST_TEST_REQUIRE(set.rules.size() == 1U);
  BOOST_TEST(set.rules[0].type == "builtin/ssh_bruteforce");
}

BOOST_AUTO_TEST_CASE(options_validate) {
  cor::BruteForceOptions o;
  BOOST_TEST(o.validate().is_ok());
  o.threshold = 0;
  BOOST_TEST(o.validate().code() == core::StatusCode::invalid_argument);
  o.threshold = cor::kMaxBruteForceThreshold + 1;
  BOOST_TEST(!o.validate().is_ok());
  o = {};
  o.window_ms = 0;
  BOOST_TEST(!o.validate().is_ok());
  o = {};
  o.idle_close_ms = -1;
  BOOST_TEST(!o.validate().is_ok());
  o = {};
  o.rule_id.clear();
  BOOST_TEST(!o.validate().is_ok());
}

BOOST_AUTO_TEST_CASE(loads_valid_file) {
  auto set = cor::load_rules(kRules + "/valid.yml");
  BOOST_TEST_REQUIRE(set.has_value(), set.error().to_string());
  BOOST_TEST(set->ssh_bruteforce);
  BOOST_TEST(set->brute_force.rule_id == "acme.ssh_bruteforce");
  BOOST_TEST(set->brute_force.rule_name == "SSH brute force (tuned)");
  BOOST_TEST(set->brute_force.threshold == 5);
  BOOST_TEST(set->brute_force.window_ms == 30'000);
  BOOST_TEST(set->brute_force.idle_close_ms == 600'000);
  BOOST_TEST_REQUIRE(set->rules.size() == 1U);
  BOOST_TEST(set->rules[0].file == kRules + "/valid.yml");

  // The loaded options drive the correlator: 5 failures within 30 s fire.
  core::ManualClock clock{kT0};
  cor::Correlator c{std::move(set).value(), clock};
  cor::CorrelationOutput out;
  c.process_batch(kEngagement, failures(5, 1, kT0, 1'000), out);
  BOOST_TEST_REQUIRE(out.alerts.size() == 1U);
  BOOST_TEST(out.alerts[0].rule_id == "acme.ssh_bruteforce");
}

BOOST_AUTO_TEST_CASE(unknown_key_names_key_and_file) {
  const auto set = cor::load_rules(kRules + "/invalid/unknown_key.yml");
  BOOST_TEST_REQUIRE(!set.has_value());
  const auto msg = std::string{set.error().message()};
  BOOST_TEST(set.error().code() == core::StatusCode::invalid_argument);
  BOOST_TEST(msg.find("unknown key 'treshold'") != std::string::npos, msg);
  BOOST_TEST(msg.find("unknown_key.yml") != std::string::npos, msg);
  BOOST_TEST(msg.find("line 5") != std::string::npos, msg);
}

BOOST_AUTO_TEST_CASE(duplicate_key_is_error) {
  const auto set = cor::load_rules(kRules + "/invalid/duplicate_key.yml");
  BOOST_TEST_REQUIRE(!set.has_value());
  const auto msg = std::string{set.error().message()};
  BOOST_TEST(set.error().code() == core::StatusCode::parse_error);
  BOOST_TEST(msg.find("duplicate key 'threshold'") != std::string::npos, msg);
  BOOST_TEST(msg.find("duplicate_key.yml") != std::string::npos, msg);
}

BOOST_AUTO_TEST_CASE(bad_duration_is_error) {
  const auto set = cor::load_rules(kRules + "/invalid/bad_duration.yml");
  BOOST_TEST_REQUIRE(!set.has_value());
  const auto msg = std::string{set.error().message()};
  BOOST_TEST(msg.find("'window'") != std::string::npos, msg);
  BOOST_TEST(msg.find("bad duration '60 seconds'") != std::string::npos, msg);
}

BOOST_AUTO_TEST_CASE(unknown_type_and_bad_yaml_are_errors) {
  const auto type = cor::load_rules(kRules + "/invalid/unknown_type.yml");
  BOOST_TEST_REQUIRE(!type.has_value());
  BOOST_TEST(std::string{type.error().message()}.find("unknown type 'builtin/port_scan'")
             != std::string::npos);
  const auto yaml = cor::load_rules(kRules + "/invalid/bad_yaml.yml");
  BOOST_TEST_REQUIRE(!yaml.has_value());
  BOOST_TEST(yaml.error().code() == core::StatusCode::parse_error);
  BOOST_TEST(std::string{yaml.error().message()}.find("bad_yaml.yml") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(missing_path_is_not_found) {
  const auto set = cor::load_rules(kRules + "/does_not_exist");
  BOOST_TEST_REQUIRE(!set.has_value());
  BOOST_TEST(set.error().code() == core::StatusCode::not_found);
}

BOOST_AUTO_TEST_CASE(sigma_file_is_skipped_by_load_and_reported_by_check) {
  const auto path = kRules + "/sigma/sshd_failed_password.yml";
  const auto set = cor::load_rules(path);
  BOOST_TEST_REQUIRE(set.has_value(), set.error().to_string());
  BOOST_TEST(!set->ssh_bruteforce);
  BOOST_TEST(set->rules.empty());

  const auto report = cor::check_rules(path);
  BOOST_TEST(report.unsupported == 1U);
  BOOST_TEST(report.compiled == 0U);
  BOOST_TEST(report.errors == 0U);
  BOOST_TEST_REQUIRE(report.entries.size() == 1U);
  BOOST_TEST(report.entries[0].status == "unsupported");
  BOOST_TEST(report.entries[0].message == "Sigma rules are not supported yet");
  BOOST_TEST(report.entries[0].id == "6a2b5c1e-0d3f-4f7a-9a51-3c2a1f0e9b77");
  BOOST_TEST(report.entries[0].title == "SSHD failed password");
}

BOOST_AUTO_TEST_CASE(loads_directory) {
  const auto set = cor::load_rules(kRules + "/pack");
  BOOST_TEST_REQUIRE(set.has_value(), set.error().to_string());
  BOOST_TEST(set->ssh_bruteforce);
  BOOST_TEST(set->brute_force.rule_id == "pack.ssh_bruteforce");
  BOOST_TEST(set->brute_force.threshold == 20);
  BOOST_TEST(set->brute_force.window_ms == 120'000);
  BOOST_TEST_REQUIRE(set->rules.size() == 2U);
  BOOST_TEST(set->rules[0].enabled);
  BOOST_TEST(!set->rules[1].enabled);
  BOOST_TEST(set->rules[1].id == "pack.ssh_bruteforce_strict");
}

BOOST_AUTO_TEST_CASE(check_rules_counts) {
  const auto pack = cor::check_rules(kRules + "/pack");
  BOOST_TEST(pack.compiled == 2U);
  BOOST_TEST(pack.unsupported == 1U);
  BOOST_TEST(pack.errors == 0U);
  BOOST_TEST(pack.entries.size() == 3U);

  // The whole tree: valid.yml, the pack, the Sigma file and five broken files.
  const auto all = cor::check_rules(kRules);
  BOOST_TEST(all.compiled == 2U);  // pack/10 + pack/20; valid.yml is a second enabled rule
  BOOST_TEST(all.unsupported == 2U);
  BOOST_TEST(all.errors == 6U);
  BOOST_TEST(all.entries.size() == all.compiled + all.unsupported + all.errors);
  for (const auto& e : all.entries) {
    BOOST_TEST(!e.file.empty());
    if (e.status == "error") {
      BOOST_TEST(!e.message.empty());
    }
  }

  const auto missing = cor::check_rules(kRules + "/nope.yml");
  BOOST_TEST(missing.errors == 1U);
}

BOOST_AUTO_TEST_SUITE_END()

// A silent source: the same silence always gives the same ids (a restart does not duplicate
// it); the incident is FF/FF.OFF with its alert; resuming adds a version and a step.
BOOST_AUTO_TEST_CASE(source_silence_alert_and_incident) {
  siem::correlate::Silence s{"acme", "fw-1", "syslog",         "10.0.0.1:514", 1'790'000'000'000,
                             false,  60'000, 1'790'000'090'000};
  const auto [alert, inc] = siem::correlate::silence_raised(s);
  const auto again = siem::correlate::silence_raised(s);
  BOOST_TEST(alert.id == again.first.id);
  BOOST_TEST(inc.id == again.second.id);
  s.last_seen += 1;
  BOOST_TEST(siem::correlate::silence_raised(s).second.id != inc.id);
  BOOST_TEST(inc.category == "FF");
  BOOST_TEST(inc.subcategory == "FF.OFF");
  BOOST_TEST(inc.engagement == "acme");
  BOOST_TEST(alert.incident_id == inc.id);
  BOOST_TEST(alert.rule_id == "siem-source-silence");
  BOOST_REQUIRE(inc.alerts.size() == 1U);
  BOOST_TEST(inc.alerts[0] == alert.id);
  BOOST_TEST(alert.description.find("fw-1") != std::string::npos);
  BOOST_TEST(alert.description.find("60 s") != std::string::npos);
  BOOST_TEST(inc.cause.summary.find("10.0.0.1:514") != std::string::npos);
  BOOST_TEST(inc.times.first_seen == 1'790'000'000'000);
  BOOST_TEST(inc.times.detected_at == 1'790'000'090'000);
  auto resumed = inc;
  siem::correlate::silence_ended(resumed, 1'790'000'300'000);
  BOOST_TEST(resumed.version == 2);
  BOOST_TEST(resumed.times.last_seen == 1'790'000'300'000);
  BOOST_REQUIRE(resumed.sequence.size() == 2U);
  BOOST_TEST(resumed.sequence[1].description.find("300 s") != std::string::npos);
}
