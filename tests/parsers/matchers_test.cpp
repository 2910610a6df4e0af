#define BOOST_TEST_MODULE matchers
// Hand-written matchers against the reference implementations they replace. The sshd
// matchers against their RE2 patterns: same match decision and same captures on every message
// built from a grid of awkward pieces (user names with spaces and " from ", hostnames instead
// of IPs, missing ports, trailing text and blanks). The Junos RT_FLOW session and RT_IDP attack
// matchers against theirs likewise. The IPv4 check against inet_pton. The 16-byte scans of the
// key=value tokenizers against byte loops, and KeyIndex's perfect hash against a linear search.
#include "common.hpp"
#include "junos_match.hpp"
#include "key_index.hpp"
#include "scan.hpp"
#include "sshd.hpp"
#include <arpa/inet.h>
#include <boost/test/unit_test.hpp>
#include <re2/re2.h>

#include <algorithm>
#include <array>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace {

namespace m = siem::parsers::detail::sshd_match;
using re2::StringPiece;

auto sv(const StringPiece& p) -> std::string_view { return {p.data(), p.size()}; }

// Captures of `re` on `msg` in the matcher's shape; RE2 reports an untaken group as empty.
auto by_re2(const RE2& re, std::string_view msg) -> m::Captures {
  m::Captures c;
  std::vector<StringPiece> g(5);
  std::vector<RE2::Arg> args;
  std::vector<const RE2::Arg*> ptrs;
  args.reserve(5);
  const int n = re.NumberOfCapturingGroups();
  for (int i = 0; i < n; ++i) {
    args.emplace_back(&g[static_cast<std::size_t>(i)]);
  }
  for (auto& a : args) {
    ptrs.push_back(&a);
  }
  c.ok = RE2::PartialMatchN(StringPiece(msg.data(), msg.size()), re, ptrs.data(), n);
  if (c.ok) {
    c.a = sv(g[0]);
    c.b = sv(g[1]);
    c.c = sv(g[2]);
    c.d = sv(g[3]);
    c.e = sv(g[4]);
  }
  return c;
}

void check(const RE2& re, const std::function<m::Captures(std::string_view)>& mine,
           const std::string& msg, int& compared) {
  BOOST_REQUIRE(re.ok());
  const auto want = by_re2(re, msg);
  const auto got = mine(msg);
  BOOST_TEST_CONTEXT("message: [" << msg << "]") {
    BOOST_TEST(got.ok == want.ok);
    if (got.ok && want.ok) {
      BOOST_TEST(got.a == want.a);
      BOOST_TEST(got.b == want.b);
      BOOST_TEST(got.c == want.c);
      BOOST_TEST(got.d == want.d);
      BOOST_TEST(got.e == want.e);
    }
  }
  ++compared;
}

const std::vector<std::string> kUsers = {
    "root", "", "alice bob", "x from y", "x from 1.2.3.4 port", "invalid user z", "a  b", "ü"};
const std::vector<std::string> kAddrs = {"203.0.113.9", "2001:db8::1", "host.example", ""};
const std::vector<std::string> kPorts = {" port 22", " port ", " port x", "", " port 65536"};
const std::vector<std::string> kTails = {"",          " ssh2",      " ssh2: RSA SHA256:abc",
                                         " ssh2 ",    " [preauth]", "  ",
                                         " ssh2:",    "\t",         " ssh2x"};

auto options() -> RE2::Options {
  RE2::Options o;
  o.set_log_errors(false);
  return o;
}

}  // namespace

BOOST_AUTO_TEST_CASE(failed_matches_re2) {
  const RE2 re(R"(^Failed (\S+) for (invalid user )?(.*?) from (\S+) port (\d+))", options());
  int n = 0;
  for (const std::string method : {"password", "publickey", ""}) {
    for (const std::string inv : {"", "invalid user "}) {
      for (const auto& u : kUsers) {
        for (const auto& a : kAddrs) {
          for (const auto& p : kPorts) {
            for (const auto& t : kTails) {
              check(re, m::failed, "Failed " + method + " for " + inv + u + " from " + a + p + t,
                    n);
            }
          }
        }
      }
    }
  }
  check(re, m::failed, "Failed password for root", n);
  check(re, m::failed, "Failed  for root from 1.2.3.4 port 1", n);
  BOOST_TEST(n > 2000);
}

