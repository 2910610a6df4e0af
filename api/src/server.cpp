#include "siem/api/server.hpp"

#include "siem/core/thread_name.hpp"
#include "siem/store/store.hpp"

#include "handler.hpp"
#include "http_util.hpp"
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http.hpp>
#include <poll.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <list>
#include <mutex>
#include <sstream>
#include <string_view>
#include <thread>

namespace siem::api {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using SteadyClock = std::chrono::steady_clock;

// How long a request may take to arrive (and a response to leave), and how long an idle
// keep-alive connection is kept.
constexpr auto kIoTimeout = std::chrono::seconds{30};
// Blocking waits are cut into slices this long so that stop() is noticed promptly.
constexpr int kPollSliceMs = 100;
constexpr std::size_t kHeaderLimit = 16 * 1024;

/// A SyncReadStream/SyncWriteStream over a non-blocking socket that waits with poll() in
/// short slices, so that reads and writes honour a deadline and the server's stop flag.
/// (SO_RCVTIMEO does not work with Asio's synchronous operations: they poll again.)
class TimedStream {
public:
  TimedStream(tcp::socket& socket, const std::atomic<bool>& stopping)
      : socket_(socket), stopping_(stopping) {}

  void expires_after(SteadyClock::duration d) { deadline_ = SteadyClock::now() + d; }

  template <class MutableBuffers>
  auto read_some(const MutableBuffers& buffers, beast::error_code& ec) -> std::size_t {
    for (;;) {
      const std::size_t n = socket_.read_some(buffers, ec);
      if (ec != asio::error::would_block && ec != asio::error::try_again) {
        return n;
      }
      if (!wait(POLLIN, ec)) {
        return 0;
      }
    }
  }

  template <class MutableBuffers>
  auto read_some(const MutableBuffers& buffers) -> std::size_t {
    beast::error_code ec;
    const std::size_t n = read_some(buffers, ec);
    if (ec) {
      throw beast::system_error{ec};
    }
    return n;
  }

  template <class ConstBuffers>
  auto write_some(const ConstBuffers& buffers, beast::error_code& ec) -> std::size_t {
    for (;;) {
      const std::size_t n = socket_.write_some(buffers, ec);
      if (ec != asio::error::would_block && ec != asio::error::try_again) {
        return n;
      }
      if (!wait(POLLOUT, ec)) {
        return 0;
      }
    }
  }

  template <class ConstBuffers>
  auto write_some(const ConstBuffers& buffers) -> std::size_t {
    beast::error_code ec;
    const std::size_t n = write_some(buffers, ec);
    if (ec) {
      throw beast::system_error{ec};
    }
    return n;
  }

private:
  auto wait(short events, beast::error_code& ec) -> bool {
    for (;;) {
      if (stopping_.load()) {
        ec = asio::error::operation_aborted;
        return false;
      }
      const auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(deadline_ - SteadyClock::now())
              .count();
      if (left <= 0) {
        ec = beast::error::timeout;
        return false;
      }
      pollfd p{socket_.native_handle(), events, 0};
      const int r = ::poll(&p, 1, static_cast<int>(std::min<long long>(left, kPollSliceMs)));
      if (r > 0) {
        return true;  // readiness or an error condition; the next read/write reports which
      }
      if (r < 0 && errno != EINTR) {
        ec = beast::error_code{errno, boost::system::system_category()};
        return false;
      }
    }
  }

  tcp::socket& socket_;
  const std::atomic<bool>& stopping_;
  SteadyClock::time_point deadline_ = SteadyClock::now() + kIoTimeout;
};

/// The same stream interface over memory, for Server::serve_bytes(): reads consume `input`
/// (then report eof, as a peer that closed its side), writes append to `output`.
class MemoryStream {
public:
  MemoryStream(std::string_view input, std::string& output) : input_(input), output_(output) {}

  void expires_after(SteadyClock::duration /*d*/) {}

  template <class MutableBuffers>
  auto read_some(const MutableBuffers& buffers, beast::error_code& ec) -> std::size_t {
    ec = {};
    if (input_.empty()) {
      ec = asio::error::eof;
      return 0;
    }
    const std::size_t n = asio::buffer_copy(buffers, asio::buffer(input_.data(), input_.size()));
    input_.remove_prefix(n);
    return n;
  }

