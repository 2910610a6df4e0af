#define BOOST_TEST_MODULE core
#include "siem/core/bounded_queue.hpp"
#include "siem/core/event.hpp"
#include "siem/core/ids.hpp"
#include "siem/core/incident.hpp"
#include "siem/core/json.hpp"
#include "siem/core/raw_record.hpp"
#include "siem/core/status.hpp"
#include "siem/core/time.hpp"

#include <boost/test/unit_test.hpp>

#include <array>
#include <charconv>
#include <limits>
#include <thread>
#include <utility>
#include <vector>

using namespace siem::core;  // NOLINT(google-build-using-namespace)

namespace {
auto half(int x) -> Result<int> {
  if (x % 2 != 0) {
    return invalid_argument("odd");
  }
  return x / 2;
}

auto quarter(int x) -> Result<int> {
  SIEM_TRY_ASSIGN(int h, half(x));
  SIEM_TRY_ASSIGN(int q, half(h));
  return q;
}
}  // namespace

BOOST_AUTO_TEST_CASE(status_and_result) {
  BOOST_TEST(Status::ok().is_ok());
  Status s = invalid_argument("bad key 'x'");
  BOOST_TEST(!s.is_ok());
  BOOST_TEST(s.to_string() == "invalid_argument: bad key 'x'");
  BOOST_TEST(quarter(8).value() == 2);
  BOOST_TEST(!quarter(6).has_value());
  BOOST_TEST(quarter(6).error().message() == "odd");
}

BOOST_AUTO_TEST_CASE(json_string_escaping_and_utf8_repair) {
  std::string out;
  BOOST_TEST(append_json_string(out, std::string_view("a\"b\\c\n\x01", 7)));
  BOOST_TEST(out == R"("a\"b\\c\n\u0001")");
  out.clear();
  BOOST_TEST(append_json_string(out, std::string_view("nul\0x", 5)));
  BOOST_TEST(out == R"("nul\u0000x")");
  out.clear();
  // 0xC4 0xE3 is GBK for 你, invalid as UTF-8: replaced, flagged.
  BOOST_TEST(!append_json_string(out, "\xC4\xE3ok"));
  BOOST_TEST(out == "\"\xEF\xBF\xBD\xEF\xBF\xBDok\"");
  BOOST_TEST(is_valid_utf8("中文"));
  BOOST_TEST(!is_valid_utf8("\xED\xA0\x80"));  // surrogate
  BOOST_TEST(!is_valid_utf8("\xC0\xAF"));      // overlong
}

namespace {
// JSON escaping of ASCII input as the engine writes it, one byte at a time: the reference for the
// word-at-a-time path.
auto reference_escape(std::string_view s) -> std::string {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "\"";
  for (const char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      default:
        if (c < 0x20U) {  // DEL (0x7F) may stay as it is (RFC 8259)
          out += "\\u00";
          out += kHex[c >> 4U];
          out += kHex[c & 0xFU];
        } else {
          out += ch;
        }
    }
  }
  return out + "\"";
}

auto written(std::string_view s) -> std::string {
  std::string buf(json_string_bound(s.size()), '\0');
  return {buf.data(), write_json_string(buf.data(), s)};
}

// write_json_string_padded, with the padding after `s` full of bytes that would need escaping:
// none of them may show up in the output.
auto written_padded(std::string_view s) -> std::string {
  std::string in{s};
  in.append("xyz\"\\\n");  // plain bytes first: a special right at the end would hide a bug
  in.append(kJsonPadding - 6, '\xFF');
  std::string buf(json_string_bound(s.size()) + kJsonPadding, '\0');
  return {buf.data(),
          write_json_string_padded(buf.data(), std::string_view{in}.substr(0, s.size()))};
}
}  // namespace