BOOST_AUTO_TEST_CASE(accepted_matches_re2) {
  const RE2 re(R"(^Accepted (\S+) for (.*?)(?: from (\S+) port (\d+)(?: ssh2(?:: (.*))?)?)?\s*$)",
               options());
  int n = 0;
  for (const std::string method : {"password", "publickey", ""}) {
    for (const auto& u : kUsers) {
      for (const auto& a : kAddrs) {
        for (const auto& p : kPorts) {
          for (const auto& t : kTails) {
            check(re, m::accepted, "Accepted " + method + " for " + u + " from " + a + p + t, n);
          }
        }
      }
      check(re, m::accepted, "Accepted " + method + " for " + u, n);
      check(re, m::accepted, "Accepted " + method + " for " + u + "  ", n);
    }
  }
  BOOST_TEST(n > 1000);
}

BOOST_AUTO_TEST_CASE(invalid_user_matches_re2) {
  const RE2 re(R"(^Invalid user (.*?) from (\S+)(?: port (\d+))?)", options());
  int n = 0;
  for (const auto& u : kUsers) {
    for (const auto& a : kAddrs) {
      for (const auto& p : kPorts) {
        for (const auto& t : kTails) {
          check(re, m::invalid_user, "Invalid user " + u + " from " + a + p + t, n);
        }
      }
    }
    check(re, m::invalid_user, "Invalid user " + u, n);
  }
  BOOST_TEST(n > 500);
}

BOOST_AUTO_TEST_CASE(connection_matches_re2) {
  const RE2 re(
      R"(^Connection (closed|reset) by (?:(invalid|authenticating) user (.*?) )?(\S+)(?: port (\d+))?)",
      options());
  int n = 0;
  for (const std::string kind : {"closed", "reset", "lost"}) {
    for (const std::string who : {"", "invalid user ", "authenticating user ", "invalid "}) {
      for (const auto& u : kUsers) {
        for (const auto& a : kAddrs) {
          for (const auto& p : kPorts) {
            for (const auto& t : kTails) {
              const std::string user = who.empty() ? "" : u + " ";
              check(re, m::connection, "Connection " + kind + " by " + who + user + a + p + t, n);
            }
          }
        }
      }
    }
  }
  BOOST_TEST(n > 4000);
}

BOOST_AUTO_TEST_CASE(disconnect_messages_match_re2) {
  const RE2 disconnected(
      R"(^Disconnected from (?:(invalid|authenticating) user (.*?) |user (\S+) )?(\S+) port (\d+))",
      options());
  const RE2 disconnecting(
      R"(^Disconnecting (?:(invalid|authenticating) user (.*?) |user (\S+) )?(\S+) port (\d+))",
      options());
  int n = 0;
  for (const std::string who : {"", "invalid user ", "authenticating user ", "user ", "invalid ",
                                "user  "}) {
    for (const auto& u : kUsers) {
      for (const auto& a : kAddrs) {
        for (const auto& p : kPorts) {
          for (const auto& t : kTails) {
            const std::string user = who.empty() ? "" : u + " ";
            const std::string rest = who + user + a + p + t;
            check(disconnected, m::disconnected, "Disconnected from " + rest, n);
            check(disconnecting, m::disconnecting, "Disconnecting " + rest, n);
          }
        }
      }
    }
  }
  BOOST_TEST(n > 5000);
}

