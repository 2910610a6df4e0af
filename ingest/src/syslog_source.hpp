#pragma once

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "siem/ingest/source.hpp"

namespace siem::ingest::detail {

/// Syslog over UDP and TCP on one address (RFC 5426 datagrams; RFC 6587 LF framing and
/// octet counting on TCP, detected per message). Best effort: there is no acknowledgement,
/// so losses (a full kernel buffer while the engine applies back-pressure) are possible and
/// counted where the kernel reports them. One thread polls every socket.
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
  struct Conn {
    int fd = -1;
    std::string peer;
    std::string buf;
    bool discarding = false;
  };

  void run(BatchQueue& out, std::stop_token stop);
  void frame(Conn& c, core::RawBatch& batch, bool closing);
  void add(core::RawBatch& batch, std::string_view msg, const std::string& peer,
           std::string_view transport);

  const core::Clock& clock_;
  int udp_fd_ = -1;
  int tcp_fd_ = -1;
  std::string bound_;
  std::vector<Conn> conns_;
  std::jthread thread_;
};

}  // namespace siem::ingest::detail
