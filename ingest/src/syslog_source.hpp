#pragma once

#include "siem/ingest/source.hpp"

#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

struct ssl_st;
struct ssl_ctx_st;

namespace siem::ingest::detail {

/// Syslog over UDP and TCP on one address (RFC 5426 datagrams; RFC 6587 LF framing and
/// octet counting on TCP, detected per message), or over TLS (RFC 5425: octet counting, LF
/// framing accepted too; OpenSSL, TLS 1.2 at least, handshakes without blocking the loop). Best
/// effort: there is no acknowledgement, so losses (a full kernel buffer while the engine applies
/// back-pressure) are possible and counted where the kernel reports them. One thread polls every
/// socket.
class SyslogSource final : public Source {
public:
  SyslogSource(SourceOptions options, const core::Clock& clock)
      : Source(std::move(options)), clock_(clock) {}

  SyslogSource(const SyslogSource&) = delete;
  auto operator=(const SyslogSource&) -> SyslogSource& = delete;
  SyslogSource(SyslogSource&&) = delete;
  auto operator=(SyslogSource&&) -> SyslogSource& = delete;

  ~SyslogSource() override { stop(); }

  auto start(BatchQueue& out, const std::string& resume_position) -> core::Status override;
  void stop() override;

  [[nodiscard]] auto bound_address() const -> std::string override { return bound_; }

private:
  struct SslFree {
    void operator()(ssl_st* ssl) const;
  };
  struct Conn {
    int fd = -1;
    std::string peer;
    std::string buf;
    bool discarding = false;
    std::unique_ptr<ssl_st, SslFree> ssl;  ///< protocol tls
    bool want_write = false;               ///< TLS needs the socket writable to go on
  };

  struct CtxFree {
    void operator()(ssl_ctx_st* ctx) const;
  };

  /// Reads what the connection has; false once it is closed (or the TLS session failed).
  auto read_conn(Conn& c, std::string& buf, core::RawBatch& batch) -> bool;

  void run(BatchQueue& out, std::stop_token stop);
  void frame(Conn& c, core::RawBatch& batch, bool closing);
  void add(core::RawBatch& batch, std::string_view msg, const std::string& peer,
           std::string_view transport);

  const core::Clock& clock_;
  int udp_fd_ = -1;
  int tcp_fd_ = -1;
  std::unique_ptr<ssl_ctx_st, CtxFree> tls_;  ///< protocol tls
  std::string bound_;
  std::vector<Conn> conns_;
  std::jthread thread_;
};

}  // namespace siem::ingest::detail
