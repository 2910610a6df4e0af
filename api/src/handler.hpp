#pragma once

#include "siem/api/server.hpp"
#include "siem/core/status.hpp"
#include "siem/core/time.hpp"
#include "siem/store/store.hpp"

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <semaphore>
#include <string>
#include <string_view>
#include <vector>

namespace siem::store {
class Store;
}  // namespace siem::store

namespace siem::api::detail {

/// One HTTP request as the transport hands it over, independent of Beast.
struct Request {
  std::string method;
  std::string target;         ///< raw request target (path and query)
  std::string authorization;  ///< the Authorization header, empty when absent
  std::string body;
  std::string peer_ip;
  bool peer_loopback = false;
};

struct Response {
  int status = 200;
  std::string body;
  std::string content_type = "application/json";
  std::string allow;  ///< Allow header for 405
};

/// Builds `{"error":"..."}` responses.
auto error_response(int status, std::string_view message) -> Response;

/// Routing, authentication, RBAC, audit and the endpoints. Thread-safe: called concurrently
/// from every connection thread. Borrows the store and the clock.
class Handler {
public:
  Handler(const ApiOptions& options, store::Store& store, const core::Clock& clock);

  /// Never throws: exceptions become 500 answers.
  auto handle(const Request& req) -> Response;

  /// Answers a request the transport refused before handling it (413 body too large) with
  /// `{"error": message}`, auditing it when it is an /api/v1 call. Never throws.
  auto refuse(const Request& req, int status, std::string_view message) -> Response;

  /// Computes the dummy hash that unknown-user logins verify against, so that the first such
  /// login costs what the others do.
  void warm_up() { (void)dummy_hash(); }

  void set_metrics_source(std::function<std::string()> fn);

  /// Counts a connection refused because max_connections were open.
  void count_rejected_connection() { rejected_connections_.fetch_add(1); }

private:
  struct Principal {
    std::string username;
    std::string real_name;
    std::string role;
    std::string token_hash;
    core::TimeMs expires_at = 0;
  };

  /// What an /api/v1 call reports to the audit trail besides its status.
  struct AuditInfo {
    std::string actor = "-";
    std::string detail;
  };

  auto handle_api(const Request& req, std::string_view path, std::string_view query,
                  AuditInfo& audit) -> Response;
  /// Writes the audit entry of an /api/v1 call; a failed write turns the answer into 500.
  auto audited(const Request& req, std::string_view path, const AuditInfo& audit, Response resp)
      -> Response;
  auto authenticate(const Request& req, Response& failure) -> std::optional<Principal>;
  auto login(const Request& req, AuditInfo& audit) -> Response;
  auto metrics() -> Response;
  /// A Store listing with engagement, cursor and limit: incidents, alerts.
  using PageLister = core::Result<store::Page> (store::Store::*)(std::string_view, std::string_view,
                                                                 std::size_t);
  /// GET of a paged listing: `engagement`, `cursor`, `limit` (1-500) from the query.
  auto list_page(std::string_view query, PageLister lister) -> Response;
  auto list_audit(std::string_view query) -> Response;
  /// GET /api/v1/events?engagement=&from=&to=&limit=&cursor=&<field>=<value>...
  auto search_events(std::string_view query) -> Response;
  auto list_users() -> Response;
  auto create_user(const Request& req, AuditInfo& audit) -> Response;
  auto read_record(std::string_view kind, std::string_view segment) -> Response;
  auto dummy_hash() -> const std::string&;

  ApiOptions options_;
  store::Store& store_;
  const core::Clock& clock_;

  std::mutex metrics_mu_;
  std::shared_ptr<const std::function<std::string()>> metrics_source_;

  // Argon2id verification takes 64 MiB and tens of milliseconds: bound how many run at once.
  std::counting_semaphore<4> login_slots_{4};
  std::once_flag dummy_once_;
  std::string dummy_hash_;

  std::atomic<std::uint64_t> requests_{0};
  std::atomic<std::uint64_t> failed_logins_{0};
  std::atomic<std::uint64_t> audit_failures_{0};
  std::atomic<std::uint64_t> rejected_connections_{0};
};

}  // namespace siem::api::detail
