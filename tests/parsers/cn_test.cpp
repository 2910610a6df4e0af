#define BOOST_TEST_MODULE cn_formats
#include "siem/core/event.hpp"
#include "siem/core/time.hpp"
#include "siem/parsers/normalizer.hpp"

#include "alloc_counter.hpp"
#include <boost/test/unit_test.hpp>

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

// Chinese-vendor (cn) formats: detection, the envelope traps of vendor-formats-cn.md (year
// inside the timestamp, PRI above 191, no header, Chinese labels, trailing NUL) and
// robustness (every byte prefix, mutated bytes, 1 MiB lines).
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

struct Sample {
  std::string_view format;
  std::string_view line;
};

// One published line per format (vendor-formats-cn.md), shortened where noted there.
constexpr std::array<Sample, 10> kSamples = {{
    {"huawei/usg",
     "<188>Sep  6 2023 17:59:27  fw-M %%01IPS/4/TROJAN(l):A trojan horse was detected. "
     "(SyslogId=366257, VSys=\"public\", Policy=\"trust-untrust\", SrcIp=192.168.0.239, "
     "DstIp=192.168.0.253, SrcPort=54113, DstPort=53, User=\"unknown\", Protocol=UDP, "
     "SignName=\"Trojan CoinMiner : pilutce.com\", SignId=3360499, Severity=high, "
     "Category=Trojan, Action=Block)"},
    {"h3c/secpath",
     "<190>Aug 12 09:01:07 2022 H3C FW-IRF %%10FILTER/6/FILTER_ZONE_IPV4_EXECUTION: "
     "-Chassis=1-Slot=2; SrcZoneName(1025)=Trust;DstZoneName(1035)=Untrust;"
     "SecurityPolicy(1072)=t-u;RuleID(1078)=1;Protocol(1001)=UDP;SrcIPAddr(1003)=192.168.254.101;"
     "SrcPort(1004)=65192;SrcMacAddr(1021)=0835-71a0-9b6f;DstIPAddr(1007)=223.5.5.5;"
     "DstPort(1008)=53;Event(1048)=Permit;"},
    {"hillstone/stoneos",
     "<186>Sep  7 07:41:22 261030KSA3965909(root) 4808924b Threat@IPS: CRITICAL! From "
     "172.18.1.18(UNKNOWN:-@-):4080(xethernet2/2) to 202.101.226.69(UNKNOWN:-@-):53(xethernet2/0), "
     "threat name: Trojan Activity: Win32/Beapy CnC, threat type: Malware, action: reset, "
     "signature ID: 105425, threat severity: Critical, policy id: 2"},
    {"dptech/fw",
     "<142> 1 10.199.199.22 Dec 28 16:16:01 2017 FW 54 POLICY:Allow "
     "6|118.184.178.162|14071|221.207.254.61|1433|gige0_16|gige0_17"},
    {"sangfor/ngaf",
     "<23>May 25 11:31:48 localhost fwlog: 日志类型:IPS防护日志, 源IP:192.168.200.1, 源端口:1102, "
     "目的IP:192.168.200.100, 目的端口:80, 协议:tcp, 攻击类型:web漏洞攻击, 漏洞名称:WebCalendar, "
     "严重等级:高, 动作:拒绝"},
    {"nsfocus/nips",
     "<5>time=2020-06-03 21:21:28;log_type=ips;danger_degree=1;breaking_sighn=0;"
     "event=[50002]TFTP服务客户端;src_addr=10.100.110.7;src_port=34534;dst_addr=192.168.124.245;"
     "dst_port=69;user=null;proto=TFTP;"},
    {"topsec/ngfw",
     "id=tos time=\"2006-09-02 15:47:36\" fw=TOPSEC pri=6 type=ac recorder=FW-NAT "
     "src=192.168.89.215 dst=192.168.89.121 sport=46136 dport=139 proto=tcp rule=accept "
     "policyid=9178 msg=\"null\""},
    {"venustech/tianyue",
     "<212>Oct 29 11:50:51 ips IPS: SerialNum=0113201403099999 GenTime=\"2014-10-29 11:50:51\" "
     "SrcIP=192.168.38.28 SrcIP6= DstIP=82.244.22.168 Protocol=UDP SrcPort=58380 DstPort=16464 "
     "EventName=UDP_Trojan EventID=152340118 EventLevel=2 SecurityType=木马后门 Action=PASS "
     "EvtCount=1"},
    {"qianxin/nsg",
     "Dec 26 20:13:17 172.24.213.201 devid=\"3\" dname=\"鲲鹏出口\" "
     "serial=\"8c151d31ad23faa027b5858bc23ff8e7365baee2\" module=\"flow\" severity=\"info\" "
     "vsys=\"root-vsys\" type=\"traffic-end\" session_id=\"0\" time=\"1577362268\" "
     "duration=\"0\" addr_src=\"192.168.10.100\" addr_dst=\"62.207.132.137\" "
     "nataddr_src=\"::\" nataddr_dst=\"::\" port_src=\"55147\" port_dst=\"445\" "
     "natport_src=\"0\" natport_dst=\"0\" action=\"deny\" appname=\"SMB\" rule=\"deny-445\" "
     "proto=\"TCP\" zone_src=\"鲲鹏B网-测试\" zone_dst=\"to_ops_外网\" locale_src=\"内网\" "
     "locale_dst=\"荷兰\" user_src=\"\" bytes_sent=\"0\" bytes_received=\"0\""},
    {"qianxin/skyeye",
     "<30>skyeye_ids serial_num=\"eb012245d230f1b80fb845bfbc548ed390728de6\" rule_id=\"51444\" "
     "rule_name=\"SOCKS代理\" packet_size=\"0\" sip=\"10.41.0.235\" dip=\"10.95.22.110\" "
     "sport=\"54115\" dport=\"1080\" appid=\"103\" protocol_id=\"6\" description=\"\" "
     "write_date=\"1663940526\" severity=\"2\" vuln_type=\"代理通道\" attacker=\"10.41.0.235\" "
     "victim=\"10.95.22.110\" kill_chain=\"0x02020000\" attack_result=\"1\" "
     "attack_type=\"代理通道\" device_ip=\"10.44.96.148\" src_mac=\"40:77:A9:E5:D2:FA\" "
     "dst_mac=\"40:77:A9:E5:B3:CE\" proof param_name=\"down_payload\" offset=\"0\" "
     "attck_tactic=\"TA0011\" attck_tech=\"T1090.002\""},
}};

