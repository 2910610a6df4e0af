#define BOOST_TEST_MODULE api
#include "siem/api/accounts.hpp"
#include "siem/api/server.hpp"
#include "siem/core/event.hpp"
#include "siem/core/ids.hpp"
#include "siem/core/incident.hpp"
#include "siem/core/raw_record.hpp"
#include "siem/core/time.hpp"
#include "siem/store/store.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <boost/test/unit_test.hpp>
#include <nlohmann/json.hpp>
#include <sys/stat.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <ostream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

// Lets Boost.Test print status codes in failed comparisons (found by ADL).
namespace siem::core {
inline auto operator<<(std::ostream& os, StatusCode code) -> std::ostream& {
  return os << to_string(code);
}
}  // namespace siem::core

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using nlohmann::json;

constexpr siem::core::TimeMs kT0 = 1'795'000'000'000;  // 2026-11-19
constexpr const char* kAdminPassword = "Correct-Horse-42";
constexpr const char* kAnalystPassword = "Analyst-Pass-99";

/// A fresh store in a temporary directory, removed afterwards.
struct TempStore {
  TempStore() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "siem-api-test-XXXXXX").string();
    dir = ::mkdtemp(tmpl.data());
    BOOST_REQUIRE(!dir.empty());
    // Records carry fixed 2026 receive times: keep them past the default 5-year retention.
    auto opened = siem::store::Store::open({.data_dir = dir, .retention_days = 36'500});
    BOOST_REQUIRE_MESSAGE(opened.has_value(), opened.error().to_string());
    store = std::move(opened).value();
  }

  TempStore(const TempStore&) = delete;
  auto operator=(const TempStore&) -> TempStore& = delete;
  TempStore(TempStore&&) = delete;
  auto operator=(TempStore&&) -> TempStore& = delete;

  ~TempStore() {
    store.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }

  std::string dir;
  std::unique_ptr<siem::store::Store> store;
};

struct Reply {
  int status = 0;
  std::string body;
  std::string content_type;
  std::string server;
  std::string allow;

  [[nodiscard]] auto json_body() const -> json { return json::parse(body, nullptr, false); }
};

auto call(std::uint16_t port, http::verb method, const std::string& target,
          const std::string& body = {}, const std::string& token = {}) -> Reply {
  asio::io_context ioc;
  tcp::socket socket{ioc};
  socket.connect(tcp::endpoint{asio::ip::make_address("127.0.0.1"), port});
  http::request<http::string_body> req{method, target, 11};
  req.set(http::field::host, "127.0.0.1");
  if (!token.empty()) {
    req.set(http::field::authorization, "Bearer " + token);
  }
  if (!body.empty() || method == http::verb::post) {
    req.set(http::field::content_type, "application/json");
    req.body() = body;
  }
  req.keep_alive(false);
  req.prepare_payload();
  http::write(socket, req);
  beast::flat_buffer buffer;
  http::response<http::string_body> res;
  beast::error_code ec;
  http::read(socket, buffer, res, ec);
  // No Boost.Test macros here: concurrent_clients calls this from several threads.
  if (ec && ec != http::error::end_of_stream) {
    throw beast::system_error{ec};
  }
  Reply r;
  r.status = static_cast<int>(res.result_int());
  r.body = res.body();
  r.content_type = std::string{res[http::field::content_type]};
  r.server = std::string{res[http::field::server]};
  r.allow = std::string{res[http::field::allow]};
  return r;
}

auto get(std::uint16_t port, const std::string& target, const std::string& token = {}) -> Reply {
  return call(port, http::verb::get, target, {}, token);
}

auto post(std::uint16_t port, const std::string& target, const std::string& body,
          const std::string& token = {}) -> Reply {
  return call(port, http::verb::post, target, body, token);
}

auto login(std::uint16_t port, const std::string& user, const std::string& password)
    -> std::string {
  const auto r =
      post(port, "/api/v1/auth/login", json{{"username", user}, {"password", password}}.dump());
  BOOST_REQUIRE_EQUAL(r.status, 200);
  const auto j = r.json_body();
  BOOST_REQUIRE(j.is_object() && j.contains("token") && j["token"].is_string());
  return j["token"].get<std::string>();
}

/// A store with an admin and an analyst, and a server on a free loopback port.
struct ServerFixture {
  ServerFixture() {
    BOOST_REQUIRE(
        siem::api::create_user(*ts.store, "alice", "Alice Admin", "admin", kAdminPassword, clock)
            .is_ok());
    BOOST_REQUIRE(
        siem::api::create_user(*ts.store, "bob", "Bob Analyst", "analyst", kAnalystPassword, clock)
            .is_ok());
    siem::api::ApiOptions options;
    options.listen = "127.0.0.1:0";
    options.max_body_bytes = 4096;
    server = std::make_unique<siem::api::Server>(options, *ts.store, clock);
    const auto st = server->start();
    BOOST_REQUIRE_MESSAGE(st.is_ok(), st.to_string());
    port = server->port();
    BOOST_REQUIRE_NE(port, 0);
  }

  /// Audit entries, newest first.
  auto audit() -> std::vector<json> {
    auto page = ts.store->list_audit("", 10'000);
    BOOST_REQUIRE(page.has_value());
    std::vector<json> out;
    for (const auto& item : page->items) {
      out.push_back(json::parse(item));
    }
    return out;
  }

  TempStore ts;
  siem::core::ManualClock clock{kT0};
  std::unique_ptr<siem::api::Server> server;
  std::uint16_t port = 0;
};

}  // namespace

