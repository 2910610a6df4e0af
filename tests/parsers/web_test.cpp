// Unit tests of the `web` format family: apache/access, apache/error, nginx/access,
// nginx/error, squid/access.
#define BOOST_TEST_MODULE web_formats
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

auto at(int y, unsigned mo, unsigned d, int h = 0, int mi = 0, int s = 0, int ms = 0) -> TimeMs {
  return siem::core::days_from_civil(y, mo, d) * kDay + (h * 3600 + mi * 60 + s) * 1000LL + ms;
}

const ParseContext kCtx{at(2026, 11, 27), 0};

struct Fixture {
  explicit Fixture(std::string_view format = "auto") {
    auto n = Normalizer::create(std::string{format});
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
    return ev.get_int(key).value_or(-999);
  }

  std::unique_ptr<Normalizer> norm;
  Event ev;
};

constexpr std::string_view kCombined =
    R"x(203.0.113.7 - alice [10/Oct/2000:13:55:36 -0700] "GET /a%20b/c.gif?x=1&y=2 HTTP/1.0" 200 2326 "http://www.example.com/start.html" "Mozilla/4.08 [en] (Win98; I ;Nav)")x";
constexpr std::string_view kNginxChain =
    R"x(example.org:8080 10.0.0.2, 198.51.100.9 10.0.0.1 - - [07/Dec/2016:11:05:07 +0100] "POST /login HTTP/1.1" 401 57 "-" "curl/8.0" 0.012 0.010 .)x";
constexpr std::string_view kApacheError =
    R"x([Thu Jun 27 06:58:09.169510 2019] [include:warn] [pid 15934:tid 140] [client 198.51.100.20:12345] AH01374: mod_include: Options +Includes wasn't set, referer: http://example.com/)x";
constexpr std::string_view kNginxError =
    R"x(2016/10/25 14:49:34 [error] 54053#7: *1 open() "/html/favicon.ico" failed (2: No such file or directory), client: 127.0.0.1, server: localhost, request: "GET /favicon.ico HTTP/1.1", upstream: "http://127.0.0.1:9000/", host: "localhost:8080", referrer: "http://localhost:8080/")x";
constexpr std::string_view kSquid =
    "1642667037.129    120 192.0.2.44 TCP_MISS/200 5120 GET http://example.com:8080/p/q?z=1 "
    "bob HIER_DIRECT/203.0.113.80 text/html";
constexpr std::string_view kSquidCombined =
    R"x(192.0.2.45 - carol [27/Nov/2025:09:00:00 +0100] "GET http://www.example.com/a%20b.html HTTP/1.1" 403 3868 "-" "Mozilla/5.0" TCP_DENIED:HIER_NONE)x";
constexpr std::string_view kSquidCustomTime =
    R"x(192.0.2.46 - - [2025-11-27 09:00:01] "CONNECT secure.example.org:443 HTTP/1.1" 200 4521)x";

}  // namespace

BOOST_AUTO_TEST_SUITE(web)

BOOST_AUTO_TEST_CASE(apache_combined) {
  Fixture f;
  const auto& ev = f.parse(kCombined);
  BOOST_TEST(f.str("event.dataset") == "apache.access");
  BOOST_TEST(f.str("source.ip") == "203.0.113.7");
  BOOST_TEST(f.str("user.name") == "alice");
  BOOST_TEST(f.str("http.request.method") == "GET");
  BOOST_TEST(f.str("url.original") == "/a%20b/c.gif?x=1&y=2");
  BOOST_TEST(f.str("url.path") == "/a b/c.gif");
  BOOST_TEST(f.str("url.query") == "x=1&y=2");
  BOOST_TEST(f.str("http.version") == "1.0");
  BOOST_TEST(f.num("http.response.status_code") == 200);
  BOOST_TEST(f.num("http.response.body.bytes") == 2326);
  BOOST_TEST(f.str("http.request.referrer") == "http://www.example.com/start.html");
  BOOST_TEST(f.str("user_agent.original") == "Mozilla/4.08 [en] (Win98; I ;Nav)");
  BOOST_TEST(f.str("event.outcome") == "success");
  BOOST_TEST(ev.timestamp.value_or(0) == at(2000, 10, 10, 20, 55, 36));
}

