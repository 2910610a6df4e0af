#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace siem::cmd {

/// Minimal command-line parsing: `--key value`, `--key=value`, boolean `--flag`, positionals.
/// Unknown options are errors naming the option.
class Args {
public:
  /// `value_opts` take a value; `bool_opts` do not.
  Args(const std::vector<std::string>& argv, std::set<std::string> value_opts,
       std::set<std::string> bool_opts);

  [[nodiscard]] auto error() const -> const std::string& { return error_; }

  [[nodiscard]] auto has(const std::string& opt) const -> bool { return flags_.contains(opt); }

  [[nodiscard]] auto get(const std::string& opt) const -> std::optional<std::string>;

  [[nodiscard]] auto get_or(const std::string& opt, std::string def) const -> std::string {
    return get(opt).value_or(std::move(def));
  }

  [[nodiscard]] auto positionals() const -> const std::vector<std::string>& { return pos_; }

private:
  std::map<std::string, std::string> values_;
  std::set<std::string> flags_;
  std::vector<std::string> pos_;
  std::string error_;
};

}  // namespace siem::cmd