// --- accounts ---------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(password_policy) {
  using siem::api::check_password_policy;
  const auto short_pw = check_password_policy("Ab1-short");
  BOOST_TEST(!short_pw.is_ok());
  BOOST_TEST(short_pw.code() == siem::core::StatusCode::invalid_argument);
  BOOST_TEST(std::string{short_pw.message()}.find("12 characters") != std::string::npos);
  BOOST_TEST(!check_password_policy("abcdefghijklmnop").is_ok());  // one kind
  BOOST_TEST(!check_password_policy("abcdefABCDEFgh").is_ok());    // two kinds
  const auto two = check_password_policy("abcdefghijk123");
  BOOST_TEST(std::string{two.message()}.find("at least 3 of") != std::string::npos);
  BOOST_TEST(check_password_policy("abcdefABC123").is_ok());      // exactly 12, three kinds
  BOOST_TEST(check_password_policy("abcdef-+*123").is_ok());      // lower, other, digit
  BOOST_TEST(check_password_policy("Correct-Horse-42").is_ok());  // four kinds
  BOOST_TEST(!check_password_policy(std::string(2000, 'a') + "A1").is_ok());  // too long
  // 12 code points of which several are multi-byte: length counts characters.
  BOOST_TEST(check_password_policy("\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
                                   "abcdABC1")
                 .is_ok());
  BOOST_TEST(!check_password_policy("\xc3\xa9\xc3\xa9"
                                    "abcdABC1")
                  .is_ok());
}

BOOST_AUTO_TEST_CASE(hash_and_verify) {
  const auto h = siem::api::hash_password("Correct-Horse-42");
  BOOST_REQUIRE(h.has_value());
  BOOST_TEST(h->rfind("$argon2id$", 0) == 0U);
  BOOST_TEST(siem::api::verify_password(*h, "Correct-Horse-42"));
  BOOST_TEST(!siem::api::verify_password(*h, "Correct-Horse-43"));
  BOOST_TEST(!siem::api::verify_password(*h, ""));
  BOOST_TEST(!siem::api::verify_password("not a hash", "Correct-Horse-42"));
  BOOST_TEST(!siem::api::verify_password("", ""));
  const auto h2 = siem::api::hash_password("Correct-Horse-42");
  BOOST_REQUIRE(h2.has_value());
  BOOST_TEST(*h != *h2);  // salted
}

BOOST_AUTO_TEST_CASE(create_user_validation) {
  TempStore ts;
  siem::core::ManualClock clock{kT0};
  auto& s = *ts.store;
  using siem::api::create_user;
  using siem::core::StatusCode;
  const auto code = [](const siem::core::Status& st) {
    return st.code();
  };
  BOOST_TEST(code(create_user(s, "A", "x", "admin", kAdminPassword, clock))
             == StatusCode::invalid_argument);
  BOOST_TEST(code(create_user(s, "Upper", "x", "admin", kAdminPassword, clock))
             == StatusCode::invalid_argument);
  BOOST_TEST(code(create_user(s, std::string(33, 'a'), "x", "admin", kAdminPassword, clock))
             == StatusCode::invalid_argument);
  BOOST_TEST(code(create_user(s, "carol", "", "admin", kAdminPassword, clock))
             == StatusCode::invalid_argument);
  const auto bad_role = create_user(s, "carol", "Carol", "root", kAdminPassword, clock);
  BOOST_TEST(code(bad_role) == StatusCode::invalid_argument);
  BOOST_TEST(std::string{bad_role.message()}.find("role") != std::string::npos);
  BOOST_TEST(code(create_user(s, "carol", "Carol", "handler", "weak", clock))
             == StatusCode::invalid_argument);
  BOOST_TEST(s.user_count() == 0U);
  BOOST_REQUIRE(create_user(s, "carol.c_1-x", "Carol C", "handler", kAdminPassword, clock).is_ok());
  BOOST_TEST(code(create_user(s, "carol.c_1-x", "Carol", "handler", kAdminPassword, clock))
             == StatusCode::already_exists);
  const auto u = s.get_user("carol.c_1-x");
  BOOST_REQUIRE(u.has_value());
  BOOST_TEST(u->role == "handler");
  BOOST_TEST(u->real_name == "Carol C");
  BOOST_TEST(u->created_at == kT0);
  BOOST_TEST(siem::api::verify_password(u->password_hash, kAdminPassword));
}

BOOST_AUTO_TEST_CASE(initial_admin) {
  TempStore ts;
  siem::core::ManualClock clock{kT0};
  const auto first = siem::api::ensure_initial_admin(*ts.store, ts.dir, clock);
  BOOST_REQUIRE_MESSAGE(first.has_value(), first.error().to_string());
  BOOST_REQUIRE(first->has_value());
  const std::string password = **first;
  BOOST_TEST(password.size() == 20U);
  BOOST_TEST(siem::api::check_password_policy(password).is_ok());

  const auto path = std::filesystem::path{ts.dir} / "initial-admin-password";

  struct stat st {};

  BOOST_REQUIRE(::stat(path.c_str(), &st) == 0);
  BOOST_TEST((st.st_mode & 0777U) == 0600U);
  std::ifstream in{path};
  std::string line;
  std::getline(in, line);
  BOOST_TEST(line == password);

  const auto admin = ts.store->get_user("admin");
  BOOST_REQUIRE(admin.has_value());
  BOOST_TEST(admin->role == "admin");
  BOOST_TEST(admin->real_name == "Initial administrator");
  BOOST_TEST(siem::api::verify_password(admin->password_hash, password));

  const auto second = siem::api::ensure_initial_admin(*ts.store, ts.dir, clock);
  BOOST_REQUIRE(second.has_value());
  BOOST_TEST(!second->has_value());
  BOOST_TEST(ts.store->user_count() == 1U);
}

