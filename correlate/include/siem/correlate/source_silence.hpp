#pragma once

// A source that goes quiet is an incident in its own right (GB/Z 20986 class FF, equipment or
// facility failure): a firewall that stops logging leaves its network unwatched. The engine's
// health check calls these; the records they build are stored like a rule's.

#include <cstdint>
#include <string>

#include "siem/core/incident.hpp"
#include "siem/core/time.hpp"
#include "siem/correlate/alert.hpp"

namespace siem::correlate {

/// What the health check saw about one silent source.
struct Silence {
  std::string engagement;
  std::string source;     ///< configured source name
  std::string type;       ///< syslog | file | kafka | stdin
  std::string peers;      ///< sending peers seen last, comma-separated (network sources)
  core::TimeMs last_seen = 0;  ///< last record received, or when the engine started
  bool never_seen = false;     ///< nothing received since the engine started
  std::int64_t silence_after_ms = 0;
  core::TimeMs detected_at = 0;
};

/// Rule id of silence alerts.
inline constexpr std::string_view kSilenceRuleId = "siem-source-silence";

/// The alert and the new incident (FF.OFF, level IV, status new) for a silence. Ids are
/// UUIDv5 of engagement, source and `last_seen`: the same silence always gives the same ids.
auto silence_raised(const Silence& s) -> std::pair<Alert, core::Incident>;

/// The incident's next version once the source sends again at `resumed_at`: a sequence step,
/// `last_seen`, and the length of the outage in the impact.
void silence_ended(core::Incident& incident, core::TimeMs resumed_at);

}  // namespace siem::correlate
