#define BOOST_TEST_MODULE parsers
#include "siem/core/event.hpp"
#include "siem/core/json.hpp"
#include "siem/core/time.hpp"
#include "siem/parsers/normalizer.hpp"

#include <boost/test/unit_test.hpp>

#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

namespace {

using siem::core::Event;
using siem::core::TimeMs;
using siem::parsers::Normalizer;
using siem::parsers::ParseContext;

constexpr TimeMs kDay = 86'400'000;

auto at(int y, unsigned mo, unsigned d, int h = 0, int mi = 0, int s = 0) -> TimeMs {
  return siem::core::days_from_civil(y, mo, d) * kDay + (h * 3600 + mi * 60 + s) * 1000;
}

const ParseContext kCtx{at(2026, 11, 27), 0};

struct Fixture {
  Fixture() {
    auto n = Normalizer::create("auto");
    BOOST_REQUIRE(n.has_value());
    norm = std::move(n).value();
  }

  auto parse(std::string_view line, const ParseContext& ctx = kCtx) -> const Event& {
    norm->normalize(line, ctx, ev);
    return ev;
  }

  auto str(std::string_view key) const -> std::string {
    return std::string{ev.get_string(key).value_or("<absent>")};
  }

  std::unique_ptr<Normalizer> norm;
  Event ev;
};

}  // namespace

BOOST_AUTO_TEST_SUITE(registry)

