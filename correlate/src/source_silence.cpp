#include "siem/correlate/source_silence.hpp"

#include "siem/core/ids.hpp"

namespace siem::correlate {
namespace {

auto seconds_text(std::int64_t ms) -> std::string { return std::to_string(ms / 1000) + " s"; }

}  // namespace

auto silence_raised(const Silence& s) -> std::pair<Alert, core::Incident> {
  const std::string since = core::format_rfc3339(s.last_seen);
  const std::string what = s.never_seen ? "has sent nothing since the engine started at " + since
                                        : "has sent nothing since " + since;
  const std::string key = s.source + "\x1f" + std::to_string(s.last_seen);

  core::Incident inc;
  inc.id = core::uuid_v5("silence\x1f" + s.engagement + "\x1f" + key);
  inc.version = 1;
  inc.engagement = s.engagement;
  inc.title = "Source " + s.source + " silent";
  inc.summary = "Source '" + s.source + "' (" + s.type + ") " + what + ", longer than its "
                + "silence_after of " + seconds_text(s.silence_after_ms) + ".";
  inc.created_at = s.detected_at;
  inc.modified_at = s.detected_at;
  // GB/Z 20986 FF (设备设施故障): the cause of the silence (device, link, relay) is not known
  // to the engine, hence "other".
  inc.category = "FF";
  inc.subcategory = "FF.OFF";
  inc.level = "IV";
  inc.level_basis = "IV (一般): loss of log collection from one source; no attack observed";
  inc.status = "new";
  inc.determination = "suspected";
  inc.cause.summary = "No records from source '" + s.source + "'"
                      + (s.peers.empty() ? std::string{} : " (last peers: " + s.peers + ")")
                      + ": the device, its link or a relay may have failed or been stopped";
  inc.cause.vector = "infrastructure";
  inc.cause.confidence = "low";
  inc.impact.summary = "Events from '" + s.source + "' are not collected while it is silent: "
                       "its part of the network is not monitored";
  inc.impact.availability = "degraded";
  inc.impact.scope = s.source;
  inc.times.first_seen = s.last_seen;
  inc.times.last_seen = s.last_seen;
  inc.times.detected_at = s.detected_at;
  inc.detection_methods.emplace_back("source-health");
  inc.rules.emplace_back(kSilenceRuleId);

  Alert alert;
  alert.id = core::uuid_v5("alert\x1f" + std::string{kSilenceRuleId} + "\x1f" + inc.id);
  alert.rule_id = std::string{kSilenceRuleId};
  alert.rule_name = "Source silent";
  alert.engagement = s.engagement;
  alert.incident_id = inc.id;
  alert.severity = "high";
  alert.description = "source '" + s.source + "' " + what + " (silence_after "
                      + seconds_text(s.silence_after_ms) + ")";
  alert.time = s.detected_at;
  inc.alerts.push_back(alert.id);

  core::SequenceStep step;
  step.time = s.detected_at;
  step.kind = "alert";
  step.description = alert.description;
  step.asset = s.source;
  inc.sequence.push_back(std::move(step));
  return {std::move(alert), std::move(inc)};
}

void silence_ended(core::Incident& incident, core::TimeMs resumed_at) {
  ++incident.version;
  incident.modified_at = resumed_at;
  incident.times.last_seen = resumed_at;
  const std::int64_t outage = resumed_at - incident.times.first_seen;
  core::SequenceStep step;
  step.time = resumed_at;
  step.kind = "event";
  step.description = "source " + incident.impact.scope + " sends again after "
                     + seconds_text(outage) + " without records";
  step.asset = incident.impact.scope;
  incident.sequence.push_back(std::move(step));
  incident.impact.summary += "; collection resumed at " + core::format_rfc3339(resumed_at)
                             + " after " + seconds_text(outage);
}

}  // namespace siem::correlate