// write_json_string copies plain words and falls back at the first word holding a byte that
// needs care, and handles the tail with an overlapping word; write_json_string_padded does
// the same 16 bytes a step and reads past the end: every length and every position of a
// special byte, against a byte-at-a-time reference and against append_json_string.
BOOST_AUTO_TEST_CASE(json_string_fast_path_matches_reference) {
  const std::string specials[] = {"\"",   "\\",   "\n",       std::string(1, '\0'),
                                  "\x1f", "\x7f", "\xC3\xA9", "\xFF"};
  for (std::size_t n = 0; n <= 40; ++n) {
    std::string plain(n, 'a');
    for (std::size_t i = 0; i < n; ++i) {
      plain[i] = static_cast<char>('a' + i % 26);
    }
    BOOST_TEST(written(plain) == reference_escape(plain));
    BOOST_TEST(written_padded(plain) == reference_escape(plain));
    for (std::size_t at = 0; at <= n; ++at) {
      for (const auto& sp : specials) {
        std::string s = plain;
        s.insert(at, sp);
        std::string appended;
        append_json_string(appended, s);
        BOOST_TEST(written(s) == appended, "length " << s.size() << ", special at " << at);
        BOOST_TEST(written_padded(s) == appended, "padded, length " << s.size() << " at " << at);
        if (static_cast<unsigned char>(sp[0]) < 0x80U) {
          BOOST_TEST(written(s) == reference_escape(s), "length " << s.size() << " at " << at);
        }
      }
    }
  }
  BOOST_TEST(written("\xC3\xA9t\xC3\xA9") == "\"\xC3\xA9t\xC3\xA9\"");
  BOOST_TEST(written("12345678\xFF") == "\"12345678\xEF\xBF\xBD\"");
}

// A key given as a literal is kept by pointer, any other by copy: both are the same field,
// with the same signature, and events mixing them share output layouts correctly.
BOOST_AUTO_TEST_CASE(json_integers_match_to_chars) {
  std::vector<std::int64_t> values = {0,
                                      9,
                                      10,
                                      99,
                                      100,
                                      999,
                                      1000,
                                      65535,
                                      99999999,
                                      100000000,
                                      4294967295,
                                      4294967296,
                                      -1,
                                      -65535,
                                      std::numeric_limits<std::int64_t>::min(),
                                      std::numeric_limits<std::int64_t>::max()};
  for (std::int64_t v = 1; v < 5'000'000'000; v = v * 3 + 7) {
    values.push_back(v);
    values.push_back(v - 1);
  }
  for (const auto v : values) {
    std::array<char, kJsonNumberBound> want{};
    std::array<char, kJsonNumberBound> got{};
    const char* w = std::to_chars(want.data(), want.data() + want.size(), v).ptr;
    const char* g = write_json_int(got.data(), v);
    BOOST_TEST(std::string_view(got.data(), static_cast<std::size_t>(g - got.data()))
                   == std::string_view(want.data(), static_cast<std::size_t>(w - want.data())),
               v);
  }
}

BOOST_AUTO_TEST_CASE(static_and_dynamic_keys_are_the_same_field) {
  constexpr FieldKey lit = "source.ip";
  const std::string name = "source.ip";
  const FieldKey dyn{name};
  BOOST_TEST(lit.is_static());
  BOOST_TEST(!dyn.is_static());
  BOOST_TEST(lit.signature() == dyn.signature());
  BOOST_TEST(FieldKey::signature_of("ab") != FieldKey::signature_of("ba"));
  Event ev;
  ev.set("source.ip", "10.0.0.1");
  ev.set(name, "10.0.0.2");
  BOOST_TEST(ev.size() == 1U);
  BOOST_TEST(*ev.get_string("source.ip") == "10.0.0.2");
  BOOST_TEST(ev.to_json() == R"({"source":{"ip":"10.0.0.2"}})");
  // Same key sequence, static in one event and dynamic in the next: the layout cached for
  // the first must be checked by content, not only by pointer.
  for (int round = 0; round < 4; ++round) {
    Event a;
    a.set("x.y", "1");
    a.set("x.z", "2");
    Event b;
    b.set(std::string("x.y"), "3");
    b.set(std::string("x.w"), "4");  // same length and signature-neutral position as x.z
    BOOST_TEST(a.to_json() == R"({"x":{"y":"1","z":"2"}})");
    BOOST_TEST(b.to_json() == R"({"x":{"w":"4","y":"3"}})");
  }
}

