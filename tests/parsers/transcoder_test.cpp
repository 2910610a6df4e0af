#define BOOST_TEST_MODULE transcoder
#include <boost/test/unit_test.hpp>

#include "siem/core/event.hpp"
#include "siem/parsers/normalizer.hpp"
#include "siem/parsers/transcoder.hpp"

using siem::parsers::Transcoder;

BOOST_AUTO_TEST_CASE(gbk_to_utf8) {
  auto t = Transcoder::create("GBK");
  BOOST_REQUIRE(t.has_value());
  BOOST_TEST((*t)->name() == "gb18030");
  std::string out;
  // "你好 攻击" in GBK, then ASCII.
  BOOST_TEST((*t)->to_utf8("\xC4\xE3\xBA\xC3 \xB9\xA5\xBB\xF7 ok", out) == 0U);
  BOOST_TEST(out == "你好 攻击 ok");
}

BOOST_AUTO_TEST_CASE(invalid_and_truncated_bytes_are_replaced_not_dropped) {
  auto t = Transcoder::create("gb18030");
  std::string out;
  // 0xFF is never valid; a trailing lead byte 0xC4 is truncated.
  BOOST_TEST((*t)->to_utf8("a\xFF" "b\xC4", out) == 2U);
  BOOST_TEST(out == "a\xEF\xBF\xBD" "b\xEF\xBF\xBD");
  BOOST_TEST((*t)->to_utf8(std::string_view("x\0y", 3), out) == 0U);
  BOOST_TEST(out == std::string("x\0y", 3));
}

BOOST_AUTO_TEST_CASE(utf8_is_identity_and_unknown_is_an_error) {
  auto t = Transcoder::create("utf-8");
  BOOST_REQUIRE(t.has_value());
  BOOST_TEST((*t)->is_identity());
  auto bad = Transcoder::create("ebcdic");
  BOOST_REQUIRE(!bad.has_value());
  BOOST_TEST(std::string{bad.error().message()}.find("ebcdic") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(converted_chinese_labels_reach_the_parser) {
  auto t = Transcoder::create("gbk");
  auto n = siem::parsers::Normalizer::create("auto");
  std::string utf8;
  // A syslog line whose message is GBK text.
  (*t)->to_utf8("<13>Nov 26 09:00:00 fw01 app: \xB9\xA5\xBB\xF7\xC0\xE0\xD0\xCD", utf8);
  siem::core::Event ev;
  (*n)->normalize(utf8, {1'795'737'600'000, 0}, ev);
  BOOST_TEST(*ev.get_string("message") == "攻击类型");
}
