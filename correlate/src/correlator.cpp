#include "siem/correlate/correlator.hpp"

#include "siem/core/ids.hpp"
#include "siem/core/raw_record.hpp"

#include <algorithm>
#include <cstdint>
#include <deque>
#include <functional>
#include <limits>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>

namespace siem::correlate {
namespace {

// Bounds on what one incident may hold, so an attack that never stops cannot grow a record
// (or the engine's memory) without limit. Beyond them, counts keep growing in the aggregated
// step and the summary says that the lists were capped.
constexpr std::size_t kMaxDetailedSteps = 25;  // individual steps for the firing window
constexpr std::size_t kMaxSequenceSteps = 200;
constexpr std::size_t kMaxEvidence = 1'000;
constexpr std::size_t kMaxAssets = 50;
constexpr std::size_t kMaxObservables = 100;
constexpr std::size_t kMaxSources = 16;
constexpr std::size_t kMaxSuccessAlertsPerIncident = 50;
// Window state of idle sources is pruned once at least this many events (or as many events as
// there are tracked sources, whichever is larger) have been processed since the last prune:
// amortised O(1) per event.
constexpr std::size_t kPruneEveryEvents = 4'096;

// The pruning watermark (latest event time seen) never runs further ahead of the clock than
// this, so one device with a clock far in the future cannot expire everyone's state.
constexpr core::TimeMs kMaxFutureSkewMs = 3'600'000;

// siem::parsers' sshd parser reports one password attempt as `ssh_login` plus companion
// lines for the same attempt ("Invalid user", PAM's "authentication failure", "maximum
// authentication attempts exceeded"). Counting those would fire at about half the threshold.
constexpr std::string_view kCompanionActions[] = {"invalid_user", "pam_authentication_failure",
                                                  "max_attempts_exceeded"};

constexpr std::string_view kTechniqueBruteForce = "T1110.001";
constexpr std::string_view kTechniqueValidAccounts = "T1078";

/// Transparent hashing so that lookups by string_view do not allocate.
struct KeyHash {
  using is_transparent = void;

  auto operator()(std::string_view s) const noexcept -> std::size_t {
    return std::hash<std::string_view>{}(s);
  }
};

struct KeyEq {
  using is_transparent = void;