// NSFOCUS WAF V6 websec record (S2 BPT, "testWafNsfocus"; the base64 http field shortened).
constexpr std::string_view kWafWebsec =
    "<11>Jul 16 18:43:30 localhost waf: tag:waf_log_websec site_id:1526350602  "
    "protect_id:2526350633  dst_ip:10.16.0.14  dst_port:80  src_ip:10.16.5.251  src_port:8188  "
    "method:GET  domain:218.65.204.251  uri:/images/main%5f01.jpg  alertlevel:MEDIUM  "
    "event_type:HTTP_Protocol_Validation  stat_time:2018-07-16 18:43:29  policy_id:262145  "
    "rule_id:0  action:Accept  block:No  block_info:None  http:R0VUIC9pbWFnZXM=  "
    "alertinfo:QUJOT1JNQUxfUE9SVF9FWElTVA==  proxy_info:None  count_num:1  protocol_type:HTTP  "
    "country:Local area Network  correlation_id:0  vsite_name:None";

// Qi-Anxin 天擎 virus record (vendor-formats-cn.md, S2 BPT#L2170).
constexpr std::string_view kTianqingVirus =
    R"(<6>{"version":"\u5929\u64ce6.6.0.4000","log_name":"\u75c5\u6bd2\u5206\u6790",)"
    R"("log_id":"7a33b6abe8e752d1a1716fea76da59b2","create_time":"2019-11-06 14:58:17",)"
    R"("ip":"192.168.0.211","report_ip":"192.168.0.211","mac":"94c691583e3a","gid":1,)"
    R"("work_group":"","content":{"name":"Risk.Blacklist.AccessDeined","type":"\u6728\u9a6c",)"
    R"("virus_path":"C:\\Users\\Administrator\\Desktop\\x.zip","op":"\u672a\u5904\u7406",)"
    R"("task":"\u7528\u6237\u67e5\u6740","login_user":"Administrator","client_name":"THTF-PC"}})";

