#include "handler.hpp"

#include "siem/api/accounts.hpp"
#include "siem/core/json.hpp"
#include "siem/core/raw_record.hpp"
#include "siem/core/time.hpp"
#include "siem/store/store.hpp"

#include "http_util.hpp"
#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <exception>

namespace siem::api::detail {
namespace {

constexpr std::string_view kApiPrefix = "/api/v1";
constexpr std::size_t kDefaultLimit = 50;
constexpr std::size_t kMaxLimit = 500;
constexpr std::size_t kMaxAuditField = 1024;

auto json_string(std::string_view s) -> std::string {
  std::string out;
  core::append_json_string(out, s);
  return out;
}

auto ok_json(int status, std::string body) -> Response {
  Response r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

auto method_not_allowed(std::string allow) -> Response {
  auto r = error_response(405, "method not allowed");
  r.allow = std::move(allow);
  return r;
}

/// Maps a store error onto an HTTP answer; internal messages stay in the audit trail.
auto from_status(const core::Status& st) -> Response {
  switch (st.code()) {
    case core::StatusCode::invalid_argument:
    case core::StatusCode::parse_error:
      return error_response(400, st.message());
    case core::StatusCode::not_found:
      return error_response(404, st.message());
    case core::StatusCode::already_exists:
    case core::StatusCode::conflict:
      return error_response(409, st.message());
    case core::StatusCode::unauthenticated:
      return error_response(401, "authentication required");
    case core::StatusCode::permission_denied:
      return error_response(403, "forbidden");
    case core::StatusCode::unavailable:
      return error_response(503, "service unavailable");
    default:
      return error_response(500, "internal error");
  }
}

/// `{"items":[...]` (not closed) with the items, which are JSON already.
auto items_json(const std::vector<std::string>& items) -> std::string {
  std::string out = "{\"items\":[";
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i > 0) {
      out.push_back(',');
    }
    out += items[i];
  }
  out.push_back(']');
  return out;
}

auto page_json(const store::Page& page) -> std::string {
  std::string out = items_json(page.items);
  out += ",\"next\":";
  out += page.next ? json_string(*page.next) : std::string{"null"};
  out.push_back('}');
  return out;
}

/// limit query parameter: default 50, 1..500. nullopt when malformed.
auto parse_limit(const std::vector<std::pair<std::string, std::string>>& q)
    -> std::optional<std::size_t> {
  const auto text = query_value(q, "limit");
  if (!text) {
    return kDefaultLimit;
  }
  std::size_t v = 0;
  const auto* end = text->data() + text->size();
  const auto [ptr, ec] = std::from_chars(text->data(), end, v);
  if (text->empty() || ec != std::errc{} || ptr != end || v < 1 || v > kMaxLimit) {
    return std::nullopt;
  }
  return v;
}

auto user_json(const store::UserRecord& u) -> std::string {
  core::JsonWriter w;
  w.begin_object();
  w.field("username", u.username);
  w.field("real_name", u.real_name);
  w.field("role", u.role);
  w.field("created_at", core::format_rfc3339(u.created_at));
  w.field("disabled", u.disabled);
  w.end_object();
  return w.take();
}

auto truncate(std::string_view s, std::size_t n) -> std::string {
  return std::string{s.substr(0, n)};
}

auto can_read_records(std::string_view role) -> bool {
  return role == "admin" || role == "handler" || role == "analyst" || role == "auditor";
}

/// Splits "/api/v1/<a>/<b>" after the prefix into segments (empty segments kept).
auto segments_of(std::string_view rest) -> std::vector<std::string_view> {
  std::vector<std::string_view> out;
  while (true) {
    const auto slash = rest.find('/');
    out.push_back(rest.substr(0, slash));
    if (slash == std::string_view::npos) {
      break;
    }
    rest = rest.substr(slash + 1);
  }
  return out;
}

}  // namespace

auto error_response(int status, std::string_view message) -> Response {
  Response r;
  r.status = status;
  r.body = "{\"error\":" + json_string(message) + "}";
  return r;
}

Handler::Handler(const ApiOptions& options, store::Store& store, const core::Clock& clock)
    : options_(options), store_(store), clock_(clock) {}

void Handler::set_metrics_source(std::function<std::string()> fn) {
  std::shared_ptr<const std::function<std::string()>> p;
  if (fn) {
    p = std::make_shared<const std::function<std::string()>>(std::move(fn));
  }
  const std::lock_guard lock{metrics_mu_};
  metrics_source_ = std::move(p);
}

