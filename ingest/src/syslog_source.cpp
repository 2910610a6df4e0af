#include "syslog_source.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace siem::ingest::detail {
namespace {

constexpr std::size_t kMaxConnections = 1024;

auto peer_string(const sockaddr_storage& ss) -> std::string {
  char host[INET6_ADDRSTRLEN] = {};
  std::uint16_t port = 0;
  if (ss.ss_family == AF_INET) {
    const auto* a = reinterpret_cast<const sockaddr_in*>(&ss);
    inet_ntop(AF_INET, &a->sin_addr, host, sizeof host);
    port = ntohs(a->sin_port);
    return std::string{host} + ":" + std::to_string(port);
  }
  const auto* a = reinterpret_cast<const sockaddr_in6*>(&ss);
  inet_ntop(AF_INET6, &a->sin6_addr, host, sizeof host);
  port = ntohs(a->sin6_port);
  // Appended, not "[" + ...: GCC 12 at -O3 reports a false -Wrestrict on
  // operator+(const char*, string&&) (bug 105329).
  std::string out{"["};
  out.append(host).append("]:").append(std::to_string(port));
  return out;
}

auto open_socket(const std::string& host, std::uint16_t port, int type, std::uint16_t& bound_port,
                 std::string& err) -> int {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = type;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICHOST | AI_NUMERICSERV;
  addrinfo* res = nullptr;
  const std::string port_text = std::to_string(port);
  if (const int rc = getaddrinfo(host.c_str(), port_text.c_str(), &hints, &res); rc != 0) {
    err = gai_strerror(rc);
    return -1;
  }
  const int fd = ::socket(res->ai_family, type | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0) {
    err = std::strerror(errno);
    freeaddrinfo(res);
    return -1;
  }
  const int one = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (type == SOCK_DGRAM) {
    const int rcvbuf = 8 << 20;
    ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
    ::setsockopt(fd, SOL_SOCKET, SO_RXQ_OVFL, &one, sizeof one);
  }
  if (::bind(fd, res->ai_addr, res->ai_addrlen) != 0
      || (type == SOCK_STREAM && ::listen(fd, 128) != 0)) {
    err = std::strerror(errno);
    ::close(fd);
    freeaddrinfo(res);
    return -1;
  }
  freeaddrinfo(res);
  sockaddr_storage ss{};
  socklen_t len = sizeof ss;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&ss), &len);
  bound_port = ss.ss_family == AF_INET ? ntohs(reinterpret_cast<sockaddr_in*>(&ss)->sin_port)
                                       : ntohs(reinterpret_cast<sockaddr_in6*>(&ss)->sin6_port);
  return fd;
}

/// The first queued OpenSSL error as text.
auto ssl_error_text() -> std::string {
  char text[256] = {};
  const unsigned long e = ERR_get_error();
  ERR_clear_error();
  if (e == 0) {
    return "unknown error";
  }
  ERR_error_string_n(e, text, sizeof text);
  return text;
}

}  // namespace

void SyslogSource::SslFree::operator()(ssl_st* ssl) const {
  SSL_free(ssl);
}

void SyslogSource::CtxFree::operator()(ssl_ctx_st* ctx) const {
  SSL_CTX_free(ctx);
}

