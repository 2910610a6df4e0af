// Correlation golden test: feeds <dir>/<case>.events.jsonl through a Correlator with the
// built-in rules and a ManualClock and diffs the alerts and incidents it produces against
// <dir>/<case>.expected.jsonl. SIEM_UPDATE_GOLDEN=1 rewrites the expected file.
//
// Input lines are JSON objects, one event each, nested ({"source":{"ip":..}}) or flat
// ({"source.ip":..}); "ref", "raw_hash" and "@timestamp" (RFC 3339) fill the Event's members.
// Directive lines (keys starting with '_'):
//   {"_batch": true}              ends the current process_batch call
//   {"_clock": "<RFC 3339>"}      sets the clock (ends the current batch first)
//   {"_engagement": "<name>"}     engagement of the following batches (default "acme")
//   {"_comment": "..."}           ignored
// Output lines: {"batch":N,"alert":{...}} and {"batch":N,"incident":{...}}, keys sorted.
#include "siem/core/event.hpp"
#include "siem/core/time.hpp"
#include "siem/correlate/correlate.hpp"

#include <nlohmann/json.hpp>

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

namespace core = siem::core;
namespace cor = siem::correlate;
using nlohmann::json;

namespace {

constexpr core::TimeMs kDefaultClock = 1'795'000'000'000;

auto read_lines(const std::string& path, std::vector<std::string>& lines) -> bool {
  std::ifstream in(path);
  if (!in) {
    return false;
  }
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) {
      lines.push_back(line);
    }
  }
  return true;
}

void flatten(const json& j, const std::string& prefix, core::Event& ev) {
  for (const auto& [key, value] : j.items()) {
    const auto name = prefix.empty() ? key : prefix + "." + key;
    if (prefix.empty() && key == "ref") {
      ev.ref = value.get<std::string>();
    } else if (prefix.empty() && key == "raw_hash") {
      ev.raw_hash = value.get<std::string>();
    } else if (prefix.empty() && key == "@timestamp") {
      ev.timestamp = core::parse_rfc3339(value.get<std::string>());
      if (!ev.timestamp) {
        throw std::runtime_error("bad @timestamp " + value.dump());
      }
    } else if (value.is_object()) {
      flatten(value, name, ev);
    } else if (value.is_string()) {
      ev.set(name, value.get<std::string>());
    } else if (value.is_boolean()) {
      ev.set_bool(name, value.get<bool>());
    } else if (value.is_number_integer()) {
      ev.set_int(name, value.get<std::int64_t>());
    } else if (value.is_number_float()) {
      ev.set_double(name, value.get<double>());
    } else {
      throw std::runtime_error("unsupported value for " + name + ": " + value.dump());
    }
  }
}

auto run_case(const std::string& events_path, std::vector<std::string>& out_lines) -> bool {
  std::vector<std::string> lines;
  if (!read_lines(events_path, lines)) {
    std::cerr << "cannot read " << events_path << "\n";
    return false;
  }
  core::ManualClock clock{kDefaultClock};
  cor::Correlator correlator{cor::builtin_rules(), clock};
  cor::CorrelationOutput out;
  std::vector<core::Event> batch;
  std::string engagement = "acme";
  int batch_no = 0;

  auto flush = [&] {
    if (batch.empty()) {
      return;
    }
    ++batch_no;
    out.clear();
    correlator.process_batch(engagement, batch, out);
    batch.clear();
    for (const auto& a : out.alerts) {
      out_lines.push_back(json{{"batch", batch_no}, {"alert", json::parse(a.to_json())}}.dump());
    }
    for (const auto& i : out.incidents) {
      out_lines.push_back(json{{"batch", batch_no}, {"incident", json::parse(i.to_json())}}.dump());
    }
  };

  std::size_t line_no = 0;
  for (const auto& line : lines) {
    ++line_no;
    try {
      const auto j = json::parse(line);
      if (j.contains("_batch")) {
        flush();
      } else if (j.contains("_clock")) {
        flush();
        const auto t = core::parse_rfc3339(j["_clock"].get<std::string>());
        if (!t) {
          throw std::runtime_error("bad _clock");
        }
        clock.set(*t);
      } else if (j.contains("_engagement")) {
        flush();
        engagement = j["_engagement"].get<std::string>();
      } else if (j.contains("_comment")) {
        continue;
      } else {
        core::Event ev;
        flatten(j, "", ev);
        batch.push_back(std::move(ev));
      }
    } catch (const std::exception& e) {
      std::cerr << events_path << ":" << line_no << ": " << e.what() << "\n";
      return false;
    }
  }
  flush();
  out_lines.push_back(json{{"summary",
                            {{"batches", batch_no},
                             {"open_incidents", correlator.open_incidents()},
                             {"tracked_sources", correlator.tracked_sources()}}}}
                          .dump());
  return true;
}

}  // namespace

auto main(int argc, char** argv) -> int {
  if (argc != 3) {
    std::cerr << "usage: correlate_golden <golden dir> <case>\n";
    return 2;
  }
  const std::string dir = argv[1];
  const std::string name = argv[2];
  const auto events_path = dir + "/" + name + ".events.jsonl";
  const auto expected_path = dir + "/" + name + ".expected.jsonl";

  std::vector<std::string> actual;
  if (!run_case(events_path, actual)) {
    return 1;
  }
  const char* update = std::getenv("SIEM_UPDATE_GOLDEN");  // NOLINT(concurrency-mt-unsafe)
  if (update != nullptr && std::string{update} == "1") {
    std::ofstream o(expected_path, std::ios::trunc);
    for (const auto& l : actual) {
      o << l << "\n";
    }
    std::cout << "updated " << expected_path << " (" << actual.size() << " lines)\n";
    return o ? 0 : 1;
  }
  std::vector<std::string> expected;
  if (!read_lines(expected_path, expected)) {
    std::cerr << "cannot read " << expected_path << " (run with SIEM_UPDATE_GOLDEN=1)\n";
    return 1;
  }
  int diffs = 0;
  const auto n = std::max(actual.size(), expected.size());
  for (std::size_t i = 0; i < n; ++i) {
    const std::string a = i < actual.size() ? actual[i] : "<missing>";
    const std::string e = i < expected.size() ? expected[i] : "<missing>";
    if (a != e) {
      if (++diffs <= 5) {
        std::cerr << "line " << i + 1 << " differs\n  expected: " << e << "\n  actual:   " << a
                  << "\n";
      }
    }
  }
  if (diffs > 0) {
    std::cerr << name << ": " << diffs << " line(s) differ from " << expected_path
              << " (SIEM_UPDATE_GOLDEN=1 rewrites it)\n";
    return 1;
  }
  std::cout << name << ": " << actual.size() << " lines match\n";
  return 0;
}