BOOST_AUTO_TEST_CASE(options_validate) {
  siem::api::ApiOptions o;
  BOOST_TEST(o.validate().is_ok());
  for (const char* bad : {"127.0.0.1", ":8080", "127.0.0.1:99999", "127.0.0.1:x", "::1:80"}) {
    o.listen = bad;
    const auto st = o.validate();
    BOOST_TEST(!st.is_ok(), bad);
    BOOST_TEST(std::string{st.message()}.find("api.listen") != std::string::npos);
  }
  o.listen = "[::1]:0";
  BOOST_TEST(o.validate().is_ok());
  o.listen = "localhost:8080";
  BOOST_TEST(o.validate().is_ok());
  o.max_connections = 0;
  BOOST_TEST(std::string{o.validate().message()}.find("api.max_connections") != std::string::npos);
  o.max_connections = 4;
  o.session_ttl_ms = 0;
  BOOST_TEST(std::string{o.validate().message()}.find("api.session_ttl") != std::string::npos);
}

// --- server -----------------------------------------------------------------------------

BOOST_FIXTURE_TEST_CASE(health_and_auth, ServerFixture) {
  const auto health = get(port, "/healthz");
  BOOST_TEST(health.status == 200);
  BOOST_TEST(health.json_body() == json({{"status", "ok"}}));
  BOOST_TEST(health.server == "siem");
  BOOST_TEST(health.content_type == "application/json");

  const auto anon = get(port, "/api/v1/incidents");
  BOOST_TEST(anon.status == 401);
  BOOST_TEST(anon.json_body()["error"].is_string());

  const auto bogus = get(port, "/api/v1/incidents", std::string(64, 'a'));
  BOOST_TEST(bogus.status == 401);

  const auto wrong = post(port, "/api/v1/auth/login",
                          json{{"username", "alice"}, {"password", "Wrong-Pass-123"}}.dump());
  BOOST_TEST(wrong.status == 401);
  const auto unknown = post(port, "/api/v1/auth/login",
                            json{{"username", "mallory"}, {"password", "Wrong-Pass-123"}}.dump());
  BOOST_TEST(unknown.status == 401);
  BOOST_TEST(unknown.body == wrong.body);  // does not tell which usernames exist

  BOOST_TEST(post(port, "/api/v1/auth/login", "{not json").status == 400);
  BOOST_TEST(post(port, "/api/v1/auth/login", R"({"username":"alice"})").status == 400);
  BOOST_TEST(post(port, "/api/v1/auth/login", R"({"username":"alice","password":5})").status
             == 400);
  BOOST_TEST(post(port, "/api/v1/auth/login", "[]").status == 400);
  const auto get_login = get(port, "/api/v1/auth/login");
  BOOST_TEST(get_login.status == 405);
  BOOST_TEST(get_login.allow == "POST");

  const auto ok = post(port, "/api/v1/auth/login",
                       json{{"username", "alice"}, {"password", kAdminPassword}}.dump());
  BOOST_REQUIRE_EQUAL(ok.status, 200);
  const auto j = ok.json_body();
  const auto token = j["token"].get<std::string>();
  BOOST_TEST(token.size() == 64U);
  BOOST_TEST(j["user"]["username"] == "alice");
  BOOST_TEST(j["user"]["real_name"] == "Alice Admin");
  BOOST_TEST(j["user"]["role"] == "admin");
  BOOST_TEST(j["expires_at"] == siem::core::format_rfc3339(kT0 + 12 * 3600 * 1000));

  // Only the token's hash is stored.
  BOOST_TEST(!ts.store->get_session(token).has_value());

  const auto list = get(port, "/api/v1/incidents", token);
  BOOST_TEST(list.status == 200);
  BOOST_TEST(list.json_body() == json::parse(R"({"items":[],"next":null})"));

  const auto me = get(port, "/api/v1/me", token);
  BOOST_TEST(me.status == 200);
  BOOST_TEST(me.json_body()["username"] == "alice");

  BOOST_TEST(get(port, "/api/v1/nothing-here", token).status == 404);
  BOOST_TEST(get(port, "/nothing-here").status == 404);
  const auto wrong_method = call(port, http::verb::delete_, "/api/v1/incidents", {}, token);
  BOOST_TEST(wrong_method.status == 405);
  BOOST_TEST(wrong_method.json_body()["error"].is_string());

  // Logout ends the session.
  BOOST_TEST(post(port, "/api/v1/auth/logout", "", token).status == 200);
  BOOST_TEST(get(port, "/api/v1/me", token).status == 401);
}

BOOST_FIXTURE_TEST_CASE(session_expiry, ServerFixture) {
  const auto token = login(port, "alice", kAdminPassword);
  BOOST_TEST(get(port, "/api/v1/me", token).status == 200);
  clock.advance(12 * 3600 * 1000 - 1);
  BOOST_TEST(get(port, "/api/v1/me", token).status == 200);
  clock.advance(1);
  const auto expired = get(port, "/api/v1/me", token);
  BOOST_TEST(expired.status == 401);
  BOOST_TEST(expired.json_body()["error"].is_string());
}