BOOST_AUTO_TEST_CASE(apache_common_in_syslog_envelope) {
  Fixture f;
  f.parse(R"x(<134>Nov 26 10:00:00 web1 httpd[77]: 192.0.2.1 - - [26/Nov/2026:10:00:00 +0000] "DELETE /x HTTP/1.1" 403 -)x");
  BOOST_TEST(f.str("event.dataset") == "apache.access");
  BOOST_TEST(f.str("host.hostname") == "web1");
  BOOST_TEST(f.str("event.outcome") == "failure");
  BOOST_TEST(!f.ev.has("http.response.body.bytes"));
  BOOST_TEST(!f.ev.has("user.name"));
}

BOOST_AUTO_TEST_CASE(nginx_chain_and_vhost) {
  Fixture f;
  f.parse(kNginxChain);
  BOOST_TEST(f.str("event.dataset") == "nginx.access");
  BOOST_TEST(f.str("destination.domain") == "example.org");
  BOOST_TEST(f.num("destination.port") == 8080);
  BOOST_TEST(f.str("source.ip") == "198.51.100.9");
  BOOST_TEST(f.str("nginx.access.remote_ip_list") == "10.0.0.2, 198.51.100.9 10.0.0.1");
  BOOST_TEST(f.num("http.response.status_code") == 401);
  BOOST_TEST(f.str("event.outcome") == "failure");
  BOOST_TEST(!f.ev.has("http.request.referrer"));
}

BOOST_AUTO_TEST_CASE(forced_nginx_access_takes_plain_combined) {
  Fixture f("nginx/access");
  f.parse(kCombined);
  BOOST_TEST(f.str("event.dataset") == "nginx.access");
  BOOST_TEST(f.str("observer.product") == "nginx");
}

BOOST_AUTO_TEST_CASE(apache_error_24) {
  Fixture f;
  const auto& ev = f.parse(kApacheError);
  BOOST_TEST(f.str("event.dataset") == "apache.error");
  BOOST_TEST(f.str("log.level") == "warn");
  BOOST_TEST(f.str("apache.error.module") == "include");
  BOOST_TEST(f.num("process.pid") == 15934);
  BOOST_TEST(f.num("process.thread.id") == 140);
  BOOST_TEST(f.str("source.ip") == "198.51.100.20");
  BOOST_TEST(f.num("source.port") == 12345);
  BOOST_TEST(f.str("error.code") == "AH01374");
  BOOST_TEST(f.str("http.request.referrer") == "http://example.com/");
  BOOST_TEST(f.str("message") == "mod_include: Options +Includes wasn't set");
  BOOST_TEST(!ev.has("error.message"));  // a warning is not an error
  BOOST_TEST(ev.timestamp.value_or(0) == at(2019, 6, 27, 6, 58, 9, 169));
}

BOOST_AUTO_TEST_CASE(apache_error_22_uses_context_zone) {
  Fixture f;
  const ParseContext east{kCtx.received_at, 120};
  const auto& ev =
      f.parse("[Mon Dec 26 16:22:08 2016] [error] [client 192.168.33.1] File does not exist: /x",
              east);
  BOOST_TEST(f.str("log.level") == "error");
  BOOST_TEST(f.str("error.message") == "File does not exist: /x");
  BOOST_TEST(ev.timestamp.value_or(0) == at(2016, 12, 26, 14, 22, 8));
}

