#define BOOST_TEST_MODULE network
#include "siem/core/event.hpp"
#include "siem/core/time.hpp"
#include "siem/parsers/normalizer.hpp"

#include "alloc_counter.hpp"
#include <boost/test/unit_test.hpp>

#include <array>
#include <string>
#include <string_view>

namespace {

using siem::core::Event;
using siem::core::TimeMs;
using siem::parsers::Normalizer;
using siem::parsers::ParseContext;
using siem::test::g_allocations;

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
    return ev.get_int(key).value_or(-1);
  }

  std::unique_ptr<Normalizer> norm;
  Event ev;
};

constexpr std::string_view kCef =
    R"(<134>Nov 26 10:00:00 fw1 CEF:0|Fortinet|Fortigate|v6.0.3|00013|traffic:forward close|3|src=10.1.1.10 shost=laptop-7 spt=51234 dst=93.184.216.34 dpt=443 proto=6 act=accept sourceTranslatedAddress=203.0.113.5 sourceTranslatedPort=61000 cs2Label=Rule Name cs2=web\=out msg=a \| b rt=Nov 26 2026 10:00:00)";
constexpr std::string_view kSonicwallCef =
    R"x(CEF:0|SonicWall|NSa 2700|7.0.1-5100|1574|Filename Logging|5|cat=0 src=192.168.10.20 spt=51234 deviceInboundInterface=X0 dst=198.51.100.20 dpt=445 deviceOutboundInterface=X1 susr="alice" proto=tcp/https cs1="7 (LAN->WAN)" app=49169 appName="General HTTPS" msg="Filename: q3.xlsx" fw_action="drop")x";
constexpr std::string_view kBarracudaLogin =
    "Warning  cgf2 LOGIN ATTEMPT: boxconfig[4101]: Login svc_ops from 198.51.100.60:51234 : "
    "Denied.";
constexpr std::string_view kBarracudaCommit =
    "Notice   cgf2 [alice@192.0.2.51_807]  Commit operation: 12 Copy: boxnet.conf from boxsrv";
constexpr std::string_view kPanos =
    "1,2026/11/26 10:00:00,012345678901,TRAFFIC,end,2049,2026/11/26 10:00:00,10.0.0.5,8.8.8.8,"
    "203.0.113.9,8.8.8.8,allow-dns,corp\\alice,,dns,vsys1,trust,untrust,ethernet1/2,ethernet1/1,"
    "fwd,2026/11/26 10:00:00,4242,1,53535,53,40000,53,0x400019,udp,allow,180,80,100,2,"
    "2026/11/26 09:59:59,1,any,0,77,0x0,US,US,0,1,1,aged-out";
constexpr std::string_view kCheckpoint =
    R"(<134>1 2026-11-26T10:00:00Z gw1 CheckPoint 26203 - [action:"Drop"; ifdir:"inbound"; origin:"192.0.2.1"; src:"198.51.100.23"; dst:"192.0.2.80"; s_port:"61000"; service:"3389"; proto:"6"; rule_name:"Cleanup"; product:"VPN-1 & FireWall-1"])";
constexpr std::string_view kJunos =
    "<14>Nov 26 10:00:00 srx1 RT_FLOW: RT_FLOW_SESSION_CREATE: session created "
    "10.0.0.5/53000->8.8.8.8/53 0x0 junos-dns-udp 203.0.113.9/40000->8.8.8.8/53 0x0 N/A N/A N/A "
    "N/A 17 allow-dns trust untrust 4242 N/A(N/A) ge-0/0/1.0 UNKNOWN UNKNOWN UNKNOWN N/A No";

}  // namespace

BOOST_AUTO_TEST_SUITE(cef)

BOOST_FIXTURE_TEST_CASE(maps_header_and_extension, Fixture) {
  parse(kCef);
  BOOST_TEST(str("observer.vendor") == "Fortinet");
  BOOST_TEST(str("observer.product") == "Fortigate");
  BOOST_TEST(str("rule.id") == "00013");
  BOOST_TEST(str("rule.name") == "web=out");  // a cs label naming the rule wins over Name
  BOOST_TEST(num("event.severity") == 3);
  BOOST_TEST(str("source.ip") == "10.1.1.10");
  BOOST_TEST(num("source.port") == 51234);
  BOOST_TEST(num("destination.port") == 443);
  BOOST_TEST(str("network.transport") == "tcp");
  BOOST_TEST(str("source.nat.ip") == "203.0.113.5");
  BOOST_TEST(num("source.nat.port") == 61000);
  BOOST_TEST(str("message") == "a | b");
  BOOST_TEST(str("event.outcome") == "success");
  BOOST_TEST(str("host.hostname") == "fw1");
  BOOST_REQUIRE(ev.timestamp.has_value());
  BOOST_TEST(*ev.timestamp == at(2026, 11, 26, 10, 0, 0));
}

