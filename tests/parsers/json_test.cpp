#define BOOST_TEST_MODULE json_formats
#include "siem/core/event.hpp"
#include "siem/core/time.hpp"
#include "siem/parsers/normalizer.hpp"

#include <boost/test/unit_test.hpp>

#include <atomic>
#include <cstdlib>
#include <memory>
#include <new>
#include <string>
#include <string_view>

#include "alloc_counter.hpp"

using siem::test::g_allocations;

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
  explicit Fixture(std::string_view format = "auto") {
    auto n = Normalizer::create(format);
    BOOST_REQUIRE(n.has_value());
    norm = std::move(n).value();
  }

  auto parse(std::string_view line, const ParseContext& ctx = kCtx) -> const Event& {
    norm->normalize(line, ctx, ev);
    return ev;
  }

  [[nodiscard]] auto str(std::string_view key) const -> std::string {
    return std::string{ev.get_string(key).value_or("<absent>")};
  }

  [[nodiscard]] auto num(std::string_view key) const -> std::int64_t {
    return ev.get_int(key).value_or(-12345);
  }

  std::unique_ptr<Normalizer> norm;
  Event ev;
};

constexpr std::string_view kXml4625 =
    "<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System>"
    "<Provider Name='Microsoft-Windows-Security-Auditing' Guid='{54849625}'/>"
    "<EventID>4625</EventID><Level>0</Level><Keywords>0x8010000000000000</Keywords>"
    "<TimeCreated SystemTime='2026-11-26T08:15:30.1234567Z'/><EventRecordID>42</EventRecordID>"
    "<Execution ProcessID='712' ThreadID='44'/><Channel>Security</Channel>"
    "<Computer>dc01.corp.example</Computer><Security/></System><EventData>"
    "<Data Name='SubjectUserName'>DC01$</Data><Data Name='TargetUserName'>eve &amp; co</Data>"
    "<Data Name='TargetDomainName'>CORP</Data><Data Name='LogonType'>3</Data>"
    "<Data Name='IpAddress'>203.0.113.9</Data><Data Name='IpPort'>40222</Data>"
    "</EventData></Event>";

constexpr std::string_view kSysmon3 =
    "<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System>"
    "<Provider Name='Microsoft-Windows-Sysmon'/><EventID>3</EventID>"
    "<TimeCreated SystemTime='2026-11-26T10:00:00.500Z'/><Execution ProcessID='2280' ThreadID='1'/>"
    "<Channel>Microsoft-Windows-Sysmon/Operational</Channel><Computer>ws1</Computer></System>"
    "<EventData><Data Name='ProcessId'>6120</Data><Data Name='Image'>C:\\t\\a.exe</Data>"
    "<Data Name='User'>CORP\\lee</Data><Data Name='Protocol'>tcp</Data>"
    "<Data Name='SourceIp'>10.0.0.1</Data><Data Name='SourcePort'>50000</Data>"
    "<Data Name='DestinationIp'>192.0.2.7</Data><Data Name='DestinationPort'>443</Data>"
    "</EventData></Event>";

}  // namespace

BOOST_AUTO_TEST_CASE(windows_xml_security_logon_failure) {
  Fixture f;
  f.parse(kXml4625);
  BOOST_TEST(f.str("event.code") == "4625");
  BOOST_TEST(f.str("event.action") == "logon-failed");
  BOOST_TEST(f.str("event.category") == "authentication");
  BOOST_TEST(f.str("event.outcome") == "failure");
  BOOST_TEST(f.str("user.name") == "eve & co");
  BOOST_TEST(f.str("user.domain") == "CORP");
  BOOST_TEST(f.str("source.ip") == "203.0.113.9");
  BOOST_TEST(f.num("source.port") == 40222);
  BOOST_TEST(f.str("winlog.logon.type") == "Network");
  BOOST_TEST(f.str("host.name") == "dc01.corp.example");
  BOOST_TEST(f.str("host.hostname") == "dc01");
  BOOST_TEST(f.num("winlog.record_id") == 42);
  BOOST_TEST(f.ev.timestamp.value_or(0) == at(2026, 11, 26, 8, 15, 30) + 123);
}