BOOST_AUTO_TEST_CASE(max_attempts_matches_re2) {
  const RE2 re(
      R"(maximum authentication attempts exceeded for (invalid user )?(.*?) from (\S+) port (\d+))",
      options());
  int n = 0;
  for (const std::string inv : {"", "invalid user "}) {
    for (const auto& u : kUsers) {
      for (const auto& a : kAddrs) {
        for (const auto& p : kPorts) {
          for (const auto& t : kTails) {
            const std::string body = inv + u + " from " + a + p + t;
            check(re, m::max_attempts, "maximum authentication attempts exceeded for " + body, n);
            // Unanchored: a first occurrence that fails, then one that matches.
            check(re, m::max_attempts,
                  "maximum authentication attempts exceeded for x maximum authentication "
                  "attempts exceeded for " + body,
                  n);
          }
        }
      }
    }
  }
  BOOST_TEST(n > 1000);
}

BOOST_AUTO_TEST_CASE(ipv4_check_matches_inet_pton) {
  auto pton = [](const std::string& s) {
    unsigned char addr[16];
    return inet_pton(AF_INET, s.c_str(), addr) == 1;
  };
  const std::vector<std::string> octets = {"0", "1", "00", "01", "9", "10", "99", "100", "199",
                                           "255", "256", "300", "999", "1000", "", "a", "-1",
                                           " 1", "1 ", "0x1"};
  int n = 0;
  for (const auto& a : octets) {
    for (const auto& b : {std::string{"0"}, std::string{"255"}, std::string{"01"}}) {
      for (const std::string sep : {".", "..", ":", ""}) {
        for (const auto& s : {a + sep + b + ".1.2", "1." + a + ".2" + sep + b, a, a + "." + a,
                              "1.2.3." + a, "1.2.3.4." + a, a + ".1.2.3" + sep}) {
          BOOST_TEST_CONTEXT("address: [" << s << "]") {
            BOOST_TEST(siem::parsers::detail::is_ip(s) == pton(s));
          }
          ++n;
        }
      }
    }
  }
  BOOST_TEST(!siem::parsers::detail::is_ip(std::string_view{"10.0.0.1\0junk", 13}));
  BOOST_TEST(siem::parsers::detail::is_ip("2001:db8::1"));
  BOOST_TEST(!siem::parsers::detail::is_ip("2001:db8::1%"));
  BOOST_TEST(n > 1000);
}

namespace {

namespace jm = siem::parsers::detail::junos_match;

int g_junos_matches = 0;  // messages RE2 accepted: the grids must not be all failures

template <class Matcher>
void check_junos(const RE2& re, Matcher mine, const std::string& msg, bool full, int& compared) {
  BOOST_REQUIRE(re.ok());
  const int n = re.NumberOfCapturingGroups();
  std::vector<StringPiece> g(static_cast<std::size_t>(n));
  std::vector<RE2::Arg> args;
  std::vector<const RE2::Arg*> ptrs;
  args.reserve(g.size());
  for (auto& piece : g) {
    args.emplace_back(&piece);
  }
  for (auto& a : args) {
    ptrs.push_back(&a);
  }
  const StringPiece text(msg.data(), msg.size());
  const bool want = full ? RE2::FullMatchN(text, re, ptrs.data(), n)
                         : RE2::PartialMatchN(text, re, ptrs.data(), n);
  const auto got = mine(msg);
  g_junos_matches += want ? 1 : 0;
  BOOST_TEST_CONTEXT("message: [" << msg << "]") {
    BOOST_TEST(got.ok == want);
    if (got.ok && want) {
      // closed's reason is the pattern's first group and the matcher's g[10].
      const bool closed = n == 11;
      for (int i = 0; i < n; ++i) {
        const auto slot = closed ? (i == 0 ? 10U : static_cast<std::size_t>(i - 1))
                                 : static_cast<std::size_t>(i);
        BOOST_TEST(got.g[slot] == sv(g[static_cast<std::size_t>(i)]));
      }
    }
  }
  ++compared;
}

const std::vector<std::string> kPairs = {
    "10.0.0.1/1234->8.8.8.8/53", "a/b/1->c/2", "x/1->y", "x->y/2", "1/2->3/4->5/6",
    "2001:db8::1/22->2001:db8::2/80", "/1->2/3", "a/1->/2", "a/1->b/2x", "a/01->b/0"};
const std::vector<std::string> kHex = {"", "0x0 ", "0xZZ ", "0x ", "0xfA ", "0x1  "};
const std::vector<std::string> kServices = {"junos-http", "0x10", "None", ""};

}  // namespace