BOOST_AUTO_TEST_CASE(unknown_format_is_invalid_argument) {
  auto n = Normalizer::create("nope/nope");
  BOOST_REQUIRE(!n.has_value());
  BOOST_TEST(siem::core::to_string(n.error().code()) == "invalid_argument");
  BOOST_TEST(std::string{n.error().message()}.find("nope/nope") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(every_listed_format_can_be_created) {
  const auto list = siem::parsers::formats();
  BOOST_TEST(list.size() >= 5U);
  for (const auto& f : list) {
    BOOST_TEST_CONTEXT(f.name) {
      auto n = Normalizer::create(f.name);
      BOOST_REQUIRE(n.has_value());
      BOOST_TEST((f.status == "stable" || f.status == "experimental"));
      // The registry's own example must parse with its own format.
      Event ev;
      (*n)->normalize(f.example, kCtx, ev);
      BOOST_TEST(ev.get_string("event.kind").value_or("") != "unparsed");
    }
  }
}

BOOST_AUTO_TEST_CASE(simdjson_kernel_is_named) {
  const auto k = siem::parsers::simdjson_implementation();
  BOOST_TEST(!k.empty());
  BOOST_TEST_MESSAGE("simdjson kernel: " << k);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_FIXTURE_TEST_SUITE(syslog, Fixture)

BOOST_AUTO_TEST_CASE(rfc3164_fields_and_types) {
  parse("<38>Nov 26 23:10:05 web1 cron[123]: (root) CMD (run-parts)");
  BOOST_TEST(str("event.kind") == "event");
  BOOST_TEST(str("event.dataset") == "syslog");
  BOOST_TEST(str("host.hostname") == "web1");
  BOOST_TEST(str("process.name") == "cron");
  BOOST_TEST(ev.get_int("process.pid").value_or(-1) == 123);
  BOOST_TEST(ev.get_int("log.syslog.priority").value_or(-1) == 38);
  BOOST_TEST(ev.get_int("log.syslog.facility.code").value_or(-1) == 4);
  BOOST_TEST(ev.get_int("log.syslog.severity.code").value_or(-1) == 6);
  BOOST_TEST(str("message") == "(root) CMD (run-parts)");
  BOOST_REQUIRE(ev.timestamp.has_value());
  BOOST_TEST(*ev.timestamp == at(2026, 11, 26, 23, 10, 5));
}

BOOST_AUTO_TEST_CASE(rfc3164_space_padded_day_and_no_pri) {
  parse("Feb  9 21:19:40 precise32 sshd[8317]: subsystem request for sftp by user vagrant");
  BOOST_TEST(!ev.has("log.syslog.priority"));
  BOOST_TEST(*ev.timestamp == at(2026, 2, 9, 21, 19, 40));
  BOOST_TEST(str("user.name") == "vagrant");
}

BOOST_AUTO_TEST_CASE(year_resolution_december_received_in_january) {
  const ParseContext jan{at(2027, 1, 1, 0, 5), 0};
  parse("Dec 31 23:59:58 h app: late", jan);
  BOOST_TEST(*ev.timestamp == at(2026, 12, 31, 23, 59, 58));
}

BOOST_AUTO_TEST_CASE(year_resolution_january_received_in_december) {
  // A sender clock a few hours ahead across New Year: within a day after receipt.
  const ParseContext dec{at(2026, 12, 31, 23, 0), 0};
  parse("Jan  1 00:30:00 h app: early", dec);
  BOOST_TEST(*ev.timestamp == at(2027, 1, 1, 0, 30));
}

BOOST_AUTO_TEST_CASE(year_resolution_future_date_is_last_year) {
  parse("Nov 29 10:00:00 h app: two days ahead means last year");
  BOOST_TEST(*ev.timestamp == at(2025, 11, 29, 10));
}

BOOST_AUTO_TEST_CASE(tz_offset_applies_to_zoneless_times) {
  const ParseContext cst{at(2026, 11, 27, 12), 8 * 60};
  parse("Nov 27 08:00:00 h app: local time +08:00", cst);
  BOOST_TEST(*ev.timestamp == at(2026, 11, 27, 0));
}

BOOST_AUTO_TEST_CASE(rfc3339_header_variant) {
  parse("2019-06-14T13:01:15.412+01:30 localhost pam: user nobody logged out.");
  BOOST_TEST(*ev.timestamp == at(2019, 6, 14, 11, 31, 15) + 412);
  BOOST_TEST(str("process.name") == "pam");
  BOOST_TEST(str("host.hostname") == "localhost");
}

BOOST_AUTO_TEST_CASE(rfc5424_with_structured_data) {
  parse(R"(<165>1 2026-11-27T01:02:03.500+01:00 mymachine.example.com evntslog - ID47 )"
        R"([exampleSDID@32473 iut="3" eventSource="App\"lication" eventID="1011"][x.y a="]"] )"
        "\xEF\xBB\xBF"
        "An application event");
  BOOST_TEST(str("event.kind") == "event");
  BOOST_TEST(*ev.timestamp == at(2026, 11, 27, 0, 2, 3) + 500);
  BOOST_TEST(str("host.hostname") == "mymachine.example.com");
  BOOST_TEST(str("process.name") == "evntslog");
  BOOST_TEST(!ev.has("process.pid"));
  BOOST_TEST(str("log.syslog.msgid") == "ID47");
  BOOST_TEST(ev.get_int("log.syslog.version").value_or(0) == 1);
  BOOST_TEST(str("log.syslog.structured_data.exampleSDID@32473.eventSource") == "App\"lication");
  BOOST_TEST(str("log.syslog.structured_data.x_y.a") == "]");
  BOOST_TEST(str("message") == "An application event");
}

BOOST_AUTO_TEST_CASE(rfc5424_nil_values) {
  parse("<14>1 - - - - - -");
  BOOST_TEST(str("event.kind") == "event");
  BOOST_TEST(!ev.has("host.hostname"));
  BOOST_TEST(*ev.timestamp == kCtx.received_at);  // fallback to receive time
}

BOOST_AUTO_TEST_CASE(forced_rfc5424_rejects_bsd_line) {
  auto n = Normalizer::create("syslog/rfc5424");
  BOOST_REQUIRE(n.has_value());
  (*n)->normalize("Nov 27 01:02:03 h app: msg", kCtx, ev);
  BOOST_TEST(str("event.kind") == "unparsed");
  BOOST_TEST(str("error.message") == "not an RFC 5424 syslog line");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_FIXTURE_TEST_SUITE(sshd, Fixture)

BOOST_AUTO_TEST_CASE(failed_password_invalid_user) {
  parse(
      "Nov 27 01:00:00 bastion sshd[4242]: Failed password for invalid user admin from "
      "203.0.113.9 port 40222 ssh2");
  BOOST_TEST(str("process.name") == "sshd");
  BOOST_TEST(str("event.category") == "authentication");
  BOOST_TEST(str("event.outcome") == "failure");
  BOOST_TEST(str("event.action") == "ssh_login");
  BOOST_TEST(str("user.name") == "admin");
  BOOST_TEST(str("source.ip") == "203.0.113.9");
  BOOST_TEST(ev.get_int("source.port").value_or(-1) == 40222);
  BOOST_TEST(str("host.hostname") == "bastion");
}

BOOST_AUTO_TEST_CASE(accepted_publickey) {
  parse(
      "Nov 27 01:00:00 h sshd[1]: Accepted publickey for alice from 2001:db8::1 port 5 ssh2: "
      "ED25519 SHA256:abc");
  BOOST_TEST(str("event.outcome") == "success");
  BOOST_TEST(str("user.name") == "alice");
  BOOST_TEST(str("source.ip") == "2001:db8::1");
  BOOST_TEST(str("openssh.auth.method") == "publickey");
  BOOST_TEST(str("openssh.auth.signature") == "ED25519 SHA256:abc");
}

BOOST_AUTO_TEST_CASE(invalid_user_without_port) {
  parse("Nov 27 01:00:00 h sshd[1]: Invalid user test from 10.0.2.2");
  BOOST_TEST(str("event.action") == "invalid_user");
  BOOST_TEST(str("event.outcome") == "failure");
  BOOST_TEST(str("user.name") == "test");
  BOOST_TEST(!ev.has("source.port"));
}

BOOST_AUTO_TEST_CASE(non_ip_source_not_in_source_ip) {
  parse("Nov 27 01:00:00 h sshd[1]: Failed password for root from evil.example.com port 22 ssh2");
  BOOST_TEST(!ev.has("source.ip"));
  BOOST_TEST(str("source.address") == "evil.example.com");
}

BOOST_AUTO_TEST_CASE(invalid_port_rejected) {
  parse("Nov 27 01:00:00 h sshd[1]: Failed password for root from 10.0.0.1 port 70000 ssh2");
  BOOST_TEST(str("source.ip") == "10.0.0.1");
  BOOST_TEST(!ev.has("source.port"));
}

BOOST_AUTO_TEST_CASE(connection_closed_preauth_is_not_a_login_failure) {
  parse(
      "Nov 27 01:00:00 h sshd[1]: Connection closed by authenticating user root 10.0.0.1 port "
      "5000 [preauth]");
  BOOST_TEST(str("event.category") == "session");
  BOOST_TEST(!ev.has("event.outcome"));
  BOOST_TEST(str("user.name") == "root");
  BOOST_TEST(str("source.ip") == "10.0.0.1");
}

BOOST_AUTO_TEST_CASE(pam_unix_failure) {
  parse(
      "Nov 27 01:00:00 h sshd[1]: pam_unix(sshd:auth): authentication failure; logname= uid=0 "
      "euid=0 tty=ssh ruser= rhost=192.0.2.7  user=root");
  BOOST_TEST(str("event.category") == "authentication");
  BOOST_TEST(str("event.outcome") == "failure");
  BOOST_TEST(str("user.name") == "root");
  BOOST_TEST(str("source.ip") == "192.0.2.7");
}

BOOST_AUTO_TEST_CASE(other_process_is_generic_syslog) {
  parse("Nov 27 01:00:00 h sudo: Failed password for root from 10.0.0.1 port 22 ssh2");
  BOOST_TEST(str("event.dataset") == "syslog");
  BOOST_TEST(!ev.has("event.category"));
}

BOOST_AUTO_TEST_CASE(unknown_sshd_message_still_parsed) {
  parse("Nov 27 01:00:00 h sshd[1]: Server listening on 0.0.0.0 port 22.");
  BOOST_TEST(str("event.kind") == "event");
  BOOST_TEST(str("process.name") == "sshd");
  BOOST_TEST(!ev.has("event.outcome"));
}

BOOST_AUTO_TEST_CASE(bare_sshd_message) {
  parse("Failed password for root from 10.0.0.1 port 22 ssh2");
  BOOST_TEST(str("process.name") == "sshd");
  BOOST_TEST(str("event.outcome") == "failure");
  BOOST_TEST(*ev.timestamp == kCtx.received_at);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_FIXTURE_TEST_SUITE(suricata, Fixture)

BOOST_AUTO_TEST_CASE(alert_fields_and_number_types) {
  parse(
      R"({"timestamp":"2026-11-26T10:00:00.123456+0000","flow_id":1,"event_type":"alert",)"
      R"("src_ip":"10.0.0.1","src_port":4444,"dest_ip":"10.0.0.2","dest_port":80,"proto":"TCP",)"
      R"("app_proto":"http","alert":{"action":"allowed","gid":1,"signature_id":2019401,"rev":3,)"
      R"("signature":"ET POLICY x","category":"Potential Corporate Privacy Violation","severity":2},)"
      R"("http":{"hostname":"ex.com","url":"/a?b=1","http_user_agent":"curl/8","http_method":"GET",)"
      R"("status":200,"length":12}})");
  BOOST_TEST(str("event.kind") == "alert");
  BOOST_TEST(str("event.dataset") == "suricata.eve");
  BOOST_TEST(str("event.module") == "suricata");
  BOOST_TEST(str("observer.vendor") == "OISF");
  BOOST_TEST(str("observer.product") == "Suricata");
  BOOST_TEST(*ev.timestamp == at(2026, 11, 26, 10) + 123);
  BOOST_TEST(str("source.ip") == "10.0.0.1");
  BOOST_TEST(ev.get_int("source.port").value_or(-1) == 4444);
  BOOST_TEST(ev.get_int("destination.port").value_or(-1) == 80);
  BOOST_TEST(str("network.transport") == "tcp");
  BOOST_TEST(str("network.protocol") == "http");
  BOOST_TEST(str("rule.id") == "2019401");
  BOOST_TEST(str("rule.name") == "ET POLICY x");
  BOOST_TEST(str("rule.category") == "Potential Corporate Privacy Violation");
  BOOST_TEST(ev.get_int("event.severity").value_or(-1) == 2);
  BOOST_TEST(str("url.original") == "/a?b=1");
  BOOST_TEST(str("url.path") == "/a");
  BOOST_TEST(str("http.request.method") == "GET");
  BOOST_TEST(ev.get_int("http.response.status_code").value_or(-1) == 200);
  BOOST_TEST(str("user_agent.original") == "curl/8");
}

BOOST_AUTO_TEST_CASE(protocols_lower_cased) {
  // Known names (any case) and others alike come out lower-case, with "failed" (app-layer
  // detection gave up) left out.
  const std::vector<std::tuple<std::string, std::string, std::string, std::string>> cases = {
      {"TCP", "tls", "tcp", "tls"},
      {"IPv6-ICMP", "DNS", "ipv6-icmp", "dns"},
      {"Udp", "Ftp-Data", "udp", "ftp-data"},
      {"PIM", "Telnet", "pim", "telnet"},
      {"TC", "htt", "tc", "htt"},
      {"TCPX", "failed", "tcpx", "<absent>"}};
  for (const auto& [proto, app, transport, protocol] : cases) {
    parse(R"({"timestamp":"2026-11-26T10:00:00Z","event_type":"flow","proto":")" + proto
          + R"(","app_proto":")" + app + R"("})");
    BOOST_TEST(str("network.transport") == transport, proto);
    BOOST_TEST(str("network.protocol") == protocol, app);
    BOOST_TEST(ev.to_json().find(R"("transport":")" + transport + '"') != std::string::npos);
  }
}

BOOST_AUTO_TEST_CASE(flow_bytes) {
  parse(R"({"timestamp":"2026-11-26T10:00:00Z","event_type":"flow","src_ip":"10.0.0.1",)"
        R"("dest_ip":"10.0.0.2","proto":"UDP","flow":{"pkts_toserver":2,"pkts_toclient":3,)"
        R"("bytes_toserver":100,"bytes_toclient":200,"state":"established"}})");
  BOOST_TEST(str("event.kind") == "event");
  BOOST_TEST(ev.get_int("source.bytes").value_or(-1) == 100);
  BOOST_TEST(ev.get_int("destination.bytes").value_or(-1) == 200);
  BOOST_TEST(ev.get_int("source.packets").value_or(-1) == 2);
  BOOST_TEST(ev.get_int("network.bytes").value_or(-1) == 300);
  BOOST_TEST(str("suricata.eve.flow.state") == "established");
}

BOOST_AUTO_TEST_CASE(dns_v2_and_tls) {
  parse(R"({"timestamp":"2026-11-26T10:00:00Z","event_type":"dns","dns":{"version":2,)"
        R"("type":"answer","id":7,"rcode":"NOERROR","rrname":"example.org","rrtype":"A"}})");
  BOOST_TEST(str("dns.question.name") == "example.org");
  BOOST_TEST(str("dns.response_code") == "NOERROR");
  BOOST_TEST(str("dns.id") == "7");
  parse(R"({"timestamp":"2026-11-26T10:00:00Z","event_type":"dns","dns":{"type":"request",)"
        R"("queries":[{"rrname":"q.example","rrtype":"AAAA"}]}})");
  BOOST_TEST(str("dns.question.name") == "q.example");
  BOOST_TEST(str("dns.question.type") == "AAAA");
  parse(R"({"timestamp":"2026-11-26T10:00:00Z","event_type":"tls","tls":{"sni":"s.example",)"
        R"("version":"TLS 1.3","fingerprint":"ab:cd","ja3":{"hash":"j"}}})");
  BOOST_TEST(str("tls.client.server_name") == "s.example");
  BOOST_TEST(str("tls.version") == "1.3");
  BOOST_TEST(str("tls.server.hash.sha1") == "ABCD");
  BOOST_TEST(str("tls.client.ja3") == "j");
}

BOOST_AUTO_TEST_CASE(wrong_field_types_are_skipped) {
  parse(
      R"({"timestamp":"2026-11-26T10:00:00Z","event_type":"flow","src_ip":"not-an-ip",)"
      R"("src_port":"abc","dest_ip":"10.0.0.2","dest_port":70000,"flow":{"bytes_toserver":"x"}})");
  BOOST_TEST(str("event.kind") == "event");
  BOOST_TEST(!ev.has("source.ip"));
  BOOST_TEST(!ev.has("source.port"));
  BOOST_TEST(!ev.has("destination.port"));
  BOOST_TEST(!ev.has("source.bytes"));
  BOOST_TEST(str("destination.ip") == "10.0.0.2");
}

BOOST_AUTO_TEST_CASE(concatenated_documents_are_unparsed) {
  parse(R"({"event_type":"flow"}{"event_type":"alert"})");
  BOOST_TEST(str("event.kind") == "unparsed");
  BOOST_TEST(str("error.message").find("more than one document") != std::string::npos);
  BOOST_TEST(str("event.original") == R"({"event_type":"flow"}{"event_type":"alert"})");
}

BOOST_AUTO_TEST_CASE(truncated_json_is_unparsed) {
  parse(R"({"timestamp":"2026-11-26T10:00:00Z","event_type":"alert","src_ip":"10.)");
  BOOST_TEST(str("event.kind") == "unparsed");
  BOOST_TEST(str("error.message").starts_with("invalid JSON"));
}

BOOST_AUTO_TEST_CASE(invalid_utf8_json_is_repaired_parsed_and_flagged) {
  // One stray byte (C3 not followed by a continuation byte) does not cost the record: it is
  // parsed with the byte replaced by U+FFFD and counted.
  parse("{\"event_type\":\"alert\",\"src_ip\":\"10.0.0.1\",\"x\":\"\xC3\x28\xFF\"}");
  BOOST_TEST(str("event.kind") == "alert");
  BOOST_TEST(str("source.ip") == "10.0.0.1");
  BOOST_TEST(str("suricata.eve.x") == "\xEF\xBF\xBD(\xEF\xBF\xBD");
  BOOST_TEST(ev.get_int("siem.encoding_errors").value_or(-1) == 2);
  BOOST_TEST(!ev.has("error.message"));
  BOOST_TEST(siem::core::is_valid_utf8(ev.to_json()));
  // Invalid UTF-8 that is also malformed JSON stays unparsed, with its reason.
  const std::string line = "{\"event_type\":\"alert\",\"x\":\"\xC3\x28\"";
  parse(line);
  BOOST_TEST(str("event.kind") == "unparsed");
  BOOST_TEST(str("error.message").starts_with("invalid JSON: unbalanced"));
  BOOST_TEST(str("event.original") == line);  // the line's bytes; the writer repairs on output
  BOOST_TEST(ev.get_int("siem.encoding_errors").value_or(-1) == 1);
  BOOST_TEST(siem::core::is_valid_utf8(ev.to_json()));
  // Text formats read the bytes as they are and are flagged the same way.
  parse("<38>Nov 26 10:00:00 h sshd[1]: Failed password for caf\xE9 from 10.0.0.5 port 22 ssh2");
  BOOST_TEST(str("user.name") == "caf\xE9");
  BOOST_TEST(ev.get_int("siem.encoding_errors").value_or(-1) == 1);
  parse(
      "<38>Nov 26 10:00:00 h sshd[1]: Failed password for caf\xC3\xA9 from 10.0.0.5 port 22 ssh2");
  BOOST_TEST(!ev.has("siem.encoding_errors"));
}

BOOST_AUTO_TEST_CASE(generic_json_kept_under_json_namespace) {
  parse(R"({"time":"2026-11-26T10:00:00Z","a":{"b.c":1,"d":[1,2]},"e":null,"f":true})");
  BOOST_TEST(str("event.kind") == "event");
  BOOST_TEST(str("event.dataset") == "json");
  BOOST_TEST(ev.get_int("json.a.b_c").value_or(-1) == 1);
  BOOST_TEST(str("json.a.d") == "[1,2]");
  BOOST_TEST(!ev.has("json.e"));
  BOOST_TEST(*ev.timestamp == at(2026, 11, 26, 10));
}

BOOST_AUTO_TEST_CASE(forced_eve_rejects_non_eve_json) {
  auto n = Normalizer::create("suricata/eve");
  BOOST_REQUIRE(n.has_value());
  (*n)->normalize(R"({"a":1})", kCtx, ev);
  BOOST_TEST(str("event.kind") == "unparsed");
  BOOST_TEST(str("error.message").find("event_type") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(eve_in_syslog_envelope) {
  parse(R"(<134>Nov 26 10:00:00 sensor1 suricata[99]: {"timestamp":"2026-11-26T10:00:01Z",)"
        R"("event_type":"alert","src_ip":"10.0.0.1","alert":{"signature_id":5}})");
  BOOST_TEST(str("event.kind") == "alert");
  BOOST_TEST(str("host.hostname") == "sensor1");
  BOOST_TEST(*ev.timestamp == at(2026, 11, 26, 10, 0, 1));
}

BOOST_AUTO_TEST_CASE(parser_buffer_reuse_across_sizes) {
  // A long line then a short one: stale bytes from the first must not leak into the second.
  std::string big = R"({"event_type":"flow","src_ip":"10.0.0.1","pad":")";
  big.append(100000, 'x');
  big += "\"}";
  parse(big);
  BOOST_TEST(str("event.kind") == "event");
  parse(R"({"event_type":"dns"})");
  BOOST_TEST(str("suricata.eve.event_type") == "dns");
  BOOST_TEST(!ev.has("source.ip"));
}

BOOST_AUTO_TEST_CASE(parsed_in_place_when_the_buffer_has_room_after_the_line) {
  // Lines as views into one buffer, as `siem normalize` reads them: with readable_after >= 64
  // the JSON is parsed in place. Whatever follows a line (here text that would complete a
  // truncated one, or a second document) must not change the result.
  const std::vector<std::string> lines = {
      R"({"timestamp":"2026-11-26T10:00:00.123456+0000","event_type":"alert","src_ip":"10.0.0.1",)"
      R"("dest_port":443,"alert":{"signature_id":7,"signature":"x \"quoted\""}})",
      R"({"timestamp":"2026-11-26T10:00:00Z","event_type":"alert","src_ip":"10.)",
      R"({"event_type":"flow"})",
      "{\"event_type\":\"alert\",\"x\":\"\xC3\x28\"}",
      R"({"event_type":"flow","src_port":12)",   // cut after a number: the next byte matters
      R"({"event_type":"flow","alerted":true)",  // cut after an atom
      R"({"event_type":"flow","a":1} )",         // trailing space
  };
  std::string buffer;
  std::vector<std::pair<std::size_t, std::size_t>> spans;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const auto& l = lines[i];
    spans.emplace_back(buffer.size(), l.size());
    buffer += l;
    // After the line: a newline, or text that would complete a cut line if it were read.
    buffer += i % 2 == 0 ? "\n" : R"(0.0.1"}{"event_type":"dns"}  )";
  }
  buffer.append(64, '}');
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const std::string_view in_place(buffer.data() + spans[i].first, spans[i].second);
    ParseContext ctx = kCtx;
    ctx.readable_after = buffer.size() - spans[i].first - spans[i].second;
    BOOST_REQUIRE(ctx.readable_after >= 64U);
    const std::string got = parse(in_place, ctx).to_json();
    const std::string want = parse(lines[i]).to_json();  // readable_after 0: a padded copy
    BOOST_TEST(got == want, lines[i]);
  }
  parse(std::string_view(buffer.data() + spans[1].first, spans[1].second),
        ParseContext{kCtx.received_at, 0, 200});
  BOOST_TEST(str("event.kind") == "unparsed");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_FIXTURE_TEST_SUITE(fortigate, Fixture)

