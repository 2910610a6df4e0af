#pragma once

#include "siem/core/event.hpp"
#include "siem/core/incident.hpp"
#include "siem/core/time.hpp"
#include "siem/correlate/alert.hpp"
#include "siem/correlate/rules.hpp"

#include <cstddef>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

namespace siem::correlate {

/// What one process_batch call produced. Reuse one instance per worker and clear() it
/// between calls.
struct CorrelationOutput {
  /// Alerts in the order they were raised.
  std::vector<Alert> alerts;
  /// The new version of each incident created or changed by the call, once per incident.
  std::vector<core::Incident> incidents;

  void clear();
};

/// Runs the correlation rules of a RuleSet over events in ledger order and builds incidents.
///
/// State (sliding windows, open incidents) is keyed by source IP and bounded: at most
/// `threshold` failures per IP are kept, idle IPs are pruned (amortised over batches), and an
/// incident's sequence, evidence, assets and observables are capped (see correlate/README.md).
/// Output depends only on the events and the injected clock, so a replay of the same ledger
/// yields the same ids and records.
///
/// Owned by one worker; not thread-safe. The clock is borrowed and must outlive the
/// Correlator.
class Correlator {
public:
  /// `rules` should have passed RuleSet::validate(); an enabled rule with invalid options is
  /// disabled rather than run.
  Correlator(RuleSet rules, const core::Clock& clock);
  Correlator(const Correlator&) = delete;
  auto operator=(const Correlator&) -> Correlator& = delete;
  Correlator(Correlator&&) noexcept;
  auto operator=(Correlator&&) noexcept -> Correlator&;
  ~Correlator();

  /// Feeds events in ledger order. `out` receives (appended, not cleared) the alerts raised
  /// and, once per changed incident per call, the incident's new version: version 1 when the
  /// call created it, version+1 for each later call that changed it. Events that no rule
  /// uses are skipped; nothing here fails or throws.
  void process_batch(std::string_view engagement, std::span<const core::Event> events,
                     CorrelationOutput& out);

  /// Incidents still open for extension at the latest event time seen (for stats/tests).
  [[nodiscard]] auto open_incidents() const -> std::size_t;

  /// Source IPs with state (window or open incident) right now (for stats/tests).
  [[nodiscard]] auto tracked_sources() const -> std::size_t;

private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace siem::correlate