// Qi-Anxin 天擎 process record after a skylar_log tag (S2 "testQianxinEsm", shortened).
constexpr std::string_view kTianqingProcess =
    R"(<6>2019-10-23T10:47:50+08:00 WIN-9LK33364IP6 skylar_log[33740]: )"
    R"({"log_name":"logcenter:skylar-client_process_running","create_time":"2019-10-23 10:47:50",)"
    R"("ip":"192.168.0.210","report_ip":"192.168.0.210","mac":"94c691586fa6","gid":"1",)"
    R"("content":{"cmdline":"/??/C:/Windows/Sysnative/conhost.exe","operate":"stop","pid":6024,)"
    R"("process_md5":"ce476f23405aadc46039ac13127df473","process_name":"conhost.exe",)"
    R"("process_parent_pid":648,"process_path":"c:/windows/sysnative/conhost.exe",)"
    R"("process_user":"","sip":"192.168.0.210","starttime":"2019-10-23 10:37:57",)"
    R"("terminal":"THTF-PC"}})";

auto dataset_of(std::string_view format) -> std::string {
  std::string d{format};
  d[d.find('/')] = '.';
  return d;
}

struct Fixture {
  Fixture() {
    auto n = Normalizer::create("auto");
    BOOST_REQUIRE(n.has_value());
    norm = std::move(n).value();
  }

  auto parse(std::string_view line) -> const Event& {
    norm->normalize(line, kCtx, ev);
    return ev;
  }

  [[nodiscard]] auto str(std::string_view key) const -> std::string {
    return std::string{ev.get_string(key).value_or("<absent>")};
  }

  [[nodiscard]] auto num(std::string_view key) const -> std::int64_t {
    return ev.get_int(key).value_or(-999);
  }