BOOST_AUTO_TEST_CASE(windows_xml_sysmon_network_and_forced_format) {
  Fixture f{"windows/xml"};
  f.parse(kSysmon3);
  BOOST_TEST(f.str("event.action") == "network-connection");
  BOOST_TEST(f.str("source.ip") == "10.0.0.1");
  BOOST_TEST(f.num("destination.port") == 443);
  BOOST_TEST(f.str("network.transport") == "tcp");
  BOOST_TEST(f.num("process.pid") == 6120);
  BOOST_TEST(f.str("process.name") == "a.exe");
  BOOST_TEST(f.str("user.name") == "lee");
  f.parse(R"({"not":"xml"})");
  BOOST_TEST(f.str("event.kind") == "unparsed");
}

BOOST_AUTO_TEST_CASE(windows_json_shapes) {
  Fixture f;
  f.parse(R"({"@timestamp":"2026-11-26T13:00:00Z","winlog":{"channel":"Security","event_id":"4688",)"
          R"("provider_name":"Microsoft-Windows-Security-Auditing","event_data":{"SubjectUserName":"kim",)"
          R"("NewProcessId":"0x1a2c","NewProcessName":"C:\\w\\p.exe","CommandLine":"p.exe -x",)"
          R"("ProcessId":"0x10","ParentProcessName":"C:\\w\\cmd.exe"}}})");
  BOOST_TEST(f.str("event.action") == "created-process");
  BOOST_TEST(f.num("process.pid") == 0x1a2c);
  BOOST_TEST(f.num("process.parent.pid") == 16);
  BOOST_TEST(f.str("process.command_line") == "p.exe -x");
  BOOST_TEST(f.str("user.name") == "kim");

  // Fuzz finding: sixteen hex digits overflowed int64. Such a pid is dropped, the rest kept.
  f.parse(R"({"@timestamp":"2026-11-26T13:00:00Z","winlog":{"channel":"Security","event_id":"4688",)"
          R"("provider_name":"Microsoft-Windows-Security-Auditing","event_data":{"SubjectUserName":"kim",)"
          R"("NewProcessId":"0xffffffffffffffff","ProcessId":"0x7fffffffffffffff"}}})");
  BOOST_TEST(f.str("event.action") == "created-process");
  BOOST_TEST(f.num("process.pid") == -12345);
  BOOST_TEST(f.num("process.parent.pid") == -12345);
  BOOST_TEST(f.str("user.name") == "kim");

  f.parse(R"({"Event":{"System":{"Provider":{"#attributes":{"Name":"Microsoft-Windows-Security-Auditing"}},)"
          R"("EventID":4624,"TimeCreated":{"#attributes":{"SystemTime":"2026-11-26T12:00:00Z"}},)"
          R"("Channel":"Security","Computer":"srv"},"EventData":{"TargetUserName":"bob","LogonType":10}}})");
  BOOST_TEST(f.str("event.action") == "logged-in");
  BOOST_TEST(f.str("user.name") == "bob");
  BOOST_TEST(f.str("winlog.logon.type") == "RemoteInteractive");
  BOOST_TEST(f.ev.timestamp.value_or(0) == at(2026, 11, 26, 12));

  f.parse(R"({"EventTime":"2026-11-26 14:00:00","Hostname":"pc.example.org","EventID":6000,)"
          R"("SourceName":"Microsoft-Windows-Winlogon","ProcessID":0,"Channel":"Application",)"
          R"("AccountName":"SYSTEM","UserID":"S-1-5-18"})");
  BOOST_TEST(f.str("event.code") == "6000");
  BOOST_TEST(f.str("user.name") == "SYSTEM");
  BOOST_TEST(f.num("process.pid") == 0);
  BOOST_TEST(f.str("host.hostname") == "pc");
}