BOOST_AUTO_TEST_CASE(junos_session_created_and_closed_match_re2) {
  g_junos_matches = 0;
  const RE2 created(
      R"(^session created (\S+)/(\d+)->(\S+)/(\d+) (?:0x[0-9a-fA-F]+ )?(\S+) (\S+)/(\d+)->(\S+)/(\d+) (.*)$)",
      options());
  const RE2 closed(
      R"(^session closed ([^:]*): (\S+)/(\d+)->(\S+)/(\d+) (?:0x[0-9a-fA-F]+ )?(\S+) (\S+)/(\d+)->(\S+)/(\d+) (.*)$)",
      options());
  int n = 0;
  for (const auto& p1 : kPairs) {
    for (const auto& hex : kHex) {
      for (const auto& svc : kServices) {
        for (const auto& p2 : {kPairs[0], kPairs[2], kPairs[4]}) {
          for (const std::string rest : {"", " N/A N/A 6 pol trust untrust 5", "\tx", " a\nb"}) {
            const std::string body = p1 + " " + hex + svc + " " + p2 + rest;
            check_junos(created, jm::created, "session created " + body, true, n);
            for (const std::string reason : {"TCP FIN", "", "idle:x", "a\nb"}) {
              check_junos(closed, jm::closed, "session closed " + reason + ": " + body, true, n);
            }
          }
        }
      }
    }
  }
  check_junos(created, jm::created, "session created 1/2->3/4  svc 5/6->7/8 x", true, n);
  check_junos(closed, jm::closed, "session closed x:y: 1/2->3/4 svc 5/6->7/8 x", true, n);
  BOOST_TEST(n > 10000);
  BOOST_TEST(g_junos_matches > 300);
}

BOOST_AUTO_TEST_CASE(junos_session_denied_matches_re2) {
  g_junos_matches = 0;
  const RE2 denied(
      R"(^session denied (\S+)/(\d+)->(\S+)/(\d+) (?:0x[0-9a-fA-F]+ )?(\S+) (\d+)\((\d+)\) (\S+) (\S+) (\S+))",
      options());
  int n = 0;
  for (const auto& p1 : kPairs) {
    for (const auto& hex : kHex) {
      for (const auto& svc : kServices) {
        for (const std::string proto : {"6(0)", "17(8)", "6()", "(0)", "6(0", "x(0)", "6(0)x"}) {
          for (const std::string tail : {" pol trust untrust", " pol trust untrust more",
                                         " pol trust", " pol trust untrust\tz", "  pol a b"}) {
            check_junos(denied, jm::denied,
                        "session denied " + p1 + " " + hex + svc + " " + proto + tail, false, n);
          }
        }
      }
    }
  }
  BOOST_TEST(n > 5000);
  BOOST_TEST(g_junos_matches > 200);
}

namespace {

// The RT_IDP plain-text attack log, cut where the grids vary it.
struct IdpParts {
  std::string prefix = "IDP: ";
  std::string time = "1795687680";
  std::string pair = "198.51.100.23/61001->192.0.2.80/80";
  std::array<std::string, 5> words = {"TCP", "HTTP", "HTTP", "3", "IPS"};
  std::string policy = "Recommended";
  std::string id = "4711";
  std::string repeat = "0";
  std::string action = "DROP";
  std::string severity = "HIGH";
  std::string name = "HTTP:SQL:INJ:GENERIC";
  std::string suffix = ", NAT <0.0.0.0:0->0.0.0.0:0>, time-elapsed=0, inbytes=0";

