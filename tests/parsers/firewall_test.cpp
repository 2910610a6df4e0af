// Unit tests of the `firewall` format family: cisco/asa, cisco/ios, sophos/firewall,
// sonicwall/firewall, stormshield/sns, watchguard/firebox.
#define BOOST_TEST_MODULE firewall_formats
#include "siem/core/event.hpp"
#include "siem/core/time.hpp"
#include "siem/parsers/normalizer.hpp"

#include <boost/test/unit_test.hpp>

#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <new>
#include <string>
#include <string_view>
#include <vector>

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
    return ev.get_int(key).value_or(-1);
  }

  std::unique_ptr<Normalizer> norm;
  Event ev;
};

const std::vector<std::string> kSamples = {
    "<166>Nov 26 2026 10:00:01: %ASA-2-106001: Inbound TCP connection denied from "
    "198.51.100.20/43803 to 203.0.113.10/22 flags SYN  on interface outside",
    "%ASA-6-302013: Built outbound TCP connection 11757 for outside:198.51.100.20/80 "
    "(198.51.100.20/80) to inside:10.0.0.5/1772 (203.0.113.5/8256)",
    "%ASA-6-302014: Teardown TCP connection 11757 for outside:198.51.100.20/80 to "
    "inside:10.0.0.5/1772 duration 0:01:30 bytes 6008 TCP FINs from inside",
    "%ASA-4-106023: Deny tcp src outside:198.51.100.20/50240 dst inside:10.0.0.5/23 by "
    "access-group \"OUTSIDE_IN\" [0x54c7fa80, 0x0]",
    "%ASA-6-106100: access-list inside_in permitted tcp inside/10.0.0.5(51763) -> "
    "outside/198.51.100.20(80) hit-cnt 1 first hit [0x62c4905, 0x0]",
    "%ASA-6-113005: AAA user authentication Rejected : reason = AAA failure : server = "
    "10.0.0.2 : user = bob : user IP = 198.51.100.20",
    "%FTD-6-722051: Group <GP> User <frank> IP <198.51.100.51> IPv4 Address <10.8.0.12> IPv6 "
    "address <::> assigned to session",
    "000124: Nov 26 10:00:00.456 UTC: %SEC-6-IPACCESSLOGP: list OUTSIDE-IN permitted udp "
    "198.51.100.20(53) -> 10.0.0.5(5353), 12 packets",
    "Nov 26 10:00:07.001: %SEC_LOGIN-4-LOGIN_FAILED: Login failed [user: guest] [Source: "
    "198.51.100.20] [localport: 23] [Reason: Login Authentication Failed] at 10:00:07 UTC",
    "*Nov 26 10:00:02: %SYS-5-CONFIG_I: Configured from console by alice on vty0 (10.0.0.9)",
    "device=\"SFW\" date=2026-11-26 time=10:00:00 timezone=\"CET\" device_name=\"XG230\" "
    "log_id=010101600001 log_type=\"Firewall\" status=\"Allow\" src_ip=10.0.0.5 "
    "dst_ip=198.51.100.20 protocol=\"TCP\" src_port=51234 dst_port=443 user_name=\"alice\"",
    "id=firewall sn=0017C5000001 time=\"2026-11-26 10:00:00 UTC\" fw=203.0.113.1 pri=6 c=1024 "
    "m=537 msg=\"Connection Closed\" src=10.0.0.5:51234:X0 dst=198.51.100.20:53:X1 "
    "proto=udp/dns sent=80 rcvd=160",
    "id=firewall time=\"2026-11-26 10:00:00\" fw=\"SN210A0000001\" tz=+0100 "
    "startime=\"2026-11-26 09:59:30\" pri=5 ipproto=tcp src=10.0.0.5 srcport=51234 "
    "dst=198.51.100.20 dstport=443 action=pass logtype=\"connection\"",
    "msg_id=\"3000-0148\" Allow 1-Trusted 0-External 60 tcp 20 64 10.0.0.5 198.51.100.20 "
    "51234 443 offset 10 S 123456 win 65535  (HTTPS-proxy-00)",
    "1.0|WatchGuard|XTM|12.10.2|11000005|host_name=FB#011serial=801002AA7D2A5#011msg="
    "Authentication of SSLVPN user [carol@example.org@RADIUS] from 198.51.100.30 was rejected",
};

}  // namespace

BOOST_AUTO_TEST_SUITE(cisco_asa)

