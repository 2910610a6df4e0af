#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "siem/core/time.hpp"

namespace siem::core {

/// One step of an incident's timeline (the record's `sequence`, GB/T 32914 5.3.3 d 事件经过).
/// Repeated steps are aggregated: `count` > 1 covers the range from `event_ref` (first) to
/// `last_event_ref` (last), from `time` to `last_time`.
struct SequenceStep {
  TimeMs time = 0;
  std::string kind = "event";  ///< event | alert | action | note
  std::string description;
  std::string event_ref;
  std::string raw_ref;
  std::string asset;
  std::string actor;
  std::int64_t count = 1;
  TimeMs last_time = 0;
  std::string last_event_ref;
  std::string last_raw_ref;
};

/// 事件原因.
struct Cause {
  std::string summary;
  std::string vector;
  std::vector<std::string> techniques;       ///< ATT&CK ids
  std::vector<std::string> vulnerabilities;  ///< CVE / CNVD / CNNVD ids
  std::vector<std::string> actors;           ///< source IPs, accounts
  std::string confidence;                    ///< low | medium | high
};

/// An affected asset.
struct Asset {
  std::string host;
  std::string ip;
  std::string user;
  std::string business_system;
};

/// 事件影响.
struct Impact {
  std::string summary;
  std::vector<Asset> assets;
  std::string confidentiality = "unknown";
  std::string integrity = "unknown";
  std::string availability = "unknown";
  std::int64_t records_affected = 0;
  std::string scope;
};

/// A handler's action in the resolution.
struct ResolutionAction {
  std::string type;  ///< containment | eradication | recovery | notification
  std::string by;
  TimeMs at = 0;
  std::string outcome;
};

/// 处置结果: empty while the incident is open, required to close it.
struct Resolution {
  std::string summary;
  std::vector<ResolutionAction> actions;
  std::string outcome;
  std::string residual_risk;
  std::vector<std::string> recommendations;
};

/// The incident's times; 0 means "not yet".
struct IncidentTimes {
  TimeMs first_seen = 0;
  TimeMs last_seen = 0;
  TimeMs detected_at = 0;
  TimeMs reported_at = 0;
  TimeMs contained_at = 0;
  TimeMs resolved_at = 0;
  TimeMs closed_at = 0;
};

/// A device that contributed events.
struct SourceDevice {
  std::string vendor;
  std::string product;
  std::string version;
};

/// A raw record that proves part of the incident, with its chain hash.
struct EvidenceRef {
  std::string raw_ref;
  std::string hash;
};

/// A real-name person who worked the incident.
struct Handler {
  std::string username;
  std::string real_name;
  std::string role;
};

/// The incident record of ../shared/design/INCIDENT_RECORD.md. Plain data; thread-compatible.
struct Incident {
  std::string id;  ///< UUIDv5 (engagement, rule, group key, first ledger sequence)
  std::int64_t version = 1;
  std::string engagement;
  std::string title;
  std::string summary;
  TimeMs created_at = 0;
  TimeMs modified_at = 0;
  std::string category;     ///< GB/Z 20986 class, e.g. NAI
  std::string subcategory;  ///< e.g. NAI.ONAI
  std::string level = "IV";
  std::string level_basis;
  std::string status = "new";
  std::string determination = "suspected";
  Cause cause;
  std::vector<SequenceStep> sequence;
  Impact impact;
  Resolution resolution;
  IncidentTimes times;
  std::vector<std::string> detection_methods;
  std::vector<SourceDevice> sources;
  std::vector<std::string> alerts;
  std::vector<std::string> rules;
  std::vector<std::string> observables;
  std::vector<EvidenceRef> evidence;
  std::vector<Handler> handlers;

  /// The record as one JSON object (times RFC 3339 UTC, ms; unset times are null).
  [[nodiscard]] auto to_json() const -> std::string;
};

}  // namespace siem::core