auto SyslogSource::start(BatchQueue& out, const std::string& /*resume_position*/) -> core::Status {
  SIEM_TRY_ASSIGN(auto hp, parse_host_port(options_.listen, "listen"));
  auto [host, port] = hp;
  std::string err;
  std::uint16_t bound_port = port;
  const std::string where = "sources[" + options_.name + "].listen: cannot listen on "
                            + options_.listen + " (";
  const bool tls = options_.protocol == "tls";
  if (tls) {
    const std::string at = "sources[" + options_.name + "].";
    tls_.reset(SSL_CTX_new(TLS_server_method()));
    if (!tls_) {
      return core::io_error(at + "protocol: cannot create a TLS context: " + ssl_error_text());
    }
    SSL_CTX_set_min_proto_version(tls_.get(), TLS1_2_VERSION);
    if (SSL_CTX_use_certificate_chain_file(tls_.get(), options_.tls_cert.c_str()) != 1) {
      return core::invalid_argument(at + "tls_cert: cannot load " + options_.tls_cert + ": "
                                    + ssl_error_text());
    }
    if (SSL_CTX_use_PrivateKey_file(tls_.get(), options_.tls_key.c_str(), SSL_FILETYPE_PEM) != 1) {
      return core::invalid_argument(at + "tls_key: cannot load " + options_.tls_key + ": "
                                    + ssl_error_text());
    }
    if (SSL_CTX_check_private_key(tls_.get()) != 1) {
      return core::invalid_argument(at + "tls_key: does not match the certificate in "
                                    + options_.tls_cert);
    }
    if (!options_.tls_ca.empty()) {
      // Mutual TLS: a client without a certificate, or with one no listed CA signed, fails
      // its handshake (counted as an error like any other failed handshake).
      if (SSL_CTX_load_verify_locations(tls_.get(), options_.tls_ca.c_str(), nullptr) != 1) {
        return core::invalid_argument(at + "tls_ca: cannot load " + options_.tls_ca + ": "
                                      + ssl_error_text());
      }
      SSL_CTX_set_verify(tls_.get(), SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, nullptr);
      // Verified sessions may be resumed only within this context; without one OpenSSL
      // refuses every TLS 1.2 resumption when peers are verified.
      static constexpr unsigned char kSessionContext[] = "siem-syslog";  // NOLINT
      SSL_CTX_set_session_id_context(tls_.get(), kSessionContext, sizeof kSessionContext - 1);
      // Tell clients which CAs are accepted, so that one holding several certificates picks.
      if (STACK_OF(X509_NAME)* names = SSL_load_client_CA_file(options_.tls_ca.c_str())) {
        SSL_CTX_set_client_CA_list(tls_.get(), names);
      }
      SSL_CTX_set_verify_depth(tls_.get(), 8);
    }
  }
  if (tls || options_.protocol.find("tcp") != std::string::npos) {
    tcp_fd_ = open_socket(host, port, SOCK_STREAM, bound_port, err);
    if (tcp_fd_ < 0) {
      return core::io_error(where + (tls ? "tls): " : "tcp): ") + err);
    }
  }
  if (options_.protocol.find("udp") != std::string::npos) {
    // With port 0 and both protocols, UDP takes the port TCP was given.
    udp_fd_ = open_socket(host, bound_port, SOCK_DGRAM, bound_port, err);
    if (udp_fd_ < 0) {
      return core::io_error(where + "udp): " + err);
    }
  }
  bound_ = (host.find(':') != std::string::npos ? "[" + host + "]" : host) + ":"
           + std::to_string(bound_port);
  thread_ = std::jthread([this, &out](std::stop_token st) {
    name_source_thread();
    run(out, std::move(st));
  });
  return core::Status::ok();
}

void SyslogSource::stop() {
  if (thread_.joinable()) {
    thread_.request_stop();
    thread_.join();
  }
  for (auto& c : conns_) {
    ::close(c.fd);
  }
  conns_.clear();
  for (int* fd : {&udp_fd_, &tcp_fd_}) {
    if (*fd >= 0) {
      ::close(*fd);
      *fd = -1;
    }
  }
}

void SyslogSource::add(core::RawBatch& batch, std::string_view msg, const std::string& peer,
                       std::string_view transport) {
  while (!msg.empty() && (msg.back() == '\n' || msg.back() == '\r')) {
    msg.remove_suffix(1);
  }
  if (msg.empty()) {
    return;
  }
  if (msg.size() > options_.max_message_bytes) {
    msg = msg.substr(0, options_.max_message_bytes);
    counters_.oversize.fetch_add(1);
  }
  core::RawInput rec;
  rec.bytes.assign(msg);
  rec.peer = peer;
  rec.position = std::string{transport} + "://" + peer;
  rec.received_at = clock_.now_ms();
  counters_.records.fetch_add(1, std::memory_order_relaxed);
  counters_.bytes.fetch_add(msg.size(), std::memory_order_relaxed);
  counters_.last_seen_ms.store(rec.received_at, std::memory_order_relaxed);
  batch.records.push_back(std::move(rec));
}