auto Handler::dummy_hash() -> const std::string& {
  std::call_once(dummy_once_, [this] {
    auto h = hash_password(random_token());
    dummy_hash_ = h.has_value() ? std::move(h).value() : std::string{};
  });
  return dummy_hash_;
}

auto Handler::handle(const Request& req) -> Response {
  requests_.fetch_add(1, std::memory_order_relaxed);
  const auto [path, query] = split_target(req.target);
  const bool is_api = path == kApiPrefix || path.starts_with(std::string{kApiPrefix} + "/");
  if (!is_api) {
    try {
      if (path == "/healthz" || path == "/metrics") {
        if (req.method != "GET") {
          return method_not_allowed("GET");
        }
        if (!req.peer_loopback) {
          Response failure;
          if (!authenticate(req, failure)) {
            return failure;
          }
        }
        if (path == "/healthz") {
          return ok_json(200, R"({"status":"ok"})");
        }
        return metrics();
      }
      return error_response(404, "not found");
    } catch (const std::exception&) {
      return error_response(500, "internal error");
    }
  }

  AuditInfo audit;
  Response resp;
  try {
    resp = handle_api(req, path, query, audit);
  } catch (const std::exception& e) {
    audit.detail = std::string{"exception: "} + e.what();
    resp = error_response(500, "internal error");
  }

  return audited(req, path, audit, std::move(resp));
}

auto Handler::refuse(const Request& req, int status, std::string_view message) -> Response {
  auto resp = error_response(status, message);
  const auto path = split_target(req.target).first;
  if (!(path == kApiPrefix || path.starts_with(std::string{kApiPrefix} + "/"))) {
    return resp;
  }
  AuditInfo audit;
  audit.detail = std::string{message};
  try {
    Response ignored;
    if (!req.authorization.empty()) {
      if (const auto who = authenticate(req, ignored)) {
        audit.actor = who->username;
      }
    }
  } catch (const std::exception&) {  // NOLINT(bugprone-empty-catch): the actor stays "-"
  }
  return audited(req, path, audit, std::move(resp));
}

auto Handler::audited(const Request& req, std::string_view path, const AuditInfo& audit,
                      Response resp) -> Response {
  store::AuditEntry entry;
  entry.time = clock_.now_ms();
  entry.actor = audit.actor;
  entry.peer = req.peer_ip;
  entry.method = truncate(req.method, 16);
  entry.target = truncate(path, kMaxAuditField);
  entry.status = resp.status;
  entry.detail = truncate(audit.detail, kMaxAuditField);
  core::Status st;
  try {
    st = store_.append_audit(entry);
  } catch (const std::exception& e) {
    st = core::internal_error(e.what());
  }
  if (!st) {
    // Fail closed: an action that cannot be audited is not answered as done.
    audit_failures_.fetch_add(1, std::memory_order_relaxed);
    return error_response(500, "audit trail unavailable");
  }
  return resp;
}

auto Handler::authenticate(const Request& req, Response& failure) -> std::optional<Principal> {
  constexpr std::string_view kBearer = "bearer ";
  std::string_view auth = req.authorization;
  std::string scheme{auth.substr(0, std::min(auth.size(), kBearer.size()))};
  std::transform(scheme.begin(), scheme.end(), scheme.begin(),
                 [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; });
  if (scheme != kBearer) {
    failure = error_response(401, "authentication required: Authorization: Bearer <token>");
    return std::nullopt;
  }
  auto token = auth.substr(kBearer.size());
  while (!token.empty() && token.front() == ' ') {
    token.remove_prefix(1);
  }
  while (!token.empty() && token.back() == ' ') {
    token.remove_suffix(1);
  }
  if (!looks_like_token(token)) {
    failure = error_response(401, "invalid or expired token");
    return std::nullopt;
  }
  std::string lower{token};
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](char c) { return (c >= 'A' && c <= 'F') ? static_cast<char>(c + 32) : c; });
  const std::string token_hash = sha256_hex(lower);
  auto session = store_.get_session(token_hash);
  if (!session.has_value()) {
    failure = session.error().code() == core::StatusCode::not_found
                  ? error_response(401, "invalid or expired token")
                  : from_status(session.error());
    return std::nullopt;
  }
  if (session->expires_at <= clock_.now_ms()) {
    (void)store_.delete_session(token_hash);  // best effort: it is refused either way
    failure = error_response(401, "invalid or expired token");
    return std::nullopt;
  }
  // The account's current role and state count, so that a change takes effect at once.
  auto user = store_.get_user(session->username);
  if (!user.has_value() || user->disabled) {
    failure = error_response(401, "invalid or expired token");
    return std::nullopt;
  }
  return Principal{user->username, user->real_name, user->role, token_hash, session->expires_at};
}

