#include "siem/correlate/rules.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string_view>
#include <system_error>
#include <unordered_set>
#include <utility>

namespace siem::correlate {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kSshBruteForceType = "builtin/ssh_bruteforce";

// The keys a rule entry may have; anything else is a typo we want to hear about.
constexpr std::string_view kRuleKeys[] = {"id",      "type",      "title",  "description",
                                          "enabled", "threshold", "window", "idle_close"};

auto with_line(const YAML::Node& node) -> std::string {
  const auto mark = node.Mark();
  if (mark.is_null()) {
    return {};
  }
  return " (line " + std::to_string(mark.line + 1) + ")";
}

// yaml-cpp 0.7 keeps duplicate keys in the node but lookups return the first one: walk the map
// and reject them, naming the key and its line.
auto check_duplicates(const std::string& file, const YAML::Node& map) -> core::Status {
  std::unordered_set<std::string> seen;
  for (auto it = map.begin(); it != map.end(); ++it) {
    const auto& key = it->first.Scalar();
    if (!seen.insert(key).second) {
      return {core::StatusCode::parse_error,
              file + ": duplicate key '" + key + "'" + with_line(it->first)};
    }
  }
  return core::Status::ok();
}

auto scalar(const std::string& file, const YAML::Node& key, const YAML::Node& value)
    -> core::Result<std::string> {
  if (!value.IsScalar()) {
    return core::invalid_argument(file + ": key '" + key.Scalar() + "' must be a scalar"
                                  + with_line(key));
  }
  return value.Scalar();
}

auto parse_int(std::string_view s) -> std::optional<std::int64_t> {
  std::int64_t v = 0;
  const auto* end = s.data() + s.size();
  auto [ptr, ec] = std::from_chars(s.data(), end, v);
  if (ec != std::errc{} || ptr != end || s.empty()) {
    return std::nullopt;
  }
  return v;
}

/// "250ms", "60s", "5m", "1h" -> milliseconds; nullopt for anything else (a unit is required).
auto parse_duration(std::string_view s) -> std::optional<core::TimeMs> {
  std::size_t digits = 0;
  while (digits < s.size() && s[digits] >= '0' && s[digits] <= '9') {
    ++digits;
  }
  if (digits == 0 || digits > 12) {
    return std::nullopt;
  }
  const auto n = parse_int(s.substr(0, digits));
  if (!n) {
    return std::nullopt;
  }
  const auto unit = s.substr(digits);
  std::int64_t mult = 0;
  if (unit == "ms") {
    mult = 1;
  } else if (unit == "s") {
    mult = 1'000;
  } else if (unit == "m") {
    mult = 60'000;
  } else if (unit == "h") {
    mult = 3'600'000;
  } else {
    return std::nullopt;
  }
  return *n * mult;
}

/// One rule as read from a file, before it joins a RuleSet.
struct ParsedRule {
  RuleInfo info;
  BruteForceOptions options;
};

/// What one file yielded: rules, or a file-level error, or "this is Sigma".
struct ParsedFile {
  std::string file;
  bool sigma = false;
  std::string sigma_id;
  std::string sigma_title;
  core::Status file_error;  ///< the file could not be read as a whole
  std::vector<ParsedRule> rules;
  /// Per-rule errors, with id/title when known, and their status.
  std::vector<std::pair<RuleCheckEntry, core::Status>> rule_errors;
};

auto parse_rule(const std::string& file, const YAML::Node& node, std::size_t index)
    -> core::Result<ParsedRule> {
  const std::string where = file + ": rules[" + std::to_string(index) + "]";
  if (!node.IsMap()) {
    return core::invalid_argument(where + " must be a mapping" + with_line(node));
  }
  if (auto st = check_duplicates(where, node); !st) {
    return st;
  }
  ParsedRule rule;
  rule.info.file = file;
  for (auto it = node.begin(); it != node.end(); ++it) {
    const auto& key = it->first.Scalar();
    if (std::find(std::begin(kRuleKeys), std::end(kRuleKeys), key) == std::end(kRuleKeys)) {
      return core::invalid_argument(where + ": unknown key '" + key + "'" + with_line(it->first));
    }
    auto value = scalar(where, it->first, it->second);
    if (!value) {
      return value.error();
    }
    const std::string& v = *value;
    if (key == "id") {
      rule.info.id = v;
    } else if (key == "type") {
      rule.info.type = v;
    } else if (key == "title") {
      rule.info.title = v;
    } else if (key == "description") {
      // Documentation only.
    } else if (key == "enabled") {
      if (v == "true") {
        rule.info.enabled = true;
      } else if (v == "false") {
        rule.info.enabled = false;
      } else {
        return core::invalid_argument(where + ": key 'enabled' must be true or false, got '" + v
                                      + "'" + with_line(it->first));
      }
    } else if (key == "threshold") {
      const auto n = parse_int(v);
      if (!n) {
        return core::invalid_argument(where + ": key 'threshold' must be an integer, got '" + v
                                      + "'" + with_line(it->first));
      }
      rule.options.threshold = *n;
    } else {  // window, idle_close
      const auto d = parse_duration(v);
      if (!d) {
        return core::invalid_argument(where + ": key '" + key + "' has bad duration '" + v
                                      + "' (use e.g. 500ms, 60s, 5m, 1h)" + with_line(it->first));
      }
      (key == "window" ? rule.options.window_ms : rule.options.idle_close_ms) = *d;
    }
  }
  if (rule.info.id.empty()) {
    return core::invalid_argument(where + ": missing key 'id'" + with_line(node));
  }
  const std::string rule_where = file + ": rule '" + rule.info.id + "'";
  if (rule.info.type.empty()) {
    return core::invalid_argument(rule_where + ": missing key 'type'");
  }
  if (rule.info.type != kSshBruteForceType) {
    return core::invalid_argument(rule_where + ": unknown type '" + rule.info.type
                                  + "' (known: builtin/ssh_bruteforce)");
  }
  if (rule.info.title.empty()) {
    rule.info.title = rule.info.id;
  }
  rule.options.rule_id = rule.info.id;
  rule.options.rule_name = rule.info.title;
  if (auto st = rule.options.validate(); !st) {
    return core::invalid_argument(rule_where + ": " + std::string{st.message()});
  }
  return rule;
}

auto looks_like_sigma(const YAML::Node& doc) -> bool {
  return doc.IsMap() && doc["detection"] && doc["logsource"];
}

auto scalar_or_empty(const YAML::Node& doc, const char* key) -> std::string {
  const auto n = doc[key];
  return n && n.IsScalar() ? n.Scalar() : std::string{};
}

auto parse_file(const std::string& file) -> ParsedFile {
  ParsedFile pf;
  pf.file = file;
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    pf.file_error = core::io_error(file + ": cannot open");
    return pf;
  }
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) {
    pf.file_error = core::io_error(file + ": read failed");
    return pf;
  }
  std::vector<YAML::Node> docs;
  try {
    docs = YAML::LoadAll(text.str());
  } catch (const YAML::Exception& e) {
    // yaml-cpp reports positions 0-based; e.msg excludes the position prefix of e.what().
    pf.file_error = {
        core::StatusCode::parse_error,
        file + ": invalid YAML at line " + std::to_string(e.mark.line + 1) + ": " + e.msg};
    return pf;
  } catch (const std::exception& e) {
    pf.file_error = {core::StatusCode::parse_error, file + ": " + e.what()};
    return pf;
  }
  // Everything below only reads nodes; yaml-cpp may still throw on odd documents, so stay in
  // the try block until we are done with them.
  try {
    for (const auto& doc : docs) {
      if (looks_like_sigma(doc)) {
        pf.sigma = true;
        pf.sigma_id = scalar_or_empty(doc, "id");
        pf.sigma_title = scalar_or_empty(doc, "title");
        return pf;
      }
    }
    for (const auto& doc : docs) {
      if (doc.IsNull()) {
        continue;
      }
      if (!doc.IsMap()) {
        pf.file_error = core::invalid_argument(file + ": top level must be a mapping with key "
                                               "'rules'" + with_line(doc));
        return pf;
      }
      if (auto st = check_duplicates(file, doc); !st) {
        pf.file_error = st;
        return pf;
      }
      for (auto it = doc.begin(); it != doc.end(); ++it) {
        if (it->first.Scalar() != "rules") {
          pf.file_error = core::invalid_argument(file + ": unknown key '" + it->first.Scalar() + "'"
                                                 + with_line(it->first));
          return pf;
        }
      }
      const auto rules = doc["rules"];
      if (!rules || rules.IsNull()) {
        continue;
      }
      if (!rules.IsSequence()) {
        pf.file_error =
            core::invalid_argument(file + ": key 'rules' must be a list" + with_line(rules));
        return pf;
      }
      for (std::size_t i = 0; i < rules.size(); ++i) {
        auto rule = parse_rule(file, rules[i], i);
        if (rule) {
          pf.rules.push_back(std::move(rule).value());
        } else {
          RuleCheckEntry entry;
          entry.file = file;
          if (rules[i].IsMap()) {
            entry.id = scalar_or_empty(rules[i], "id");
            entry.title = scalar_or_empty(rules[i], "title");
          }
          entry.status = "error";
          entry.message = std::string{rule.error().message()};
          pf.rule_errors.emplace_back(std::move(entry), rule.error());
        }
      }
    }
  } catch (const std::exception& e) {
    pf.file_error = {core::StatusCode::parse_error, file + ": " + e.what()};
  }
  return pf;
}