  auto operator()(std::string_view a, std::string_view b) const noexcept -> bool { return a == b; }
};

/// The fields of an sshd authentication event the rule uses. Views into the Event; valid for
/// the duration of one process_batch call.
struct SshEvent {
  std::string_view ip;
  std::string_view user;
  std::string_view host;
  std::string_view dest_ip;
  std::string_view vendor;
  std::string_view product;
  const core::Event* event = nullptr;
  core::TimeMs time = 0;
  bool success = false;
};

/// One failed login kept in a source's sliding window (owned copies: it outlives the batch).
struct Failure {
  core::TimeMs time = 0;
  std::uint64_t seq = 0;
  std::string ref;
  std::string raw_hash;
  std::string user;
  std::string host;
  std::string dest_ip;
  std::string vendor;
  std::string product;
};

/// An incident that is still open for extension, with the bookkeeping the record does not
/// carry.
struct OpenIncident {
  core::Incident incident;
  std::string ip;
  std::int64_t failures = 0;            ///< failed logins covered so far
  std::optional<std::size_t> trailing;  ///< the aggregated "further failures" step
  std::size_t evidence_dropped = 0;
  std::vector<std::string> success_users;  ///< users a success alert was raised for
  bool touched = false;                    ///< changed in the current call
  bool created_in_call = false;
};

/// Everything kept per (engagement, source IP).
struct SourceState {
  std::deque<Failure> window;
  std::unique_ptr<OpenIncident> open;
};

auto seq_of(const core::Event& ev, core::TimeMs time) -> std::uint64_t {
  if (auto ref = core::parse_ref(ev.ref)) {
    return ref->seq;
  }
  // Events that were never stored have no ledger sequence; their event time is the next
  // best deterministic anchor.
  return time < 0 ? 0 : static_cast<std::uint64_t>(time);
}

auto ip_observable(std::string_view ip) -> std::string {
  std::string s = ip.find(':') == std::string_view::npos ? "ipv4-addr:" : "ipv6-addr:";
  s.append(ip);
  return s;
}

void add_unique(std::vector<std::string>& v, std::string_view s, std::size_t cap) {
  if (s.empty() || v.size() >= cap) {
    return;
  }
  if (std::find(v.begin(), v.end(), s) == v.end()) {
    v.emplace_back(s);
  }
}

// Compares without building the string first: this runs for every extending event.
void add_user_observable(core::Incident& inc, std::string_view user) {
  constexpr std::string_view kPrefix = "user-account:";
  if (user.empty() || inc.observables.size() >= kMaxObservables) {
    return;
  }
  for (const auto& o : inc.observables) {
    if (o.size() == kPrefix.size() + user.size() && std::string_view{o}.starts_with(kPrefix)
        && std::string_view{o}.substr(kPrefix.size()) == user) {
      return;
    }
  }
  std::string s{kPrefix};
  s.append(user);
  inc.observables.push_back(std::move(s));
}

void add_asset(core::Incident& inc, std::string_view host, std::string_view ip,
               std::string_view user) {
  auto& assets = inc.impact.assets;
  if (assets.size() >= kMaxAssets) {
    return;
  }
  for (auto& a : assets) {
    if (a.host == host && a.user == user) {
      if (a.ip.empty() && !ip.empty()) {
        a.ip = ip;
      }
      return;
    }
  }
  assets.push_back({std::string{host}, std::string{ip}, std::string{user}, ""});
}

void add_source(core::Incident& inc, std::string_view vendor, std::string_view product) {
  if (vendor.empty() && product.empty()) {
    vendor = "OpenSSH";
    product = "sshd";
  }
  auto& sources = inc.sources;
  if (sources.size() >= kMaxSources) {
    return;
  }
  for (const auto& s : sources) {
    if (s.vendor == vendor && s.product == product) {
      return;
    }
  }
  sources.push_back({std::string{vendor}, std::string{product}, ""});
}

void add_evidence(OpenIncident& oi, const std::string& ref, const std::string& hash) {
  if (ref.empty()) {
    return;
  }
  if (oi.incident.evidence.size() >= kMaxEvidence) {
    ++oi.evidence_dropped;
    return;
  }
  oi.incident.evidence.push_back({ref, hash});
}

auto or_unknown(std::string_view s) -> std::string_view {
  return s.empty() ? "?" : s;
}

auto failed_login_text(std::string_view user, std::string_view ip, std::string_view host)
    -> std::string {
  std::string s = "Failed SSH login for ";
  s.append(or_unknown(user)).append(" from ").append(ip);
  if (!host.empty()) {
    s.append(" on ").append(host);
  }
  return s;
}

auto plural(std::int64_t n, std::string_view one, std::string_view many) -> std::string {
  return std::to_string(n) + " " + std::string{n == 1 ? one : many};
}

/// Text of an aggregated step of failures.
auto aggregate_text(const core::SequenceStep& step, std::string_view what, std::string_view ip)
    -> std::string {
  std::string s = plural(step.count, std::string{what} + " failed SSH login",
                         std::string{what} + " failed SSH logins");
  s.append(" from ").append(ip);
  if (step.count == 1) {
    s.append(" at ").append(core::format_rfc3339(step.time));
  } else {
    s.append(" between ")
        .append(core::format_rfc3339(step.time))
        .append(" and ")
        .append(core::format_rfc3339(step.last_time));
  }
  return s;
}

void extend_step(core::SequenceStep& step, core::TimeMs time, const std::string& ref) {
  ++step.count;
  step.last_time = std::max(step.last_time, time);
  step.last_event_ref = ref;
  step.last_raw_ref = ref;
}

}  // namespace

void CorrelationOutput::clear() {
  alerts.clear();
  incidents.clear();
}

struct Correlator::Impl {
  Impl(RuleSet r, const core::Clock& c) : rules(std::move(r)), clock(c) {
    bruteforce = rules.ssh_bruteforce && rules.brute_force.validate().is_ok();
    success_rule_id = rules.brute_force.rule_id + ".success";
    success_rule_name = rules.brute_force.rule_name + ": successful login";
  }

