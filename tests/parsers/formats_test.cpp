// Every registry format has its edge-case golden file (golden/formats/<vendor>__<format>.input,
// written by generate.py there) with the eight cases in order, and its base record is read by
// that format and by "auto" alike. golden_runner compares the events with the expected files;
// this test makes sure no format is left without them and that the cases are what they say.
#define BOOST_TEST_MODULE formats_golden
#include "siem/core/event.hpp"
#include "siem/core/json.hpp"
#include "siem/core/time.hpp"
#include "siem/parsers/normalizer.hpp"

#include <boost/test/unit_test.hpp>

#include <fstream>
#include <string>
#include <string_view>
#include <vector>

#include "golden_fill.hpp"

namespace {

using siem::core::Event;
using siem::parsers::Normalizer;
using siem::parsers::ParseContext;

const ParseContext kCtx{siem::core::days_from_civil(2026, 11, 27) * 86'400'000, 0};

auto read_lines(const std::string& path) -> std::vector<std::string> {
  std::ifstream f(path, std::ios::binary);
  std::vector<std::string> lines;
  for (std::string line; std::getline(f, line);) {
    lines.push_back(siem::test::expand_fills(line));
  }
  return lines;
}

auto valid_utf8(std::string_view s) -> bool {
  return siem::core::invalid_utf8_bytes(s) == 0;
}

// Normalizes `lines` in order with one normalizer (earlier lines may set state, as Zeek TSV's
// header does) and returns the events' JSON.
auto normalize_all(std::string_view format, const std::vector<std::string>& lines)
    -> std::vector<std::string> {
  auto n = Normalizer::create(format);
  BOOST_REQUIRE(n.has_value());
  std::vector<std::string> out;
  Event ev;
  for (const auto& line : lines) {
    (*n)->normalize(line, kCtx, ev);
    out.push_back(ev.to_json());
  }
  return out;
}

}  // namespace

BOOST_AUTO_TEST_CASE(every_format_has_its_edge_cases) {
  const auto formats = siem::parsers::formats();
  BOOST_REQUIRE_GE(formats.size(), 40U);
  for (const auto& f : formats) {
    BOOST_TEST_CONTEXT("format " << f.name) {
      std::string file = f.name;
      file.replace(file.find('/'), 1, "__");
      const auto lines = read_lines(std::string{SIEM_SOURCE_DIR} + "/tests/parsers/golden/formats/"
                                    + file + ".input");
      BOOST_REQUIRE_GE(lines.size(), 8U);
      const std::size_t at = lines.size() - 8;
      const std::string& base = lines[at];
      const std::string& invalid = lines[at + 1];
      const std::string& gbk = lines[at + 2];
      const std::string& nul = lines[at + 3];
      const std::string& big = lines[at + 4];
      const std::string& truncated = lines[at + 5];
      const std::string& two = lines[at + 6];
      const std::string& wrong = lines[at + 7];

      // The cases are what their place says.
      BOOST_TEST(valid_utf8(base));
      BOOST_TEST(!valid_utf8(invalid));
      BOOST_TEST((!valid_utf8(gbk) && gbk.find("\xb2\xe2\xca\xd4") != std::string::npos));
      BOOST_TEST((nul.find('\0') != std::string::npos && nul.find('\0') + 1 < nul.size()
                  && nul.back() == '\0'));
      BOOST_TEST(big.size() >= std::size_t{1} << 20U);
      BOOST_TEST((truncated.size() < base.size() && base.starts_with(truncated)));
      BOOST_TEST((two.size() >= 2 * base.size() && two.starts_with(base) && two.ends_with(base)));
      BOOST_TEST((wrong != base && wrong.size() > base.size() / 2));

      // The base record is this format's, and "auto" reads it the same way.
      const auto own = normalize_all(f.name, lines);
      const auto detected = normalize_all("auto", lines);
      BOOST_TEST(own[at].find("\"unparsed\"") == std::string::npos);
      BOOST_TEST(own[at] == detected[at]);
      // Bytes that are not UTF-8 never cost the record, and are counted.
      for (const std::size_t i : {at + 1, at + 2}) {
        BOOST_TEST(detected[i].find("\"unparsed\"") == std::string::npos);
        BOOST_TEST(detected[i].find("\"encoding_errors\":") != std::string::npos);
      }
      // Neither does a 1 MiB value.
      BOOST_TEST(detected[at + 4].find("\"unparsed\"") == std::string::npos);
    }
  }
}