  [[nodiscard]] auto text() const -> std::string {
    return prefix + "at " + time + ", SIG Attack log <" + pair + "> for " + words[0]
           + " protocol and service " + words[1] + " application " + words[2] + " by rule "
           + words[3] + " of rulebase " + words[4] + " in policy " + policy + ". attack: id=" + id
           + ", repeat=" + repeat + ", action=" + action + ", threat-severity=" + severity
           + ", name=" + name + suffix;
  }
};

// An attack log up to its policy.
const std::string kIdpHead =
    "at 9, SIG Attack log <a/1->b/2> for T protocol and service S application A by rule R of "
    "rulebase B in policy ";

// Text before the attack log: an "at " inside a word, an "at " whose head fails, a whole head
// whose policy cannot cross a newline, and a whole head that matches from the first "at "
// (its policy then runs up to the real ". attack: ").
const std::vector<std::string> kIdpPrefixes = {"",         "IDP: ",          "flat ",
                                               "at 1, x ", kIdpHead + "x\n", kIdpHead + "early "};

}  // namespace

BOOST_AUTO_TEST_CASE(junos_idp_attack_matches_re2) {
  g_junos_matches = 0;
  const RE2 idp(
      R"(at (\d+), (\S+) Attack log <(\S+)/(\d+)->(\S+)/(\d+)> for (\S+) protocol and service (\S+) application (\S+) by rule (\S+) of rulebase (\S+) in policy (.*?)\. attack: id=(\d+), repeat=(\d+), action=([^,]*), threat-severity=([^,]*), name=(.*?), NAT)",
      options());
  int n = 0;
  // The head: time, address pair and the five words, with a matching or a missing tail.
  const std::vector<std::array<std::string, 5>> words = {{"TCP", "HTTP", "HTTP", "3", "IPS"},
                                                         {"", "HTTP", "HTTP", "3", "IPS"},
                                                         {"udp<>", "a/b", "N/A", "r,1", "ü"},
                                                         {"TCP", "HTTP", "HT\tTP", "3", "IPS"}};
  for (const auto& prefix : kIdpPrefixes) {
    for (const std::string time : {"1795687680", "", "12x"}) {
      for (const auto& pair : kPairs) {
        for (const auto& w : words) {
          for (const std::string suffix : {", NAT <0.0.0.0:0->0.0.0.0:0>", ", NA"}) {
            IdpParts m;
            m.prefix = prefix;
            m.time = time;
            m.pair = pair;
            m.words = w;
            m.suffix = suffix;
            check_junos(idp, jm::idp_attack, m.text(), false, n);
          }
        }
      }
    }
  }
  // The body: the policy and name (.*?) against doubled ". attack: " and ", NAT", newlines,
  // and the attack fields, empty or with non-digits and commas.
  const std::vector<std::string> policies = {
      "Recommended",
      "",
      "my policy",
      "p<>/=ü",
      "p. attack: id=x",
      "p. attack: id=1, repeat=0, action=, threat-severity=, name=n",
      "p. attack: id=1, repeat=0, action=, threat-severity=, name=n\n",
      "a\nb"};
  const std::vector<std::pair<std::string, std::string>> counters = {
      {"4711", "0"}, {"", "0"}, {"12a", "0"}, {"1", "x"}};
  const std::vector<std::pair<std::string, std::string>> verdicts = {
      {"DROP", "HIGH"}, {"", ""},          {"CLOSE CLIENT", "very high"},
      {"a,b", "HIGH"},  {"DROP", "HI,GH"}, {"A\nB", "LOW"}};
  const std::vector<std::string> names = {"HTTP:SQL:INJ:GENERIC", "",     "my name", "a, NATx",
                                          "x. attack: id=1",      "n\nm", "ü, NA"};
  for (const auto& prefix : {kIdpPrefixes[1], kIdpPrefixes[5]}) {
    for (const auto& policy : policies) {
      for (const auto& [id, repeat] : counters) {
        for (const auto& [action, severity] : verdicts) {
          for (const auto& name : names) {
            for (const std::string suffix :
                 {", NAT <0.0.0.0:0->0.0.0.0:0>", ", NAT", "", "\n, NAT"}) {
              IdpParts m;
              m.prefix = prefix;
              m.policy = policy;
              m.id = id;
              m.repeat = repeat;
              m.action = action;
              m.severity = severity;
              m.name = name;
              m.suffix = suffix;
              check_junos(idp, jm::idp_attack, m.text(), false, n);
            }
          }
        }
      }
    }
  }
  check_junos(idp, jm::idp_attack, "", false, n);
  check_junos(idp, jm::idp_attack, IdpParts{}.text() + "\n" + IdpParts{}.text(), false, n);
  BOOST_TEST(n > 10000);
  BOOST_TEST(g_junos_matches > 1000);
}

