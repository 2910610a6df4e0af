#include "siem/correlate/alert.hpp"

#include "siem/core/json.hpp"

#include <string_view>

namespace siem::correlate {
namespace {

void string_or_null(core::JsonWriter& w, std::string_view key, const std::string& v) {
  w.key(key);
  if (v.empty()) {
    w.null();
  } else {
    w.value(v);
  }
}

void nested(core::JsonWriter& w, std::string_view object, std::string_view key,
            const std::string& v) {
  w.key(object);
  w.begin_object();
  string_or_null(w, key, v);
  w.end_object();
}

}  // namespace

auto Alert::to_json() const -> std::string {
  core::JsonWriter w;
  w.begin_object();
  w.field("type", "alert");
  w.field("id", id);
  w.key("rule");
  w.begin_object();
  w.field("id", rule_id);
  w.field("name", rule_name);
  w.end_object();
  w.key("time");
  if (time == 0) {
    w.null();
  } else {
    w.value(core::format_rfc3339(time));
  }
  w.field("engagement", engagement);
  string_or_null(w, "incident_id", incident_id);
  w.field("severity", severity);
  w.field("description", description);
  string_or_null(w, "event_ref", event_ref);
  string_or_null(w, "raw_ref", raw_ref);
  nested(w, "source", "ip", source_ip);
  nested(w, "user", "name", user_name);
  nested(w, "host", "hostname", host_name);
  w.end_object();
  return w.take();
}

}  // namespace siem::correlate