BOOST_AUTO_TEST_CASE(zeek_json_and_tsv) {
  Fixture f;
  f.parse(R"({"_path":"dns","ts":1764151200.25,"uid":"C1","id.orig_h":"10.0.0.5","id.orig_p":53000,)"
          R"("id.resp_h":"10.0.0.53","id.resp_p":53,"proto":"udp","query":"a.example","answers":["1.2.3.4","x"]})");
  BOOST_TEST(f.str("event.dataset") == "zeek.dns");
  BOOST_TEST(f.str("dns.question.name") == "a.example");
  BOOST_TEST(f.num("source.port") == 53000);
  BOOST_TEST(f.str("network.transport") == "udp");
  BOOST_TEST(f.str("zeek.dns.answers") == "1.2.3.4,x");
  BOOST_TEST(f.ev.timestamp.value_or(0) == 1764151200250);

  // A row before any header is not Zeek.
  f.parse("1764151200.0\tC1\t10.0.0.1\t1\t10.0.0.2\t2");
  BOOST_TEST(f.str("event.kind") == "unparsed");
  f.parse("#separator \\x09");
  BOOST_TEST(f.str("event.action") == "zeek_header");
  f.parse("#path\tconn");
  f.parse("#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\torig_ip_bytes");
  f.parse("#types\ttime\tstring\taddr\tport\taddr\tport\tenum\tcount");
  f.parse("1764151200.0\tC1\t10.0.0.1\t1\t10.0.0.2\t2\ttcp\t900");
  BOOST_TEST(f.str("event.dataset") == "zeek.conn");
  BOOST_TEST(f.str("destination.ip") == "10.0.0.2");
  BOOST_TEST(f.num("destination.port") == 2);
  BOOST_TEST(f.num("source.bytes") == 900);
  f.parse("1764151200.0\tC1\t10.0.0.1");  // short row: not this header's shape
  BOOST_TEST(f.str("event.kind") == "unparsed");
}

BOOST_AUTO_TEST_CASE(cloudtrail_okta_zscaler_generic) {
  Fixture f;
  f.parse(R"({"eventVersion":"1.08","eventTime":"2026-11-26T15:00:00Z","eventSource":"s3.amazonaws.com",)"
          R"("eventName":"DeleteBucket","awsRegion":"eu-west-3","sourceIPAddress":"ec2.amazonaws.com",)"
          R"("errorCode":"AccessDenied","userIdentity":{"type":"IAMUser","userName":"al"}})");
  BOOST_TEST(f.str("event.action") == "DeleteBucket");
  BOOST_TEST(f.str("event.outcome") == "failure");
  BOOST_TEST(f.str("cloud.region") == "eu-west-3");
  BOOST_TEST(f.str("source.address") == "ec2.amazonaws.com");
  BOOST_TEST(!f.ev.has("source.ip"));
  BOOST_TEST(f.str("user.name") == "al");

  f.parse(R"({"uuid":"u","published":"2026-11-26T16:00:00.250Z","eventType":"user.session.start",)"
          R"("actor":{"alternateId":"mia@example.org"},"client":{"ipAddress":"198.51.100.4",)"
          R"("userAgent":{"rawUserAgent":"UA"}},"outcome":{"result":"FAILURE"}})");
  BOOST_TEST(f.str("event.action") == "user.session.start");
  BOOST_TEST(f.str("event.outcome") == "failure");
  BOOST_TEST(f.str("user.name") == "mia@example.org");
  BOOST_TEST(f.str("source.ip") == "198.51.100.4");
  BOOST_TEST(f.str("user_agent.original") == "UA");

  f.parse(R"({"sourcetype":"zscalernss-audit","event":{"time":"Thu Nov 26 17:00:02 2026",)"
          R"("action":"DELETE","clientip":"198.51.100.10","result":"SUCCESS"}})");
  BOOST_TEST(f.str("event.action") == "delete");
  BOOST_TEST(f.str("event.outcome") == "success");
  BOOST_TEST(f.ev.timestamp.value_or(0) == at(2026, 11, 26, 17, 0, 2));

  f.parse(R"({"ts":1764180003,"msg":"x"})");
  BOOST_TEST(f.str("event.dataset") == "json");
  BOOST_TEST(f.ev.timestamp.value_or(0) == 1764180003000);
  f.parse(R"({"ts":1764180003123})");
  BOOST_TEST(f.ev.timestamp.value_or(0) == 1764180003123);
}

BOOST_AUTO_TEST_CASE(forced_formats_are_registered) {
  for (const auto* name : {"windows/xml", "windows/evtx-json", "windows/winlogbeat",
                           "windows/nxlog-json", "zeek/json", "zeek/tsv", "aws/cloudtrail",
                           "okta/system-log", "zscaler/nss-json"}) {
    BOOST_TEST_CONTEXT(name) {
      BOOST_TEST(Normalizer::create(name).has_value());
    }
  }
  Fixture f{"zeek/json"};
  f.parse(R"({"EventID":1,"SourceName":"x"})");
  BOOST_TEST(f.str("event.dataset") == "zeek.unknown");
  Fixture g{"okta/system-log"};
  g.parse(R"({"a":1})");
  BOOST_TEST(g.str("event.kind") == "unparsed");
}

