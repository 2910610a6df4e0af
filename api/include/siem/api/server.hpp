#pragma once

#include "siem/core/status.hpp"
#include "siem/core/time.hpp"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace siem::store {
class Store;
}  // namespace siem::store

namespace siem::api {

/// Configuration of the HTTP API (config section `api`).
struct ApiOptions {
  /// "host:port" or "[v6]:port"; host is an IP literal or "localhost"; port 0 picks a free
  /// port (see Server::port()).
  std::string listen = "127.0.0.1:8080";
  /// Lifetime of a login session.
  core::TimeMs session_ttl_ms = 12 * 3600 * 1000;
  /// Largest accepted request body; larger ones are answered 413.
  std::size_t max_body_bytes = 1 << 20;
  /// Concurrent connections served; further ones are answered 503 and closed.
  std::size_t max_connections = 64;

  /// Errors: invalid_argument naming the key (`api.listen`, `api.session_ttl`,
  /// `api.max_body_bytes`, `api.max_connections`).
  [[nodiscard]] auto validate() const -> core::Status;
};

/// The HTTP server: `/healthz`, `/metrics` and the authenticated, audited REST API under
/// `/api/v1` (see api/README.md).
///
/// Lifecycle: construct, start(), stop() (also done by the destructor). It serves from one
/// acceptor thread plus one thread per open connection (at most `max_connections`).
/// The store and the clock are borrowed and must outlive the server.
/// Non-copyable, non-movable. Thread-safe: every member may be called from any thread.
class Server {
public:
  Server(ApiOptions options, store::Store& store, const core::Clock& clock);
  Server(const Server&) = delete;
  auto operator=(const Server&) -> Server& = delete;
  Server(Server&&) = delete;
  auto operator=(Server&&) -> Server& = delete;
  /// Stops the server (see stop()).
  ~Server();

  /// Validates the options, binds the listen address and starts serving on background
  /// threads. Errors: invalid_argument (options, already started), io_error naming the address
  /// when it cannot be resolved or bound.
  auto start() -> core::Status;

  /// Stops accepting, closes every connection and joins every thread; returns within about
  /// 200 ms plus the time of requests being handled. Idempotent; the server may be started
  /// again afterwards.
  void stop();

  /// The bound port (the chosen one when the listen port was 0); 0 when not started.
  [[nodiscard]] auto port() const -> std::uint16_t;

  /// Extra Prometheus text appended to /metrics (per-source counters from the daemon).
  /// Called per scrape, from a server thread; it must be thread-safe and must not throw
  /// (an exception is caught and the text left out). An empty function removes the source.
  void set_metrics_source(std::function<std::string()> fn);

  /// Serves one connection without a socket: `input` is everything the client sends (one or
  /// more pipelined requests), then the client closes its side. Returns the bytes the server
  /// writes back. Parsing, limits (header, `max_body_bytes`), `100-continue`, keep-alive,
  /// routing, authentication and audit are those of a real connection from `peer_ip` (an IP
  /// literal; loopback rules apply when it is one). The server need not be started.
  /// For tests and fuzzing; never throws. Thread-safe.
  auto serve_bytes(std::string_view input, std::string_view peer_ip = "127.0.0.1") -> std::string;

private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace siem::api
