#define BOOST_TEST_MODULE matchers
// Hand-written matchers against the reference implementations they replace. The sshd
// matchers against their RE2 patterns: same match decision and same captures on every message
// built from a grid of awkward pieces (user names with spaces and " from ", hostnames instead
// of IPs, missing ports, trailing text and blanks). The IPv4 check against inet_pton.
#include "common.hpp"
#include "sshd.hpp"

#include <arpa/inet.h>

#include <re2/re2.h>

#include <boost/test/unit_test.hpp>

#include <functional>
#include <string>
#include <string_view>
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