  template <class MutableBuffers>
  auto read_some(const MutableBuffers& buffers) -> std::size_t {
    beast::error_code ec;
    const std::size_t n = read_some(buffers, ec);
    if (ec) {
      throw beast::system_error{ec};
    }
    return n;
  }

  template <class ConstBuffers>
  auto write_some(const ConstBuffers& buffers, beast::error_code& ec) -> std::size_t {
    ec = {};
    std::size_t n = 0;
    for (auto it = asio::buffer_sequence_begin(buffers); it != asio::buffer_sequence_end(buffers);
         ++it) {
      const asio::const_buffer b{*it};
      output_.append(static_cast<const char*>(b.data()), b.size());
      n += b.size();
    }
    return n;
  }

  template <class ConstBuffers>
  auto write_some(const ConstBuffers& buffers) -> std::size_t {
    beast::error_code ec;
    return write_some(buffers, ec);
  }

private:
  std::string_view input_;
  std::string& output_;
};

/// `head`: the answer to a HEAD request, sent without its content (RFC 9110 9.3.2) but with the
/// Content-Length it would have; a body there would be read as the start of the next response
/// on a keep-alive connection.
auto to_response(const detail::Response& r, unsigned version, bool keep_alive, bool head = false)
    -> http::response<http::string_body> {
  http::response<http::string_body> res{static_cast<http::status>(r.status), version};
  res.set(http::field::server, "siem");
  res.set(http::field::content_type, r.content_type);
  res.set(http::field::cache_control, "no-store");
  res.set("X-Content-Type-Options", "nosniff");
  if (!r.allow.empty()) {
    res.set(http::field::allow, r.allow);
  }
  res.body() = r.body;
  res.keep_alive(keep_alive);
  res.prepare_payload();
  if (head) {
    res.body().clear();
  }
  return res;
}

auto is_loopback(const asio::ip::address& a) -> bool {
  if (a.is_v6() && a.to_v6().is_v4_mapped()) {
    return asio::ip::make_address_v4(asio::ip::v4_mapped, a.to_v6()).is_loopback();
  }
  return a.is_loopback();
}

}  // namespace

auto ApiOptions::validate() const -> core::Status {
  std::string why;
  if (!detail::parse_listen(listen, why)) {
    return core::invalid_argument("api.listen: \"" + listen + "\": " + why);
  }
  if (session_ttl_ms < 60'000 || session_ttl_ms > 30LL * 24 * 3600 * 1000) {
    return core::invalid_argument("api.session_ttl: must be from 1 minute to 30 days");
  }
  if (max_body_bytes < 1024 || max_body_bytes > (std::size_t{1} << 30)) {
    return core::invalid_argument("api.max_body_bytes: must be from 1024 to 1073741824");
  }
  if (max_connections < 1 || max_connections > 4096) {
    return core::invalid_argument("api.max_connections: must be from 1 to 4096");
  }
  return core::Status::ok();
}

struct Server::Impl {
  struct Connection {
    std::thread thread;
    std::atomic<bool> done{false};
  };

  Impl(ApiOptions o, store::Store& s, const core::Clock& c)
      : options(std::move(o)), handler(options, s, c) {}

  void accept_loop();
  void serve(tcp::socket socket);
  /// The HTTP/1.1 exchange of one connection (requests until the peer closes, an error, or
  /// a response without keep-alive). Stream: TimedStream or MemoryStream.
  template <class Stream>
  void serve_stream(Stream& stream, const std::string& peer_ip, bool loopback);
  void reap();
  void reject(tcp::socket& socket);

  ApiOptions options;
  detail::Handler handler;

  std::mutex lifecycle_mu;  // start()/stop()
  bool running = false;
  std::atomic<bool> stopping{false};
  std::atomic<std::uint16_t> port{0};
  std::unique_ptr<asio::io_context> ioc;
  std::unique_ptr<tcp::acceptor> acceptor;
  std::thread acceptor_thread;
  // Touched only by the acceptor thread while running, and by stop() after joining it.
  std::list<std::unique_ptr<Connection>> connections;
};

void Server::Impl::reap() {
  for (auto it = connections.begin(); it != connections.end();) {
    if ((*it)->done.load()) {
      (*it)->thread.join();
      it = connections.erase(it);
    } else {
      ++it;
    }
  }
}