  std::unique_ptr<Normalizer> norm;
  Event ev;
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(cn, Fixture)

BOOST_AUTO_TEST_CASE(formats_are_registered_experimental) {
  for (const auto& s : kSamples) {
    bool found = false;
    for (const auto& f : siem::parsers::formats()) {
      if (f.name == s.format) {
        found = true;
        BOOST_TEST(f.status == "experimental");
        BOOST_TEST(!f.detection.empty());
      }
    }
    BOOST_TEST(found, s.format);
  }
}

BOOST_AUTO_TEST_CASE(auto_detects_each_sample) {
  for (const auto& s : kSamples) {
    BOOST_TEST_CONTEXT(s.format) {
      parse(s.line);
      BOOST_TEST(str("event.dataset") == dataset_of(s.format));
      BOOST_TEST(ev.has("source.ip"));
      BOOST_TEST(ev.has("destination.ip"));
    }
  }
}

BOOST_AUTO_TEST_CASE(forced_format_parses_its_sample_and_rejects_others) {
  for (const auto& s : kSamples) {
    auto n = Normalizer::create(s.format);
    BOOST_REQUIRE(n.has_value());
    (*n)->normalize(s.line, kCtx, ev);
    BOOST_TEST(str("event.dataset") == dataset_of(s.format));
    (*n)->normalize("Nov 27 01:00:00 host app: hello world", kCtx, ev);
    BOOST_TEST(str("event.kind") == "unparsed");
  }
}

BOOST_AUTO_TEST_CASE(year_inside_timestamp) {
  parse(kSamples[0].line);  // Huawei: "Sep  6 2023 17:59:27"
  BOOST_TEST(*ev.timestamp == at(2023, 9, 6, 17, 59, 27));
  parse(kSamples[1].line);  // H3C: "Aug 12 09:01:07 2022"
  BOOST_TEST(*ev.timestamp == at(2022, 8, 12, 9, 1, 7));
  BOOST_TEST(str("observer.hostname") == "H3C FW-IRF");
}

BOOST_AUTO_TEST_CASE(source_time_zone_applies_to_zone_less_times) {
  const ParseContext cst{at(2026, 11, 27), 8 * 60};
  norm->normalize(kSamples[1].line, cst, ev);
  BOOST_TEST(*ev.timestamp == at(2022, 8, 12, 1, 1, 7));
}

BOOST_AUTO_TEST_CASE(pri_above_191_is_kept_raw) {
  parse(kSamples[7].line);
  BOOST_TEST(num("log.syslog.priority") == 212);
  BOOST_TEST(!ev.has("log.syslog.facility.code"));
  BOOST_TEST(*ev.timestamp == at(2014, 10, 29, 11, 50, 51));
  BOOST_TEST(str("rule.category") == "木马后门");
  BOOST_TEST(num("event.severity") == 2);
}

BOOST_AUTO_TEST_CASE(chinese_labels_map_to_ecs) {
  parse(kSamples[4].line);
  BOOST_TEST(str("source.ip") == "192.168.200.1");
  BOOST_TEST(num("destination.port") == 80);
  BOOST_TEST(str("event.action") == "deny");
  BOOST_TEST(str("event.outcome") == "failure");
  BOOST_TEST(num("event.severity") == 4);
  BOOST_TEST(str("sangfor.ngaf.action") == "拒绝");
  BOOST_TEST(str("event.kind") == "alert");
}

BOOST_AUTO_TEST_CASE(trailing_nul_and_escaped_newline_are_stripped) {
  std::string l{kSamples[2].line};
  l += "\\n\\u0000";
  parse(l);
  BOOST_TEST(str("hillstone.stoneos.policy_id") == "2");
  std::string raw{kSamples[2].line};
  raw.push_back('\0');
  raw.push_back('\0');
  parse(raw);
  BOOST_TEST(str("hillstone.stoneos.policy_id") == "2");
  BOOST_TEST(str("rule.name") == "Trojan Activity: Win32/Beapy CnC");
}

BOOST_AUTO_TEST_CASE(embedded_nul_is_not_an_address) {
  parse(std::string_view{"<5>time=2020-06-03 21:21:28;danger_degree=1;src_addr=10.0.0.1\0x;", 64});
  BOOST_TEST(str("event.dataset") == "nsfocus.nips");
  BOOST_TEST(!ev.has("source.ip"));
}

BOOST_AUTO_TEST_CASE(other_formats_are_not_claimed) {
  const std::string_view others[] = {
      "<38>Nov 27 01:02:03 web1 sshd[42]: Accepted password for alice from 10.0.0.5 port 50000 "
      "ssh2",
      R"(<189>date=2026-11-27 time=01:02:03 devname="F" logid="1" srcip=10.0.0.1 action="deny")",
      "Nov 27 01:00:00 host kernel: IN=eth0 OUT= SRC=10.0.0.1 DST=10.0.0.2 PROTO=TCP",
      "Nov 27 01:00:00 host app: policy id: 2, From 1.1.1.1 to 2.2.2.2, %%ABC, SerialNum=1",
      "Nov 27 01:00:00 host app: vid=tos rule=accept id=toss",
  };
  for (const auto l : others) {
    parse(l);
    const auto ds = str("event.dataset");
    for (const auto& s : kSamples) {
      BOOST_TEST(ds != dataset_of(s.format), l);
    }
  }
}

BOOST_AUTO_TEST_CASE(every_byte_prefix_is_safe) {
  for (const auto& s : kSamples) {
    auto forced = Normalizer::create(s.format);
    BOOST_REQUIRE(forced.has_value());
    for (std::size_t i = 0; i <= s.line.size(); ++i) {
      const auto p = s.line.substr(0, i);
      parse(p);
      BOOST_TEST_REQUIRE(ev.has("event.kind"));
      (*forced)->normalize(p, kCtx, ev);
      BOOST_TEST_REQUIRE(ev.has("event.kind"));
    }
  }
}

BOOST_AUTO_TEST_CASE(mutated_bytes_are_safe) {
  std::uint32_t seed = 12345;
  auto next = [&seed] {
    seed = seed * 1103515245U + 12345U;
    return seed >> 8U;
  };
  for (const auto& s : kSamples) {
    std::string l;
    for (int iter = 0; iter < 400; ++iter) {
      l.assign(s.line);
      const int edits = 1 + static_cast<int>(next() % 6);
      for (int e = 0; e < edits; ++e) {
        const auto pos = next() % l.size();
        switch (next() % 4) {
          case 0:
            l[pos] = static_cast<char>(next() & 0xFFU);
            break;
          case 1:
            l.erase(pos, 1 + next() % 8);
            break;
          case 2:
            l.insert(pos, 1, "\"();:=,|%@\0\xff"[next() % 12]);
            break;
          default:
            l.insert(pos, l.substr(next() % l.size(), 1 + next() % 16));
            break;
        }
        if (l.empty()) {
          l = "x";
        }
      }
      parse(l);
      BOOST_TEST_REQUIRE(ev.has("event.kind"));
    }
  }
}

BOOST_AUTO_TEST_CASE(sangfor_edr_json_records) {
  constexpr std::string_view kEdr =
      R"(<165>Sep 14 16:49:01 sangfor EDR.[26566]: anti_bfa : [{"_id":"3cc8","found_time":)"
      R"(1626902415,"att_src":"10.122.18.149","att_times":300,"state":"\u672a\u5904\u7406"}])";
  parse(kEdr);
  BOOST_TEST(str("event.dataset") == "sangfor.edr");
  BOOST_TEST(str("source.ip") == "10.122.18.149");
  BOOST_TEST(num("sangfor.edr.att_times") == 300);
  BOOST_TEST(str("sangfor.edr.state") == "未处理");
  BOOST_TEST(*ev.timestamp == 1626902415000);
  for (std::size_t i = 0; i <= kEdr.size(); ++i) {
    parse(kEdr.substr(0, i));
    BOOST_TEST_REQUIRE(ev.has("event.kind"));
  }
  std::string big{kEdr};
  big.insert(big.size() - 3, std::string(1U << 20U, 'x'));
  parse(big);
  BOOST_TEST(str("event.dataset") == "sangfor.edr");
}

BOOST_AUTO_TEST_CASE(qianxin_nsg_traffic) {
  parse(kSamples[8].line);
  BOOST_TEST(str("event.dataset") == "qianxin.nsg");
  BOOST_TEST(str("observer.vendor") == "Qi-Anxin");
  BOOST_TEST(str("observer.hostname") == "鲲鹏出口");
  BOOST_TEST(str("observer.serial_number") == "8c151d31ad23faa027b5858bc23ff8e7365baee2");
  BOOST_TEST(str("log.syslog.hostname") == "172.24.213.201");
  BOOST_TEST(*ev.timestamp == 1577362268000);  // body epoch, not the relay header
  BOOST_TEST(str("source.ip") == "192.168.10.100");
  BOOST_TEST(num("source.port") == 55147);
  BOOST_TEST(str("destination.ip") == "62.207.132.137");
  BOOST_TEST(num("destination.port") == 445);
  BOOST_TEST(!ev.has("source.nat.ip"));  // "::" is no translation
  BOOST_TEST(!ev.has("source.nat.port"));
  BOOST_TEST(str("event.action") == "deny");
  BOOST_TEST(str("event.outcome") == "failure");
  BOOST_TEST(str("network.transport") == "tcp");
  BOOST_TEST(str("network.application") == "smb");
  BOOST_TEST(str("rule.name") == "deny-445");
  BOOST_TEST(str("observer.ingress.zone") == "鲲鹏B网-测试");
  BOOST_TEST(str("log.level") == "info");
  BOOST_TEST(num("event.severity") == 1);
  BOOST_TEST(str("event.type") == "end");
  BOOST_TEST(str("qianxin.nsg.locale_dst") == "荷兰");
  BOOST_TEST(!ev.has("user.name"));
}

BOOST_AUTO_TEST_CASE(qianxin_nsg_threat_rule_is_the_threat) {
  parse(R"(devid="3" dname="NSG" serial="6ea854364a9c3f40d4f5fe0d8997bc9f4ef5daa4" module="ad" )"
        R"(severity="emerg" vsys="root-vsys" type="threat" time="1594011600" )"
        R"(addr_src="36.32.3.214" addr_dst="120.33.204.246" port_src="58208" port_dst="33358" )"
        R"(proto="TCP" action="drop" rule="__fast_disposal__" attacker_ip="36.32.3.214" )"
        R"(attack_name="" threat_name="Portscan" threat_type="Attack_Defend" threat_id="80011")");
  BOOST_TEST(str("event.dataset") == "qianxin.nsg");
  BOOST_TEST(str("event.kind") == "alert");
  BOOST_TEST(str("rule.name") == "Portscan");
  BOOST_TEST(str("rule.id") == "80011");
  BOOST_TEST(str("rule.category") == "Attack_Defend");
  BOOST_TEST(str("qianxin.nsg.rule") == "__fast_disposal__");
  BOOST_TEST(num("event.severity") == 5);
  BOOST_TEST(str("event.action") == "deny");
}

BOOST_AUTO_TEST_CASE(fortigate_detection_needs_fortigate_keys) {
  // A Qi-Anxin NSG record starts with devid= and used to be read as FortiGate.
  parse(R"(devid="3" dname="NSG" serial="6ea8" module="dns" type="dns" addr_src="10.0.0.1")");
  BOOST_TEST(str("event.dataset") == "qianxin.nsg");
  BOOST_TEST(str("observer.product") == "NSG");
  // FortiGate keeps its records: logid with devname/devid, or a Fortinet serial alone.
  parse(R"(date=2026-11-27 time=01:02:03 devname="F" logid="0000000013" srcip=10.0.0.1)");
  BOOST_TEST(str("observer.vendor") == "Fortinet");
  parse(R"(date=2026-11-27 time=01:02:03 devid="FGT60FTK1" srcip=10.0.0.1 action="deny")");
  BOOST_TEST(str("observer.vendor") == "Fortinet");
  // devid with a non-Fortinet value and no logid is not FortiGate.
  parse(R"(devid=1 date="2023/04/07 11:08:22" dname=themis logtype=1 pri=5 sa=172.20.4.4)");
  BOOST_TEST(str("observer.vendor") != "Fortinet");
}

BOOST_AUTO_TEST_CASE(skyeye_value_with_unescaped_quotes) {
  // A value holding quotes keeps them (the stray `a.php" blocked"` would otherwise be lost);
  // a bare word between pairs stays outside the value before.
  parse(R"(<30>skyeye_webattack serial_num="eb01" rule_id="7" sip="10.41.0.235" )"
        R"(dip="10.95.22.110" description="upload "a.php" blocked" proof uri="/up" )"
        R"(write_date="1663940526")");
  BOOST_TEST(str("qianxin.skyeye.description") == R"(upload "a.php" blocked)");
  BOOST_TEST(str("url.path") == "/up");
  BOOST_TEST(str("source.ip") == "10.41.0.235");
}

BOOST_AUTO_TEST_CASE(qianxin_skyeye_ids) {
  parse(kSamples[9].line);
  BOOST_TEST(str("event.dataset") == "qianxin.skyeye");
  BOOST_TEST(str("event.kind") == "alert");
  BOOST_TEST(str("qianxin.skyeye.log_type") == "ids");
  BOOST_TEST(*ev.timestamp == 1663940526000);
  BOOST_TEST(str("rule.id") == "51444");
  BOOST_TEST(str("rule.name") == "SOCKS代理");
  BOOST_TEST(str("rule.category") == "代理通道");
  BOOST_TEST(num("event.severity") == 2);
  BOOST_TEST(num("network.iana_number") == 6);
  BOOST_TEST(str("network.transport") == "tcp");
  BOOST_TEST(str("observer.ip") == "10.44.96.148");
  BOOST_TEST(str("threat.technique.id") == "T1090.002");
  BOOST_TEST(str("threat.tactic.id") == "TA0011");
  BOOST_TEST(str("threat.framework") == "MITRE ATT&CK");
  BOOST_TEST(num("qianxin.skyeye.attack_result") == 1);
  // The bare word "proof" neither joins the MAC nor becomes a key.
  BOOST_TEST(str("destination.mac") == "40-77-A9-E5-B3-CE");
  BOOST_TEST(str("qianxin.skyeye.param_name") == "down_payload");
  BOOST_TEST(!ev.has("qianxin.skyeye.description"));
}

BOOST_AUTO_TEST_CASE(nsfocus_waf_websec) {
  parse(kWafWebsec);
  BOOST_TEST(str("event.dataset") == "nsfocus.waf");
  BOOST_TEST(str("observer.product") == "WAF");
  BOOST_TEST(str("observer.hostname") == "localhost");
  BOOST_TEST(*ev.timestamp == at(2018, 7, 16, 18, 43, 29));  // stat_time, device-local
  BOOST_TEST(str("source.ip") == "10.16.5.251");
  BOOST_TEST(num("source.port") == 8188);
  BOOST_TEST(str("destination.ip") == "10.16.0.14");
  BOOST_TEST(str("http.request.method") == "GET");
  BOOST_TEST(str("url.domain") == "218.65.204.251");
  BOOST_TEST(str("url.path") == "/images/main%5f01.jpg");
  BOOST_TEST(num("event.severity") == 3);
  BOOST_TEST(str("rule.category") == "HTTP_Protocol_Validation");
  BOOST_TEST(str("event.action") == "allow");
  BOOST_TEST(str("nsfocus.waf.country") == "Local area Network");
  BOOST_TEST(!ev.has("nsfocus.waf.block_info"));  // "None"
  BOOST_TEST(str("event.kind") == "alert");
}

BOOST_AUTO_TEST_CASE(qianxin_tianqing_json) {
  parse(kTianqingVirus);
  BOOST_TEST(str("event.dataset") == "qianxin.tianqing");
  BOOST_TEST(str("event.kind") == "alert");
  BOOST_TEST(str("event.category") == "malware");
  BOOST_TEST(str("observer.version") == "6.6.0.4000");
  BOOST_TEST(str("event.id") == "7a33b6abe8e752d1a1716fea76da59b2");
  BOOST_TEST(*ev.timestamp == at(2019, 11, 6, 14, 58, 17));
  BOOST_TEST(str("host.ip") == "192.168.0.211");
  BOOST_TEST(str("host.mac") == "94-C6-91-58-3E-3A");
  BOOST_TEST(str("threat.software.name") == "Risk.Blacklist.AccessDeined");
  BOOST_TEST(str("file.path") == "C:\\Users\\Administrator\\Desktop\\x.zip");
  BOOST_TEST(str("qianxin.tianqing.content.op") == "未处理");
  BOOST_TEST(num("log.syslog.priority") == 6);
  parse(kTianqingProcess);
  BOOST_TEST(str("event.dataset") == "qianxin.tianqing");
  BOOST_TEST(str("event.category") == "process");
  BOOST_TEST(str("event.type") == "end");
  BOOST_TEST(num("process.pid") == 6024);
  BOOST_TEST(num("process.parent.pid") == 648);
  BOOST_TEST(str("process.name") == "conhost.exe");
  BOOST_TEST(str("process.start") == "2019-10-23T10:37:57.000Z");
  BOOST_TEST(str("host.hostname") == "WIN-9LK33364IP6");
  BOOST_TEST(str("qianxin.tianqing.gid") == "1");
  auto forced = Normalizer::create("qianxin/tianqing");
  BOOST_REQUIRE(forced.has_value());
  (*forced)->normalize(kTianqingVirus, kCtx, ev);
  BOOST_TEST(str("event.dataset") == "qianxin.tianqing");
  (*forced)->normalize(R"({"a":1})", kCtx, ev);
  BOOST_TEST(str("event.kind") == "unparsed");
}

BOOST_AUTO_TEST_CASE(new_formats_survive_prefixes_and_mutations) {
  for (const auto l : {kWafWebsec, kTianqingVirus, kTianqingProcess}) {
    for (std::size_t i = 0; i <= l.size(); ++i) {
      parse(l.substr(0, i));
      BOOST_TEST_REQUIRE(ev.has("event.kind"));
    }
    std::string big{l};
    big.insert(big.size() / 2, std::string(1U << 20U, 'A'));
    parse(big);
    BOOST_TEST(ev.has("event.kind"));
  }
}

BOOST_AUTO_TEST_CASE(steady_state_allocates_nothing_per_line) {
  std::vector<std::string_view> lines;
  for (const auto& s : kSamples) {
    lines.push_back(s.line);
  }
  lines.push_back(kWafWebsec);
  lines.push_back(kTianqingVirus);
  lines.push_back(kTianqingProcess);
  for (int warm = 0; warm < 3; ++warm) {
    for (const auto l : lines) {
      parse(l);
    }
  }
  for (const auto l : lines) {
    const std::size_t before = g_allocations.load();
    for (int round = 0; round < 20; ++round) {
      parse(l);
    }
    const std::size_t allocated = g_allocations.load() - before;
    BOOST_TEST_CONTEXT(l.substr(0, 48)) {
      BOOST_TEST(allocated == 0U);
    }
  }
}

BOOST_AUTO_TEST_CASE(one_mib_lines_are_safe) {
  for (const auto& s : kSamples) {
    std::string l{s.line};
    // A huge value in the middle (after the first separator of the record) and a huge tail.
    l.insert(l.size() / 2, std::string(1U << 20U, 'A'));
    parse(l);
    BOOST_TEST(ev.has("event.kind"));
    std::string tail{s.line};
    tail.append(1U << 20U, ';');
    parse(tail);
    BOOST_TEST(str("event.dataset") == dataset_of(s.format));
  }
}

BOOST_AUTO_TEST_SUITE_END()
