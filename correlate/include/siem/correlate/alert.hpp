#pragma once

#include "siem/core/time.hpp"

#include <string>

namespace siem::correlate {

/// An alert raised by a correlation rule. Plain data that owns its strings;
/// thread-compatible.
struct Alert {
  std::string id;  ///< deterministic UUIDv5 (rule id + triggering ledger refs)
  std::string rule_id;
  std::string rule_name;
  std::string engagement;
  std::string incident_id;  ///< the incident the alert belongs to
  std::string event_ref;    ///< the event that raised it ("<engagement>:<seq>")
  std::string raw_ref;      ///< its raw record (same ref as the event in this engine)
  std::string severity;     ///< low | medium | high | critical
  std::string description;
  core::TimeMs time = 0;  ///< event time of the triggering event
  std::string source_ip;
  std::string user_name;
  std::string host_name;

  /// One JSON object: {"type":"alert","id":..,"rule":{"id":..,"name":..},"time":RFC 3339,
  /// "engagement","incident_id","severity","description","event_ref","raw_ref",
  /// "source":{"ip"},"user":{"name"},"host":{"hostname"}}; empty strings are null.
  [[nodiscard]] auto to_json() const -> std::string;
};

}  // namespace siem::correlate