BOOST_AUTO_TEST_CASE(static_text_values_are_kept_by_pointer_and_written_as_is) {
  // A 4 KiB literal: the cached layout's output bound must count set_text values, which are
  // not in the arena (the slack per field is 32 bytes). Run on a new thread, whose scratch
  // buffer is sized by this event alone, so that an overflow is past its end (ASan).
#define SIEM_X16(s) s s s s s s s s s s s s s s s s
  static constexpr StaticText kLong = SIEM_X16(SIEM_X16("0123456789abcdef"));
#undef SIEM_X16
  static_assert(kLong.size() == 4096);
  std::thread([] {
    for (int round = 0; round < 4; ++round) {  // 1st: sorted; 2nd: layout made; then reused
      Event ev;
      ev.set_text("event.module", "suricata");
      ev.set_text("observer.vendor", kLong);
      ev.set("event.kind", std::string("alert"));
      ev.set_int("source.port", 53);
      BOOST_TEST(*ev.get_string("event.module") == "suricata");
      BOOST_TEST(ev.get("observer.vendor")->str == kLong.view());
      BOOST_TEST(ev.to_json()
                 == R"({"event":{"kind":"alert","module":"suricata"},"observer":{"vendor":")"
                        + std::string{kLong.view()} + R"("},"source":{"port":53}})");
      // The same keys all as literals, then with one key dynamic: both layouts are checked.
      Event lit;
      lit.set_text("a.b", "x");
      lit.set_text("a.c", "y");
      BOOST_TEST(lit.to_json() == R"({"a":{"b":"x","c":"y"}})");
      Event dyn;
      dyn.set_text("a.b", "x");
      dyn.set(std::string("a.d"), "z");
      BOOST_TEST(dyn.to_json() == R"({"a":{"b":"x","d":"z"}})");
      // A literal superseded by a copied value, and the reverse.
      Event sup;
      sup.set_text("k", "literal");
      sup.set("k", std::string("copied \"quoted\""));
      sup.set("m", "copied");
      sup.set_text("m", "literal");
      BOOST_TEST(sup.to_json() == R"({"k":"copied \"quoted\"","m":"literal"})");
    }
  }).join();
}

BOOST_AUTO_TEST_CASE(utf8_repair_matches_the_writer) {
  // Each byte outside a well-formed sequence becomes one U+FFFD, as the JSON writer shows it:
  // a lone continuation byte, a truncated sequence, an overlong form, a surrogate, > U+10FFFF.
  const std::string fffd = "\xEF\xBF\xBD";
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"plain", "plain"},
      {"caf\xC3\xA9", "caf\xC3\xA9"},
      {"a\x80" "b", "a" + fffd + "b"},
      {"\xE6\x94", fffd + fffd},
      {"\xC0\xAF", fffd + fffd},
      {"\xED\xA0\x80", fffd + fffd + fffd},
      {"\xF4\x90\x80\x80", fffd + fffd + fffd + fffd},
      {"\xB9\xA5\xBB\xF7 gbk", fffd + fffd + fffd + fffd + " gbk"}};
  std::string out;
  for (const auto& [in, want] : cases) {
    const std::size_t replaced = repair_utf8(in, out);
    BOOST_TEST(out == want, in);
    BOOST_TEST(replaced == invalid_utf8_bytes(in), in);
    BOOST_TEST(is_valid_utf8(out), in);
    std::string json;
    append_json_string(json, in);
    std::string repaired_json;
    append_json_string(repaired_json, out);
    BOOST_TEST(json == repaired_json, in);
  }
  BOOST_TEST(invalid_utf8_bytes("\xB9\xA5\xBB\xF7 gbk") == 4U);
  BOOST_TEST(invalid_utf8_bytes("caf\xC3\xA9") == 0U);
}

