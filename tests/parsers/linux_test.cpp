// Unit tests of the `linux` format family: linux/auth, linux/auditd, linux/netfilter.
#define BOOST_TEST_MODULE linux_formats
#include "siem/core/event.hpp"
#include "siem/core/time.hpp"
#include "siem/parsers/normalizer.hpp"

#include <boost/test/unit_test.hpp>

#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <new>
#include <array>
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

const std::vector<std::string> kSamples = {
    "Nov 27 01:02:03 web1 sudo:  alice : TTY=pts/0 ; PWD=/home/alice ; USER=root ; "
    "COMMAND=/bin/ls -la",
    "Nov 27 01:02:04 web1 sudo:     bob : 3 incorrect password attempts ; TTY=pts/1 ; "
    "PWD=/home/bob ; USER=root ; COMMAND=/usr/bin/id",
    "Nov 27 01:02:05 web1 su[4496]: pam_unix(su:session): session opened for user root(uid=0) "
    "by alice(uid=1000)",
    "Nov 27 01:02:06 web1 useradd[4484]: new user: name=deploy, UID=1001, GID=1003, "
    "home=/home/deploy, shell=/bin/bash",
    "Nov 27 01:02:07 web1 userdel[4501]: delete user 'deploy'",
    "Nov 27 01:02:08 web1 systemd-logind[612]: New session 42 of user alice.",
    "Nov 27 01:02:09 web1 CRON[3448]: pam_unix(cron:session): session closed for user root",
    "Nov 27 01:02:10 fw1 kernel: [UFW BLOCK] IN=eth0 OUT= "
    "MAC=52:54:00:12:34:56:52:54:00:ab:cd:ef:08:00 SRC=203.0.113.9 DST=10.0.0.2 LEN=60 "
    "TOS=0x00 PREC=0x00 TTL=52 ID=4242 DF PROTO=TCP SPT=40222 DPT=22 WINDOW=64240 RES=0x00 "
    "SYN URGP=0",
    "DROP IN=eth0 OUT= SRC=10.0.0.2 DST=192.0.2.1 LEN=112 PROTO=ICMP TYPE=3 CODE=3 "
    "[SRC=192.0.2.1 DST=10.0.0.2 LEN=84 PROTO=UDP SPT=9999 DPT=33434 LEN=64 ]",
    "type=SYSCALL msg=audit(1764205323.155:92733): arch=c000003e syscall=59 success=yes exit=0 "
    "ppid=29002 pid=1631 auid=1000 uid=1000 comm=\"arp\" exe=\"/usr/sbin/arp\" key=(null)",
    "type=PROCTITLE msg=audit(1764205323.155:92733): proctitle=617270002D61",
    "node=web1 type=USER_LOGIN msg=audit(1764205324.001:812): pid=4242 uid=0 auid=4294967295 "
    "msg='op=login acct=\"alice\" exe=\"/usr/sbin/sshd\" hostname=? addr=203.0.113.9 "
    "terminal=ssh res=failed'",
    "type=EXECVE msg=audit(1764205323.155:92733): argc=3 a0=\"grep\" a1=2D76 a2=\"x y\"",
};

}  // namespace

BOOST_AUTO_TEST_SUITE(registry)

BOOST_AUTO_TEST_CASE(linux_formats_are_listed_and_creatable) {
  int found = 0;
  for (const auto& f : siem::parsers::formats()) {
    if (f.name.starts_with("linux/")) {
      ++found;
      BOOST_TEST_CONTEXT(f.name) {
        BOOST_TEST(!f.detection.empty());
        Fixture fx(f.name);
        fx.parse(f.example);
        BOOST_TEST(fx.str("event.kind") == "event");
        Fixture autod;
        autod.parse(f.example);
        BOOST_TEST(autod.str("event.dataset") == fx.str("event.dataset"));
      }
    }
  }
  BOOST_TEST(found == 3);
}

