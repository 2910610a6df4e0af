#pragma once

#include "siem/core/status.hpp"
#include "siem/core/time.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace siem::correlate {

/// Largest accepted `threshold` of the SSH brute-force rule. It also bounds the per-IP
/// sliding window (the window never holds more than `threshold` failures).
inline constexpr std::int64_t kMaxBruteForceThreshold = 1'000;

/// Options of the built-in SSH brute-force correlation (`builtin/ssh_bruteforce`).
/// Plain data; thread-compatible.
struct BruteForceOptions {
  std::string rule_id = "siem.builtin.ssh_bruteforce";
  std::string rule_name = "SSH brute force";
  /// Failed logins from one source.ip ...
  std::int64_t threshold = 10;
  /// ... within this sliding window of event time, inclusive.
  core::TimeMs window_ms = 60'000;
  /// An open incident keeps being extended while attempts continue within this gap (event
  /// time since its last_seen); after it, a new burst opens a new incident.
  core::TimeMs idle_close_ms = 3'600'000;

  /// invalid_argument when rule_id is empty, threshold is outside 1..kMaxBruteForceThreshold,
  /// or window_ms / idle_close_ms is not positive.
  [[nodiscard]] auto validate() const -> core::Status;
};

/// One rule as listed by `siem rules list` and the API.
struct RuleInfo {
  std::string id;
  std::string title;
  std::string type;  ///< "builtin/ssh_bruteforce"
  std::string file;  ///< file the rule came from; empty for the built-in defaults
  bool enabled = true;
};

/// The rules a Correlator runs. Plain data; thread-compatible.
struct RuleSet {
  /// Whether the SSH brute-force correlation runs.
  bool ssh_bruteforce = true;
  BruteForceOptions brute_force;
  /// Every rule that was loaded (enabled or not), for listing.
  std::vector<RuleInfo> rules;

  /// invalid_argument when an enabled rule's options are invalid.
  [[nodiscard]] auto validate() const -> core::Status;
};

/// The built-in rule pack with default options (SSH brute force enabled).
auto builtin_rules() -> RuleSet;

/// Loads rules from a YAML file, or from every *.yml / *.yaml file below a directory (in
/// path order). Files that look like Sigma rules (`detection:` and `logsource:`) are skipped.
/// The result describes only what the files define: when no file enables
/// `builtin/ssh_bruteforce`, `ssh_bruteforce` is false.
///
/// Errors name the file and, where there is one, the key and line: not_found (path missing),
/// io_error (unreadable), parse_error (invalid YAML, duplicate key), invalid_argument
/// (unknown key, bad value or duplicate rule id). Never throws.
auto load_rules(const std::string& path) -> core::Result<RuleSet>;

/// One line of a rule check.
struct RuleCheckEntry {
  std::string file;
  std::string id;
  std::string title;
  std::string status;  ///< compiled | unsupported | error
  std::string message;
};

/// The result of check_rules: one entry per rule (or per file that could not be read as a
/// whole) with counts per status.
struct RuleCheckReport {
  std::vector<RuleCheckEntry> entries;
  std::size_t compiled = 0;
  std::size_t unsupported = 0;
  std::size_t errors = 0;
};

/// Checks a rule file or directory like load_rules but reports every rule instead of stopping
/// at the first error. Sigma files are reported `unsupported`. Never throws.
auto check_rules(const std::string& path) -> RuleCheckReport;

}  // namespace siem::correlate