BOOST_AUTO_TEST_CASE(traffic_in_syslog_envelope) {
  parse(R"(<189>date=2026-11-27 time=01:02:03 devname="FGT60F" devid="FGT60FTK1" )"
        R"(logid="0000000013" type="traffic" subtype="forward" level="notice" srcip=10.1.1.2 )"
        R"(srcport=51234 dstip=8.8.8.8 dstport=53 proto=17 action="accept" policyid=1 )"
        R"(service="DNS" sentbyte=64 rcvdbyte=128 transip=203.0.113.1 transport=40000 )"
        R"(user="bob" tz="+0800" srcintf="port1" app="DNS lookup")");
  BOOST_TEST(str("event.kind") == "event");
  BOOST_TEST(*ev.timestamp == at(2026, 11, 26, 17, 2, 3));
  BOOST_TEST(str("observer.vendor") == "Fortinet");
  BOOST_TEST(str("observer.product") == "FortiGate");
  BOOST_TEST(str("observer.hostname") == "FGT60F");
  BOOST_TEST(str("observer.serial_number") == "FGT60FTK1");
  BOOST_TEST(str("event.code") == "0000000013");
  BOOST_TEST(str("event.action") == "accept");
  BOOST_TEST(str("event.outcome") == "success");
  BOOST_TEST(str("source.ip") == "10.1.1.2");
  BOOST_TEST(ev.get_int("source.port").value_or(-1) == 51234);
  BOOST_TEST(ev.get_int("destination.port").value_or(-1) == 53);
  BOOST_TEST(str("source.nat.ip") == "203.0.113.1");
  BOOST_TEST(ev.get_int("source.nat.port").value_or(-1) == 40000);
  BOOST_TEST(str("network.transport") == "udp");
  BOOST_TEST(ev.get_int("source.bytes").value_or(-1) == 64);
  BOOST_TEST(ev.get_int("destination.bytes").value_or(-1) == 128);
  BOOST_TEST(str("rule.id") == "1");
  BOOST_TEST(str("user.name") == "bob");
  BOOST_TEST(str("fortinet.fortigate.app") == "DNS lookup");
  BOOST_TEST(ev.get_int("log.syslog.priority").value_or(-1) == 189);
}

