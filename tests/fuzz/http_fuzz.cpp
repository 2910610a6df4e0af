// libFuzzer target: arbitrary bytes as everything one client sends on one connection to the
// API (Server::serve_bytes: Beast's request parser, limits, keep-alive and pipelining, then
// routing, authentication, RBAC and audit), over a real store in a temporary directory. No
// socket. Built with clang-14 -fsanitize=fuzzer,address,undefined (see CMakeLists.txt here
// and `make fuzz`). Any crash, leak or UB report is a finding, and so is an answer a client
// could not read (check_exchange): what the server writes must parse as a sequence of HTTP
// responses, one per request at most (plus 100 Continue only for HTTP/1.1 requests), none
// with content when answering HEAD, and every JSON body must be valid JSON.
//
// The store holds an admin "fuzz" (password kPassword) and a session whose bearer token is
// kToken, so the seeds (tests/fuzz/http_seeds/) reach the authenticated endpoints. The clock
// is fixed, so the session never expires.

#include "siem/api/accounts.hpp"
#include "siem/api/server.hpp"
#include "siem/core/raw_record.hpp"
#include "siem/core/time.hpp"
#include "siem/store/store.hpp"

#include <boost/asio/buffer.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http.hpp>
#include <nlohmann/json.hpp>
#include <openssl/evp.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <limits>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace {

constexpr std::string_view kToken =
    "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
constexpr std::string_view kPassword = "Fuzz-Passw0rd-1";
constexpr siem::core::TimeMs kNow = 1'795'737'600'000;         // 2026-11-27T00:00:00Z
constexpr std::size_t kMaxBodyBytes = std::size_t{64} * 1024;  // keeps the 413 path reachable
constexpr std::size_t kHeaderLimit = std::size_t{16} * 1024;   // the server's (api/src/server.cpp)

namespace http = boost::beast::http;

[[noreturn]] void die(const char* what) {
  std::fprintf(stderr, "http_fuzz setup: %s\n", what);
  std::abort();  // a broken harness, not a finding
}

auto sha256_hex(std::string_view data) -> std::string {
  std::array<unsigned char, EVP_MAX_MD_SIZE> md{};
  unsigned int len = 0;
  if (EVP_Digest(data.data(), data.size(), md.data(), &len, EVP_sha256(), nullptr) != 1) {
    die("sha256");
  }
  static constexpr std::string_view kHex = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < len; ++i) {
    out.push_back(kHex[md[i] >> 4U]);
    out.push_back(kHex[md[i] & 0xFU]);
  }
  return out;
}

/// Where the store goes: $SIEM_FUZZ_TMPDIR (run.sh names a directory it removes afterwards,
/// also when a finding aborts the run), else tmpfs when there is one, else the temp directory.
auto scratch_base() -> std::filesystem::path {
  const char* env = std::getenv("SIEM_FUZZ_TMPDIR");  // NOLINT(concurrency-mt-unsafe): setup
  if (env != nullptr && *env != '\0') {
    return env;
  }
  std::error_code ec;
  if (std::filesystem::is_directory("/dev/shm", ec)) {
    return "/dev/shm";
  }
  return std::filesystem::temp_directory_path();
}

/// The store (under scratch_base(): every /api/v1 request appends an audit entry), its
/// accounts and an unstarted server. Lives for the whole fuzzing process.
struct Harness {
  Harness() {
    std::string tmpl = (scratch_base() / "siem-http-fuzz-XXXXXX").string();
    if (::mkdtemp(tmpl.data()) == nullptr) {
      die("mkdtemp");
    }
    dir = tmpl;
    auto opened = siem::store::Store::open({.data_dir = dir, .block_cache_mb = 8});
    if (!opened) {
      die("store open");
    }
    store = std::move(opened).value();
    if (!siem::api::create_user(*store, "fuzz", "Fuzz Admin", "admin", kPassword, clock)) {
      die("create user");
    }
    session.token_hash = sha256_hex(kToken);
    session.username = "fuzz";
    session.role = "admin";
    session.created_at = kNow;
    session.expires_at = kNow + 3'600'000;
    restore_session();
    // One raw record so that /api/v1/raw/default:1 finds something.
    siem::core::RawBatch batch;
    batch.source = "fw";
    batch.engagement = "default";
    batch.format = "auto";
    batch.records.push_back({"<13>Nov 27 00:00:00 fw sshd[1]: hello", "fw", "", "", kNow});
    if (!store->append(batch).has_value()) {
      die("append");
    }
    siem::api::ApiOptions options;
    options.max_body_bytes = kMaxBodyBytes;
    server = std::make_unique<siem::api::Server>(options, *store, clock);
    server->set_metrics_source([] { return std::string{"siem_fuzz_total 1\n"}; });
  }

