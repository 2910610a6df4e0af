// libFuzzer target: one Normalizer (format SIEM_FUZZ_FORMAT) fed arbitrary bytes as one line,
// then the event serialized. Built with clang-14 -fsanitize=fuzzer,address,undefined (see
// CMakeLists.txt here and `make fuzz`). Any crash, leak or UB report is a finding.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>

#include "siem/core/event.hpp"
#include "siem/parsers/normalizer.hpp"

namespace {

auto normalizer() -> siem::parsers::Normalizer& {
  static std::unique_ptr<siem::parsers::Normalizer> n = [] {
    auto r = siem::parsers::Normalizer::create(SIEM_FUZZ_FORMAT);
    if (!r) {
      std::abort();  // unknown format name: a build mistake, not a finding
    }
    return std::move(r).value();
  }();
  return *n;
}

}  // namespace

extern "C" auto LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) -> int {
  static siem::core::Event ev;
  static std::string out;
  const std::string_view line(reinterpret_cast<const char*>(data), size);
  // 2026-11-27T00:00:00Z, UTC+8: exercises year resolution and zone handling.
  normalizer().normalize(line, {1'795'737'600'000, 480}, ev);
  out.clear();
  ev.append_json(out);
  if (out.empty() || out.front() != '{' || out.back() != '}') {
    std::abort();
  }
  return 0;
}