auto Handler::handle_api(const Request& req, std::string_view path, std::string_view query,
                         AuditInfo& audit) -> Response {
  if (path == "/api/v1/auth/login") {
    if (req.method != "POST") {
      return method_not_allowed("POST");
    }
    return login(req, audit);
  }

  Response failure;
  auto who = authenticate(req, failure);
  if (!who) {
    return failure;
  }
  audit.actor = who->username;
  const auto& role = who->role;

  const std::string_view rest =
      path.size() > kApiPrefix.size() + 1 ? path.substr(kApiPrefix.size() + 1) : std::string_view{};
  const auto seg = segments_of(rest);
  const auto& method = req.method;

  if (seg.size() == 2 && seg[0] == "auth" && seg[1] == "logout") {
    if (method != "POST") {
      return method_not_allowed("POST");
    }
    if (auto st = store_.delete_session(who->token_hash); !st) {
      audit.detail = st.to_string();
      return from_status(st);
    }
    return ok_json(200, R"({"status":"logged out"})");
  }
  if (seg.size() == 1 && seg[0] == "me") {
    if (method != "GET") {
      return method_not_allowed("GET");
    }
    core::JsonWriter w;
    w.begin_object();
    w.field("username", who->username);
    w.field("real_name", who->real_name);
    w.field("role", who->role);
    w.field("expires_at", core::format_rfc3339(who->expires_at));
    w.end_object();
    return ok_json(200, w.take());
  }
  if (seg.size() == 3 && seg[0] == "incidents" && seg[2] == "history") {
    if (method != "GET") {
      return method_not_allowed("GET");
    }
    if (!can_read_records(role)) {
      return error_response(403, "forbidden");
    }
    const auto id = percent_decode(seg[1], false);
    if (!id || id->empty()) {
      return error_response(400, "malformed incident id");
    }
    auto versions = store_.incident_history(*id);
    if (!versions.has_value()) {
      audit.detail = versions.error().to_string();
      return versions.error().code() == core::StatusCode::not_found
                 ? error_response(404, "incident not found")
                 : from_status(versions.error());
    }
    return ok_json(200, items_json(*versions) + "}");
  }
  if (seg[0] == "incidents" && seg.size() <= 2) {
    if (seg.size() == 2 && seg[1].empty()) {
      return error_response(404, "not found");
    }
    if (method != "GET") {
      return method_not_allowed("GET");
    }
    if (!can_read_records(role)) {
      return error_response(403, "forbidden");
    }
    if (seg.size() == 1) {
      return list_page(query, &store::Store::list_incidents);
    }
    const auto id = percent_decode(seg[1], false);
    if (!id) {
      return error_response(400, "malformed incident id");
    }
    auto incident = store_.get_incident(*id);
    if (!incident.has_value()) {
      audit.detail = incident.error().to_string();
      return incident.error().code() == core::StatusCode::not_found
                 ? error_response(404, "incident not found")
                 : from_status(incident.error());
    }
    return ok_json(200, std::move(incident).value());
  }
  if (seg.size() == 1 && seg[0] == "alerts") {
    if (method != "GET") {
      return method_not_allowed("GET");
    }
    if (!can_read_records(role)) {
      return error_response(403, "forbidden");
    }
    return list_page(query, &store::Store::list_alerts);
  }
  if (seg.size() == 1 && seg[0] == "events") {
    if (method != "GET") {
      return method_not_allowed("GET");
    }
    if (!can_read_records(role)) {
      return error_response(403, "forbidden");
    }
    audit.detail = "search " + truncate(std::string{query}, 200);
    auto r = search_events(query);
    if (r.status >= 400) {
      audit.detail += ": " + r.body;
    }
    return r;
  }
  if ((seg[0] == "events" || seg[0] == "raw") && seg.size() == 2 && !seg[1].empty()) {
    if (method != "GET") {
      return method_not_allowed("GET");
    }
    if (!can_read_records(role)) {
      return error_response(403, "forbidden");
    }
    auto r = read_record(seg[0], seg[1]);
    if (r.status >= 400) {
      audit.detail = r.body;
    }
    return r;
  }
  if (seg.size() == 1 && seg[0] == "users") {
    if (method != "GET" && method != "POST") {
      return method_not_allowed("GET, POST");
    }
    if (role != "admin") {
      return error_response(403, "forbidden");
    }
    return method == "GET" ? list_users() : create_user(req, audit);
  }
  if (seg.size() == 1 && seg[0] == "audit") {
    if (method != "GET") {
      return method_not_allowed("GET");
    }
    if (role != "admin" && role != "auditor") {
      return error_response(403, "forbidden");
    }
    return list_audit(query);
  }
  return error_response(404, "not found");
}