BOOST_AUTO_TEST_CASE(nginx_error_context) {
  Fixture f;
  f.parse(kNginxError);
  BOOST_TEST(f.str("event.dataset") == "nginx.error");
  BOOST_TEST(f.num("process.pid") == 54053);
  BOOST_TEST(f.num("process.thread.id") == 7);
  BOOST_TEST(f.num("nginx.error.connection_id") == 1);
  BOOST_TEST(f.str("source.ip") == "127.0.0.1");
  BOOST_TEST(f.str("nginx.error.server") == "localhost");
  BOOST_TEST(f.str("nginx.error.upstream") == "http://127.0.0.1:9000/");
  BOOST_TEST(f.str("url.domain") == "localhost");
  BOOST_TEST(f.num("url.port") == 8080);
  BOOST_TEST(f.str("url.path") == "/favicon.ico");
  BOOST_TEST(f.str("http.request.referrer") == "http://localhost:8080/");
  BOOST_TEST(f.str("error.message")
             == R"x(open() "/html/favicon.ico" failed (2: No such file or directory))x");
}

BOOST_AUTO_TEST_CASE(squid_native) {
  Fixture f;
  const auto& ev = f.parse(kSquid);
  BOOST_TEST(f.str("event.dataset") == "squid.access");
  BOOST_TEST(f.str("event.action") == "tcp_miss");
  BOOST_TEST(f.str("source.ip") == "192.0.2.44");
  BOOST_TEST(f.num("http.response.status_code") == 200);
  BOOST_TEST(f.num("http.response.bytes") == 5120);
  BOOST_TEST(f.num("event.duration") == 120'000'000);
  BOOST_TEST(f.str("url.domain") == "example.com");
  BOOST_TEST(f.str("destination.domain") == "example.com");
  BOOST_TEST(f.num("destination.port") == 8080);
  BOOST_TEST(f.str("destination.ip") == "203.0.113.80");
  BOOST_TEST(f.str("user.name") == "bob");
  BOOST_TEST(f.str("http.response.mime_type") == "text/html");
  BOOST_TEST(f.str("network.transport") == "tcp");
  BOOST_TEST(ev.timestamp.value_or(0) == 1642667037129);
}

// Squid's "combined" logformat: NCSA shape ending in %Ss:%Sh.
BOOST_AUTO_TEST_CASE(squid_combined) {
  Fixture f;
  const auto& ev = f.parse(kSquidCombined);
  BOOST_TEST(f.str("event.dataset") == "squid.access");
  BOOST_TEST(f.str("event.action") == "tcp_denied");
  BOOST_TEST(f.str("event.outcome") == "failure");
  BOOST_TEST(f.str("source.ip") == "192.0.2.45");
  BOOST_TEST(f.str("user.name") == "carol");
  BOOST_TEST(f.str("http.request.method") == "GET");
  BOOST_TEST(f.str("url.original") == "http://www.example.com/a%20b.html");
  BOOST_TEST(f.str("url.path") == "/a b.html");
  BOOST_TEST(f.str("destination.domain") == "www.example.com");
  BOOST_TEST(f.num("http.response.status_code") == 403);
  BOOST_TEST(f.num("http.response.bytes") == 3868);
  BOOST_TEST(f.str("user_agent.original") == "Mozilla/5.0");
  BOOST_TEST(f.str("squid.access.hierarchy_code") == "HIER_NONE");
  BOOST_TEST(f.str("network.transport") == "tcp");
  BOOST_TEST(ev.timestamp.value_or(0) == at(2025, 11, 27, 8));
}