BOOST_FIXTURE_TEST_CASE(records, ServerFixture) {
  auto& s = *ts.store;
  // Two raw records in engagement "acme", an event for the first.
  siem::core::RawBatch batch;
  batch.source = "fw";
  batch.engagement = "acme";
  batch.format = "auto";
  batch.position = "2";
  for (int i = 1; i <= 2; ++i) {
    siem::core::RawInput in;
    in.bytes = "<13>Nov 27 01:00:0" + std::to_string(i) + " fw sshd: \"quoted\" line";
    in.source = "fw";
    in.position = std::to_string(i);
    in.received_at = kT0 + i;
    batch.records.push_back(std::move(in));
  }
  const auto appended = s.append(batch);
  BOOST_REQUIRE_MESSAGE(appended.has_value(), appended.error().to_string());
  BOOST_REQUIRE_EQUAL(appended->first_seq, 1U);
  siem::core::Event ev;
  ev.ref = "acme:1";
  ev.raw_hash = appended->hash_hex(0);
  ev.timestamp = kT0;
  ev.set("source.ip", "10.0.0.1");
  ev.set_int("source.port", 22);
  const std::vector<siem::core::Event> events{ev};
  BOOST_REQUIRE(s.put_events("acme", events, 2).is_ok());

  siem::core::Incident inc;
  inc.engagement = "acme";
  inc.id = siem::core::incident_id("acme", "ssh-brute", "10.0.0.1", 1);
  inc.title = "SSH brute force from 10.0.0.1";
  inc.created_at = kT0;
  inc.modified_at = kT0;
  BOOST_REQUIRE(s.put_incident(inc).is_ok());

  const auto token = login(port, "bob", kAnalystPassword);

  const auto list = get(port, "/api/v1/incidents?engagement=acme&limit=10", token);
  BOOST_TEST(list.status == 200);
  const auto lj = list.json_body();
  BOOST_REQUIRE(lj["items"].is_array());
  BOOST_TEST(lj["items"].size() == 1U);
  BOOST_TEST(lj["items"][0]["id"] == inc.id);
  BOOST_TEST(lj["next"].is_null());
  BOOST_TEST(get(port, "/api/v1/incidents?limit=0", token).status == 400);
  BOOST_TEST(get(port, "/api/v1/incidents?limit=501", token).status == 400);
  BOOST_TEST(get(port, "/api/v1/incidents?limit=ten", token).status == 400);
  BOOST_TEST(get(port, "/api/v1/incidents?limit=500", token).status == 200);

  // Pagination: newest first, following `next`.
  auto older = inc;
  older.id = siem::core::incident_id("acme", "ssh-brute", "10.0.0.2", 1);
  older.title = "older";
  older.created_at = kT0 - 1000;
  older.modified_at = kT0 - 1000;
  BOOST_REQUIRE(s.put_incident(older).is_ok());
  const auto page1 = get(port, "/api/v1/incidents?limit=1", token).json_body();
  BOOST_REQUIRE_EQUAL(page1["items"].size(), 1U);
  BOOST_TEST(page1["items"][0]["id"] == inc.id);
  BOOST_REQUIRE(page1["next"].is_string());
  const auto page2 =
      get(port, "/api/v1/incidents?limit=1&cursor=" + page1["next"].get<std::string>(), token)
          .json_body();
  BOOST_REQUIRE_EQUAL(page2["items"].size(), 1U);
  BOOST_TEST(page2["items"][0]["id"] == older.id);
  BOOST_TEST(page2["next"].is_null());
  BOOST_TEST(get(port, "/api/v1/incidents?cursor=zz", token).status == 400);
  BOOST_TEST(get(port, "/api/v1/incidents?engagement=nobody", token).body
             == R"({"items":[],"next":null})");
  BOOST_TEST(get(port, "/api/v1/incidents?engagement=..%2F", token).status == 400);

  const auto one = get(port, "/api/v1/incidents/" + inc.id, token);
  BOOST_TEST(one.status == 200);
  BOOST_TEST(one.json_body()["id"] == inc.id);
  BOOST_TEST(one.json_body()["title"] == inc.title);
  // History: every version, oldest first (the store keeps deltas and rebuilds them).
  auto changed = inc;
  changed.version = 2;
  changed.status = "in_progress";
  BOOST_REQUIRE(s.put_incident(changed).is_ok());
  const auto history = get(port, "/api/v1/incidents/" + inc.id + "/history", token);
  BOOST_TEST(history.status == 200);
  const auto hj = history.json_body();
  BOOST_REQUIRE_EQUAL(hj["items"].size(), 2U);
  BOOST_TEST(hj["items"][0]["status"] == "new");
  BOOST_TEST(hj["items"][1]["status"] == "in_progress");
  BOOST_TEST(hj["items"][1]["title"] == inc.title);
  BOOST_TEST(
      get(port, "/api/v1/incidents/00000000-0000-5000-8000-000000000000/history", token).status
      == 404);
  BOOST_TEST(post(port, "/api/v1/incidents/" + inc.id + "/history", "{}", token).status == 405);
  const auto missing = get(port, "/api/v1/incidents/00000000-0000-5000-8000-000000000000", token);
  BOOST_TEST(missing.status == 404);
  BOOST_TEST(missing.json_body()["error"].is_string());

  const auto raw = get(port, "/api/v1/raw/acme:1", token);
  BOOST_TEST(raw.status == 200);
  const auto rj = raw.json_body();
  BOOST_TEST(rj["seq"] == 1);
  BOOST_TEST(rj["engagement"] == "acme");
  BOOST_TEST(rj["source"] == "fw");
  BOOST_TEST(rj["raw"] == batch.records[0].bytes);
  BOOST_TEST(rj["hash"] == appended->hash_hex(0));
  BOOST_TEST(get(port, "/api/v1/raw/acme%3A2", token).json_body()["raw"] == batch.records[1].bytes);

  const auto event = get(port, "/api/v1/events/acme%3a1", token);
  BOOST_TEST(event.status == 200);
  const auto ej = event.json_body();
  BOOST_TEST(ej["source"]["ip"] == "10.0.0.1");
  BOOST_TEST(ej["source"]["port"] == 22);

  for (const char* bad :
       {"acme", "acme:", ":1", "acme:x", "acme:0", "acme:-1", "%zz", "a%00:1", "bad%2Fname:1"}) {
    const auto r = get(port, std::string{"/api/v1/raw/"} + bad, token);
    BOOST_TEST(r.status == 400, bad);
    BOOST_TEST(r.json_body()["error"].is_string(), bad);
  }
  BOOST_TEST(get(port, "/api/v1/events/acme:2", token).status == 404);  // raw only
  BOOST_TEST(get(port, "/api/v1/raw/acme:99", token).status == 404);
  BOOST_TEST(get(port, "/api/v1/raw/other:1", token).status == 404);
}