namespace d = siem::parsers::detail;

// Every length across the 16-byte steps, the byte sought at every position (or absent), every
// start: find_byte and skip_key_chars agree with byte loops. Bytes at the edges of the key
// character ranges and bytes >= 0x80 (negative as signed chars, which SSE2 compares) included.
BOOST_AUTO_TEST_CASE(scans_match_byte_loops) {
  const auto ref_find = [](std::string_view s, std::size_t pos, char c) {
    while (pos < s.size() && s[pos] != c) {
      ++pos;
    }
    return pos;
  };
  const auto ref_skip = [](std::string_view s, std::size_t pos) {
    const auto key = [](char c) {
      return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_'
             || c == '-';
    };
    while (pos < s.size() && key(s[pos])) {
      ++pos;
    }
    return pos;
  };
  const std::string odd = std::string{"@[`{/:=\" \x7f\x80\xC3\xFF"} + '\0';
  std::size_t checked = 0;
  for (std::size_t n = 0; n <= 40; ++n) {
    std::string base(n, 'k');
    for (std::size_t i = 0; i < n; ++i) {
      base[i] = "aZ09_-mQ"[i % 8];
    }
    for (std::size_t at = 0; at <= n; ++at) {
      for (const char c : odd) {
        std::string s = base;
        if (at < n) {
          s[at] = c;
        }
        for (std::size_t pos = 0; pos <= n; ++pos) {
          BOOST_TEST(d::find_byte(s, pos, c) == ref_find(s, pos, c), "n " << n << " at " << at);
          BOOST_TEST(d::skip_key_chars(s, pos) == ref_skip(s, pos), "n " << n << " at " << at);
          ++checked;
        }
      }
    }
  }
  BOOST_TEST(checked > 10000);
}

// KeyIndex finds each key at its index and nothing else: not prefixes, extensions, case
// variants, one-byte changes, nor a key with the same length and first and last 8 bytes (the
// same hash signature) as one of the keys.
BOOST_AUTO_TEST_CASE(key_index_finds_exactly_its_keys) {
  static constexpr std::array<std::string_view, 8> kKeys = {"a",
                                                            "srcip",
                                                            "dstip",
                                                            "sentbyte",
                                                            "rcvdbyte",
                                                            "eventtime",
                                                            "aaaaaaaa_1_bbbbbbbb",
                                                            "a_key_of_thirty_one_bytes_long!"};
  static constexpr d::KeyIndex<kKeys.size()> kIndex{kKeys};
  static_assert(kIndex.at("dstip") == 2);
  for (std::size_t i = 0; i < kKeys.size(); ++i) {
    BOOST_TEST(kIndex.find(kKeys[i]) == i);
    const std::string k{kKeys[i]};
    std::vector<std::string> misses = {k + "x", "x" + k, k.substr(1), k.substr(0, k.size() - 1)};
    for (std::size_t j = 0; j < k.size(); ++j) {
      std::string v = k;
      v[j] = static_cast<char>(v[j] ^ 0x20);  // case flip, or another byte
      misses.push_back(v);
    }
    for (const auto& m : misses) {
      if (std::find(kKeys.begin(), kKeys.end(), m) == kKeys.end()) {
        BOOST_TEST(kIndex.find(m) == kKeys.size(), "'" << m << "' found");
      }
    }
  }
  BOOST_TEST(kIndex.find("aaaaaaaa_2_bbbbbbbb") == kKeys.size());
  BOOST_TEST(kIndex.find("") == kKeys.size());
  BOOST_TEST(kIndex.find(std::string(200, 'a')) == kKeys.size());
}