BOOST_AUTO_TEST_CASE(zone_less_date_uses_context_tz) {
  const ParseContext ctx{at(2026, 11, 27), -300};
  parse(R"(date=2026-11-26 time=20:00:00 devname=F logid=1 type=traffic action=deny)", ctx);
  BOOST_TEST(*ev.timestamp == at(2026, 11, 27, 1));
  BOOST_TEST(str("event.outcome") == "failure");
}

BOOST_AUTO_TEST_CASE(tz_forms) {
  // tz= as FortiOS versions write it; a value that is not an offset leaves the source's zone
  // (-05:00 here).
  const ParseContext ctx{at(2026, 11, 27), -300};
  const std::vector<std::pair<std::string, TimeMs>> cases = {
      {"+0800", at(2026, 11, 26, 12)}, {"\"+08:00\"", at(2026, 11, 26, 12)},
      {"+08", at(2026, 11, 26, 12)},   {"-0130", at(2026, 11, 26, 21, 30)},
      {"+0000", at(2026, 11, 26, 20)}, {"+2400", at(2026, 11, 27, 1)},
      {"+08:0", at(2026, 11, 27, 1)},  {"UTC8", at(2026, 11, 27, 1)}};
  for (const auto& [tz, want] : cases) {
    parse("date=2026-11-26 time=20:00:00 devname=F logid=1 tz=" + tz, ctx);
    BOOST_TEST(ev.timestamp.value_or(0) == want, tz);
  }
}