auto Handler::login(const Request& req, AuditInfo& audit) -> Response {
  const auto body = nlohmann::json::parse(req.body, nullptr, /*allow_exceptions=*/false);
  if (body.is_discarded() || !body.is_object()) {
    audit.detail = "login: malformed JSON body";
    return error_response(400, "malformed JSON body");
  }
  const auto u = body.find("username");
  const auto p = body.find("password");
  if (u == body.end() || p == body.end() || !u->is_string() || !p->is_string()) {
    audit.detail = "login: missing fields";
    return error_response(400, "fields \"username\" and \"password\" (strings) are required");
  }
  const auto& username = u->get_ref<const std::string&>();
  const auto& password = p->get_ref<const std::string&>();
  audit.detail = "login " + json_string(truncate(username, 64));

  auto user = store_.get_user(username);
  if (!user.has_value() && user.error().code() != core::StatusCode::not_found) {
    audit.detail += ": " + user.error().to_string();
    return from_status(user.error());
  }
  bool ok = false;
  {
    login_slots_.acquire();

    struct Release {
      explicit Release(std::counting_semaphore<4>& sem) : s(sem) {}

      std::counting_semaphore<4>& s;
      Release(const Release&) = delete;
      auto operator=(const Release&) -> Release& = delete;
      Release(Release&&) = delete;
      auto operator=(Release&&) -> Release& = delete;

      ~Release() { s.release(); }
    } release{login_slots_};

    // An unknown user still costs one verification, so that timing does not tell which
    // usernames exist.
    const std::string& hash = user.has_value() ? user->password_hash : dummy_hash();
    ok = verify_password(hash, password) && user.has_value() && !user->disabled;
  }
  if (!ok) {
    failed_logins_.fetch_add(1, std::memory_order_relaxed);
    audit.detail += " failed";
    return error_response(401, "invalid username or password");
  }

  const core::TimeMs now = clock_.now_ms();
  const std::string token = random_token();
  store::SessionRecord session;
  session.token_hash = sha256_hex(token);
  session.username = user->username;
  session.role = user->role;
  session.created_at = now;
  session.expires_at = now + options_.session_ttl_ms;
  if (auto st = store_.put_session(session); !st) {
    audit.detail += ": " + st.to_string();
    return from_status(st);
  }
  audit.actor = user->username;
  audit.detail += " ok";

  core::JsonWriter w;
  w.begin_object();
  w.field("token", token);
  w.field("expires_at", core::format_rfc3339(session.expires_at));
  w.key("user");
  w.begin_object();
  w.field("username", user->username);
  w.field("real_name", user->real_name);
  w.field("role", user->role);
  w.end_object();
  w.end_object();
  return ok_json(200, w.take());
}

auto Handler::read_record(std::string_view kind, std::string_view segment) -> Response {
  const auto decoded = percent_decode(segment, false);
  const auto ref = decoded ? core::parse_ref(*decoded) : std::nullopt;
  if (!ref || !store::valid_name(ref->engagement)) {
    return error_response(400, "malformed reference: expected \"<engagement>:<seq>\"");
  }
  const std::string what = kind == "raw" ? "raw record " : "event ";
  if (kind == "raw") {
    auto rec = store_.read_raw(ref->engagement, ref->seq);
    if (!rec.has_value()) {
      return rec.error().code() == core::StatusCode::not_found
                 ? error_response(404, what + *decoded + " not found")
                 : from_status(rec.error());
    }
    return ok_json(200, rec->to_json());
  }
  auto ev = store_.read_event(ref->engagement, ref->seq);
  if (!ev.has_value()) {
    return ev.error().code() == core::StatusCode::not_found
               ? error_response(404, what + *decoded + " not found")
               : from_status(ev.error());
  }
  return ok_json(200, std::move(ev).value());
}

