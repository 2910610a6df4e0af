#include "siem/core/incident.hpp"

#include "siem/core/json.hpp"

namespace siem::core {
namespace {

void time_field(JsonWriter& w, std::string_view key, TimeMs t) {
  w.key(key);
  if (t == 0) {
    w.null();
  } else {
    w.value(format_rfc3339(t));
  }
}

void string_list(JsonWriter& w, std::string_view key, const std::vector<std::string>& v) {
  w.key(key);
  w.begin_array();
  for (const auto& s : v) {
    w.value(s);
  }
  w.end_array();
}

void opt_string(JsonWriter& w, std::string_view key, const std::string& v) {
  w.key(key);
  if (v.empty()) {
    w.null();
  } else {
    w.value(v);
  }
}

}  // namespace

auto Incident::to_json() const -> std::string {
  JsonWriter w;
  w.begin_object();
  w.field("id", id);
  w.field("version", version);
  w.field("engagement", engagement);
  w.field("title", title);
  w.field("summary", summary);
  time_field(w, "created_at", created_at);
  time_field(w, "modified_at", modified_at);
  w.field("category", category);
  w.field("subcategory", subcategory);
  w.field("level", level);
  w.field("level_basis", level_basis);
  w.field("status", status);
  w.field("determination", determination);

  w.key("cause");
  w.begin_object();
  w.field("summary", cause.summary);
  w.field("vector", cause.vector);
  string_list(w, "techniques", cause.techniques);
  string_list(w, "vulnerabilities", cause.vulnerabilities);
  string_list(w, "actors", cause.actors);
  w.field("confidence", cause.confidence);
  w.end_object();

  w.key("sequence");
  w.begin_array();
  for (const auto& s : sequence) {
    w.begin_object();
    time_field(w, "time", s.time);
    w.field("kind", s.kind);
    w.field("description", s.description);
    opt_string(w, "event_ref", s.event_ref);
    opt_string(w, "raw_ref", s.raw_ref);
    w.field("asset", s.asset);
    w.field("actor", s.actor);
    w.field("count", s.count);
    if (s.count > 1) {
      time_field(w, "last_time", s.last_time);
      opt_string(w, "last_event_ref", s.last_event_ref);
      opt_string(w, "last_raw_ref", s.last_raw_ref);
    }
    w.end_object();
  }
  w.end_array();

  w.key("impact");
  w.begin_object();
  w.field("summary", impact.summary);
  w.key("assets");
  w.begin_array();
  for (const auto& a : impact.assets) {
    w.begin_object();
    w.field("host", a.host);
    w.field("ip", a.ip);
    w.field("user", a.user);
    w.field("business_system", a.business_system);
    w.end_object();
  }
  w.end_array();
  w.field("confidentiality", impact.confidentiality);
  w.field("integrity", impact.integrity);
  w.field("availability", impact.availability);
  w.field("records_affected", impact.records_affected);
  w.field("scope", impact.scope);
  w.end_object();

  w.key("resolution");
  w.begin_object();
  w.field("summary", resolution.summary);
  w.key("actions");
  w.begin_array();
  for (const auto& a : resolution.actions) {
    w.begin_object();
    w.field("type", a.type);
    w.field("by", a.by);
    time_field(w, "at", a.at);
    w.field("outcome", a.outcome);
    w.end_object();
  }
  w.end_array();
  w.field("outcome", resolution.outcome);
  w.field("residual_risk", resolution.residual_risk);
  string_list(w, "recommendations", resolution.recommendations);
  w.end_object();

  w.key("times");
  w.begin_object();
  time_field(w, "first_seen", times.first_seen);
  time_field(w, "last_seen", times.last_seen);
  time_field(w, "detected_at", times.detected_at);
  time_field(w, "reported_at", times.reported_at);
  time_field(w, "contained_at", times.contained_at);
  time_field(w, "resolved_at", times.resolved_at);
  time_field(w, "closed_at", times.closed_at);
  w.end_object();

  string_list(w, "detection_methods", detection_methods);
  w.key("sources");
  w.begin_array();
  for (const auto& s : sources) {
    w.begin_object();
    w.field("vendor", s.vendor);
    w.field("product", s.product);
    w.field("version", s.version);
    w.end_object();
  }
  w.end_array();
  string_list(w, "alerts", alerts);
  string_list(w, "rules", rules);
  string_list(w, "observables", observables);
  w.key("evidence");
  w.begin_array();
  for (const auto& e : evidence) {
    w.begin_object();
    w.field("raw_ref", e.raw_ref);
    w.field("hash", e.hash);
    w.end_object();
  }
  w.end_array();
  w.key("handlers");
  w.begin_array();
  for (const auto& h : handlers) {
    w.begin_object();
    w.field("username", h.username);
    w.field("real_name", h.real_name);
    w.field("role", h.role);
    w.end_object();
  }
  w.end_array();
  w.end_object();
  return w.take();
}

}  // namespace siem::core