BOOST_AUTO_TEST_CASE(built_outbound_swaps_to_initiator) {
  Fixture fx;
  fx.parse(kSamples[1]);
  BOOST_TEST(fx.str("event.dataset") == "cisco.asa");
  BOOST_TEST(fx.str("event.code") == "302013");
  BOOST_TEST(fx.num("event.severity") == 6);
  BOOST_TEST(fx.str("source.ip") == "10.0.0.5");
  BOOST_TEST(fx.num("source.port") == 1772);
  BOOST_TEST(fx.str("source.nat.ip") == "203.0.113.5");
  BOOST_TEST(fx.num("source.nat.port") == 8256);
  BOOST_TEST(fx.str("destination.ip") == "198.51.100.20");
  BOOST_TEST(fx.num("destination.port") == 80);
  BOOST_TEST(!fx.ev.has("destination.nat.ip"));  // mapped == real: no NAT
  BOOST_TEST(fx.str("observer.ingress.interface.name") == "inside");
  BOOST_TEST(fx.str("observer.egress.interface.name") == "outside");
  BOOST_TEST(fx.str("cisco.asa.connection_id") == "11757");
  BOOST_TEST(fx.str("network.transport") == "tcp");
}

BOOST_AUTO_TEST_CASE(teardown_bytes_duration_reason) {
  Fixture fx;
  fx.parse(kSamples[2]);
  BOOST_TEST(fx.num("network.bytes") == 6008);
  BOOST_TEST(fx.num("event.duration") == 90'000'000'000);
  BOOST_TEST(fx.str("event.reason") == "TCP FINs from inside");
}

BOOST_AUTO_TEST_CASE(acl_deny_and_permit) {
  Fixture fx;
  fx.parse(kSamples[3]);
  BOOST_TEST(fx.str("rule.name") == "OUTSIDE_IN");
  BOOST_TEST(fx.str("event.outcome") == "failure");
  BOOST_TEST(fx.num("destination.port") == 23);
  fx.parse(kSamples[4]);
  BOOST_TEST(fx.str("rule.name") == "inside_in");
  BOOST_TEST(fx.str("event.outcome") == "success");
  BOOST_TEST(fx.num("cisco.asa.hit_count") == 1);
}

BOOST_AUTO_TEST_CASE(header_time_with_year_and_aaa_user) {
  Fixture fx;
  fx.parse(kSamples[0]);
  BOOST_TEST(fx.ev.timestamp.value_or(0) == at(2026, 11, 26, 10, 0, 1));
  BOOST_TEST(fx.str("observer.ingress.interface.name") == "outside");
  fx.parse(kSamples[5]);
  BOOST_TEST(fx.str("user.name") == "bob");
  BOOST_TEST(fx.str("source.ip") == "198.51.100.20");
  BOOST_TEST(fx.str("event.outcome") == "failure");
  fx.parse(kSamples[6]);
  BOOST_TEST(fx.str("observer.product") == "Firepower Threat Defense");
  BOOST_TEST(fx.str("user.name") == "frank");
}

BOOST_AUTO_TEST_CASE(message_id_as_syslog_tag) {
  Fixture fx;
  fx.parse("Nov 26 10:00:03 ftd01 %FTD-6-302013: Built inbound TCP connection 9 for "
           "outside:198.51.100.20/51000 (198.51.100.20/51000) to inside:10.0.0.5/22 "
           "(10.0.0.5/22)");
  BOOST_TEST(fx.str("event.code") == "302013");
  BOOST_TEST(fx.str("host.hostname") == "ftd01");
  BOOST_TEST(!fx.ev.has("process.name"));
  BOOST_TEST(fx.str("source.ip") == "198.51.100.20");
}

BOOST_AUTO_TEST_CASE(invalid_values_are_not_set) {
  Fixture fx;
  fx.parse("%ASA-2-106001: Inbound TCP connection denied from 999.1.1.1/70000 to "
           "203.0.113.10/22 flags SYN on interface outside");
  BOOST_TEST(!fx.ev.has("source.ip"));
  BOOST_TEST(!fx.ev.has("source.port"));
  BOOST_TEST(fx.num("destination.port") == 22);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(cisco_ios)

BOOST_AUTO_TEST_CASE(acl_log_and_login) {
  Fixture fx;
  fx.parse(kSamples[7]);
  BOOST_TEST(fx.str("event.code") == "IPACCESSLOGP");
  BOOST_TEST(fx.num("cisco.ios.sequence") == 124);
  BOOST_TEST(fx.ev.timestamp.value_or(0) == at(2026, 11, 26, 10, 0, 0) + 456);
  BOOST_TEST(fx.num("network.packets") == 12);
  BOOST_TEST(fx.str("rule.name") == "OUTSIDE-IN");
  fx.parse(kSamples[8]);
  BOOST_TEST(fx.str("event.outcome") == "failure");
  BOOST_TEST(fx.str("user.name") == "guest");
  BOOST_TEST(fx.str("source.ip") == "198.51.100.20");
  BOOST_TEST(fx.num("destination.port") == 23);
  BOOST_TEST(!fx.ev.has("source.port"));
  fx.parse(kSamples[9]);
  BOOST_TEST(fx.str("user.name") == "alice");
  BOOST_TEST(fx.str("event.category") == "configuration");
}

BOOST_AUTO_TEST_CASE(zone_name_after_time) {
  Fixture fx;
  fx.parse("Nov 26 10:00:03.000 CET: %LINK-3-UPDOWN: Interface Gi0/1, changed state to down");
  BOOST_TEST(fx.ev.timestamp.value_or(0) == at(2026, 11, 26, 9, 0, 3));
  BOOST_TEST(fx.str("cisco.ios.interface.name") == "Gi0/1");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(kv_firewalls)

BOOST_AUTO_TEST_CASE(sophos_sonicwall_stormshield) {
  Fixture fx;
  fx.parse(kSamples[10]);
  BOOST_TEST(fx.str("observer.vendor") == "Sophos");
  BOOST_TEST(fx.ev.timestamp.value_or(0) == at(2026, 11, 26, 9, 0, 0));
  BOOST_TEST(fx.str("network.transport") == "tcp");
  BOOST_TEST(fx.str("user.name") == "alice");
  fx.parse(kSamples[11]);
  BOOST_TEST(fx.str("observer.vendor") == "SonicWall");
  BOOST_TEST(fx.str("observer.ingress.interface.name") == "X0");
  BOOST_TEST(fx.num("destination.port") == 53);
  BOOST_TEST(fx.str("network.protocol") == "dns");
  BOOST_TEST(fx.num("source.bytes") == 80);
  fx.parse(kSamples[12]);
  BOOST_TEST(fx.str("observer.vendor") == "Stormshield");
  BOOST_TEST(fx.ev.timestamp.value_or(0) == at(2026, 11, 26, 9, 0, 0));
  BOOST_TEST(fx.str("event.outcome") == "success");
}

BOOST_AUTO_TEST_CASE(unescaped_quotes_inside_values) {
  // A value closed at its first quote but followed by stray quoted text held unescaped
  // quotes: it runs to a later quote that ends the text or that a blank and no stray quote
  // follow. Escaped quotes stay escapes; with no such quote, the first one closes (and the
  // rest is skipped).
  const std::string head =
      R"(device="SFW" date=2026-11-26 time=10:00:00 device_name="XG" )"
      R"(log_id=010101600001 log_type="Firewall" log_component="Firewall Rule" )";
  const std::vector<std::pair<std::string, std::string>> cases = {
      {R"(message="File "a b.exe" blocked" src_ip=10.0.0.1)", R"(File "a b.exe" blocked)"},
      {R"(message="say "hi" now" src_ip=10.0.0.1)", R"(say "hi" now)"},
      {R"(src_ip=10.0.0.1 message="ends "quoted"")", R"(ends "quoted")"},
      {R"(message="a" b" c src_ip=10.0.0.1)", R"(a" b)"},
      {R"(message="a" b"c src_ip=10.0.0.1)", "a"},
      // A bare word between pairs is not a stray quote: the later quoted value stays apart.
      {R"(message="a" word status="Allow" src_ip=10.0.0.1)", "a"},
      {R"(message="plain" src_ip=10.0.0.1)", "plain"}};
  Fixture fx;
  for (const auto& [tail, want] : cases) {
    fx.parse(head + tail);
    BOOST_TEST(fx.str("observer.vendor") == "Sophos", tail);
    BOOST_TEST(fx.str("message") == want, tail);
    BOOST_TEST(fx.str("source.ip") == "10.0.0.1", tail);
  }
}

BOOST_AUTO_TEST_CASE(watchguard_traffic_and_auth) {
  Fixture fx;
  fx.parse(kSamples[13]);
  BOOST_TEST(fx.str("observer.vendor") == "WatchGuard");
  BOOST_TEST(fx.str("source.ip") == "10.0.0.5");
  BOOST_TEST(fx.num("source.port") == 51234);
  BOOST_TEST(fx.num("destination.port") == 443);
  BOOST_TEST(fx.str("rule.name") == "HTTPS-proxy-00");
  fx.parse(kSamples[14]);
  BOOST_TEST(fx.str("user.name") == "carol");
  BOOST_TEST(fx.str("user.domain") == "example.org");
  BOOST_TEST(fx.str("event.outcome") == "failure");
}

BOOST_AUTO_TEST_CASE(watchguard_leef_when_forced) {
  // In auto mode the network family's LEEF parser runs first; the forced format maps the
  // WatchGuard LEEF keys itself.
  Fixture fx("watchguard/firebox");
  fx.parse("LEEF:1.0|WatchGuard|XTM|12.8.2|1AFF0021|serial=801002AA7D2A5\tpolicy=HTTPS-00\t"
           "disp=Deny\tin_if=LAN\tout_if=WAN\tsrc=10.0.0.5\tsrcPort=52803\t"
           "dst=198.51.100.20\tdstPort=443\tproto=tcp\top=GET\tdstname=www.example.com\t"
           "arg=/blocked\tmsg=ProxyDeny: HTTP Request categories");
  BOOST_TEST(fx.str("event.code") == "1AFF0021");
  BOOST_TEST(fx.str("event.outcome") == "failure");
  BOOST_TEST(fx.str("http.request.method") == "GET");
  BOOST_TEST(fx.str("url.path") == "/blocked");
  BOOST_TEST(fx.num("source.port") == 52803);
  BOOST_TEST(fx.str("observer.ingress.interface.name") == "LAN");
  BOOST_TEST(fx.str("rule.name") == "HTTPS-00");
}

BOOST_AUTO_TEST_CASE(fortigate_lines_are_not_claimed) {
  Fixture fx;
  fx.parse("date=2026-11-26 time=10:00:00 devname=\"FG100\" devid=\"FG100E\" logid=\"0000000013\" "
           "type=\"traffic\" subtype=\"forward\" srcip=10.0.0.5 dstip=198.51.100.20 "
           "action=\"deny\" sn=1 m=2 id=3");
  BOOST_TEST(fx.str("observer.vendor") == "Fortinet");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(robustness)

BOOST_AUTO_TEST_CASE(every_prefix_and_mutation_parses) {
  const std::vector<std::string_view> formats = {"auto",           "cisco/asa",
                                                 "cisco/ios",      "sophos/firewall",
                                                 "sonicwall/firewall", "stormshield/sns",
                                                 "watchguard/firebox"};
  for (const auto f : formats) {
    Fixture fx(f);
    for (const auto& s : kSamples) {
      for (std::size_t n = 0; n <= s.size(); ++n) {
        fx.parse(std::string_view{s}.substr(0, n));
        BOOST_TEST(fx.ev.size() > 0U);
      }
      std::string m = s;
      for (std::size_t i = 0; i < m.size(); i += 3) {
        const char saved = m[i];
        for (const char c : {'\0', '\xff', ' ', '"', '=', ':', '/', '(', '<', '|'}) {
          m[i] = c;
          fx.parse(m);
          BOOST_TEST(fx.ev.size() > 0U);
        }
        m[i] = saved;
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(one_mib_lines) {
  Fixture fx;
  const std::string pad(1U << 20U, 'a');
  for (const auto& s : kSamples) {
    fx.parse(s + pad);
    BOOST_TEST(fx.ev.size() > 0U);
    fx.parse(s + " " + pad + "=" + pad);
    BOOST_TEST(fx.ev.size() > 0U);
  }
  fx.parse("%ASA-6-302013: " + pad);
  BOOST_TEST(fx.str("event.code") == "302013");
  fx.parse("id=firewall sn=1 m=2 msg=\"" + pad);
  BOOST_TEST(fx.str("observer.vendor") == "SonicWall");
}

BOOST_AUTO_TEST_CASE(steady_state_allocates_nothing_per_line) {
  Fixture fx;
  for (int warm = 0; warm < 3; ++warm) {
    for (const auto& s : kSamples) {
      fx.parse(s);
    }
  }
  for (const auto& s : kSamples) {
    BOOST_TEST_CONTEXT(s) {
      const auto before = g_allocations.load();
      for (int round = 0; round < 50; ++round) {
        fx.parse(s);
      }
      BOOST_TEST(g_allocations.load() - before == 0U);
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()
