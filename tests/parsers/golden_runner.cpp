// Golden-file runner: `golden_runner <case>.input <case>.expected.jsonl`.
// Normalizes each input line with format "auto" and ParseContext{2026-11-27T00:00:00Z, tz 0},
// compares with the expected file line by line and prints the first difference.
// With SIEM_UPDATE_GOLDEN=1 it rewrites the expected file instead.
// Long runs of one byte are written "@@fill(N,C)@@" in both files (golden_fill.hpp).
#include "siem/core/event.hpp"
#include "siem/core/time.hpp"
#include "siem/parsers/normalizer.hpp"

#include "golden_fill.hpp"

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

namespace {

auto read_lines(const std::string& path, std::vector<std::string>& lines) -> bool {
  std::ifstream f(path, std::ios::binary);
  if (!f) {
    return false;
  }
  std::string line;
  while (std::getline(f, line)) {
    lines.push_back(line);
  }
  return true;
}

}  // namespace

auto main(int argc, char** argv) -> int {
  if (argc != 3) {
    std::cerr << "usage: golden_runner <input> <expected>\n";
    return 2;
  }
  std::vector<std::string> input;
  if (!read_lines(argv[1], input)) {
    std::cerr << "cannot read " << argv[1] << '\n';
    return 2;
  }
  auto n = siem::parsers::Normalizer::create("auto");
  if (!n) {
    std::cerr << n.error().to_string() << '\n';
    return 2;
  }
  const siem::parsers::ParseContext ctx{siem::core::days_from_civil(2026, 11, 27) * 86'400'000, 0};
  std::vector<std::string> actual;
  siem::core::Event ev;
  for (const auto& line : input) {
    (*n)->normalize(siem::test::expand_fills(line), ctx, ev);
    actual.push_back(siem::test::collapse_runs(ev.to_json()));
  }
  const char* update = std::getenv("SIEM_UPDATE_GOLDEN");  // NOLINT(concurrency-mt-unsafe)
  if (update != nullptr && std::string{update} == "1") {
    std::ofstream f(argv[2], std::ios::binary | std::ios::trunc);
    for (const auto& a : actual) {
      f << a << '\n';
    }
    std::cout << "updated " << argv[2] << " (" << actual.size() << " events)\n";
    return f ? 0 : 1;
  }
  std::vector<std::string> expected;
  if (!read_lines(argv[2], expected)) {
    std::cerr << "cannot read " << argv[2] << " (run with SIEM_UPDATE_GOLDEN=1 to create it)\n";
    return 1;
  }
  const std::size_t count = std::max(actual.size(), expected.size());
  for (std::size_t i = 0; i < count; ++i) {
    const std::string* a = i < actual.size() ? &actual[i] : nullptr;
    const std::string* e = i < expected.size() ? &expected[i] : nullptr;
    if (a == nullptr || e == nullptr || *a != *e) {
      std::cerr << "first difference at line " << (i + 1) << " of " << argv[1] << "\n"
                << "  expected: " << (e != nullptr ? *e : std::string{"<missing>"}) << "\n"
                << "  actual:   " << (a != nullptr ? *a : std::string{"<missing>"}) << "\n";
      return 1;
    }
  }
  std::cout << actual.size() << " events match\n";
  return 0;
}