auto Handler::list_page(std::string_view query, PageLister lister) -> Response {
  const auto q = parse_query(query);
  const auto limit = parse_limit(q);
  if (!limit) {
    return error_response(400, "limit must be an integer from 1 to 500");
  }
  const auto engagement = query_value(q, "engagement").value_or("");
  if (!engagement.empty() && !store::valid_name(engagement)) {
    return error_response(400, "malformed engagement name");
  }
  const auto cursor = query_value(q, "cursor").value_or("");
  auto page = (store_.*lister)(engagement, cursor, *limit);
  if (!page.has_value()) {
    if (page.error().code() == core::StatusCode::not_found) {
      return ok_json(200, R"({"items":[],"next":null})");  // an engagement with no data yet
    }
    return from_status(page.error());
  }
  return ok_json(200, page_json(*page));
}

auto Handler::search_events(std::string_view query) -> Response {
  const auto q = parse_query(query);
  const auto limit = parse_limit(q);
  if (!limit) {
    return error_response(400, "limit must be an integer from 1 to 500");
  }
  store::EventQuery eq;
  eq.limit = *limit;
  eq.engagement = query_value(q, "engagement").value_or("default");
  if (!store::valid_name(eq.engagement)) {
    return error_response(400, "malformed engagement name");
  }
  eq.cursor = query_value(q, "cursor").value_or("");
  for (const char* bound : {"from", "to"}) {
    if (const auto text = query_value(q, bound)) {
      const auto t = core::parse_rfc3339(*text);
      if (!t) {
        return error_response(400, std::string{bound} + ": expected an RFC 3339 time such as "
                                                        "2026-11-27T08:00:00Z");
      }
      (std::string_view{bound} == "from" ? eq.from : eq.to) = *t;
    }
  }
  for (const auto& [key, value] : q) {
    if (key == "engagement" || key == "cursor" || key == "limit" || key == "from" || key == "to") {
      continue;
    }
    const bool name_ok =
        !key.empty() && key.size() <= 128 && std::all_of(key.begin(), key.end(), [](char c) {
          return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '.' || c == '_'
                 || c == '-' || c == '@';
        });
    if (!name_ok) {
      return error_response(400,
                            "malformed field name in the query: " + json_string(truncate(key, 64)));
    }
    auto c = store::EventCondition::parse(key, value);
    if (!c.has_value()) {
      return from_status(c.error());
    }
    eq.where.push_back(std::move(c).value());
  }
  auto page = store_.query_events(eq);
  if (!page.has_value()) {
    if (page.error().code() == core::StatusCode::not_found) {
      return ok_json(200, R"({"items":[],"next":null,"examined":0,"index":null})");
    }
    if (page.error().code() == core::StatusCode::unavailable) {
      return error_response(503, page.error().message());
    }
    return from_status(page.error());
  }
  std::string out = items_json(page->items);
  out += ",\"next\":";
  out += page->next ? json_string(*page->next) : std::string{"null"};
  out += ",\"examined\":" + std::to_string(page->examined) + ",\"index\":";
  out += page->index.empty() ? std::string{"null"} : json_string(page->index);
  out.push_back('}');
  return ok_json(200, out);
}

auto Handler::list_audit(std::string_view query) -> Response {
  const auto q = parse_query(query);
  const auto limit = parse_limit(q);
  if (!limit) {
    return error_response(400, "limit must be an integer from 1 to 500");
  }
  auto page = store_.list_audit(query_value(q, "cursor").value_or(""), *limit);
  if (!page.has_value()) {
    return from_status(page.error());
  }
  return ok_json(200, page_json(*page));
}

auto Handler::list_users() -> Response {
  auto users = store_.list_users();
  if (!users.has_value()) {
    return from_status(users.error());
  }
  std::string out = "{\"items\":[";
  bool first = true;
  for (const auto& u : *users) {
    if (!first) {
      out.push_back(',');
    }
    first = false;
    out += user_json(u);
  }
  out += "],\"next\":null}";
  return ok_json(200, std::move(out));
}