// A strftime %tl without a zone is in the source's zone; an absolute (CONNECT) target marks
// a proxy line without the %Ss:%Sh field.
BOOST_AUTO_TEST_CASE(squid_custom_time_uses_context_zone) {
  Fixture f;
  const auto& ev = f.parse(kSquidCustomTime, ParseContext{at(2026, 11, 27), 120});
  BOOST_TEST(f.str("event.dataset") == "squid.access");
  BOOST_TEST(f.str("http.request.method") == "CONNECT");
  BOOST_TEST(f.str("destination.domain") == "secure.example.org");
  BOOST_TEST(f.num("destination.port") == 443);
  BOOST_TEST(f.str("event.action") == "<absent>");
  BOOST_TEST(ev.timestamp.value_or(0) == at(2025, 11, 27, 7, 0, 1));
  f.parse(R"x(192.0.2.46 - - [05/11/2025 09:00:01] "GET http://a.example/ HTTP/1.1" 200 1)x");
  BOOST_TEST(f.ev.timestamp.value_or(0) == at(2025, 5, 11, 9, 0, 1));
  f.parse(R"x(192.0.2.46 - - [25/11/2025 09:00:01] "GET http://a.example/ HTTP/1.1" 200 1)x");
  BOOST_TEST(f.ev.timestamp.value_or(0) == at(2025, 11, 25, 9, 0, 1));
}

BOOST_AUTO_TEST_CASE(does_not_claim_other_formats) {
  Fixture f;
  f.parse("<38>Nov 27 01:02:03 host sshd[42]: Accepted password for alice from 10.0.0.5 port 50000 ssh2");
  BOOST_TEST(f.str("event.dataset") == "openssh.sshd");
  f.parse("<13>Nov 27 01:02:03 host app: user [10/Oct/2000:13:55:36 -0700] did things");
  BOOST_TEST(f.str("event.dataset") == "syslog");
  f.parse("1642667037.129 hello world");
  BOOST_TEST(f.str("event.kind") == "unparsed");
  // A web server's CLF line with an absolute URL (a proxy probe) stays Apache's.
  f.parse(
      R"x(203.0.113.9 - - [27/Nov/2025:08:00:07 +0000] "GET http://www.example.com/ HTTP/1.1" 404 196)x");
  BOOST_TEST(f.str("event.dataset") == "apache.access");
}

// Every byte prefix, NUL bytes, invalid UTF-8 and a 1 MiB line: never a crash, one event.
BOOST_AUTO_TEST_CASE(robust_on_any_bytes) {
  for (const auto format : {"auto", "apache/access", "nginx/access", "apache/error",
                            "nginx/error", "squid/access"}) {
    Fixture f(format);
    for (const auto line : {kCombined, kNginxChain, kApacheError, kNginxError, kSquid,
                            kSquidCombined, kSquidCustomTime}) {
      for (std::size_t n = 0; n <= line.size(); ++n) {
        f.parse(line.substr(0, n));
        BOOST_TEST(f.ev.timestamp.has_value());
      }
      std::string mangled{line};
      mangled[mangled.size() / 2] = '\0';
      mangled[mangled.size() / 3] = '\xff';
      f.parse(mangled);
      BOOST_TEST(f.ev.timestamp.has_value());
    }
    std::string big{kCombined.substr(0, 60)};
    big.append(1 << 20, 'a');
    big.append("\" 200 1");
    f.parse(big);
    BOOST_TEST(f.ev.timestamp.has_value());
  }
}

// Once warmed up, a parser reuses its buffers and the Event its arena: no heap allocation
// per line. Forced formats keep other families' parsers out of the count.
BOOST_AUTO_TEST_CASE(no_allocation_per_line_in_steady_state) {
  const std::pair<std::string_view, std::string_view> cases[] = {
      {"apache/access", kCombined},      {"nginx/access", kNginxChain},
      {"apache/error", kApacheError},    {"nginx/error", kNginxError},
      {"squid/access", kSquid},          {"squid/access", kSquidCombined},
      {"squid/access", kSquidCustomTime}};
  for (const auto& [format, line] : cases) {
    Fixture f(format);
    for (int i = 0; i < 3; ++i) {
      f.parse(line);
    }
    const std::size_t before = g_allocations.load();
    for (int i = 0; i < 100; ++i) {
      f.parse(line);
    }
    const std::size_t allocations = g_allocations.load() - before;
    BOOST_TEST_INFO(format);
    BOOST_TEST(allocations == 0U);
    BOOST_TEST(f.str("event.kind") == "event");
  }
}

BOOST_AUTO_TEST_CASE(listed_in_formats) {
  int found = 0;
  for (const auto& info : siem::parsers::formats()) {
    if (info.name == "apache/access" || info.name == "apache/error" || info.name == "nginx/access"
        || info.name == "nginx/error" || info.name == "squid/access") {
      ++found;
      BOOST_TEST(!info.example.empty());
    }
  }
  BOOST_TEST(found == 5);
}

BOOST_AUTO_TEST_SUITE_END()