// rewrite_rfc3339 copies UTC text with a valid date instead of converting it: whatever the
// input, its output must be what parsing and writing give.
BOOST_AUTO_TEST_CASE(rewrite_rfc3339_matches_parse_and_write) {
  std::array<char, kRfc3339Bound> got{};
  std::array<char, kRfc3339Bound> want{};
  const auto check = [&](const std::string& s) {
    char* end = rewrite_rfc3339(s, got.data());
    const auto t = parse_rfc3339(s);
    if (!t) {
      BOOST_TEST(end == nullptr, s);
      return;
    }
    char* wend = write_rfc3339(want.data(), *t);
    BOOST_REQUIRE_MESSAGE(end != nullptr, s);
    BOOST_TEST(std::string_view(got.data(), end - got.data())
                   == std::string_view(want.data(), wend - want.data()),
               s);
  };
  std::size_t n = 0;
  for (const char* y : {"1969", "1970", "2000", "2023", "2024", "2100", "9999"}) {
    for (const char* mo : {"00", "01", "02", "04", "12", "13"}) {
      for (const char* d : {"00", "01", "28", "29", "30", "31", "32"}) {
        for (const char* hms : {"00:00:00", "23:59:59", "24:00:00", "12:60:00", "12:00:60"}) {
          for (const char* frac : {"", ".5", ".123", ".123456", ".1234567890"}) {
            for (const char* zone : {"", "Z", "z", "+0000", "+00:00", "-0000", "+0800", "-05:30"}) {
              for (const char sep : {'T', ' '}) {
                check(std::string(y) + "-" + mo + "-" + d + sep + hms + frac + zone);
                ++n;
              }
            }
          }
        }
      }
    }
  }
  BOOST_TEST(n == 117600U);
  for (const char* s : {"", "garbage", "2024-05-31T23:59:44.005423+000", "2024-05-31T23:59:44.0x5Z",
                        "2024-05-31T23:59:44.005423+0000 ", "2024-05-31T23:59:44.005423Zx"}) {
    check(s);
  }
  // Suricata's form takes the copy.
  const std::string eve = "2024-05-31T23:59:44.005423+0000";
  char* end = rewrite_rfc3339(eve, got.data());
  BOOST_REQUIRE(end != nullptr);
  BOOST_TEST(std::string_view(got.data(), end - got.data()) == "2024-05-31T23:59:44.005Z");
}

BOOST_AUTO_TEST_CASE(time_round_trip) {
  const auto t = parse_rfc3339("2026-11-27T01:22:24.123Z");
  BOOST_REQUIRE(t.has_value());
  BOOST_TEST(*t == 1795742544123LL);
  BOOST_TEST(format_rfc3339(*t) == "2026-11-27T01:22:24.123Z");
  BOOST_TEST(*parse_rfc3339("2026-11-27T09:22:24.123456+08:00") == *t);
  BOOST_TEST(*parse_rfc3339("2026-11-27 01:22:24.123") == *t);
  BOOST_TEST(!parse_rfc3339("2026-13-27T01:22:24Z").has_value());
  BOOST_TEST(!parse_rfc3339("garbage").has_value());
  BOOST_TEST(format_rfc3339(0) == "1970-01-01T00:00:00.000Z");
  BOOST_TEST(year_of(*t) == 2026);
  BOOST_TEST(month_from_abbrev("Dec") == 12U);
  BOOST_TEST(month_from_abbrev("Jan") == 1U);
  BOOST_TEST(month_from_abbrev("dec") == 0U);
  BOOST_TEST(month_from_abbrev("Decem") == 0U);
  BOOST_TEST(month_from_abbrev("De") == 0U);
  // Days alternate (the parser and writer keep the last day's conversion).
  BOOST_TEST(*parse_rfc3339("2024-02-29T23:59:59Z") == 1709251199000LL);
  BOOST_TEST(*parse_rfc3339("1999-12-31T00:00:00Z") == 946598400000LL);
  BOOST_TEST(*parse_rfc3339("2024-02-29T00:00:01Z") == 1709164801000LL);
  BOOST_TEST(format_rfc3339(1709251199000LL) == "2024-02-29T23:59:59.000Z");
  BOOST_TEST(format_rfc3339(946598400000LL) == "1999-12-31T00:00:00.000Z");
  BOOST_TEST(format_rfc3339(1709164801000LL) == "2024-02-29T00:00:01.000Z");
  // Two days interleaved (an EVE flow's start before midnight, its end after), then a third.
  for (int i = 0; i < 3; ++i) {
    BOOST_TEST(*parse_rfc3339("2024-05-31T23:59:44.005423+0000") == 1717199984005LL);
    BOOST_TEST(*parse_rfc3339("2024-06-01T00:00:00.005423+0000") == 1717200000005LL);
  }
  BOOST_TEST(*parse_rfc3339("2024-06-02T00:00:00Z") == 1717286400000LL);
  BOOST_TEST(*parse_rfc3339("2024-05-31T00:00:00Z") == 1717113600000LL);
  // A non-digit at each digit position is rejected.
  const std::string good = "2026-11-27T01:22:24Z";
  for (const std::size_t at : {0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18}) {
    for (const char bad : {'/', ':', 'a', ' '}) {
      std::string s = good;
      s[at] = bad;
      BOOST_TEST(!parse_rfc3339(s).has_value(), s);
    }
  }
}