BOOST_AUTO_TEST_CASE(eventtime_nanoseconds_wins) {
  parse(R"(time=13:39:08 devname="D" eventtime=1741264747895826299 tz="+0100" logid="1" )"
        R"(status="success")");
  BOOST_TEST(*ev.timestamp == 1741264747895);
  BOOST_TEST(str("event.outcome") == "success");
}

BOOST_AUTO_TEST_CASE(bad_values_not_mapped) {
  parse(R"(date=2026-11-27 time=01:02:03 devname=F logid=1 srcip=999.1.1.1 srcport=abc proto=x)");
  BOOST_TEST(!ev.has("source.ip"));
  BOOST_TEST(!ev.has("source.port"));
  BOOST_TEST(!ev.has("network.transport"));
}

BOOST_AUTO_TEST_CASE(unescaped_quotes_inside_values) {
  // FortiOS writes quotes inside values as they are: a quote closes the value only where the
  // record ends or the next key=value pair starts.
  parse(R"(devname="F" logid="1" msg="File "a b.exe" blocked" action=deny)");
  BOOST_TEST(str("message") == R"(File "a b.exe" blocked)");
  BOOST_TEST(str("event.action") == "deny");
  parse(R"(devname="F" logid="1" msg="x "y=1" z")");
  BOOST_TEST(str("message") == R"(x "y=1" z)");
  parse(R"(devname="F" logid="1" msg="x" y" srcip=10.0.0.1)");
  BOOST_TEST(str("message") == R"(x" y)");
  BOOST_TEST(str("source.ip") == "10.0.0.1");
  // No quote starts a pair: the first one followed by a space closes, and the rest is not a
  // key=value pair.
  parse(R"(devname="F" logid="1" msg="a" b"c)");
  BOOST_TEST(str("event.kind") == "unparsed");
  BOOST_TEST(str("error.message") == "malformed key=value pair");
}

