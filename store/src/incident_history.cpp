#include "incident_history.hpp"

#include <nlohmann/json.hpp>

namespace siem::store::detail {

using Json = nlohmann::ordered_json;  // members keep the order the incident wrote them in

auto incident_delta(std::string_view previous, std::string_view current)
    -> core::Result<std::string> {
  const auto cur = Json::parse(current, nullptr, false);
  if (cur.is_discarded() || !cur.is_object()) {
    return core::Status{core::StatusCode::parse_error, "incident is not a JSON object"};
  }
  Json prev = Json::object();
  if (!previous.empty()) {
    prev = Json::parse(previous, nullptr, false);
    if (prev.is_discarded() || !prev.is_object()) {
      prev = Json::object();  // an unreadable predecessor: this version goes whole
    }
  }
  Json set = Json::object();
  for (const auto& [key, value] : cur.items()) {
    const auto it = prev.find(key);
    if (it == prev.end() || *it != value) {
      set[key] = value;
    }
  }
  Json removed = Json::array();
  for (const auto& [key, value] : prev.items()) {
    if (!cur.contains(key)) {
      removed.push_back(key);
    }
  }
  Json delta = Json::object();
  delta["set"] = std::move(set);
  delta["removed"] = std::move(removed);
  return delta.dump();
}

auto apply_incident_delta(std::string_view previous, std::string_view delta)
    -> core::Result<std::string> {
  const auto d = Json::parse(delta, nullptr, false);
  if (d.is_discarded() || !d.is_object()) {
    return core::Status{core::StatusCode::corruption, "incident history entry is not JSON"};
  }
  if (!d.contains("set")) {
    return std::string{delta};  // written before deltas: the version whole
  }
  if (!d["set"].is_object()) {
    return core::Status{core::StatusCode::corruption, "incident history entry is not a delta"};
  }
  Json out = Json::object();
  if (!previous.empty()) {
    out = Json::parse(previous, nullptr, false);
    if (out.is_discarded() || !out.is_object()) {
      return core::Status{core::StatusCode::corruption, "incident history cannot be rebuilt"};
    }
  }
  for (const auto& [key, value] : d["set"].items()) {
    out[key] = value;
  }
  if (d.contains("removed") && d["removed"].is_array()) {
    for (const auto& key : d["removed"]) {
      if (key.is_string()) {
        out.erase(key.get<std::string>());
      }
    }
  }
  return out.dump();
}

}  // namespace siem::store::detail