BOOST_FIXTURE_TEST_CASE(event_search, ServerFixture) {
  auto& s = *ts.store;
  // 40 records in "acme"; every fourth event from 10.1.0.x by "root", the rest by "svc".
  siem::core::RawBatch batch;
  batch.source = "fw";
  batch.engagement = "acme";
  for (int i = 1; i <= 40; ++i) {
    siem::core::RawInput in;
    in.bytes = "line " + std::to_string(i);
    in.source = "fw";
    in.received_at = kT0 + i;
    batch.records.push_back(std::move(in));
  }
  BOOST_REQUIRE(s.append(batch).has_value());
  std::vector<siem::core::Event> events(40);
  for (int i = 1; i <= 40; ++i) {
    auto& ev = events[static_cast<std::size_t>(i - 1)];
    ev.ref = "acme:" + std::to_string(i);
    ev.timestamp = kT0 + i * 60'000;
    ev.set("source.ip",
           i % 4 == 0 ? "10.1.0." + std::to_string(i) : "192.0.2." + std::to_string(i));
    ev.set("user.name", i % 4 == 0 ? "root" : "svc");
    ev.set("event.action", i % 2 == 0 ? "logon-failed" : "logon");
  }
  BOOST_REQUIRE(s.put_events("acme", events, 40).is_ok());
  const auto token = login(port, "bob", kAnalystPassword);

  const auto r = get(port, "/api/v1/events?engagement=acme&source.ip=10.1.0.0%2F16&limit=4", token);
  BOOST_TEST(r.status == 200);
  auto j = r.json_body();
  BOOST_REQUIRE_EQUAL(j["items"].size(), 4U);
  BOOST_TEST(j["items"][0]["siem"]["raw_ref"] == "acme:40");  // newest first
  BOOST_TEST(j["items"][3]["siem"]["raw_ref"] == "acme:28");
  BOOST_TEST(j["index"] == "source.ip");
  BOOST_REQUIRE(j["next"].is_string());
  const auto r2 = get(port,
                      "/api/v1/events?engagement=acme&source.ip=10.1.0.0%2F16&limit=4&cursor="
                          + j["next"].get<std::string>(),
                      token);
  const auto j2 = r2.json_body();
  BOOST_REQUIRE_EQUAL(j2["items"].size(), 4U);
  BOOST_TEST(j2["items"][0]["siem"]["raw_ref"] == "acme:24");

  // Conditions combine; an unindexed field and a time range narrow further.
  j = get(port,
          "/api/v1/events?engagement=acme&user.name=svc&event.action=logon-failed"
          "&from="
              + siem::core::format_rfc3339(kT0 + 10 * 60'000)
              + "&to=" + siem::core::format_rfc3339(kT0 + 20 * 60'000),
          token)
          .json_body();
  std::vector<std::string> refs;
  for (const auto& item : j["items"]) {
    refs.push_back(item["siem"]["raw_ref"]);
  }
  BOOST_TEST((refs == std::vector<std::string>{"acme:18", "acme:14", "acme:10"}));
  BOOST_TEST(j["next"].is_null());
  BOOST_TEST(
      get(port, "/api/v1/events?engagement=acme&user.name=ro*", token).json_body()["items"].size()
      == 10U);
  BOOST_TEST(get(port, "/api/v1/events?engagement=acme&event.action=logon", token)
                 .json_body()["index"]
                 .is_null());
  BOOST_TEST(get(port, "/api/v1/events?engagement=nobody&user.name=root", token)
                 .json_body()["items"]
                 .empty());

  for (const char* bad :
       {"source.ip=10.0.0.0%2F99", "source.ip=nope", "from=yesterday", "limit=0", "cursor=abc",
        "engagement=..%2F", "%24bad=1", "from=2026-11-27T10:00:00Z&to=2026-11-27T09:00:00Z"}) {
    const auto b = get(port, std::string{"/api/v1/events?engagement=acme&"} + bad, token);
    BOOST_TEST(b.status == 400, bad);
    BOOST_TEST(b.json_body()["error"].is_string(), bad);
  }
  BOOST_TEST(post(port, "/api/v1/events", "{}", token).status == 405);
  BOOST_TEST(get(port, "/api/v1/events?user.name=root", "").status == 401);

  // The search is in the audit trail with its conditions.
  bool audited = false;
  const auto trail = s.list_audit("", 1000);
  BOOST_REQUIRE(trail.has_value());
  for (const auto& e : trail->items) {
    audited = audited
              || (e.find("search engagement=acme&source.ip=10.1.0.0%2F16") != std::string::npos
                  && e.find("\"bob\"") != std::string::npos);
  }
  BOOST_TEST(audited);
}

BOOST_FIXTURE_TEST_CASE(rbac_users_and_audit, ServerFixture) {
  const auto admin = login(port, "alice", kAdminPassword);
  const auto analyst = login(port, "bob", kAnalystPassword);

  // Analysts read records but neither accounts nor the audit trail.
  const auto forbidden_users = get(port, "/api/v1/users", analyst);
  BOOST_TEST(forbidden_users.status == 403);
  BOOST_TEST(forbidden_users.json_body()["error"].is_string());
  BOOST_TEST(get(port, "/api/v1/audit", analyst).status == 403);
  const auto new_user = json{{"username", "dave"},
                             {"real_name", "Dave Auditor"},
                             {"role", "auditor"},
                             {"password", "Auditor-Pass-77"}};
  BOOST_TEST(post(port, "/api/v1/users", new_user.dump(), analyst).status == 403);

  // Admin creates accounts; the policy and duplicates are answered.
  auto weak = new_user;
  weak["password"] = "weakpassword";
  const auto weak_reply = post(port, "/api/v1/users", weak.dump(), admin);
  BOOST_TEST(weak_reply.status == 400);
  BOOST_TEST(weak_reply.json_body()["error"].get<std::string>().find("password")
             != std::string::npos);
  auto bad_role = new_user;
  bad_role["role"] = "superuser";
  BOOST_TEST(post(port, "/api/v1/users", bad_role.dump(), admin).status == 400);
  BOOST_TEST(post(port, "/api/v1/users", R"({"username":"x"})", admin).status == 400);
  const auto created = post(port, "/api/v1/users", new_user.dump(), admin);
  BOOST_TEST(created.status == 201);
  BOOST_TEST(created.json_body()["username"] == "dave");
  BOOST_TEST(!created.json_body().contains("password_hash"));
  BOOST_TEST(post(port, "/api/v1/users", new_user.dump(), admin).status == 409);

  const auto users = get(port, "/api/v1/users", admin);
  BOOST_TEST(users.status == 200);
  BOOST_TEST(users.json_body()["items"].size() == 3U);
  BOOST_TEST(users.body.find("argon2") == std::string::npos);

  // The auditor reads the audit trail and records, not accounts.
  const auto auditor = login(port, "dave", "Auditor-Pass-77");
  BOOST_TEST(get(port, "/api/v1/users", auditor).status == 403);
  BOOST_TEST(get(port, "/api/v1/incidents", auditor).status == 200);
  const auto trail = get(port, "/api/v1/audit?limit=500", auditor);
  BOOST_TEST(trail.status == 200);
  BOOST_TEST(trail.json_body()["items"].size() >= 10U);

  // Oversized body: 413 (max_body_bytes is 4096 in the fixture).
  const auto big = post(port, "/api/v1/auth/login", std::string(8192, 'x'));
  BOOST_TEST(big.status == 413);
  BOOST_TEST(big.json_body()["error"].is_string());

  BOOST_TEST(get(port, "/healthz").status == 200);
  const auto metrics = get(port, "/metrics");
  BOOST_TEST(metrics.status == 200);

  // Every /api/v1 call is audited, failed ones too; /healthz and /metrics are not.
  const auto entries = audit();
  const auto count = [&](const std::string& actor, const std::string& method,
                         const std::string& target, int status) {
    return std::count_if(entries.begin(), entries.end(), [&](const json& e) {
      return e["actor"] == actor && e["method"] == method && e["target"] == target
             && e["status"] == status;
    });
  };
  BOOST_TEST(count("alice", "POST", "/api/v1/auth/login", 200) == 1);
  BOOST_TEST(count("bob", "GET", "/api/v1/users", 403) == 1);
  BOOST_TEST(count("bob", "GET", "/api/v1/audit", 403) == 1);
  BOOST_TEST(count("alice", "POST", "/api/v1/users", 400) == 3);
  BOOST_TEST(count("alice", "POST", "/api/v1/users", 201) == 1);
  BOOST_TEST(count("alice", "POST", "/api/v1/users", 409) == 1);
  BOOST_TEST(count("dave", "GET", "/api/v1/audit", 200) == 1);
  for (const auto& e : entries) {
    BOOST_TEST(e["target"] != "/healthz");
    BOOST_TEST(e["target"] != "/metrics");
    BOOST_TEST(e["peer"] == "127.0.0.1");
  }
  BOOST_TEST(count("-", "POST", "/api/v1/auth/login", 413) == 1);
  BOOST_TEST(entries.size() == 16U);
}

BOOST_FIXTURE_TEST_CASE(audit_of_failures, ServerFixture) {
  BOOST_TEST(get(port, "/api/v1/incidents").status == 401);
  BOOST_TEST(post(port, "/api/v1/auth/login", R"({"username":"alice","password":"nope"})").status
             == 401);
  BOOST_TEST(post(port, "/api/v1/auth/login", "{").status == 400);
  BOOST_TEST(get(port, "/healthz").status == 200);
  const auto entries = audit();
  BOOST_REQUIRE_EQUAL(entries.size(), 3U);
  // Newest first.
  BOOST_TEST(entries[0]["status"] == 400);
  BOOST_TEST(entries[1]["status"] == 401);
  BOOST_TEST(entries[1]["target"] == "/api/v1/auth/login");
  BOOST_TEST(entries[1]["actor"] == "-");
  BOOST_TEST(entries[1]["detail"].get<std::string>().find("alice") != std::string::npos);
  BOOST_TEST(entries[2]["status"] == 401);
  BOOST_TEST(entries[2]["target"] == "/api/v1/incidents");
  BOOST_TEST(entries[2]["method"] == "GET");
  BOOST_TEST(entries[2]["time"] == siem::core::format_rfc3339(kT0));
}

BOOST_FIXTURE_TEST_CASE(metrics_text, ServerFixture) {
  siem::core::RawBatch batch;
  batch.source = "fw";
  batch.engagement = "acme";
  batch.format = "auto";
  siem::core::RawInput in;
  in.bytes = "x";
  in.source = "fw";
  batch.records.push_back(in);
  batch.records.push_back(in);
  BOOST_REQUIRE(ts.store->append(batch).has_value());
  server->set_metrics_source(
      [] { return std::string{"siem_source_records_total{source=\"fw\"} 7\n"}; });
  const auto m = get(port, "/metrics");
  BOOST_TEST(m.status == 200);
  BOOST_TEST(m.content_type.find("text/plain") == 0U);
  BOOST_TEST(m.body.find("\nsiem_raw_records_total 2\n") != std::string::npos);
  BOOST_TEST(m.body.find("\nsiem_events_total 0\n") != std::string::npos);
  BOOST_TEST(m.body.find("\nsiem_incidents_total 0\n") != std::string::npos);
  BOOST_TEST(m.body.find("\nsiem_unparsed_events_total 0\n") != std::string::npos);
  BOOST_TEST(m.body.find("siem_engagement_raw_records_total{engagement=\"acme\"} 2\n")
             != std::string::npos);
  BOOST_TEST(m.body.find("siem_source_records_total{source=\"fw\"} 7\n") != std::string::npos);
  server->set_metrics_source([]() -> std::string { throw std::runtime_error{"boom"}; });
  BOOST_TEST(get(port, "/metrics").status == 200);
  BOOST_TEST(call(port, http::verb::post, "/metrics").status == 405);
}

BOOST_FIXTURE_TEST_CASE(keep_alive_and_stop, ServerFixture) {
  // Two requests on one connection, then an idle keep-alive connection that stop() closes.
  asio::io_context ioc;
  tcp::socket socket{ioc};
  socket.connect(tcp::endpoint{asio::ip::make_address("127.0.0.1"), port});
  beast::flat_buffer buffer;
  for (int i = 0; i < 2; ++i) {
    http::request<http::empty_body> req{http::verb::get, "/healthz", 11};
    req.keep_alive(true);
    http::write(socket, req);
    http::response<http::string_body> res;
    http::read(socket, buffer, res);
    BOOST_TEST(res.result_int() == 200U);
    BOOST_TEST(res.keep_alive());
  }
  const auto t0 = std::chrono::steady_clock::now();
  server->stop();
  const auto took = std::chrono::steady_clock::now() - t0;
  BOOST_TEST(took < std::chrono::seconds{2});
  BOOST_TEST(server->port() == 0);
  // The server closed the idle connection.
  http::response<http::string_body> res;
  beast::error_code ec;
  http::read(socket, buffer, res, ec);
  BOOST_TEST(static_cast<bool>(ec));
  // It can start again.
  BOOST_REQUIRE(server->start().is_ok());
  BOOST_TEST(get(server->port(), "/healthz").status == 200);
}

BOOST_FIXTURE_TEST_CASE(bind_error_names_address, ServerFixture) {
  siem::api::ApiOptions options;
  options.listen = "127.0.0.1:" + std::to_string(port);
  siem::api::Server second{options, *ts.store, clock};
  const auto st = second.start();
  BOOST_TEST(st.code() == siem::core::StatusCode::io_error);
  BOOST_TEST(std::string{st.message()}.find(options.listen) != std::string::npos);
  BOOST_TEST(server->start().code() == siem::core::StatusCode::invalid_argument);  // running
}

BOOST_FIXTURE_TEST_CASE(connection_limit, ServerFixture) {
  siem::api::ApiOptions options;
  options.listen = "127.0.0.1:0";
  options.max_connections = 1;
  siem::api::Server small{options, *ts.store, clock};
  BOOST_REQUIRE(small.start().is_ok());
  asio::io_context ioc;
  tcp::socket hold{ioc};
  hold.connect(tcp::endpoint{asio::ip::make_address("127.0.0.1"), small.port()});
  // Make sure the first connection is being served before opening the second.
  http::request<http::empty_body> req{http::verb::get, "/healthz", 11};
  http::write(hold, req);
  beast::flat_buffer buffer;
  http::response<http::string_body> res;
  http::read(hold, buffer, res);
  BOOST_TEST(res.result_int() == 200U);
  const auto busy = get(small.port(), "/healthz");
  BOOST_TEST(busy.status == 503);
  BOOST_TEST(busy.json_body()["error"] == "too many open connections");
  hold.close();
  // Once the first connection is gone the server takes new ones again.
  bool served = false;
  for (int i = 0; i < 50 && !served; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds{50});
    served = get(small.port(), "/healthz").status == 200;
  }
  BOOST_TEST(served);
}

BOOST_FIXTURE_TEST_CASE(account_changes_apply_at_once, ServerFixture) {
  const auto token = login(port, "bob", kAnalystPassword);
  BOOST_TEST(get(port, "/api/v1/audit", token).status == 403);
  auto bob = ts.store->get_user("bob");
  BOOST_REQUIRE(bob.has_value());
  bob->role = "auditor";
  BOOST_REQUIRE(ts.store->update_user(*bob).is_ok());
  BOOST_TEST(get(port, "/api/v1/audit", token).status == 200);
  bob->disabled = true;
  BOOST_REQUIRE(ts.store->update_user(*bob).is_ok());
  BOOST_TEST(get(port, "/api/v1/me", token).status == 401);
  // A disabled account cannot log in, with the same answer as a wrong password.
  const auto r = post(port, "/api/v1/auth/login",
                      json{{"username", "bob"}, {"password", kAnalystPassword}}.dump());
  BOOST_TEST(r.status == 401);
  BOOST_TEST(r.json_body()["error"] == "invalid username or password");
}

BOOST_FIXTURE_TEST_CASE(malformed_http, ServerFixture) {
  asio::io_context ioc;
  tcp::socket socket{ioc};
  socket.connect(tcp::endpoint{asio::ip::make_address("127.0.0.1"), port});
  asio::write(socket, asio::buffer(std::string{"THIS IS NOT HTTP\r\n\r\n"}));
  beast::flat_buffer buffer;
  http::response<http::string_body> res;
  beast::error_code ec;
  http::read(socket, buffer, res, ec);
  BOOST_TEST(res.result_int() == 400U);
  BOOST_TEST(res.body() == R"({"error":"malformed HTTP request"})");
  BOOST_TEST(!res.keep_alive());
  // The server is unaffected.
  BOOST_TEST(get(port, "/healthz").status == 200);
}

BOOST_FIXTURE_TEST_CASE(concurrent_clients, ServerFixture) {
  const auto token = login(port, "bob", kAnalystPassword);
  std::atomic<int> ok{0};
  std::vector<std::thread> clients;
  for (int t = 0; t < 8; ++t) {
    clients.emplace_back([&, t] {
      for (int i = 0; i < 10; ++i) {
        try {
          const auto r =
              (i + t) % 2 == 0 ? get(port, "/api/v1/incidents", token) : get(port, "/healthz");
          if (r.status == 200) {
            ok.fetch_add(1);
          }
        } catch (const std::exception&) {  // counted as a failure below
        }
      }
    });
  }
  for (auto& c : clients) {
    c.join();
  }
  BOOST_TEST(ok.load() == 80);
  // 40 audited incident reads, plus the login.
  BOOST_TEST(audit().size() == 41U);
}

BOOST_FIXTURE_TEST_CASE(serve_bytes_without_a_socket, ServerFixture) {
  // Two pipelined keep-alive requests, then the client closes: two answers, as on a socket.
  const std::string two =
      "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
      "GET /api/v1/me HTTP/1.1\r\nHost: x\r\n\r\n";
  const auto out = server->serve_bytes(two);
  BOOST_TEST(out.find("HTTP/1.1 200 OK\r\n") == 0U);
  BOOST_TEST(out.find(R"({"status":"ok"})") != std::string::npos);
  BOOST_TEST(out.find("HTTP/1.1 401 Unauthorized\r\n") != std::string::npos);
  // A chunked login body, parsed and answered like one sent over TCP.
  const std::string body = json{{"username", "bob"}, {"password", kAnalystPassword}}.dump();
  std::ostringstream chunked;
  chunked << "POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
          << "Connection: close\r\n\r\n"
          << std::hex << 5 << "\r\n"
          << body.substr(0, 5) << "\r\n"
          << body.size() - 5 << "\r\n"
          << body.substr(5) << "\r\n0\r\n\r\n";
  const auto login_out = server->serve_bytes(chunked.str());
  BOOST_TEST(login_out.find("HTTP/1.1 200 OK\r\n") == 0U);
  BOOST_TEST(login_out.find("\"token\":") != std::string::npos);
  BOOST_TEST(login_out.find("Connection: close\r\n") != std::string::npos);
  // Malformed input gets the 400 answer; a truncated request gets one too.
  BOOST_TEST(server->serve_bytes("THIS IS NOT HTTP\r\n\r\n").find("HTTP/1.1 400 Bad Request")
             == 0U);
  BOOST_TEST(server->serve_bytes("GET /healthz HTTP/1.1\r\nHost:").find("HTTP/1.1 400") == 0U);
  BOOST_TEST(server->serve_bytes("").empty());
  // Loopback is decided by the peer address given: elsewhere /metrics needs a token.
  BOOST_TEST(server->serve_bytes("GET /metrics HTTP/1.1\r\n\r\n", "192.0.2.7").find("HTTP/1.1 401")
             == 0U);
  BOOST_TEST(server->serve_bytes("GET /metrics HTTP/1.1\r\n\r\n", "not an ip").find("HTTP/1.1 401")
             == 0U);
  // The body limit is the server's (4096 here): 413, audited like a socket's.
  const std::string big =
      "POST /api/v1/auth/login HTTP/1.1\r\nContent-Length: 5000\r\n\r\n" + std::string(5000, 'x');
  BOOST_TEST(server->serve_bytes(big).find("HTTP/1.1 413") == 0U);
  BOOST_TEST(audit().front()["status"] == 413);
}

BOOST_FIXTURE_TEST_CASE(head_answers_carry_no_content, ServerFixture) {
  // Found with fuzz_http's response check: the 405 answer to HEAD carried its JSON body,
  // which a keep-alive client reads as the start of the next response.
  const auto out = server->serve_bytes(
      "HEAD /healthz HTTP/1.1\r\nHost: x\r\n\r\nGET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
  const auto second = out.find("HTTP/1.1 200 OK\r\n");
  BOOST_REQUIRE(second != std::string::npos);
  const auto head = out.substr(0, second);
  BOOST_TEST(head.find("HTTP/1.1 405 Method Not Allowed\r\n") == 0U);
  BOOST_TEST(head.ends_with("\r\n\r\n"));                                // the header only
  BOOST_TEST(head.find("Content-Length: 30\r\n") != std::string::npos);  // as GET would have
  BOOST_TEST(out.ends_with(R"({"status":"ok"})"));
}

BOOST_FIXTURE_TEST_CASE(continue_only_for_a_body_to_come_from_http11, ServerFixture) {
  const std::string body = json{{"username", "bob"}, {"password", "wrong"}}.dump();
  const auto with_body =
      "POST /api/v1/auth/login HTTP/1.1\r\nExpect: 100-Continue\r\n"
      "Content-Length: "
      + std::to_string(body.size()) + "\r\n\r\n" + body;
  const auto out = server->serve_bytes(with_body);
  BOOST_TEST(out.find("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 401 Unauthorized\r\n") == 0U);
  // No body to wait for: no interim answer.
  BOOST_TEST(server->serve_bytes("GET /healthz HTTP/1.1\r\nExpect: 100-continue\r\n\r\n")
                 .find("HTTP/1.1 200 OK\r\n")
             == 0U);
  // HTTP/1.0 clients must not get a 1xx answer; the expectation is ignored.
  auto v10 = with_body;
  v10.replace(v10.find("HTTP/1.1"), 8, "HTTP/1.0");
  BOOST_TEST(server->serve_bytes(v10).find("HTTP/1.0 401 Unauthorized\r\n") == 0U);
}