BOOST_AUTO_TEST_CASE(truncated_quote_is_unparsed) {
  parse(R"(date=2026-11-27 time=01:02:03 devname="FGT60F logid=1)");
  BOOST_TEST(str("event.kind") == "unparsed");
  BOOST_TEST(str("error.message").find("unterminated") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_FIXTURE_TEST_SUITE(robustness, Fixture)

BOOST_AUTO_TEST_CASE(empty_and_cr_only_lines) {
  parse("");
  BOOST_TEST(str("event.kind") == "unparsed");
  BOOST_TEST(str("error.message") == "empty line");
  parse("\r");
  BOOST_TEST(str("error.message") == "empty line");
  BOOST_TEST(*ev.timestamp == kCtx.received_at);
}

BOOST_AUTO_TEST_CASE(trailing_cr_stripped) {
  parse("Nov 27 01:00:00 h app: msg\r");
  BOOST_TEST(str("message") == "msg");
}

BOOST_AUTO_TEST_CASE(garbage_is_unparsed) {
  parse("hello world");
  BOOST_TEST(str("event.kind") == "unparsed");
  BOOST_TEST(str("error.message") == "unrecognized format");
  BOOST_TEST(str("event.original") == "hello world");
}

BOOST_AUTO_TEST_CASE(nul_bytes) {
  const std::string line("Nov 27 01:00:00 h app: a\0b", 26);
  parse(line);
  BOOST_TEST(str("event.kind") == "event");
  BOOST_TEST(str("message") == std::string("a\0b", 3));
  BOOST_TEST(ev.to_json().find("\\u0000") != std::string::npos);
  parse(std::string("\0\0\0", 3));
  BOOST_TEST(str("event.kind") == "unparsed");
  BOOST_TEST(str("error.message") == "empty line");
  // A raw NUL inside a JSON string is escaped in a copy, and the value keeps it; NULs after
  // the record are dropped (devices sending C strings add them).
  parse(std::string("{\"event_type\":\"a\0\"}\0\0", 21));
  BOOST_TEST(str("event.kind") == "event");
  BOOST_TEST(str("suricata.eve.event_type") == std::string("a\0", 2));
  parse(std::string("{\"event_type\":\"alert\",\"src_ip\":\"10.0.0.1\t\"}", 43));
  BOOST_TEST(str("event.kind") == "alert");
  BOOST_TEST(str("siem.invalid.source.ip") == "10.0.0.1\t");
}

BOOST_AUTO_TEST_CASE(invalid_utf8_in_syslog_kept) {
  parse("Nov 27 01:00:00 h app: caf\xE9");
  BOOST_TEST(str("event.kind") == "event");
  BOOST_TEST(siem::core::is_valid_utf8(ev.to_json()));
}

BOOST_AUTO_TEST_CASE(one_mib_lines) {
  std::string msg = "Nov 27 01:00:00 h sshd[1]: ";
  msg.append(1U << 20U, 'A');
  parse(msg);
  BOOST_TEST(str("event.kind") == "event");
  BOOST_TEST(ev.get_string("message")->size() == 1U << 20U);

  std::string json = R"({"event_type":"alert","src_ip":"10.0.0.1","blob":")";
  json.append(1U << 20U, 'b');
  json += "\"}";
  parse(json);
  BOOST_TEST(str("event.kind") == "alert");
  BOOST_TEST(ev.get_string("suricata.eve.blob")->size() == 1U << 20U);

  std::string junk(1U << 20U, '\xFF');
  parse(junk);
  BOOST_TEST(str("event.kind") == "unparsed");
}

BOOST_AUTO_TEST_CASE(truncated_records_never_crash) {
  const std::string lines[] = {"<",
                               "<1",
                               "<13>",
                               "<999>x",
                               "<13>1",
                               "<13>1 ",
                               "<13>1 2026-11-27T00:00:00Z",
                               "<13>1 2026-11-27T00:00:00Z h a p m [x",
                               "Nov",
                               "Nov 27",
                               "Nov 27 01:00",
                               "Nov 27 01:00:00",
                               "Nov 27 01:00:00 h",
                               "Nov 27 01:00:00 h sshd[",
                               "Nov 27 01:00:00 h sshd[1]:",
                               "{",
                               "{\"",
                               "[1,2]",
                               "date=",
                               "devname=",
                               "Failed password for",
                               "Accepted "};
  for (const auto& l : lines) {
    BOOST_TEST_CONTEXT(l) {
      parse(l);
      BOOST_TEST(ev.has("event.kind"));
      BOOST_TEST(ev.timestamp.has_value());
    }
  }
}

BOOST_AUTO_TEST_CASE(every_byte_prefix_of_samples_is_safe) {
  const std::string samples[] = {
      R"(<165>1 2026-11-27T01:02:03Z h a 1 m [id p="v\"]"] msg)",
      "Nov 27 01:00:00 h sshd[1]: Failed password for invalid user x from 10.0.0.1 port 22 ssh2",
      R"({"timestamp":"2026-11-26T10:00:00Z","event_type":"alert","alert":{"signature_id":1}})",
      R"(<189>date=2026-11-27 time=01:02:03 devname="F G" logid="1" srcip=10.0.0.1)"};
  for (const auto& s : samples) {
    for (std::size_t i = 0; i <= s.size(); ++i) {
      parse(std::string_view{s}.substr(0, i));
      BOOST_TEST_REQUIRE(ev.has("event.kind"));
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()