  void process(std::string_view engagement, std::span<const core::Event> events,
               CorrelationOutput& out);
  auto classify(const core::Event& ev, SshEvent& ssh) const -> bool;
  auto state_for(std::string_view engagement, std::string_view ip) -> SourceState&;
  void on_failure(std::string_view engagement, SourceState& st, const SshEvent& ssh,
                  CorrelationOutput& out);
  void on_success(std::string_view engagement, SourceState& st, const SshEvent& ssh,
                  CorrelationOutput& out);
  void fire(std::string_view engagement, SourceState& st, const SshEvent& ssh,
            CorrelationOutput& out);
  void extend(OpenIncident& oi, const SshEvent& ssh);
  void close(SourceState& st, CorrelationOutput& out);
  void touch(OpenIncident& oi);
  void finalize(OpenIncident& oi, CorrelationOutput& out);
  void prune();

  RuleSet rules;
  const core::Clock& clock;
  bool bruteforce = false;
  std::string success_rule_id;
  std::string success_rule_name;

  std::unordered_map<std::string, SourceState, KeyHash, KeyEq> sources;
  std::vector<OpenIncident*> touched;  ///< incidents changed in the current call, in order
  std::string key_buf;                 ///< reused for lookups
  core::TimeMs watermark = std::numeric_limits<core::TimeMs>::min();
  std::size_t events_since_prune = 0;
  core::TimeMs batch_now = 0;  ///< clock.now_ms() at the start of the current call
};

auto Correlator::Impl::classify(const core::Event& ev, SshEvent& ssh) const -> bool {
  // OpenSSH 9.8+ logs authentication under "sshd-session".
  const auto process = ev.get_string("process.name");
  if (!process || (*process != "sshd" && *process != "sshd-session")
      || ev.get_string("event.category") != std::optional<std::string_view>{"authentication"}) {
    return false;
  }
  const auto outcome = ev.get_string("event.outcome");
  if (!outcome || (*outcome != "failure" && *outcome != "success")) {
    return false;
  }
  const auto ip = ev.get_string("source.ip");
  if (!ip || ip->empty()) {
    return false;
  }
  if (const auto action = ev.get_string("event.action")) {
    for (const auto companion : kCompanionActions) {
      if (*action == companion) {
        return false;
      }
    }
  }
  ssh.success = *outcome == "success";
  ssh.ip = *ip;
  ssh.user = ev.get_string("user.name").value_or("");
  ssh.host = ev.get_string("host.hostname").value_or("");
  ssh.dest_ip = ev.get_string("destination.ip").value_or("");
  ssh.vendor = ev.get_string("observer.vendor").value_or("");
  ssh.product = ev.get_string("observer.product").value_or("");
  ssh.event = &ev;
  ssh.time = ev.timestamp ? *ev.timestamp : batch_now;
  return true;
}

auto Correlator::Impl::state_for(std::string_view engagement, std::string_view ip) -> SourceState& {
  // State is per engagement: one worker may see several engagements' batches.
  key_buf.assign(engagement).push_back('\x1f');
  key_buf.append(ip);
  if (auto it = sources.find(std::string_view{key_buf}); it != sources.end()) {
    return it->second;
  }
  return sources.try_emplace(key_buf).first->second;
}

void Correlator::Impl::process(std::string_view engagement, std::span<const core::Event> events,
                               CorrelationOutput& out) {
  if (!bruteforce) {
    return;
  }
  batch_now = clock.now_ms();
  SshEvent ssh;
  for (const auto& ev : events) {
    if (!classify(ev, ssh)) {
      continue;
    }
    ++events_since_prune;
    watermark = std::max(watermark, std::min(ssh.time, batch_now + kMaxFutureSkewMs));
    if (ssh.success) {
      // A success only matters to an open incident: look up without creating state.
      key_buf.assign(engagement).push_back('\x1f');
      key_buf.append(ssh.ip);
      auto it = sources.find(std::string_view{key_buf});
      if (it != sources.end()) {
        on_success(engagement, it->second, ssh, out);
      }
    } else {
      on_failure(engagement, state_for(engagement, ssh.ip), ssh, out);
    }
  }
  for (auto* oi : touched) {
    if (oi != nullptr) {
      finalize(*oi, out);
    }
  }
  touched.clear();
  if (events_since_prune >= std::max(kPruneEveryEvents, sources.size())) {
    prune();
  }
}

void Correlator::Impl::on_failure(std::string_view engagement, SourceState& st, const SshEvent& ssh,
                                  CorrelationOutput& out) {
  const auto& opt = rules.brute_force;
  if (st.open && ssh.time - st.open->incident.times.last_seen > opt.idle_close_ms) {
    close(st, out);
  }
  if (st.open) {
    extend(*st.open, ssh);
    return;
  }
  // Slide the window: drop failures older than window_ms before this one (inclusive bound).
  while (!st.window.empty() && ssh.time - st.window.front().time > opt.window_ms) {
    st.window.pop_front();
  }
  const auto& ev = *ssh.event;
  st.window.push_back({ssh.time, seq_of(ev, ssh.time), ev.ref, ev.raw_hash, std::string{ssh.user},
                       std::string{ssh.host}, std::string{ssh.dest_ip}, std::string{ssh.vendor},
                       std::string{ssh.product}});
  // The window never needs more than `threshold` entries: reaching it fires and clears.
  while (st.window.size() > static_cast<std::size_t>(opt.threshold)) {
    st.window.pop_front();
  }
  if (st.window.size() >= static_cast<std::size_t>(opt.threshold)) {
    fire(engagement, st, ssh, out);
    st.window.clear();
  }
}

void Correlator::Impl::fire(std::string_view engagement, SourceState& st, const SshEvent& ssh,
                            CorrelationOutput& out) {
  const auto& opt = rules.brute_force;
  const auto now = clock.now_ms();
  const auto& first = st.window.front();
  const std::string ip{ssh.ip};

  auto oi = std::make_unique<OpenIncident>();
  oi->ip = ip;
  oi->failures = static_cast<std::int64_t>(st.window.size());
  auto& inc = oi->incident;
  inc.id = core::incident_id(engagement, opt.rule_id, ip, first.seq);
  inc.version = 1;
  inc.engagement = std::string{engagement};
  inc.title = "SSH brute force from " + ip;
  inc.created_at = now;
  inc.modified_at = now;
  // GB/Z 20986: brute force is a network attack without a sub-class of its own.
  inc.category = "NAI";
  inc.subcategory = "NAI.ONAI";
  inc.level = "IV";
  inc.level_basis =
      "IV (一般): failed SSH logins only, no successful access observed; importance of the "
      "targeted system not known to the engine";
  inc.status = "new";
  inc.determination = "suspected";
  inc.cause.summary = "SSH password guessing from " + ip + ": " + std::to_string(oi->failures)
                      + " failed logins within " + std::to_string(opt.window_ms / 1000) + " s";
  inc.cause.vector = "network";
  inc.cause.techniques.emplace_back(kTechniqueBruteForce);
  inc.cause.actors.push_back(ip);
  inc.cause.confidence = "medium";
  inc.impact.summary =
      "SSH service targeted by password guessing from " + ip + "; no successful login observed";
  inc.impact.records_affected = 0;
  inc.times.first_seen = first.time;
  inc.times.last_seen = first.time;
  inc.times.detected_at = now;
  inc.detection_methods.emplace_back("log-analysis");
  inc.rules.push_back(opt.rule_id);
  inc.observables.push_back(ip_observable(ip));

  const auto n = st.window.size();
  const auto detailed = n <= kMaxDetailedSteps ? n : kMaxDetailedSteps - 1;
  for (std::size_t i = 0; i < n; ++i) {
    const auto& f = st.window[i];
    inc.times.first_seen = std::min(inc.times.first_seen, f.time);
    inc.times.last_seen = std::max(inc.times.last_seen, f.time);
    if (i < detailed) {
      core::SequenceStep step;
      step.time = f.time;
      step.description = failed_login_text(f.user, ip, f.host);
      step.event_ref = f.ref;
      step.raw_ref = f.ref;
      step.asset = f.host;
      step.actor = ip;
      inc.sequence.push_back(std::move(step));
    } else if (i == detailed) {
      core::SequenceStep step;
      step.time = f.time;
      step.last_time = f.time;
      step.event_ref = f.ref;
      step.raw_ref = f.ref;
      step.last_event_ref = f.ref;
      step.last_raw_ref = f.ref;
      step.asset = f.host;
      step.actor = ip;
      inc.sequence.push_back(std::move(step));
    } else {
      extend_step(inc.sequence.back(), f.time, f.ref);
    }
    add_asset(inc, f.host, f.dest_ip, f.user);
    add_user_observable(inc, f.user);
    add_source(inc, f.vendor, f.product);
    add_evidence(*oi, f.ref, f.raw_hash);
  }
  if (detailed < n) {
    inc.sequence.back().description = aggregate_text(inc.sequence.back(), "more", ip);
  }

  Alert alert;
  alert.rule_id = opt.rule_id;
  alert.rule_name = opt.rule_name;
  alert.engagement = inc.engagement;
  alert.incident_id = inc.id;
  alert.event_ref = ssh.event->ref;
  alert.raw_ref = ssh.event->ref;
  alert.id =
      core::uuid_v5("alert\x1f" + alert.rule_id + "\x1f" + inc.id + "\x1f" + alert.event_ref);
  alert.severity = "medium";
  alert.description = std::to_string(n) + " failed SSH logins from " + ip + " within "
                      + std::to_string(opt.window_ms / 1000) + " s (threshold "
                      + std::to_string(opt.threshold) + ")";
  alert.time = ssh.time;
  alert.source_ip = ip;
  alert.user_name = std::string{ssh.user};
  alert.host_name = std::string{ssh.host};
  inc.alerts.push_back(alert.id);
  out.alerts.push_back(std::move(alert));

  oi->created_in_call = true;
  st.open = std::move(oi);
  touch(*st.open);
}

void Correlator::Impl::extend(OpenIncident& oi, const SshEvent& ssh) {
  auto& inc = oi.incident;
  const auto& ref = ssh.event->ref;
  ++oi.failures;
  const bool can_add = inc.sequence.size() < kMaxSequenceSteps;
  if (oi.trailing && (*oi.trailing + 1 == inc.sequence.size() || !can_add)) {
    extend_step(inc.sequence[*oi.trailing], ssh.time, ref);
  } else if (can_add) {
    core::SequenceStep step;
    step.time = ssh.time;
    step.last_time = ssh.time;
    step.event_ref = ref;
    step.raw_ref = ref;
    step.asset = std::string{ssh.host};
    step.actor = oi.ip;
    inc.sequence.push_back(std::move(step));
    oi.trailing = inc.sequence.size() - 1;
  }
  inc.times.first_seen = std::min(inc.times.first_seen, ssh.time);
  inc.times.last_seen = std::max(inc.times.last_seen, ssh.time);
  add_asset(inc, ssh.host, ssh.dest_ip, ssh.user);
  add_user_observable(inc, ssh.user);
  add_source(inc, ssh.vendor, ssh.product);
  add_evidence(oi, ref, ssh.event->raw_hash);
  touch(oi);
}

void Correlator::Impl::on_success(std::string_view /*engagement*/, SourceState& st,
                                  const SshEvent& ssh, CorrelationOutput& out) {
  if (!st.open) {
    return;
  }
  if (ssh.time - st.open->incident.times.last_seen > rules.brute_force.idle_close_ms) {
    close(st, out);
    return;
  }
  auto& oi = *st.open;
  auto& inc = oi.incident;
  const auto& ref = ssh.event->ref;
  const std::string user{or_unknown(ssh.user)};
  std::string text = "Successful SSH login as " + user + " from " + oi.ip;
  if (!ssh.host.empty()) {
    text.append(" on ").append(ssh.host);
  }
  text.append(" after ").append(plural(oi.failures, "failed attempt", "failed attempts"));

  if (inc.sequence.size() < kMaxSequenceSteps) {
    core::SequenceStep step;
    step.time = ssh.time;
    step.description = text;
    step.event_ref = ref;
    step.raw_ref = ref;
    step.asset = std::string{ssh.host};
    step.actor = oi.ip;
    inc.sequence.push_back(std::move(step));
    // Later failures start a new aggregated step after this one, so the timeline stays in
    // order; once the sequence is full they keep counting in the last aggregate instead.
    if (inc.sequence.size() < kMaxSequenceSteps) {
      oi.trailing.reset();
    }
  }
  inc.level = "III";
  inc.level_basis = "III (较大): successful SSH login as " + user + " from " + oi.ip
                    + " after a brute-force attack; the account is likely compromised";
  inc.cause.confidence = "high";
  add_unique(inc.cause.techniques, kTechniqueValidAccounts, kMaxObservables);
  if (inc.cause.summary.find("login succeeded") == std::string::npos) {
    inc.cause.summary.append("; login succeeded");
  }
  inc.impact.summary = text + ": the account is likely compromised";
  inc.impact.confidentiality = "high";
  inc.times.last_seen = std::max(inc.times.last_seen, ssh.time);
  add_asset(inc, ssh.host, ssh.dest_ip, ssh.user);
  add_user_observable(inc, ssh.user);
  add_source(inc, ssh.vendor, ssh.product);
  add_evidence(oi, ref, ssh.event->raw_hash);
  add_unique(inc.rules, success_rule_id, kMaxObservables);

  // One alert per compromised account, not per login.
  if (std::find(oi.success_users.begin(), oi.success_users.end(), user) == oi.success_users.end()
      && oi.success_users.size() < kMaxSuccessAlertsPerIncident) {
    oi.success_users.push_back(user);
    Alert alert;
    alert.rule_id = success_rule_id;
    alert.rule_name = success_rule_name;
    alert.engagement = inc.engagement;
    alert.incident_id = inc.id;
    alert.event_ref = ref;
    alert.raw_ref = ref;
    alert.id = core::uuid_v5("alert\x1f" + alert.rule_id + "\x1f" + inc.id + "\x1f" + ref);
    alert.severity = "high";
    alert.description = text;
    alert.time = ssh.time;
    alert.source_ip = oi.ip;
    alert.user_name = std::string{ssh.user};
    alert.host_name = std::string{ssh.host};
    inc.alerts.push_back(alert.id);
    out.alerts.push_back(std::move(alert));
  }
  touch(oi);
}

void Correlator::Impl::touch(OpenIncident& oi) {
  if (!oi.touched) {
    oi.touched = true;
    touched.push_back(&oi);
  }
}

void Correlator::Impl::close(SourceState& st, CorrelationOutput& out) {
  // The incident stays as stored; it is only no longer extended. A version changed earlier
  // in this call is emitted now, before its state goes away.
  if (st.open->touched) {
    finalize(*st.open, out);
    std::replace(touched.begin(), touched.end(), st.open.get(),
                 static_cast<OpenIncident*>(nullptr));
  }
  st.open.reset();
}

void Correlator::Impl::finalize(OpenIncident& oi, CorrelationOutput& out) {
  auto& inc = oi.incident;
  if (!oi.created_in_call) {
    ++inc.version;
  }
  inc.modified_at = clock.now_ms();
  if (oi.trailing) {
    auto& step = inc.sequence[*oi.trailing];
    step.description = aggregate_text(step, "further", oi.ip);
  }
  inc.summary = plural(oi.failures, "failed SSH login", "failed SSH logins") + " from " + oi.ip
                + " between " + core::format_rfc3339(inc.times.first_seen) + " and "
                + core::format_rfc3339(inc.times.last_seen);
  if (!oi.success_users.empty()) {
    inc.summary.append(", followed by a successful login");
  }
  inc.summary.append(".");
  if (oi.evidence_dropped > 0) {
    inc.summary.append(" Evidence lists the first " + std::to_string(kMaxEvidence)
                       + " raw records; " + std::to_string(oi.evidence_dropped)
                       + " more are covered by the aggregated sequence steps.");
  }
  out.incidents.push_back(inc);
  oi.touched = false;
  oi.created_in_call = false;
}

void Correlator::Impl::prune() {
  events_since_prune = 0;
  const auto& opt = rules.brute_force;
  for (auto it = sources.begin(); it != sources.end();) {
    auto& st = it->second;
    if (st.open && watermark - st.open->incident.times.last_seen > opt.idle_close_ms) {
      st.open.reset();
    }
    while (!st.window.empty() && watermark - st.window.front().time > opt.window_ms) {
      st.window.pop_front();
    }
    if (!st.open && st.window.empty()) {
      it = sources.erase(it);
    } else {
      ++it;
    }
  }
}

Correlator::Correlator(RuleSet rules, const core::Clock& clock)
    : impl_(std::make_unique<Impl>(std::move(rules), clock)) {}

Correlator::Correlator(Correlator&&) noexcept = default;

auto Correlator::operator=(Correlator&&) noexcept -> Correlator& = default;

Correlator::~Correlator() = default;

void Correlator::process_batch(std::string_view engagement, std::span<const core::Event> events,
                               CorrelationOutput& out) {
  impl_->process(engagement, events, out);
}

auto Correlator::open_incidents() const -> std::size_t {
  std::size_t n = 0;
  for (const auto& [key, st] : impl_->sources) {
    if (st.open
        && impl_->watermark - st.open->incident.times.last_seen
               <= impl_->rules.brute_force.idle_close_ms) {
      ++n;
    }
  }
  return n;
}

auto Correlator::tracked_sources() const -> std::size_t {
  return impl_->sources.size();
}

}  // namespace siem::correlate