void Server::Impl::reject(tcp::socket& socket) {
  handler.count_rejected_connection();
  static const std::string kBusy = [] {
    auto res = to_response(detail::error_response(503, "too many open connections"), 11, false);
    res.set(http::field::retry_after, "1");
    std::ostringstream os;
    os << res;
    return os.str();
  }();
  beast::error_code ec;
  socket.non_blocking(true, ec);
  socket.write_some(asio::buffer(kBusy), ec);  // best effort: fits any socket buffer
  socket.shutdown(tcp::socket::shutdown_both, ec);
  socket.close(ec);
}

void Server::Impl::accept_loop() {
  while (!stopping.load()) {
    reap();
    pollfd p{acceptor->native_handle(), POLLIN, 0};
    if (::poll(&p, 1, kPollSliceMs) <= 0) {
      continue;
    }
    tcp::socket socket{*ioc};
    beast::error_code ec;
    acceptor->accept(socket, ec);
    if (ec) {
      if (ec != asio::error::would_block && ec != asio::error::try_again) {
        // EMFILE and friends: back off instead of spinning.
        std::this_thread::sleep_for(std::chrono::milliseconds{kPollSliceMs});
      }
      continue;
    }
    if (connections.size() >= options.max_connections) {
      reap();
    }
    if (connections.size() >= options.max_connections) {
      reject(socket);
      continue;
    }
    auto conn = std::make_unique<Connection>();
    auto* raw = conn.get();
    try {
      conn->thread = std::thread([this, raw, s = std::move(socket)]() mutable {
        core::name_this_thread("api-conn");
        serve(std::move(s));
        raw->done.store(true);
      });
      connections.push_back(std::move(conn));
    } catch (const std::exception&) {
      // Thread creation failed; the socket was moved into the lambda and closes with it.
    }
  }
}

void Server::Impl::serve(tcp::socket socket) {
  try {
    beast::error_code ec;
    socket.non_blocking(true, ec);
    socket.set_option(tcp::no_delay(true), ec);
    const auto remote = socket.remote_endpoint(ec);
    std::string peer_ip = ec ? std::string{"?"} : remote.address().to_string();
    const bool loopback = !ec && is_loopback(remote.address());
    if (!ec && remote.address().is_v6() && remote.address().to_v6().is_v4_mapped()) {
      peer_ip =
          asio::ip::make_address_v4(asio::ip::v4_mapped, remote.address().to_v6()).to_string();
    }

    TimedStream stream{socket, stopping};
    serve_stream(stream, peer_ip, loopback);
    socket.shutdown(tcp::socket::shutdown_both, ec);
    socket.close(ec);
  } catch (const std::exception&) {
    // The connection is dropped; the socket closes with its destructor.
  }
}

template <class Stream>
void Server::Impl::serve_stream(Stream& stream, const std::string& peer_ip, bool loopback) {
  beast::error_code ec;
  beast::flat_buffer buffer;
  for (;;) {
    http::request_parser<http::string_body> parser;
    parser.header_limit(kHeaderLimit);
    parser.body_limit(options.max_body_bytes);
    stream.expires_after(kIoTimeout);
    http::read_header(stream, buffer, parser, ec);
    // curl and others wait for this before sending a body. Only for a body still to come, and
    // never to an HTTP/1.0 client, which must not get a 1xx answer (RFC 9110 10.1.1).
    if (!ec && !parser.is_done() && parser.get().version() >= 11
        && beast::iequals(parser.get()[http::field::expect], "100-continue")) {
      http::response<http::empty_body> cont{http::status::continue_, parser.get().version()};
      http::write(stream, cont, ec);
    }
    if (!ec && !parser.is_done()) {
      http::read(stream, buffer, parser, ec);
    }
    if (ec == http::error::end_of_stream || ec == beast::error::timeout
        || ec == asio::error::operation_aborted || ec == asio::error::connection_reset
        || ec == asio::error::eof) {
      break;
    }
    if (ec) {
      detail::Response answer;
      if (ec == http::error::body_limit) {
        // The header is complete, so the refused call can be audited.
        detail::Request r;
        r.method = std::string{parser.get().method_string()};
        r.target = std::string{parser.get().target()};
        r.authorization = std::string{parser.get()[http::field::authorization]};
        r.peer_ip = peer_ip;
        r.peer_loopback = loopback;
        answer = handler.refuse(r, 413, "request body too large");
      } else {
        answer = detail::error_response(400, "malformed HTTP request");
      }
      const bool head = parser.is_header_done() && parser.get().method() == http::verb::head;
      auto res = to_response(answer, 11, false, head);
      stream.expires_after(std::chrono::seconds{5});
      http::write(stream, res, ec);
      break;
    }
    const auto& req = parser.get();
    detail::Request r;
    r.method = std::string{req.method_string()};
    r.target = std::string{req.target()};
    r.authorization = std::string{req[http::field::authorization]};
    r.body = req.body();
    r.peer_ip = peer_ip;
    r.peer_loopback = loopback;
    const auto answer = handler.handle(r);
    const bool keep_alive = req.keep_alive() && !stopping.load();
    auto res = to_response(answer, req.version(), keep_alive, req.method() == http::verb::head);
    stream.expires_after(kIoTimeout);
    http::write(stream, res, ec);
    if (ec || !keep_alive) {
      break;
    }
  }
}

