#pragma once

#include "siem/ingest/source.hpp"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>

struct relpEngine_s;

namespace siem::ingest::detail {

/// Syslog over RELP (librelp; rsyslog's omrelp and imrelp speak it), for senders that need
/// acknowledgements. A message is acknowledged ("200 OK") only once the ledger batch holding it
/// is fsynced, so an acknowledged message survives a crash of the engine right after, and an
/// unacknowledged one is sent again by the sender. librelp acknowledges whatever its callback
/// returns, so the callback returns only once the message is durable; one that cannot become
/// durable (the ledger writer failed) ends the process instead. librelp runs every session on one
/// thread and acknowledges one message at a time, so a source takes about one message per ledger
/// commit (the writer commits as soon as its queue is empty). Best suited to relays that send
/// modest volumes and must not lose any; bulk senders are better served by Kafka.
class RelpSource final : public Source {
public:
  RelpSource(SourceOptions options, const core::Clock& clock)
      : Source(std::move(options)), clock_(clock) {}

  RelpSource(const RelpSource&) = delete;
  auto operator=(const RelpSource&) -> RelpSource& = delete;
  RelpSource(RelpSource&&) = delete;
  auto operator=(RelpSource&&) -> RelpSource& = delete;

  ~RelpSource() override { stop(); }

  auto start(BatchQueue& out, const std::string& resume_position) -> core::Status override;
  void stop() override;
  void acknowledge(const std::string& position) override;

  [[nodiscard]] auto bound_address() const -> std::string override { return bound_; }

  /// librelp's callback for one "syslog" command (on the engine thread): stores the message,
  /// then returns once it is durable (RELP_RET_OK, so librelp answers "200 OK"), or an error
  /// when the engine stops first (the sender keeps the message and sends it again).
  auto on_message(const unsigned char* ip, const unsigned char* msg, std::size_t len) -> int;

  /// A librelp error on a session (counted in siem_source_errors_total).
  void on_error() { counters_.errors.fetch_add(1, std::memory_order_relaxed); }

private:
  const core::Clock& clock_;
  BatchQueue* out_ = nullptr;
  relpEngine_s* engine_ = nullptr;
  std::string bound_;
  std::jthread thread_;
  std::atomic<bool> exited_{true};  ///< relpEngineRun has returned
  std::uint64_t next_seq_ = 0;      ///< engine thread only

  /// Logs why message `seq` cannot be made durable and ends the process (see on_message).
  [[noreturn]] void abandon(std::uint64_t seq, const char* why) const;

  /// How long stop() waits for a message in flight to become durable.
  static constexpr std::chrono::seconds kDurableGrace{10};

  int shutdown_flag_ = 0;  ///< librelp's "immediate shutdown" flag (relpEngineSetShutdownImmdtPtr)
  std::mutex mu_;
  std::condition_variable durable_cv_;
  std::uint64_t durable_ = 0;  ///< every message up to this sequence number is fsynced
  bool abandon_ = false;       ///< stop() gave up waiting for durability
};

}  // namespace siem::ingest::detail