// Splits complete messages off the connection buffer. RFC 6587: a frame starting with a
// digit is octet-counted ("LEN SP MSG"); anything else is LF-terminated. Senders may mix
// the two on one connection, so the choice is made per message.
void SyslogSource::frame(Conn& c, core::RawBatch& batch, bool closing) {
  const std::string_view transport = c.ssl ? "tls" : "tcp";
  std::size_t pos = 0;
  const std::string& b = c.buf;
  while (pos < b.size()) {
    if (c.discarding) {
      const auto nl = b.find('\n', pos);
      if (nl == std::string::npos) {
        pos = b.size();
        break;
      }
      c.discarding = false;
      pos = nl + 1;
      continue;
    }
    if (b[pos] >= '1' && b[pos] <= '9') {
      std::size_t i = pos;
      std::size_t len = 0;
      while (i < b.size() && i - pos < 10 && b[i] >= '0' && b[i] <= '9') {
        len = len * 10 + static_cast<std::size_t>(b[i] - '0');
        ++i;
      }
      if (i < b.size() && b[i] == ' ') {
        if (len > options_.max_message_bytes + 16) {
          // Too large to buffer: keep what fits, skip to the end of the frame by LF.
          counters_.oversize.fetch_add(1);
        }
        if (b.size() - (i + 1) >= len) {
          add(batch, std::string_view(b).substr(i + 1, len), c.peer, transport);
          pos = i + 1 + len;
          continue;
        }
        if (len <= options_.max_message_bytes + 16 && !closing) {
          break;  // wait for the rest of the frame
        }
      } else if (i == b.size() && !closing) {
        break;  // the length prefix itself is incomplete
      }
    }
    const auto nl = b.find('\n', pos);
    if (nl == std::string::npos) {
      if (closing) {
        add(batch, std::string_view(b).substr(pos), c.peer, transport);
        pos = b.size();
      } else if (b.size() - pos > options_.max_message_bytes) {
        add(batch, std::string_view(b).substr(pos, options_.max_message_bytes), c.peer, transport);
        c.discarding = true;
        pos = b.size();
      }
      break;
    }
    add(batch, std::string_view(b).substr(pos, nl - pos), c.peer, transport);
    pos = nl + 1;
  }
  c.buf.erase(0, pos);
}

auto SyslogSource::read_conn(Conn& c, std::string& buf, core::RawBatch& batch) -> bool {
  c.want_write = false;
  for (int reads = 0; reads < 16 || (c.ssl && SSL_pending(c.ssl.get()) > 0); ++reads) {
    if (c.ssl) {
      const int n = SSL_read(c.ssl.get(), buf.data(), static_cast<int>(buf.size()));
      if (n > 0) {
        c.buf.append(buf.data(), static_cast<std::size_t>(n));
        frame(c, batch, false);
        continue;
      }
      switch (SSL_get_error(c.ssl.get(), n)) {
        case SSL_ERROR_WANT_READ:
          return true;
        case SSL_ERROR_WANT_WRITE:  // a handshake message to send
          c.want_write = true;
          return true;
        case SSL_ERROR_ZERO_RETURN:  // close_notify
          return false;
        default:  // a failed handshake (a plain-text sender, a bad client) or a reset
          if (!SSL_is_init_finished(c.ssl.get())) {
            counters_.errors.fetch_add(1);
          }
          ERR_clear_error();
          return false;
      }
    }
    const ssize_t n = ::recv(c.fd, buf.data(), buf.size(), 0);
    if (n > 0) {
      c.buf.append(buf.data(), static_cast<std::size_t>(n));
      frame(c, batch, false);
      continue;
    }
    return n != 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR);
  }
  return true;
}