BOOST_AUTO_TEST_CASE(event_nested_sorted_json) {
  Event ev;
  ev.set("source.port", "x");
  ev.set_int("source.port", 22);  // replaces, keeps type int
  ev.set("source.ip", "10.0.0.1");
  ev.set("event.kind", "event");
  ev.set("source-x", "y");
  ev.set_bool("flag", true);
  ev.timestamp = 0;
  BOOST_TEST(ev.to_json()
             == R"({"@timestamp":"1970-01-01T00:00:00.000Z","event":{"kind":"event"},"flag":true,)"
                R"("source":{"ip":"10.0.0.1","port":22},"source-x":"y"})");
  BOOST_TEST(*ev.get_int("source.port") == 22);
  BOOST_TEST(!ev.get_string("source.port").has_value());
  // A value that views into the event itself survives the arena growing.
  for (int i = 0; i < 50; ++i) {
    ev.set("copy." + std::to_string(i), *ev.get_string("source.ip"));
  }
  BOOST_TEST(*ev.get_string("copy.49") == "10.0.0.1");
  BOOST_TEST(ev.size() == 55U);
  ev.erase("copy.3");
  BOOST_TEST(!ev.has("copy.3"));
  BOOST_TEST(ev.size() == 54U);
  for (int i = 0; i < 50; ++i) {
    ev.erase("copy." + std::to_string(i));
  }
  std::size_t seen = 0;
  ev.for_each([&](const FieldView& f) {
    ++seen;
    BOOST_TEST(!f.key.empty());
  });
  BOOST_TEST(seen == 5U);
  BOOST_TEST(ev.get("flag")->boolean);
  BOOST_TEST((ev.get("flag")->type == FieldType::boolean));
  ev.ref = "default:7";
  BOOST_TEST(ev.to_json().find(R"("siem":{"raw_ref":"default:7"})") != std::string::npos);
  ev.clear();
  BOOST_TEST(ev.to_json() == "{}");
}