BOOST_FIXTURE_TEST_CASE(epoch_ms_rt_and_escaped_header_pipe, Fixture) {
  parse(R"(CEF:0|Ven\|dor|P|1|sig|n|5|rt=1795687200123 spt=abc src=nope)");
  BOOST_TEST(str("observer.vendor") == "Ven|dor");
  BOOST_REQUIRE(ev.timestamp.has_value());
  BOOST_TEST(*ev.timestamp == at(2026, 11, 26, 10, 0, 0) + 123);
  BOOST_TEST(!ev.has("source.port"));
  BOOST_TEST(!ev.has("source.ip"));
  BOOST_TEST(str("cef.cef.spt") == "abc");
}

// SonicOS writes its own fields in CEF: message ID (no rule), susr, label-less cs1 = rule,
// numeric app, appName, proto=transport/service, fw_action, "Filename: " messages.
BOOST_FIXTURE_TEST_CASE(sonicwall_dialect, Fixture) {
  parse(kSonicwallCef);
  BOOST_TEST(str("event.code") == "1574");
  BOOST_TEST(str("rule.id") == "<absent>");
  BOOST_TEST(str("rule.name") == "7 (LAN->WAN)");
  BOOST_TEST(str("user.name") == "alice");
  BOOST_TEST(str("source.user.name") == "alice");
  BOOST_TEST(str("network.transport") == "tcp");
  BOOST_TEST(str("network.protocol") == "https");
  BOOST_TEST(str("network.application") == "General HTTPS");
  BOOST_TEST(str("cef.cef.app") == "49169");
  BOOST_TEST(str("file.name") == "q3.xlsx");
  BOOST_TEST(str("event.outcome") == "failure");
  BOOST_TEST(str("event.type") == "denied");
  BOOST_TEST(str("observer.type") == "firewall");
  // Other vendors keep ArcSight's meaning of the same keys.
  parse("CEF:0|Acme|Gw|1.0|100|Blocked|3|app=HTTPS suser=\"bob\" cs1=x act=\"blocked\"");
  BOOST_TEST(str("rule.name") == "Blocked");
  BOOST_TEST(str("network.protocol") == "https");
  BOOST_TEST(str("user.name") == "bob");
  BOOST_TEST(str("event.outcome") == "failure");
}

BOOST_FIXTURE_TEST_CASE(truncated_header_is_not_cef, Fixture) {
  parse("CEF:0|Vendor|Product|1.0|100");
  BOOST_TEST(str("event.kind") == "unparsed");
}