Server::Server(ApiOptions options, store::Store& store, const core::Clock& clock)
    : impl_(std::make_unique<Impl>(std::move(options), store, clock)) {}

Server::~Server() {
  stop();
}

auto Server::start() -> core::Status {
  const std::lock_guard lock{impl_->lifecycle_mu};
  if (impl_->running) {
    return core::invalid_argument("api server already started");
  }
  SIEM_TRY(impl_->options.validate());
  impl_->handler.warm_up();
  const auto& listen = impl_->options.listen;
  std::string why;
  const auto addr = detail::parse_listen(listen, why);
  try {
    beast::error_code ec;
    const std::string host = addr->host == "localhost" ? "127.0.0.1" : addr->host;
    const auto ip = asio::ip::make_address(host, ec);
    if (ec) {
      return core::io_error("cannot listen on " + listen + ": \"" + addr->host
                            + "\" is not an IP address");
    }
    auto ioc = std::make_unique<asio::io_context>(1);
    auto acceptor = std::make_unique<tcp::acceptor>(*ioc);
    const tcp::endpoint endpoint{ip, addr->port};
    acceptor->open(endpoint.protocol(), ec);
    if (!ec) {
      acceptor->set_option(asio::socket_base::reuse_address(true), ec);
    }
    if (!ec) {
      acceptor->bind(endpoint, ec);
    }
    if (!ec) {
      acceptor->listen(asio::socket_base::max_listen_connections, ec);
    }
    if (!ec) {
      acceptor->non_blocking(true, ec);
    }
    if (ec) {
      return core::io_error("cannot listen on " + listen + ": " + ec.message());
    }
    impl_->port.store(acceptor->local_endpoint(ec).port());
    impl_->ioc = std::move(ioc);
    impl_->acceptor = std::move(acceptor);
    impl_->stopping.store(false);
    impl_->acceptor_thread = std::thread([impl = impl_.get()] {
      core::name_this_thread("api-accept");
      impl->accept_loop();
    });
    impl_->running = true;
  } catch (const std::exception& e) {
    impl_->acceptor.reset();
    impl_->ioc.reset();
    impl_->port.store(0);
    return core::io_error("cannot listen on " + listen + ": " + e.what());
  }
  return core::Status::ok();
}

void Server::stop() {
  const std::lock_guard lock{impl_->lifecycle_mu};
  if (!impl_->running) {
    return;
  }
  impl_->stopping.store(true);
  if (impl_->acceptor_thread.joinable()) {
    impl_->acceptor_thread.join();
  }
  for (auto& c : impl_->connections) {
    if (c->thread.joinable()) {
      c->thread.join();
    }
  }
  impl_->connections.clear();
  beast::error_code ec;
  impl_->acceptor->close(ec);
  impl_->acceptor.reset();
  impl_->ioc.reset();
  impl_->port.store(0);
  impl_->running = false;
}

auto Server::port() const -> std::uint16_t {
  return impl_->port.load();
}

void Server::set_metrics_source(std::function<std::string()> fn) {
  impl_->handler.set_metrics_source(std::move(fn));
}

auto Server::serve_bytes(std::string_view input, std::string_view peer_ip) -> std::string {
  std::string output;
  try {
    beast::error_code ec;
    const auto address = asio::ip::make_address(peer_ip, ec);
    const bool loopback = !ec && is_loopback(address);
    MemoryStream stream{input, output};
    impl_->serve_stream(stream, std::string{peer_ip}, loopback);
  } catch (const std::exception&) {
    // As on a socket: the connection is dropped with what was written so far.
  }
  return output;
}

}  // namespace siem::api