auto Handler::create_user(const Request& req, AuditInfo& audit) -> Response {
  const auto body = nlohmann::json::parse(req.body, nullptr, /*allow_exceptions=*/false);
  if (body.is_discarded() || !body.is_object()) {
    audit.detail = "create user: malformed JSON body";
    return error_response(400, "malformed JSON body");
  }
  std::array<const std::string*, 4> fields{};
  constexpr std::array<const char*, 4> kNames = {"username", "real_name", "role", "password"};
  for (std::size_t i = 0; i < kNames.size(); ++i) {
    const auto it = body.find(kNames[i]);
    if (it == body.end() || !it->is_string()) {
      audit.detail = "create user: missing fields";
      return error_response(400, std::string{"field \""} + kNames[i] + "\" (string) is required");
    }
    fields[i] = &it->get_ref<const std::string&>();
  }
  audit.detail = "create user " + json_string(truncate(*fields[0], 64)) + " role "
                 + json_string(truncate(*fields[2], 32));
  auto st = api::create_user(store_, *fields[0], *fields[1], *fields[2], *fields[3], clock_);
  if (!st) {
    audit.detail += ": " + st.to_string();
    return from_status(st);
  }
  auto user = store_.get_user(*fields[0]);
  if (!user.has_value()) {
    return from_status(user.error());
  }
  return ok_json(201, user_json(*user));
}

auto Handler::metrics() -> Response {
  Response r;
  r.content_type = "text/plain; version=0.0.4; charset=utf-8";
  auto stats = store_.stats();
  if (!stats.has_value()) {
    return from_status(stats.error());
  }
  std::string& out = r.body;
  const auto counter = [&out](std::string_view name, std::string_view help) {
    out += "# HELP ";
    out += name;
    out.push_back(' ');
    out += help;
    out += "\n# TYPE ";
    out += name;
    out += " counter\n";
  };
  const auto sample = [&out](std::string_view name, std::string_view labels, std::uint64_t v) {
    out += name;
    if (!labels.empty()) {
      out.push_back('{');
      out += labels;
      out.push_back('}');
    }
    out.push_back(' ');
    out += std::to_string(v);
    out.push_back('\n');
  };

  struct Series {
    std::string_view total;
    std::string_view per_engagement;
    std::string_view help;
    std::uint64_t store::Counts::*field;
  };

  static constexpr std::array<Series, 4> kSeries = {{
      {"siem_raw_records_total", "siem_engagement_raw_records_total",
       "Raw records stored in the ledger.", &store::Counts::raw_records},
      {"siem_events_total", "siem_engagement_events_total", "Normalized events stored.",
       &store::Counts::events},
      {"siem_incidents_total", "siem_engagement_incidents_total", "Incidents stored.",
       &store::Counts::incidents},
      {"siem_unparsed_events_total", "siem_engagement_unparsed_events_total",
       "Events stored as unparsed.", &store::Counts::unparsed},
  }};
  for (const auto& s : kSeries) {
    counter(s.total, s.help);
    sample(s.total, {}, stats->totals.*(s.field));
  }
  for (const auto& s : kSeries) {
    counter(s.per_engagement, s.help);
    for (const auto& e : stats->engagements) {
      sample(s.per_engagement, "engagement=\"" + prom_label(e.engagement) + "\"",
             e.counts.*(s.field));
    }
  }
  counter("siem_stored_source_raw_records_total", "Raw records stored per engagement and source.");
  for (const auto& e : stats->engagements) {
    for (const auto& [source, n] : e.sources) {
      sample(
          "siem_stored_source_raw_records_total",
          "engagement=\"" + prom_label(e.engagement) + "\",source=\"" + prom_label(source) + "\"",
          n);
    }
  }
  counter("siem_api_requests_total", "HTTP requests handled by the API.");
  sample("siem_api_requests_total", {}, requests_.load(std::memory_order_relaxed));
  counter("siem_api_failed_logins_total", "Failed login attempts.");
  sample("siem_api_failed_logins_total", {}, failed_logins_.load(std::memory_order_relaxed));
  counter("siem_api_audit_failures_total", "API calls refused because the audit write failed.");
  sample("siem_api_audit_failures_total", {}, audit_failures_.load(std::memory_order_relaxed));
  counter("siem_api_rejected_connections_total",
          "Connections refused because api.max_connections were open.");
  sample("siem_api_rejected_connections_total", {},
         rejected_connections_.load(std::memory_order_relaxed));

  std::shared_ptr<const std::function<std::string()>> source;
  {
    const std::lock_guard lock{metrics_mu_};
    source = metrics_source_;
  }
  if (source) {
    try {
      std::string extra = (*source)();
      if (!extra.empty()) {
        out += extra;
        if (out.back() != '\n') {
          out.push_back('\n');
        }
      }
    } catch (const std::exception&) {  // NOLINT(bugprone-empty-catch): documented: left out
    }
  }
  return r;
}

}  // namespace siem::api::detail