void SyslogSource::run(BatchQueue& out, std::stop_token stop) {
  std::vector<pollfd> fds;
  std::string buf(65536 + 1, '\0');
  auto batch = new_batch();
  while (!stop.stop_requested()) {
    fds.clear();
    if (udp_fd_ >= 0) {
      fds.push_back({udp_fd_, POLLIN, 0});
    }
    if (tcp_fd_ >= 0) {
      fds.push_back({tcp_fd_, POLLIN, 0});
    }
    const std::size_t first_conn = fds.size();
    for (const auto& c : conns_) {
      fds.push_back({c.fd, static_cast<short>(c.want_write ? POLLIN | POLLOUT : POLLIN), 0});
    }
    const int rc = ::poll(fds.data(), fds.size(), 50);
    if (rc < 0 && errno != EINTR) {
      counters_.errors.fetch_add(1);
    }
    for (std::size_t i = 0; rc > 0 && i < fds.size(); ++i) {
      if (fds[i].revents == 0) {
        continue;
      }
      const int fd = fds[i].fd;
      if (fd == udp_fd_) {
        // Drain what is queued, up to one batch.
        for (std::size_t k = 0; k < options_.batch_records; ++k) {
          sockaddr_storage ss{};
          iovec iov{buf.data(), buf.size()};
          alignas(cmsghdr) char control[CMSG_SPACE(sizeof(std::uint32_t))];
          msghdr msg{};
          msg.msg_name = &ss;
          msg.msg_namelen = sizeof ss;
          msg.msg_iov = &iov;
          msg.msg_iovlen = 1;
          msg.msg_control = control;
          msg.msg_controllen = sizeof control;
          const ssize_t n = ::recvmsg(udp_fd_, &msg, MSG_DONTWAIT);
          if (n < 0) {
            break;
          }
          // SO_RXQ_OVFL: the socket's drop count so far, on datagrams after a drop.
          for (cmsghdr* cm = CMSG_FIRSTHDR(&msg); cm != nullptr; cm = CMSG_NXTHDR(&msg, cm)) {
            if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SO_RXQ_OVFL) {
              std::uint32_t dropped = 0;
              std::memcpy(&dropped, CMSG_DATA(cm), sizeof dropped);
              counters_.udp_drops.store(dropped, std::memory_order_relaxed);
            }
          }
          add(batch, std::string_view(buf.data(), static_cast<std::size_t>(n)), peer_string(ss),
              "udp");
        }
      } else if (fd == tcp_fd_) {
        sockaddr_storage ss{};
        socklen_t len = sizeof ss;
        const int cfd = ::accept4(tcp_fd_, reinterpret_cast<sockaddr*>(&ss), &len,
                                  SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (cfd >= 0) {
          if (conns_.size() >= kMaxConnections) {
            ::close(cfd);
            counters_.errors.fetch_add(1);
          } else {
            Conn c{cfd, peer_string(ss), {}, false, nullptr, false};
            if (tls_) {
              c.ssl.reset(SSL_new(tls_.get()));
              if (!c.ssl || SSL_set_fd(c.ssl.get(), cfd) != 1) {
                ::close(cfd);
                counters_.errors.fetch_add(1);
                continue;
              }
              SSL_set_accept_state(c.ssl.get());
            }
            conns_.push_back(std::move(c));
            counters_.connections.fetch_add(1);
          }
        }
      }
    }
    // Connections (indices shift as closed ones are removed, so walk by fd).
    for (std::size_t i = first_conn; rc > 0 && i < fds.size(); ++i) {
      if (fds[i].revents == 0) {
        continue;
      }
      auto it = std::find_if(conns_.begin(), conns_.end(),
                             [&](const Conn& c) { return c.fd == fds[i].fd; });
      if (it == conns_.end()) {
        continue;
      }
      if (!read_conn(*it, buf, batch)) {
        frame(*it, batch, true);
        ::close(it->fd);
        conns_.erase(it);
      }
    }
    if (!batch.records.empty()) {
      batch.position = batch.records.back().position;
      if (!deliver(out, batch)) {
        return;
      }
    }
  }
}

}  // namespace siem::ingest::detail