  Harness(const Harness&) = delete;
  auto operator=(const Harness&) -> Harness& = delete;
  Harness(Harness&&) = delete;
  auto operator=(Harness&&) -> Harness& = delete;

  ~Harness() {
    server.reset();
    store.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }

  /// An input may log the session out (POST /api/v1/auth/logout); put it back so that the next
  /// input starts from the same state.
  void restore_session() {
    if (!store->get_session(session.token_hash).has_value() && !store->put_session(session)) {
      die("put session");
    }
  }

  std::string dir;
  siem::store::SessionRecord session;
  siem::core::ManualClock clock{kNow};
  std::unique_ptr<siem::store::Store> store;
  std::unique_ptr<siem::api::Server> server;
};

auto harness() -> Harness& {
  static Harness h;
  return h;
}

/// What the client sent, request by request, as the server's parser (same limits) reads it:
/// every attempted request, the one it could not parse included. The method is known once
/// that request's header is complete.
struct Sent {
  http::verb method = http::verb::unknown;
  unsigned version = 11;
};

auto requests_in(std::string_view input) -> std::vector<Sent> {
  std::vector<Sent> out;
  while (!input.empty()) {
    http::request_parser<http::string_body> p;
    p.header_limit(kHeaderLimit);
    p.body_limit(kMaxBodyBytes);
    p.eager(true);
    boost::beast::error_code ec;
    while (!ec && !p.is_done()) {
      std::size_t n = 0;
      if (!input.empty()) {
        n = p.put(boost::asio::buffer(input.data(), input.size()), ec);
        input.remove_prefix(n);
      }
      // Everything left was offered: no progress means the client closed mid-message.
      if ((ec == http::error::need_more || !ec) && !p.is_done() && (n == 0 || input.empty())) {
        ec = {};
        p.put_eof(ec);
        if (!ec && !p.is_done()) {
          ec = http::error::partial_message;
        }
      } else if (ec == http::error::need_more) {
        ec = {};
      }
    }
    Sent s;
    if (p.is_header_done()) {
      s.method = p.get().method();
      s.version = p.get().version();
    }
    out.push_back(s);
    if (ec) {
      break;  // the server answers this one with 400/413 and closes
    }
  }
  return out;
}

[[noreturn]] void bad_answer(const char* what, std::string_view output) {
  std::fprintf(stderr, "http_fuzz: %s; the server wrote %zu bytes:\n%.*s\n", what, output.size(),
               static_cast<int>(std::min<std::size_t>(output.size(), 4096)), output.data());
  std::abort();
}

/// Aborts unless `output` reads as the server's answers to `input` (see the file comment).
void check_exchange(std::string_view input, std::string_view output) {
  const auto sent = requests_in(input);
  std::size_t next = 0;  // the request the next final response answers
  std::string_view rest = output;
  while (!rest.empty()) {
    http::response_parser<http::string_body> p;
    p.eager(true);
    p.body_limit(std::numeric_limits<std::uint64_t>::max());
    if (next >= sent.size()) {
      bad_answer("more answers than requests", output);
    }
    if (sent[next].method == http::verb::head) {
      p.skip(true);  // an answer to HEAD has no content, whatever its Content-Length
    }
    boost::beast::error_code ec;
    const auto n = p.put(boost::asio::buffer(rest.data(), rest.size()), ec);
    rest.remove_prefix(n);
    if (ec || !p.is_done()) {
      bad_answer("unreadable response (content sent for HEAD, or framing broken)", output);
    }
    const auto& res = p.get();
    if (res.result_int() == 100) {
      if (sent[next].version < 11) {
        bad_answer("100 Continue to an HTTP/1.0 request", output);
      }
      continue;  // interim: the final answer follows
    }
    if (boost::beast::iequals(res[http::field::content_type], "application/json")
        && sent[next].method != http::verb::head && !nlohmann::json::accept(res.body())) {
      bad_answer("a JSON answer that is not JSON", output);
    }
    ++next;
  }
}

}  // namespace

// NOLINTNEXTLINE(readability-identifier-naming): the name libFuzzer calls
extern "C" auto LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) -> int {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  auto& h = harness();
  const std::string out = h.server->serve_bytes(input);
  h.restore_session();
  check_exchange(input, out);
  return 0;
}