// Every byte prefix of each sample parses without crashing into exactly one event, and
// NUL bytes / invalid UTF-8 inside are accepted.
BOOST_AUTO_TEST_CASE(prefixes_and_bad_bytes) {
  Fixture f;
  const std::string samples[] = {
      std::string{kXml4625},
      std::string{kSysmon3},
      R"({"_path":"conn","ts":1.5,"uid":"C","id.orig_h":"10.0.0.1","id.orig_p":1,"id.resp_h":"::1","id.resp_p":2})",
      R"({"Event":{"System":{"EventID":4624,"Channel":"Security"},"EventData":{"Data":[{"@Name":"A","#text":"b"},"x"]}}})",
      R"({"sourcetype":"zscalernss-web","event":{"datetime":"2026-11-26 17:00:00","ClientIP":"10.1.2.3"}})",
  };
  for (const auto& s : samples) {
    for (std::size_t n = 0; n <= s.size(); ++n) {
      f.parse(std::string_view{s}.substr(0, n));
      BOOST_TEST(f.ev.timestamp.has_value());
    }
    std::string bad = s;
    bad.insert(bad.size() / 2, std::string{"\0\xff\xfe", 3});
    f.parse(bad);
    BOOST_TEST(f.ev.timestamp.has_value());
  }
  // Zeek TSV state with hostile header lines.
  for (const std::string_view l :
       {"#separator \\x00", "#separator \\xZZ", "#separator", "#fields", "#types\t\t\t",
        "#separator \\x09", "#fields\t", "\t", "#fields\ta\tb", "x\ty", "x\ty\tz"}) {
    f.parse(l);
    BOOST_TEST(f.ev.timestamp.has_value());
  }
}

// Steady state: once buffers have grown, parsing the same shapes again allocates nothing.
BOOST_AUTO_TEST_CASE(steady_state_allocates_nothing) {
  Fixture f;
  const std::string_view lines[] = {
      kXml4625,
      kSysmon3,
      R"({"_path":"dns","ts":1764151200.25,"uid":"C1","id.orig_h":"10.0.0.5","id.orig_p":53000,)"
      R"("id.resp_h":"10.0.0.53","id.resp_p":53,"proto":"udp","query":"a.example","answers":["1.2.3.4","x"]})",
      R"({"EventTime":"2026-11-26 14:00:00","Hostname":"pc.example.org","EventID":4624,)"
      R"("SourceName":"Microsoft-Windows-Security-Auditing","ProcessID":700,"Channel":"Security",)"
      R"("TargetUserName":"nora","IpAddress":"10.9.8.7","IpPort":"55000","Keywords":-9214364837600034816})",
      R"({"uuid":"u","published":"2026-11-26T16:00:00.250Z","eventType":"user.session.start",)"
      R"("actor":{"alternateId":"mia@example.org"},"client":{"ipAddress":"198.51.100.4"},"outcome":{"result":"SUCCESS"}})",
      R"({"sourcetype":"zscalernss-web","event":{"datetime":"2026-11-26 17:00:00","ClientIP":"10.1.2.3",)"
      R"("serverip":"203.0.113.80","url":"a.example/x?y=1","action":"Allowed"}})",
      R"({"ts":1764180003,"msg":"x","n":{"a":1}})",
      "#separator \\x09",
      "#path\tconn",
      "#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\torig_ip_bytes",
      "#types\ttime\tstring\taddr\tport\taddr\tport\tenum\tcount",
      "1764151200.0\tC1\t10.0.0.1\t1\t10.0.0.2\t2\ttcp\t900",
  };
  for (int warm = 0; warm < 3; ++warm) {
    for (const auto l : lines) {
      f.parse(l);
    }
  }
  for (const auto l : lines) {
    const std::size_t before = g_allocations.load();
    for (int i = 0; i < 20; ++i) {
      f.parse(l);
    }
    const std::size_t allocated = g_allocations.load() - before;  // before the context allocates
    BOOST_TEST_CONTEXT(l.substr(0, 40)) {
      BOOST_TEST(allocated == 0U);
    }
  }
}
