#pragma once

// Incident history as deltas: the `incident_history` family keeps, per version, only the
// top-level members that changed since the version before (the first version whole):
//   {"set": {member: value, ...}, "removed": [member, ...]}
// and the current version stays whole under `incidents` i/<id>. Entries written before
// deltas (whole versions, no "set" member) are read as they are.

#include "siem/core/status.hpp"

#include <string>
#include <string_view>

namespace siem::store::detail {

/// The delta from `previous` (empty: none) to `current`, both incident JSON objects.
/// Errors: parse_error.
auto incident_delta(std::string_view previous, std::string_view current)
    -> core::Result<std::string>;

/// `previous` (empty for the first version) with `delta` applied. Errors: corruption.
auto apply_incident_delta(std::string_view previous, std::string_view delta)
    -> core::Result<std::string>;

}  // namespace siem::store::detail