auto has_rule_extension(const fs::path& p) -> bool {
  const auto ext = p.extension().string();
  return ext == ".yml" || ext == ".yaml";
}

/// The rule files of `path` (the file itself, or *.yml/*.yaml below a directory, sorted).
auto rule_files(const std::string& path) -> core::Result<std::vector<std::string>> {
  std::error_code ec;
  const fs::path root{path};
  const auto st = fs::status(root, ec);
  if (ec || !fs::exists(st)) {
    return core::not_found(path + ": no such file or directory");
  }
  std::vector<std::string> files;
  if (!fs::is_directory(st)) {
    files.push_back(path);
    return files;
  }
  fs::recursive_directory_iterator it{root, fs::directory_options::skip_permission_denied, ec};
  if (ec) {
    return core::io_error(path + ": " + ec.message());
  }
  for (const fs::recursive_directory_iterator end; it != end; it.increment(ec)) {
    if (ec) {
      return core::io_error(path + ": " + ec.message());
    }
    if (it->is_regular_file(ec) && has_rule_extension(it->path())) {
      files.push_back(it->path().string());
    }
  }
  if (ec) {
    return core::io_error(path + ": " + ec.message());
  }
  std::sort(files.begin(), files.end());
  return files;
}

/// Merges the parsed rules of all files into a RuleSet, reporting each rule to `report`.
/// Returns the first error (file-level or rule-level) in file order, or ok.
auto assemble(const std::vector<ParsedFile>& files, RuleSet& set, RuleCheckReport& report)
    -> core::Status {
  core::Status first_error;
  auto note_error = [&](RuleCheckEntry entry, core::Status st) {
    ++report.errors;
    report.entries.push_back(std::move(entry));
    if (first_error) {
      first_error = std::move(st);
    }
  };
  std::unordered_set<std::string> ids;
  bool have_bruteforce = false;
  for (const auto& pf : files) {
    if (pf.sigma) {
      ++report.unsupported;
      report.entries.push_back({pf.file, pf.sigma_id, pf.sigma_title, "unsupported",
                                "Sigma rules are not supported yet"});
      continue;
    }
    if (!pf.file_error) {
      note_error({pf.file, "", "", "error", std::string{pf.file_error.message()}}, pf.file_error);
      continue;
    }
    for (const auto& [entry, status] : pf.rule_errors) {
      note_error(entry, status);
    }
    for (const auto& rule : pf.rules) {
      if (!ids.insert(rule.info.id).second) {
        const auto msg = pf.file + ": duplicate rule id '" + rule.info.id + "'";
        note_error({pf.file, rule.info.id, rule.info.title, "error", msg},
                   core::invalid_argument(msg));
        continue;
      }
      if (rule.info.enabled) {
        if (have_bruteforce) {
          const auto msg = pf.file + ": rule '" + rule.info.id
                           + "': only one enabled builtin/ssh_bruteforce rule is supported";
          note_error({pf.file, rule.info.id, rule.info.title, "error", msg},
                     core::invalid_argument(msg));
          continue;
        }
        have_bruteforce = true;
        set.brute_force = rule.options;
      }
      set.rules.push_back(rule.info);
      ++report.compiled;
      report.entries.push_back({pf.file, rule.info.id, rule.info.title, "compiled", ""});
    }
  }
  set.ssh_bruteforce = have_bruteforce;
  return first_error;
}

}  // namespace