BOOST_AUTO_TEST_CASE(forced_format_rejects_other_lines) {
  Fixture f("cef/cef");
  f.parse("hello world");
  BOOST_TEST(f.str("event.kind") == "unparsed");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(barracuda)

BOOST_FIXTURE_TEST_CASE(box_login_and_commit, Fixture) {
  parse(kBarracudaLogin);
  BOOST_TEST(str("event.category") == "authentication");
  BOOST_TEST(str("event.outcome") == "failure");
  BOOST_TEST(str("user.name") == "svc_ops");
  BOOST_TEST(str("source.ip") == "198.51.100.60");
  BOOST_TEST(num("source.port") == 51234);
  BOOST_TEST(str("process.name") == "boxconfig");
  parse(kBarracudaCommit);
  BOOST_TEST(str("event.category") == "configuration");
  BOOST_TEST(str("user.name") == "alice");
  BOOST_TEST(str("source.ip") == "192.0.2.51");
  BOOST_TEST(num("source.port") == 807);
  BOOST_TEST(str("file.name") == "boxnet.conf");
  BOOST_TEST(str("barracuda.cloudgen.commit_operation") == "12");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(panos)

BOOST_FIXTURE_TEST_CASE(traffic_positions, Fixture) {
  parse(kPanos);
  BOOST_TEST(str("observer.vendor") == "Palo Alto Networks");
  BOOST_TEST(str("source.ip") == "10.0.0.5");
  BOOST_TEST(str("destination.ip") == "8.8.8.8");
  BOOST_TEST(str("source.nat.ip") == "203.0.113.9");
  BOOST_TEST(num("source.nat.port") == 40000);
  BOOST_TEST(num("source.port") == 53535);
  BOOST_TEST(num("destination.port") == 53);
  BOOST_TEST(str("rule.name") == "allow-dns");
  BOOST_TEST(str("user.name") == "corp\\alice");
  BOOST_TEST(str("network.transport") == "udp");
  BOOST_TEST(num("source.bytes") == 80);
  BOOST_TEST(num("destination.bytes") == 100);
  BOOST_TEST(str("event.outcome") == "success");
  BOOST_TEST(str("event.reason") == "aged-out");
}

BOOST_FIXTURE_TEST_CASE(threat_signature_is_the_rule, Fixture) {
  std::string line{kPanos.substr(0, kPanos.find(",allow,180"))};
  const auto type = line.find("TRAFFIC,end");
  line.replace(type, 11, "THREAT,vulnerability");
  line += R"(,reset-both,"x.php",Struts RCE(33278),code-execution,critical,client-to-server)";
  parse(line);
  BOOST_TEST(str("event.kind") == "alert");
  BOOST_TEST(str("rule.id") == "33278");
  BOOST_TEST(str("rule.name") == "Struts RCE");
  BOOST_TEST(str("paloalto.panos.rule") == "allow-dns");
  BOOST_TEST(str("event.outcome") == "failure");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(checkpoint)

BOOST_FIXTURE_TEST_CASE(log_exporter_pairs, Fixture) {
  parse(kCheckpoint);
  BOOST_TEST(str("observer.vendor") == "Check Point");
  BOOST_TEST(str("source.ip") == "198.51.100.23");
  BOOST_TEST(num("source.port") == 61000);
  BOOST_TEST(num("destination.port") == 3389);
  BOOST_TEST(str("network.transport") == "tcp");
  BOOST_TEST(str("rule.name") == "Cleanup");
  BOOST_TEST(str("observer.ip") == "192.0.2.1");
  BOOST_TEST(str("event.outcome") == "failure");
  BOOST_REQUIRE(ev.timestamp.has_value());
  BOOST_TEST(*ev.timestamp == at(2026, 11, 26, 10, 0, 0));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(junos)

BOOST_FIXTURE_TEST_CASE(rt_flow_plain, Fixture) {
  parse(kJunos);
  BOOST_TEST(str("observer.vendor") == "Juniper Networks");
  BOOST_TEST(str("event.action") == "RT_FLOW_SESSION_CREATE");
  BOOST_TEST(str("source.ip") == "10.0.0.5");
  BOOST_TEST(num("destination.port") == 53);
  BOOST_TEST(str("source.nat.ip") == "203.0.113.9");
  BOOST_TEST(!ev.has("destination.nat.ip"));  // unchanged by NAT
  BOOST_TEST(str("network.transport") == "udp");
  BOOST_TEST(str("rule.name") == "allow-dns");
  BOOST_TEST(str("observer.ingress.zone") == "trust");
}

BOOST_FIXTURE_TEST_CASE(generic_daemon_event, Fixture) {
  parse("mgd[22688]: UI_CMDLINE_READ_LINE: User 'jdoe' command 'show version'");
  BOOST_TEST(str("user.name") == "jdoe");
  BOOST_TEST(str("process.name") == "mgd");
  BOOST_TEST(num("process.pid") == 22688);
  BOOST_TEST(str("event.outcome") == "success");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(robustness)

// Lines of other formats must not be claimed by the network family.
BOOST_FIXTURE_TEST_CASE(does_not_steal_other_formats, Fixture) {
  constexpr std::array<std::string_view, 5> kOthers = {
      R"(date=2026-11-26 time=10:00:00 devname="fg1" devid="FG100" logid="0000000013" type="traffic" srcip=10.0.0.1)",
      "<38>Nov 26 10:00:00 host sshd[42]: Failed password for root from 198.51.100.7 port 4242 ssh2",
      "<134>Nov 26 10:00:00 host kernel: [12345.678] IN=eth0 OUT= SRC=1.2.3.4 DST=5.6.7.8",
      R"(10.0.0.1 - - [26/Nov/2026:10:00:00 +0000] "GET / HTTP/1.1" 200 12 "-" "curl/8")",
      "<166>Nov 26 2026 10:00:00: %ASA-6-302013: Built outbound TCP connection 1 for a:1.2.3.4/1 (1.2.3.4/1) to b:5.6.7.8/2 (5.6.7.8/2)"};
  for (const auto line : kOthers) {
    parse(line);
    const auto module = str("event.module");
    BOOST_TEST(module != "cef", line);
    BOOST_TEST(module != "paloalto", line);
    BOOST_TEST(module != "checkpoint", line);
    BOOST_TEST(module != "juniper", line);
  }
}

// Every byte prefix of each sample parses without crashing (ASan/UBSan catch reads past end).
BOOST_FIXTURE_TEST_CASE(every_prefix_parses, Fixture) {
  for (const auto sample :
       {kCef, kSonicwallCef, kBarracudaLogin, kBarracudaCommit, kPanos, kCheckpoint, kJunos}) {
    for (std::size_t n = 0; n <= sample.size(); ++n) {
      parse(sample.substr(0, n));
      BOOST_TEST(ev.timestamp.has_value());
    }
  }
}

BOOST_FIXTURE_TEST_CASE(huge_and_binary_lines, Fixture) {
  std::string big{kCef};
  big.append(" msg=");
  big.append(1 << 20, 'A');
  parse(big);
  BOOST_TEST(str("observer.vendor") == "Fortinet");
  std::string bin{kCheckpoint};
  bin[bin.size() / 2] = '\0';
  bin[bin.size() / 3] = '\xff';
  parse(bin);
  BOOST_TEST(ev.timestamp.has_value());
  std::string pipes = "CEF:0|";
  pipes.append(1 << 20, '|');
  parse(pipes);
  BOOST_TEST(ev.timestamp.has_value());
  std::string commas{kPanos};
  commas.append(1 << 20, ',');
  parse(commas);
  BOOST_TEST(str("source.ip") == "10.0.0.5");
}

// Once warmed up, the parsers reuse their buffers and the Event its arena: no heap
// allocation per line.
BOOST_FIXTURE_TEST_CASE(steady_state_allocates_nothing_per_line, Fixture) {
  // Junos RT_FLOW session and RT_IDP attack lines use hand-written matchers: RE2's capturing
  // matches allocate their scratch per search.
  constexpr std::string_view kJunosClose =
      "<14>Nov 26 10:00:05 srx1 RT_FLOW: RT_FLOW_SESSION_CLOSE: session closed TCP FIN: "
      "10.0.0.5/53000->8.8.8.8/53 0x0 junos-dns-udp 203.0.113.9/40000->8.8.8.8/53 0x0 N/A N/A "
      "N/A N/A 17 default-permit trust untrust 4242 1(64) 1(128) 3 UNKNOWN UNKNOWN N/A(N/A) "
      "ge-0/0/1.0";
  constexpr std::string_view kJunosDeny =
      "<14>Nov 26 10:00:06 srx1 RT_FLOW: RT_FLOW_SESSION_DENY: session denied "
      "198.51.100.7/4444->10.0.0.5/22 0x0 junos-ssh 6(0) deny-all untrust trust UNKNOWN "
      "UNKNOWN N/A(N/A) ge-0/0/0.0";
  constexpr std::string_view kJunosIdp =
      "<11>Nov 26 10:08:00 srx1 RT_IDP: IDP_ATTACK_LOG_EVENT: IDP: at 1795687680, SIG Attack log "
      "<198.51.100.23/61001->192.0.2.80/80> for TCP protocol and service HTTP application HTTP "
      "by rule 3 of rulebase IPS in policy Recommended. attack: id=4711, repeat=0, action=DROP, "
      "threat-severity=HIGH, name=HTTP:SQL:INJ:GENERIC, NAT <0.0.0.0:0->0.0.0.0:0>, "
      "time-elapsed=0, inbytes=0, outbytes=0, inpackets=0, outpackets=0, "
      "intf:untrust:ge-0/0/0.0->dmz:ge-0/0/2.0, packet-log-id: 0, alert=no, username=N/A, "
      "roles=N/A, message=-";
  parse(kJunosClose);
  BOOST_TEST(str("event.reason") == "TCP FIN");
  BOOST_TEST(str("source.ip") == "10.0.0.5");
  parse(kJunosDeny);
  BOOST_TEST(str("rule.name") == "deny-all");
  BOOST_TEST(str("source.ip") == "198.51.100.7");
  parse(kJunosIdp);
  BOOST_TEST(str("rule.name") == "HTTP:SQL:INJ:GENERIC");
  BOOST_TEST(str("juniper.srx.policy") == "Recommended");
  BOOST_TEST(num("destination.port") == 80);
  const std::array samples = {kCef,       kSonicwallCef, kBarracudaLogin, kBarracudaCommit,
                              kPanos,     kCheckpoint,   kJunos,          kJunosClose,
                              kJunosDeny, kJunosIdp};
  for (int warm = 0; warm < 3; ++warm) {
    for (const auto sample : samples) {
      parse(sample);
    }
  }
  for (const auto sample : samples) {
    BOOST_TEST_CONTEXT(sample) {
      const auto before = g_allocations.load();
      for (int round = 0; round < 50; ++round) {
        parse(sample);
      }
      BOOST_TEST(g_allocations.load() - before == 0U);
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()
