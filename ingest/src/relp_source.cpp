#include "relp_source.hpp"

#include <sys/types.h>  // librelp.h uses size_t without including it
extern "C" {            // librelp.h has no C++ guards
#include <librelp.h>
}

#include <pthread.h>

#include <charconv>
#include <chrono>
#include <csignal>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string_view>

namespace siem::ingest::detail {
namespace {

constexpr std::string_view kPositionPrefix = "relp;";

extern "C" auto relp_on_syslog(void* usr, unsigned char* /*hostname*/, unsigned char* ip,
                               unsigned char* msg, size_t len) -> relpRetVal {
  return static_cast<relpRetVal>(static_cast<RelpSource*>(usr)->on_message(ip, msg, len));
}

extern "C" void relp_on_error(void* usr, char* /*objinfo*/, char* /*errmsg*/, relpRetVal /*code*/) {
  if (usr != nullptr) {
    static_cast<RelpSource*>(usr)->on_error();
  }
}

// librelp calls these without checking that they are set.
extern "C" void relp_on_generic_error(char* /*objinfo*/, char* /*errmsg*/, relpRetVal /*code*/) {}

/// The source whose librelp engine runs on this thread (the debug hook has no user pointer).
thread_local RelpSource* t_engine_source = nullptr;

/// librelp says why it tore a session down only through its debug hook, which it always
/// calls: "relp session %d iRet %d, tearing it down" (librelp 1.11). A session ended by the
/// client's close command (RELP_RET_SESSION_CLOSED) is normal; one the peer dropped
/// (RELP_RET_SESSION_BROKEN) or opened twice (RELP_RET_SESSION_OPEN) reaches the error
/// callback as well, so it is not counted twice; any other code is a protocol error: garbage,
/// an invalid frame or an unacceptable offer. relp.sh checks that garbage is counted, so a
/// librelp that words this differently fails that test rather than counting nothing.
extern "C" void relp_debug(char* fmt, ...) {
  constexpr std::string_view kTeardown = "relp session %d iRet %d, tearing it down";
  if (t_engine_source == nullptr || fmt == nullptr
      || std::strncmp(fmt, kTeardown.data(), kTeardown.size()) != 0) {
    return;
  }
  va_list ap;
  va_start(ap, fmt);
  static_cast<void>(va_arg(ap, int));  // the socket
  const int code = va_arg(ap, int);
  va_end(ap);
  if (code != RELP_RET_SESSION_CLOSED && code != RELP_RET_SESSION_BROKEN
      && code != RELP_RET_SESSION_OPEN) {
    t_engine_source->on_error();
  }
}

extern "C" void relp_on_auth_error(void* usr, char* /*authinfo*/, char* /*errmsg*/,
                                   relpRetVal /*code*/) {
  relp_on_error(usr, nullptr, nullptr, RELP_RET_OK);
}

// relpEngineSetStop() only sets a flag that librelp's loop reads when epoll_wait returns, and
// it waits without a timeout; a signal with a handler installed without SA_RESTART makes the
// wait return (EINTR), as rsyslog does for its RELP input. SIGURG is ignored by default and
// used by nothing else here.
extern "C" void relp_wake(int /*sig*/) {}

void install_wake_handler() {
  struct sigaction sa {};

  sa.sa_handler = relp_wake;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = 0;  // no SA_RESTART
  sigaction(SIGURG, &sa, nullptr);
}

// librelp takes `unsigned char*` for strings it only reads.
auto uchars(std::string& s) -> unsigned char* {
  return reinterpret_cast<unsigned char*>(
      s.data());  // NOLINT(cppcoreguidelines-pro-type-reinterpret-cast)
}

}  // namespace

auto RelpSource::start(BatchQueue& out, const std::string& /*resume_position*/) -> core::Status {
  // Unacknowledged messages stay with the sender, so there is nothing to resume from.
  const std::string key = "sources[" + options_.name + "].listen";
  SIEM_TRY_ASSIGN(auto hp, parse_host_port(options_.listen, key));
  auto [host, port] = hp;
  if (port == 0) {
    return core::invalid_argument(key + ": protocol relp needs a fixed port (librelp does not "
                                        "report the one the system picks)");
  }
  out_ = &out;
  const auto fail = [&](std::string_view what, relpRetVal rc) {
    if (engine_ != nullptr) {
      relpEngineDestruct(&engine_);
      engine_ = nullptr;
    }
    return core::io_error(key + ": cannot listen on " + options_.listen + " (relp): "
                          + std::string{what} + " failed, librelp error " + std::to_string(rc));
  };
  relpRetVal rc = relpEngineConstruct(&engine_);
  if (rc != RELP_RET_OK) {
    return fail("relpEngineConstruct", rc);
  }
  std::string syslog_cmd = "syslog";
  relpEngineSetEnableCmd(engine_, uchars(syslog_cmd), eRelpCmdState_Required);
  relpEngineSetSyslogRcv2(engine_, relp_on_syslog);
  relpEngineSetOnErr(engine_, relp_on_error);
  relpEngineSetOnAuthErr(engine_, relp_on_auth_error);
  relpEngineSetOnGenericErr(engine_, relp_on_generic_error);
  relpEngineSetDbgprint(engine_, relp_debug);
  relpEngineSetDnsLookupMode(engine_, 0);  // peers by address; no reverse lookups
  relpSrv_t* srv = nullptr;
  if ((rc = relpEngineListnerConstruct(engine_, &srv)) != RELP_RET_OK) {
    return fail("relpEngineListnerConstruct", rc);
  }
  std::string port_text = std::to_string(port);
  relpSrvSetLstnPort(srv, uchars(port_text));
  relpSrvSetLstnAddr(srv, uchars(host));
  relpSrvSetUsrPtr(srv, this);
  // One byte over the limit is accepted (and cut by librelp), so that on_message sees that a
  // message was too long and counts it.
  relpSrvSetMaxDataSize(srv, options_.max_message_bytes + 1);
  relpSrvSetOversizeMode(srv, RELP_OVERSIZE_TRUNCATE);
  if ((rc = relpEngineListnerConstructFinalize(engine_, srv)) != RELP_RET_OK) {
    return fail("listening", rc);
  }
  bound_ =
      (host.find(':') != std::string::npos ? "[" + host + "]" : host) + ":" + std::to_string(port);
  {
    std::lock_guard lock(mu_);
    abandon_ = false;
  }
  shutdown_flag_ = 0;
  relpEngineSetShutdownImmdtPtr(engine_, &shutdown_flag_);
  install_wake_handler();
  exited_.store(false);
  thread_ = std::jthread([this] {
    name_source_thread();
    t_engine_source = this;
    const relpRetVal run_rc = relpEngineRun(engine_);
    if (run_rc != RELP_RET_OK && __atomic_load_n(&shutdown_flag_, __ATOMIC_SEQ_CST) == 0) {
      // The listener is dead while the engine runs: say so loudly (a silence alert, when
      // configured, follows).
      counters_.errors.fetch_add(1, std::memory_order_relaxed);
      std::fprintf(stderr, "siem: sources[%s]: the RELP listener stopped: librelp error %d\n",
                   options_.name.c_str(), static_cast<int>(run_rc));
    }
    exited_.store(true);
  });
  return core::Status::ok();
}

void RelpSource::stop() {
  if (thread_.joinable()) {
    // librelp resets its stop flag when its loop starts, so a stop right after start() could
    // be lost; the "immediate shutdown" flag it is pointed at is never reset.
    __atomic_store_n(&shutdown_flag_, 1, __ATOMIC_SEQ_CST);
    relpEngineSetStop(engine_);
    // A message in flight returns from on_message once it is durable: the daemon stops the
    // sources before the ledger writer, which still acknowledges it. Only if that does not
    // happen within kDurableGrace (the writer failed) is it abandoned, which ends the process.
    // The signal is repeated: one that lands just before librelp enters epoll_wait is missed.
    const auto deadline = std::chrono::steady_clock::now() + kDurableGrace;
    while (!exited_.load()) {
      pthread_kill(thread_.native_handle(), SIGURG);
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      if (std::chrono::steady_clock::now() > deadline) {
        {
          std::lock_guard lock(mu_);
          abandon_ = true;
        }
        durable_cv_.notify_all();
      }
    }
    thread_.join();
  }
  if (engine_ != nullptr) {
    relpEngineDestruct(&engine_);
    engine_ = nullptr;
  }
}

void RelpSource::acknowledge(const std::string& position) {
  const std::string_view p = position;
  if (!p.starts_with(kPositionPrefix)) {
    return;
  }
  std::uint64_t seq = 0;
  const auto digits = p.substr(kPositionPrefix.size());
  if (std::from_chars(digits.data(), digits.data() + digits.size(), seq).ec != std::errc{}) {
    return;
  }
  {
    std::lock_guard lock(mu_);
    durable_ = std::max(durable_, seq);
  }
  durable_cv_.notify_all();
}

auto RelpSource::on_message(const unsigned char* ip, const unsigned char* msg, std::size_t len)
    -> int {
  std::string_view text(reinterpret_cast<const char*>(msg), len);  // NOLINT
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) {
    text.remove_suffix(1);
  }
  if (text.size() > options_.max_message_bytes) {
    text = text.substr(0, options_.max_message_bytes);
    counters_.oversize.fetch_add(1, std::memory_order_relaxed);
  }
  const std::uint64_t seq = ++next_seq_;
  auto batch = new_batch(1);  // one message per batch: not batch_records' worth of room
  core::RawInput rec;
  rec.bytes.assign(text);
  rec.peer = ip != nullptr ? reinterpret_cast<const char*>(ip) : "";  // NOLINT
  rec.position = "relp://" + rec.peer;
  rec.received_at = clock_.now_ms();
  batch.records.push_back(std::move(rec));
  batch.position = std::string{kPositionPrefix} + std::to_string(seq);
  batch.durable_position = true;  // acknowledge() is called once it is fsynced
  counters_.records.fetch_add(1, std::memory_order_relaxed);
  counters_.bytes.fetch_add(text.size(), std::memory_order_relaxed);
  counters_.last_seen_ms.store(batch.records.back().received_at, std::memory_order_relaxed);
  prepare(batch);
  // librelp answers "200 OK" whatever this returns (it ignores the callback's result), so the
  // only way not to acknowledge a message is not to return: wait until it is durable, and if
  // it cannot become durable, end the process so that the sender keeps it.
  if (!out_->push(std::move(batch))) {
    abandon(seq, "the ledger queue is closed");
  }
  std::unique_lock lock(mu_);
  durable_cv_.wait(lock, [&] { return durable_ >= seq || abandon_; });
  if (durable_ < seq) {
    abandon(seq, "the ledger writer did not commit it");
  }
  return RELP_RET_OK;
}

void RelpSource::abandon(std::uint64_t seq, const char* why) const {
  std::fprintf(stderr,
               "siem: sources[%s]: RELP message %llu could not be made durable (%s); exiting "
               "without acknowledging it, so that the sender keeps it\n",
               options_.name.c_str(), static_cast<unsigned long long>(seq), why);
  std::fflush(stderr);
  std::_Exit(70);
}

}  // namespace siem::ingest::detail
