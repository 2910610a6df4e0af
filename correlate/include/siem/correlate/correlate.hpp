#pragma once

/// Umbrella header of siem::correlate: rules, alerts and the Correlator.
#include "siem/correlate/alert.hpp"           // IWYU pragma: export
#include "siem/correlate/correlator.hpp"      // IWYU pragma: export
#include "siem/correlate/rules.hpp"           // IWYU pragma: export
#include "siem/correlate/source_silence.hpp"  // IWYU pragma: export