auto BruteForceOptions::validate() const -> core::Status {
  if (rule_id.empty()) {
    return core::invalid_argument("rule id must not be empty");
  }
  if (threshold < 1 || threshold > kMaxBruteForceThreshold) {
    return core::invalid_argument("threshold must be between 1 and "
                                  + std::to_string(kMaxBruteForceThreshold) + ", got "
                                  + std::to_string(threshold));
  }
  if (window_ms <= 0) {
    return core::invalid_argument("window must be positive");
  }
  if (idle_close_ms <= 0) {
    return core::invalid_argument("idle_close must be positive");
  }
  return core::Status::ok();
}

auto RuleSet::validate() const -> core::Status {
  if (ssh_bruteforce) {
    if (auto st = brute_force.validate(); !st) {
      return core::invalid_argument("rule '" + brute_force.rule_id
                                    + "': " + std::string{st.message()});
    }
  }
  return core::Status::ok();
}

auto builtin_rules() -> RuleSet {
  RuleSet set;
  set.ssh_bruteforce = true;
  set.rules.push_back({set.brute_force.rule_id, set.brute_force.rule_name,
                       std::string{kSshBruteForceType}, "", true});
  return set;
}

auto load_rules(const std::string& path) -> core::Result<RuleSet> {
  try {
    auto files = rule_files(path);
    if (!files) {
      return files.error();
    }
    std::vector<ParsedFile> parsed;
    parsed.reserve(files->size());
    for (const auto& f : *files) {
      parsed.push_back(parse_file(f));
    }
    RuleSet set;
    RuleCheckReport report;
    if (auto st = assemble(parsed, set, report); !st) {
      return st;
    }
    return set;
  } catch (const std::exception& e) {
    // Allocation failures and filesystem surprises: never let them cross the module edge.
    return core::internal_error(path + ": " + e.what());
  }
}

auto check_rules(const std::string& path) -> RuleCheckReport {
  RuleCheckReport report;
  try {
    auto files = rule_files(path);
    if (!files) {
      report.entries.push_back({path, "", "", "error", std::string{files.error().message()}});
      ++report.errors;
      return report;
    }
    std::vector<ParsedFile> parsed;
    parsed.reserve(files->size());
    for (const auto& f : *files) {
      parsed.push_back(parse_file(f));
    }
    RuleSet set;
    (void)assemble(parsed, set, report);
  } catch (const std::exception& e) {
    report.entries.push_back({path, "", "", "error", std::string{"internal: "} + e.what()});
    ++report.errors;
  }
  return report;
}

}  // namespace siem::correlate