BOOST_AUTO_TEST_CASE(event_set_again_supersedes) {
  Event ev;
  ev.set("a.b", "first");
  ev.set("c", "x");
  ev.set_int("a.b", 2);
  BOOST_TEST(ev.size() == 2U);
  BOOST_TEST(*ev.get_int("a.b") == 2);
  BOOST_TEST(ev.to_json() == R"({"a":{"b":2},"c":"x"})");
  std::vector<std::string> seen;
  ev.for_each([&](const FieldView& f) { seen.emplace_back(f.key); });
  BOOST_TEST((seen == std::vector<std::string>{"c", "a.b"}));  // the latest set's place
  ev.erase("a.b");
  BOOST_TEST(!ev.has("a.b"));
  BOOST_TEST(ev.to_json() == R"({"c":"x"})");
  ev.set("a.b", "back");
  BOOST_TEST(ev.to_json() == R"({"a":{"b":"back"},"c":"x"})");
  // One key set a million times (a hostile key=value line) stays one field, bounded memory.
  for (int i = 0; i < 1'000'000; ++i) {
    ev.set_int("k", i);
  }
  BOOST_TEST(ev.size() == 3U);
  BOOST_TEST(*ev.get_int("k") == 999'999);
  BOOST_TEST(ev.to_json() == R"({"a":{"b":"back"},"c":"x","k":999999})");
  // Same key sequence twice in a row (the cached layout) with a superseded key inside.
  for (int round = 0; round < 3; ++round) {
    Event e;
    e.set("z", "1");
    e.set("y.x", "2");
    e.set("z", "3");
    BOOST_TEST(e.to_json() == R"({"y":{"x":"2"},"z":"3"})");
  }
}

BOOST_AUTO_TEST_CASE(hex_round_trip) {
  const std::string bytes("\x00\x7f\x80\xff", 4);
  BOOST_TEST(to_hex(bytes) == "007f80ff");
  BOOST_TEST(from_hex("007F80ff").value() == bytes);
  BOOST_TEST(!from_hex("abc").has_value());
  BOOST_TEST(!from_hex("zz").has_value());
  BOOST_TEST(from_hex("").value().empty());
  std::string out = "ref:";
  append_hex(out, bytes);
  append_hex(out, "");
  append_hex(out, "\x1f");
  BOOST_TEST(out == "ref:007f80ff1f");

  std::array<unsigned char, 4> link{};
  BOOST_TEST(from_hex("007F80ff", link));
  BOOST_TEST((link == std::array<unsigned char, 4>{0x00, 0x7f, 0x80, 0xff}));
  BOOST_TEST(!from_hex("007f80", link));      // too short for the span
  BOOST_TEST(!from_hex("007f80ff00", link));  // too long
  BOOST_TEST(!from_hex("007f80fg", link));    // a bad last digit
}

BOOST_AUTO_TEST_CASE(deterministic_ids) {
  const auto a = incident_id("default", "ssh_bruteforce", "10.0.0.1", 5);
  BOOST_TEST(a == incident_id("default", "ssh_bruteforce", "10.0.0.1", 5));
  BOOST_TEST(a != incident_id("default", "ssh_bruteforce", "10.0.0.1", 6));
  BOOST_TEST(a.size() == 36U);
  BOOST_TEST(a[14] == '5');
  const auto d = sha1("abc");
  BOOST_TEST(to_hex(std::string_view(reinterpret_cast<const char*>(d.data()), d.size()))
             == "a9993e364706816aba3e25717850c26c9cd0d89d");
}

BOOST_AUTO_TEST_CASE(refs) {
  auto r = parse_ref("eng-1:42");
  BOOST_REQUIRE(r.has_value());
  BOOST_TEST(r->engagement == "eng-1");
  BOOST_TEST(r->seq == 42U);
  BOOST_TEST(!parse_ref(":42").has_value());
  BOOST_TEST(!parse_ref("x:").has_value());
  BOOST_TEST(!parse_ref("x:4a").has_value());
  BOOST_TEST(!parse_ref("x:0").has_value());
}

BOOST_AUTO_TEST_CASE(raw_export_keeps_non_utf8_bytes_exactly) {
  RawRecord r;
  r.seq = 1;
  r.engagement = "e";
  r.bytes = "ok";
  BOOST_TEST(r.to_json().find("raw_base64") == std::string::npos);
  r.bytes = "\xC4\xE3!";
  BOOST_TEST(r.to_json().find(R"("raw_base64":"xOMh")") != std::string::npos);
  r.bytes = "\xFF";
  BOOST_TEST(r.to_json().find(R"("raw_base64":"/w==")") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(incident_json_has_four_sections) {
  Incident inc;
  inc.id = "abc";
  inc.category = "NAI";
  const auto j = inc.to_json();
  for (const char* k : {"\"cause\":", "\"sequence\":", "\"impact\":", "\"resolution\":"}) {
    BOOST_TEST(j.find(k) != std::string::npos, k);
  }
}

BOOST_AUTO_TEST_CASE(bounded_queue_blocks_when_full) {
  BoundedQueue<int> q(2);
  BOOST_TEST(q.push(1));
  BOOST_TEST(q.push(2));
  int v = 3;
  BOOST_TEST(!q.try_push(v));
  std::thread consumer([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    BOOST_TEST(*q.pop(std::chrono::milliseconds(100)) == 1);
  });
  BOOST_TEST(q.push(3));  // blocks until the consumer pops
  consumer.join();
  BOOST_TEST(q.size() == 2U);
  q.close();
  BOOST_TEST(!q.push(4));
  BOOST_TEST(*q.pop(std::chrono::milliseconds(1)) == 2);
  BOOST_TEST(*q.pop(std::chrono::milliseconds(1)) == 3);
  BOOST_TEST(!q.pop(std::chrono::milliseconds(1)).has_value());
}

BOOST_AUTO_TEST_CASE(bounded_queue_try_push_for_waits_for_room) {
  BoundedQueue<std::string> q(1);
  BOOST_TEST(q.push("a"));
  std::string v = "b";
  BOOST_TEST(!q.try_push_for(v, std::chrono::milliseconds(10)));
  BOOST_TEST(v == "b");  // kept on timeout
  std::thread consumer([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    BOOST_TEST(*q.pop(std::chrono::milliseconds(100)) == "a");
  });
  BOOST_TEST(q.try_push_for(v, std::chrono::seconds(5)));
  consumer.join();
  BOOST_TEST(*q.pop(std::chrono::milliseconds(1)) == "b");
  q.close();
  std::string w = "c";
  BOOST_TEST(!q.try_push_for(w, std::chrono::milliseconds(10)));
}
