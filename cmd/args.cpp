#include "args.hpp"

namespace siem::cmd {

Args::Args(const std::vector<std::string>& argv, std::set<std::string> value_opts,
           std::set<std::string> bool_opts) {
  for (std::size_t i = 0; i < argv.size(); ++i) {
    const std::string& a = argv[i];
    if (a == "-" || !a.starts_with("-")) {
      pos_.push_back(a);
      continue;
    }
    if (a == "--") {
      pos_.insert(pos_.end(), argv.begin() + static_cast<std::ptrdiff_t>(i) + 1, argv.end());
      break;
    }
    std::string name = a;
    std::optional<std::string> inline_value;
    if (const auto eq = a.find('='); eq != std::string::npos) {
      name = a.substr(0, eq);
      inline_value = a.substr(eq + 1);
    }
    if (name == "-h") {
      name = "--help";
    }
    if (bool_opts.contains(name) || name == "--help") {
      if (inline_value) {
        error_ = "option " + name + " takes no value";
        return;
      }
      flags_.insert(name);
    } else if (value_opts.contains(name)) {
      if (inline_value) {
        values_[name] = *inline_value;
      } else if (i + 1 < argv.size()) {
        values_[name] = argv[++i];
      } else {
        error_ = "option " + name + " needs a value";
        return;
      }
      flags_.insert(name);
    } else {
      error_ = "unknown option " + name;
      return;
    }
  }
}

auto Args::get(const std::string& opt) const -> std::optional<std::string> {
  auto it = values_.find(opt);
  if (it == values_.end()) {
    return std::nullopt;
  }
  return it->second;
}

}  // namespace siem::cmd