BOOST_AUTO_TEST_CASE(forced_format_rejects_foreign_lines) {
  for (const std::string_view name : {"linux/auth", "linux/auditd", "linux/netfilter"}) {
    Fixture fx(name);
    fx.parse("Nov 27 01:02:03 h app[1]: hello world");
    BOOST_TEST(fx.str("event.kind") == "unparsed");
    BOOST_TEST(fx.str("error.message") != "<absent>");
  }
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_FIXTURE_TEST_SUITE(auth, Fixture)

BOOST_AUTO_TEST_CASE(sudo_command) {
  parse(kSamples[0]);
  BOOST_TEST(str("event.dataset") == "system.auth");
  BOOST_TEST(str("user.name") == "alice");
  BOOST_TEST(str("user.effective.name") == "root");
  BOOST_TEST(str("process.command_line") == "/bin/ls -la");
  BOOST_TEST(str("process.working_directory") == "/home/alice");
  BOOST_TEST(str("system.auth.sudo.tty") == "pts/0");
  BOOST_TEST(str("event.outcome") == "success");
  BOOST_TEST(*ev.timestamp == at(2026, 11, 27, 1, 2, 3));
}

BOOST_AUTO_TEST_CASE(sudo_failures) {
  parse(kSamples[1]);
  BOOST_TEST(str("event.outcome") == "failure");
  BOOST_TEST(str("event.category") == "authentication");
  BOOST_TEST(str("system.auth.sudo.error") == "3 incorrect password attempts");
  parse("Nov 27 01:02:04 web1 sudo: eve : command not allowed ; TTY=pts/1 ; PWD=/ ; USER=root ; "
        "COMMAND=/sbin/reboot");
  BOOST_TEST(str("event.outcome") == "failure");
  BOOST_TEST(str("event.reason") == "command not allowed");
  BOOST_TEST(str("user.name") == "eve");
}

BOOST_AUTO_TEST_CASE(sudo_command_keeps_semicolons) {
  parse("Nov 27 01:02:04 web1 sudo: al : TTY=pts/1 ; PWD=/ ; USER=root ; COMMAND=/bin/sh -c a ; b");
  BOOST_TEST(str("process.command_line") == "/bin/sh -c a ; b");
}

BOOST_AUTO_TEST_CASE(unknown_sudo_message_stays_generic_syslog) {
  parse("Nov 27 01:00:00 h sudo: Failed password for root from 10.0.0.1 port 22 ssh2");
  BOOST_TEST(str("event.dataset") == "syslog");
  BOOST_TEST(!ev.has("event.category"));
}

BOOST_AUTO_TEST_CASE(pam_session_users) {
  parse(kSamples[2]);
  BOOST_TEST(str("user.name") == "alice");
  BOOST_TEST(str("user.id") == "1000");
  BOOST_TEST(str("user.effective.name") == "root");
  BOOST_TEST(str("user.effective.id") == "0");
  BOOST_TEST(str("event.action") == "session_opened");
  parse(kSamples[6]);
  BOOST_TEST(str("user.name") == "root");
  BOOST_TEST(str("event.type") == "end");
}

BOOST_AUTO_TEST_CASE(shadow_utils) {
  parse(kSamples[3]);
  BOOST_TEST(str("event.category") == "iam");
  BOOST_TEST(str("event.type") == "creation");
  BOOST_TEST(str("user.name") == "deploy");
  BOOST_TEST(str("user.id") == "1001");
  BOOST_TEST(str("group.id") == "1003");
  parse(kSamples[4]);
  BOOST_TEST(str("event.type") == "deletion");
  BOOST_TEST(str("user.name") == "deploy");
}

BOOST_AUTO_TEST_CASE(logind) {
  parse(kSamples[5]);
  BOOST_TEST(str("user.name") == "alice");
  BOOST_TEST(str("systemd.logind.session_id") == "42");
}

BOOST_AUTO_TEST_CASE(sshd_is_not_claimed) {
  parse("Nov 27 01:00:00 h sshd[1]: pam_unix(sshd:auth): authentication failure; logname= uid=0 "
        "euid=0 tty=ssh ruser= rhost=192.0.2.7  user=root");
  BOOST_TEST(str("event.dataset") == "openssh.sshd");
  parse("Nov 27 01:00:00 h sshd-session[1]: pam_unix(sshd:session): session closed for user x");
  BOOST_TEST(str("event.dataset") == "openssh.sshd");
}

BOOST_AUTO_TEST_CASE(other_formats_are_not_claimed) {
  parse(R"(date=2026-11-27 time=01:02:03 devname="FGT" devid="FGT60" logid="0000000013" )"
        R"(type="traffic" srcip=10.1.1.2 dstip=8.8.8.8 action="accept")");
  BOOST_TEST(str("event.dataset") != "system.auth");
  BOOST_TEST(str("event.dataset") != "iptables.log");
  parse("Nov 27 01:00:00 h app[1]: user=alice uid=0 IN the box OUT");
  BOOST_TEST(str("event.dataset") == "syslog");
  parse("Nov 27 01:00:00 h app[1]: moved IN=stock then later OUT=shipped SRC=x");
  BOOST_TEST(str("event.dataset") == "syslog");
  parse("Nov 27 01:00:00 h app[1]: type=backup msg=audit trail rotated");
  BOOST_TEST(str("event.dataset") == "syslog");
  parse("Nov 27 01:00:00 h cron[1]: (root) CMD (run-parts /etc/cron.hourly)");
  BOOST_TEST(str("event.dataset") == "syslog");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_FIXTURE_TEST_SUITE(netfilter, Fixture)

BOOST_AUTO_TEST_CASE(ufw_block) {
  parse(kSamples[7]);
  BOOST_TEST(str("event.dataset") == "iptables.log");
  BOOST_TEST(str("event.action") == "block");
  BOOST_TEST(str("source.ip") == "203.0.113.9");
  BOOST_TEST(num("source.port") == 40222);
  BOOST_TEST(str("destination.ip") == "10.0.0.2");
  BOOST_TEST(num("destination.port") == 22);
  BOOST_TEST(str("network.transport") == "tcp");
  BOOST_TEST(str("observer.ingress.interface.name") == "eth0");
  BOOST_TEST(!ev.has("observer.egress.interface.name"));
  BOOST_TEST(str("source.mac") == "52-54-00-AB-CD-EF");
  BOOST_TEST(str("destination.mac") == "52-54-00-12-34-56");
  BOOST_TEST(num("iptables.ttl") == 52);
  BOOST_TEST(str("iptables.tcp.flags") == "SYN");
}

BOOST_AUTO_TEST_CASE(icmp_error_inner_header_is_skipped) {
  parse(kSamples[8]);
  BOOST_TEST(str("source.ip") == "10.0.0.2");
  BOOST_TEST(str("destination.ip") == "192.0.2.1");
  BOOST_TEST(!ev.has("source.port"));
  BOOST_TEST(num("iptables.length") == 112);
  BOOST_TEST(str("event.action") == "drop");
}

BOOST_AUTO_TEST_CASE(wrong_types_are_dropped) {
  parse("REJECT IN=eth0 OUT= SRC=10.0.0.300 DST=::1 LEN=x PROTO=UDP SPT=abc DPT=65536");
  BOOST_TEST(!ev.has("source.ip"));
  BOOST_TEST(str("destination.ip") == "::1");
  BOOST_TEST(!ev.has("source.port"));
  BOOST_TEST(!ev.has("destination.port"));
  BOOST_TEST(!ev.has("iptables.length"));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_FIXTURE_TEST_SUITE(auditd, Fixture)

BOOST_AUTO_TEST_CASE(syscall_record) {
  parse(kSamples[9]);
  BOOST_TEST(str("event.dataset") == "auditd.log");
  BOOST_TEST(str("event.action") == "syscall");
  BOOST_TEST(str("event.outcome") == "success");
  BOOST_TEST(num("process.pid") == 1631);
  BOOST_TEST(num("process.parent.pid") == 29002);
  BOOST_TEST(str("process.executable") == "/usr/sbin/arp");
  BOOST_TEST(str("user.id") == "1000");
  BOOST_TEST(num("auditd.log.sequence") == 92733);
  BOOST_TEST(*ev.timestamp == TimeMs{1764205323155});
  BOOST_TEST(!ev.has("auditd.log.key"));
}

BOOST_AUTO_TEST_CASE(hex_encoded_strings) {
  parse(kSamples[10]);
  BOOST_TEST(str("process.command_line") == "arp -a");
  parse(kSamples[12]);
  BOOST_TEST(str("process.command_line") == "grep -v x y");
  BOOST_TEST(num("process.args_count") == 3);
}

BOOST_AUTO_TEST_CASE(user_space_record) {
  parse(kSamples[11]);
  BOOST_TEST(str("host.hostname") == "web1");
  BOOST_TEST(str("event.category") == "authentication");
  BOOST_TEST(str("event.outcome") == "failure");
  BOOST_TEST(str("user.name") == "alice");
  BOOST_TEST(!ev.has("user.id"));  // uid= is sshd's own uid
  BOOST_TEST(!ev.has("user.audit.id"));  // 4294967295 = unset
  BOOST_TEST(str("source.ip") == "203.0.113.9");
  BOOST_TEST(str("process.executable") == "/usr/sbin/sshd");
}

BOOST_AUTO_TEST_CASE(journald_and_kernel_forms) {
  parse("Nov 27 01:02:09 web1 audit[4242]: USER_AUTH pid=4242 uid=0 auid=1000 "
        "msg='op=PAM:authentication acct=\"bob\" exe=\"/usr/bin/sudo\" res=failed'");
  BOOST_TEST(str("event.dataset") == "auditd.log");
  BOOST_TEST(str("event.outcome") == "failure");
  BOOST_TEST(str("user.name") == "bob");
  BOOST_TEST(*ev.timestamp == at(2026, 11, 27, 1, 2, 9));
  parse("Nov 27 01:02:10 web1 kernel: [ 5.1] audit: type=1400 audit(1764205327.042:77): "
        "apparmor=\"DENIED\" operation=\"open\" pid=777 comm=\"ntpd\"");
  BOOST_TEST(str("event.action") == "avc");
  BOOST_TEST(num("process.pid") == 777);
  BOOST_TEST(num("auditd.log.sequence") == 77);
  parse("Nov 27 01:02:11 web1 audit[1]: SYSCALL");
  BOOST_TEST(str("event.dataset") == "syslog");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(robustness)

BOOST_AUTO_TEST_CASE(every_prefix_of_every_sample) {
  for (const std::string_view format : {"auto", "linux/auth", "linux/auditd", "linux/netfilter"}) {
    Fixture fx(format);
    for (const auto& s : kSamples) {
      for (std::size_t n = 0; n <= s.size(); ++n) {
        fx.parse(std::string_view{s}.substr(0, n));
        BOOST_REQUIRE(fx.ev.get_string("event.kind").has_value());
        BOOST_REQUIRE(fx.ev.timestamp.has_value());
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(random_bytes_and_mutations) {
  std::uint64_t seed = 0x9E3779B97F4A7C15ULL;
  auto next = [&] {
    seed ^= seed << 13U;
    seed ^= seed >> 7U;
    seed ^= seed << 17U;
    return seed;
  };
  Fixture fx;
  std::string line;
  for (int round = 0; round < 4000; ++round) {
    line = kSamples[next() % kSamples.size()];
    const int edits = 1 + static_cast<int>(next() % 6);
    for (int e = 0; e < edits && !line.empty(); ++e) {
      const auto pos = next() % line.size();
      switch (next() % 3) {
        case 0:
          line[pos] = static_cast<char>(next() & 0xFFU);
          break;
        case 1:
          line.erase(pos, 1 + next() % 8);
          break;
        default:
          line.insert(pos, 1, " =';\"[]:()\x1d\0"[next() % 12]);
          break;
      }
    }
    fx.parse(line);
    BOOST_REQUIRE(fx.ev.get_string("event.kind").has_value());
    (void)fx.ev.to_json();
  }
}

BOOST_AUTO_TEST_CASE(one_mebibyte_lines) {
  Fixture fx;
  const std::string pad(1U << 20U, 'A');
  fx.parse("Nov 27 01:02:03 web1 sudo:  alice : TTY=pts/0 ; PWD=/ ; USER=root ; COMMAND=/bin/" + pad);
  BOOST_TEST(fx.str("user.name") == "alice");
  BOOST_TEST(fx.ev.get_string("process.command_line").value_or("").size() == pad.size() + 5);
  fx.parse("DROP IN=eth0 OUT= SRC=10.0.0.1 DST=10.0.0.2 OPT=" + pad);
  BOOST_TEST(fx.str("event.action") == "drop");
  fx.parse("type=PROCTITLE msg=audit(1764205323.155:1): proctitle=" + std::string(1U << 20U, '4'));
  BOOST_TEST(fx.ev.get_string("process.command_line").value_or("").size() == (1U << 19U));
}

BOOST_AUTO_TEST_CASE(steady_state_allocates_nothing_per_line) {
  Fixture fx;
  for (int warm = 0; warm < 3; ++warm) {
    for (const auto& s : kSamples) {
      fx.parse(s);
    }
  }
  const auto before = g_allocations.load();
  for (int round = 0; round < 50; ++round) {
    for (const auto& s : kSamples) {
      fx.parse(s);
    }
  }
  BOOST_TEST(g_allocations.load() - before == 0U);
}

// Every sshd message the parser knows, each with its syslog header.
BOOST_AUTO_TEST_CASE(sshd_steady_state_allocates_nothing_per_line) {
  const std::array<std::string_view, 14> lines = {
      "<38>Nov 27 01:02:03 h sshd[1]: Failed password for root from 203.0.113.9 port 40222 ssh2",
      "<38>Nov 27 01:02:03 h sshd[1]: Accepted publickey for ann from 10.0.0.5 port 5 ssh2: RSA SHA256:x",
      "<38>Nov 27 01:02:03 h sshd[1]: Invalid user pi from 203.0.113.9 port 40222",
      "<38>Nov 27 01:02:03 h sshd[1]: Connection closed by 203.0.113.9 port 40222 [preauth]",
      "<38>Nov 27 01:02:03 h sshd[1]: Disconnected from user ann 10.0.0.5 port 5",
      "<38>Nov 27 01:02:03 h sshd[1]: Disconnecting invalid user x 203.0.113.9 port 1: Too many",
      "<38>Nov 27 01:02:03 h sshd[1]: Received disconnect from 203.0.113.9 port 1:11: bye",
      "<38>Nov 27 01:02:03 h sshd[1]: Did not receive identification string from 203.0.113.9 port 1",
      "<38>Nov 27 01:02:03 h sshd[1]: Unable to negotiate with 203.0.113.9 port 1: no kex",
      "<38>Nov 27 01:02:03 h sshd[1]: subsystem request for sftp by user ann",
      "<38>Nov 27 01:02:03 h sshd[1]: fatal: Timeout before authentication for 203.0.113.9 port 1",
      "<38>Nov 27 01:02:03 h sshd[1]: error: maximum authentication attempts exceeded for root from "
      "203.0.113.9 port 1 ssh2 [preauth]",
      "<38>Nov 27 01:02:03 h sshd[1]: pam_unix(sshd:session): session opened for user ann(uid=1) by (uid=0)",
      "<38>Nov 27 01:02:03 h sshd[1]: message repeated 3 times: [ Failed password for root from "
      "203.0.113.9 port 40222 ssh2]"};
  Fixture fx;
  for (int warm = 0; warm < 3; ++warm) {
    for (const auto l : lines) {
      fx.parse(l);
    }
  }
  for (const auto l : lines) {
    const auto before = g_allocations.load();
    for (int round = 0; round < 20; ++round) {
      fx.parse(l);
    }
    const auto allocated = g_allocations.load() - before;
    BOOST_TEST_CONTEXT(l) {
      BOOST_TEST(fx.str("event.dataset") == "openssh.sshd");
      BOOST_TEST(fx.ev.has("event.action"));
      BOOST_TEST(allocated == 0U);
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()
