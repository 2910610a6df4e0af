#include "eve.hpp"
#include "json_access.hpp"

#include "common.hpp"
#include "json_shapes.hpp"

#include <array>
#include <cstring>
#include <limits>
#include <optional>

namespace siem::parsers::detail {
namespace {

using simdjson::dom::element;
using simdjson::dom::element_type;
using simdjson::dom::object;

constexpr std::size_t kMaxFlattenFields = 512;

using json::int_of;
using json::member;
using json::str;
using json::sub;

auto num(object o, std::string_view k) -> std::optional<std::int64_t> {
  const auto e = member(o, k);
  return e ? int_of(*e) : std::nullopt;
}

void copy_str(core::Event& out, std::string_view key, object o, std::string_view k) {
  if (const auto v = str(o, k); !v.empty()) {
    out.set(key, v);
  }
}

void copy_num(core::Event& out, std::string_view key, object o, std::string_view k) {
  if (const auto v = num(o, k)) {
    out.set_int(key, *v);
  }
}

void copy_time(core::Event& out, std::string_view key, object o, std::string_view k) {
  if (const auto t = core::parse_rfc3339(str(o, k))) {
    thread_local std::string text;  // format_rfc3339's string would allocate per call
    text.clear();
    core::append_rfc3339(text, *t);
    out.set(key, text);
  }
}

auto category_of(std::string_view event_type) -> std::string_view {
  if (event_type == "alert") {
    return "intrusion_detection";
  }
  if (event_type == "fileinfo") {
    return "file";
  }
  return "network";
}

auto type_of(std::string_view event_type) -> std::string_view {
  if (event_type == "flow" || event_type == "netflow") {
    return "connection";
  }
  if (event_type == "alert" || event_type == "anomaly" || event_type == "stats") {
    return "info";
  }
  return "protocol";
}

// Top-level EVE members mapped to ECS by map_eve(); every other one is kept under
// suricata.eve. ("event_type" is mapped before.)
enum RootKey : std::uint8_t {
  k_timestamp,
  k_event_type,
  k_src_ip,
  k_src_port,
  k_dest_ip,
  k_dest_port,
  k_proto,
  k_app_proto,
  k_in_iface,
  k_host,
  k_community_id,
  k_alert,
  k_flow,
  k_dns,
  k_http,
  k_tls,
  k_fileinfo,
};

constexpr std::array<std::string_view, 17> kRootKeys = {
    "timestamp", "event_type", "src_ip",   "src_port", "dest_ip",      "dest_port",
    "proto",     "app_proto",  "in_iface", "host",     "community_id", "alert",
    "flow",      "dns",        "http",     "tls",      "fileinfo"};

// Index into kRootKeys, or kRootKeys.size() when the key is not mapped.
auto root_slot(std::string_view k) -> std::size_t {
  for (std::size_t i = 0; i < kRootKeys.size(); ++i) {
    if (kRootKeys[i] == k) {
      return i;
    }
  }
  return kRootKeys.size();
}

void map_alert(object a, core::Event& out) {
  if (const auto id = num(a, "signature_id")) {
    out.set("rule.id", std::to_string(*id));
  }
  copy_str(out, "rule.name", a, "signature");
  copy_str(out, "rule.category", a, "category");
  copy_num(out, "event.severity", a, "severity");
  copy_num(out, "suricata.eve.alert.gid", a, "gid");
  copy_num(out, "suricata.eve.alert.rev", a, "rev");
  if (const auto action = str(a, "action"); !action.empty()) {
    out.set("suricata.eve.alert.action", action);
    if (action == "allowed") {
      out.set("event.type", "allowed");
    } else if (action == "blocked") {
      out.set("event.type", "denied");
    }
  }
}

void map_flow(object f, core::Event& out) {
  const auto bts = num(f, "bytes_toserver");
  const auto btc = num(f, "bytes_toclient");
  const auto pts = num(f, "pkts_toserver");
  const auto ptc = num(f, "pkts_toclient");
  if (bts) {
    out.set_int("source.bytes", *bts);
  }
  if (btc) {
    out.set_int("destination.bytes", *btc);
  }
  if (pts) {
    out.set_int("source.packets", *pts);
  }
  if (ptc) {
    out.set_int("destination.packets", *ptc);
  }
  if (bts && btc) {
    out.set_int("network.bytes", *bts + *btc);
  }
  if (pts && ptc) {
    out.set_int("network.packets", *pts + *ptc);
  }
  copy_time(out, "event.start", f, "start");
  copy_time(out, "event.end", f, "end");
  copy_str(out, "suricata.eve.flow.state", f, "state");
  copy_str(out, "suricata.eve.flow.reason", f, "reason");
  copy_num(out, "suricata.eve.flow.age", f, "age");
  if (const auto alerted = member(f, "alerted"); alerted && alerted->is_bool()) {
    out.set_bool("suricata.eve.flow.alerted", alerted->get_bool().value_unsafe());
  }
}

void map_dns(object d, core::Event& out) {
  copy_str(out, "dns.type", d, "type");
  copy_str(out, "dns.response_code", d, "rcode");
  if (const auto id = num(d, "id")) {
    out.set("dns.id", std::to_string(*id));
  }
  // EVE v1 puts rrname/rrtype on the record; v2 answers and v3 use a "queries" array.
  std::string_view name = str(d, "rrname");
  std::string_view type = str(d, "rrtype");
  simdjson::dom::array queries;
  if (name.empty() && d.at_key("queries").get_array().get(queries) == simdjson::SUCCESS) {
    for (const auto q : queries) {
      object qo;
      if (q.get_object().get(qo) == simdjson::SUCCESS) {
        name = str(qo, "rrname");
        type = str(qo, "rrtype");
        break;
      }
    }
  }
  if (!name.empty()) {
    out.set("dns.question.name", name);
  }
  if (!type.empty()) {
    out.set("dns.question.type", type);
  }
  if (const auto answers = member(d, "answers")) {
    out.set("suricata.eve.dns.answers", simdjson::minify(*answers));
  }
}

void map_http(object h, core::Event& out) {
  copy_str(out, "url.domain", h, "hostname");
  if (const auto url = str(h, "url"); !url.empty()) {
    out.set("url.original", url);
    const auto q = url.find('?');
    out.set("url.path", url.substr(0, q));
    if (q != std::string_view::npos && q + 1 < url.size()) {
      out.set("url.query", url.substr(q + 1));
    }
  }
  copy_str(out, "http.request.method", h, "http_method");
  copy_num(out, "http.response.status_code", h, "status");
  copy_str(out, "user_agent.original", h, "http_user_agent");
  copy_str(out, "http.request.referrer", h, "http_refer");
  copy_str(out, "http.response.mime_type", h, "http_content_type");
  copy_num(out, "http.response.body.bytes", h, "length");
  if (auto proto = str(h, "protocol"); proto.starts_with("HTTP/")) {
    out.set("http.version", proto.substr(5));
  }
}

void map_tls(object t, core::Event& out) {
  copy_str(out, "tls.client.server_name", t, "sni");
  copy_str(out, "tls.server.subject", t, "subject");
  copy_str(out, "tls.server.issuer", t, "issuerdn");
  copy_str(out, "tls.server.not_before", t, "notbefore");
  copy_str(out, "tls.server.not_after", t, "notafter");
  if (const auto v = str(t, "version"); !v.empty()) {
    // "TLS 1.2" -> version "1.2", version_protocol "tls".
    if (const auto sp = v.find(' '); sp != std::string_view::npos && v.substr(0, sp) == "TLS") {
      out.set("tls.version", v.substr(sp + 1));
      out.set("tls.version_protocol", "tls");
    } else {
      out.set("tls.version", v);
    }
  }
  if (const auto fp = str(t, "fingerprint"); !fp.empty()) {
    std::string hex;
    hex.reserve(fp.size());
    for (const char c : fp) {
      if (c != ':') {
        hex.push_back(c >= 'a' && c <= 'f' ? static_cast<char>(c - 'a' + 'A') : c);
      }
    }
    out.set("tls.server.hash.sha1", hex);
  }
  if (const auto ja3 = sub(t, "ja3")) {
    copy_str(out, "tls.client.ja3", *ja3, "hash");
  }
  if (const auto ja3s = sub(t, "ja3s")) {
    copy_str(out, "tls.server.ja3s", *ja3s, "hash");
  }
}

void map_fileinfo(object f, core::Event& out) {
  if (const auto name = str(f, "filename"); !name.empty()) {
    out.set("file.path", name);
    const auto slash = name.find_last_of('/');
    out.set("file.name", slash == std::string_view::npos ? name : name.substr(slash + 1));
  }
  copy_str(out, "file.hash.md5", f, "md5");
  copy_str(out, "file.hash.sha1", f, "sha1");
  copy_str(out, "file.hash.sha256", f, "sha256");
  copy_num(out, "file.size", f, "size");
  copy_str(out, "suricata.eve.fileinfo.magic", f, "magic");
  copy_str(out, "suricata.eve.fileinfo.state", f, "state");
  if (const auto stored = member(f, "stored"); stored && stored->is_bool()) {
    out.set_bool("suricata.eve.fileinfo.stored", stored->get_bool().value_unsafe());
  }
}

}  // namespace

auto EveParser::parse(std::string_view json, const ParseContext& ctx, core::Event& out,
                      bool require_eve) -> std::string_view {
  return parse_shape(json, ctx, out, require_eve ? JsonShape::eve : JsonShape::any);
}

auto EveParser::parse_shape(std::string_view json, const ParseContext& ctx, core::Event& out,
                            JsonShape want) -> std::string_view {
  // simdjson reads up to SIMDJSON_PADDING bytes past the end: parse a padded copy that is
  // reused across lines (grown, never shrunk).
  if (json.size() + simdjson::SIMDJSON_PADDING > cap_) {
    cap_ = json.size() + simdjson::SIMDJSON_PADDING;
    buf_ = std::make_unique<char[]>(cap_);
  }
  std::memcpy(buf_.get(), json.data(), json.size());
  std::memset(buf_.get() + json.size(), 0, simdjson::SIMDJSON_PADDING);

  element doc;
  // DOM parsing fails (TAPE_ERROR) on trailing content such as a second document, so
  // '{"a":1}{"b":2}' is rejected rather than read as its first object.
  if (const auto err = parser_.parse(buf_.get(), json.size(), false).get(doc);
      err != simdjson::SUCCESS) {
    switch (err) {
      case simdjson::UTF8_ERROR:
        return "invalid JSON: not valid UTF-8";
      case simdjson::TAPE_ERROR:
        return "invalid JSON: unbalanced structure or trailing content (truncated record, or more "
               "than one document on the line)";
      case simdjson::UNCLOSED_STRING:
        return "invalid JSON: unclosed string (truncated?)";
      case simdjson::DEPTH_ERROR:
        return "invalid JSON: nested too deeply";
      case simdjson::CAPACITY:
        return "invalid JSON: document too large";
      default:
        return "invalid JSON: syntax error (truncated or malformed)";
    }
  }
  object root;
  if (doc.get_object().get(root) != simdjson::SUCCESS) {
    return "JSON value is not an object";
  }
  if (want == JsonShape::any || want == JsonShape::eve) {
    const std::string_view event_type = str(root, "event_type");
    if (!event_type.empty()) {
      map_eve(root, event_type, ctx, out);
      return {};
    }
    if (want == JsonShape::eve) {
      return "JSON object has no event_type (not Suricata EVE)";
    }
    // Other JSON shapes (Windows, Zeek, CloudTrail, Okta, Zscaler), else generic JSON with
    // its fields under json.<key>.
    want = JsonShapes::detect(root);
  }
  return shapes_.map(root, want, json.size(), ctx, out);
}

void EveParser::map_eve(object root, std::string_view event_type, const ParseContext& ctx,
                        core::Event& out) {
  out.set("event.kind", event_type == "alert" ? "alert" : "event");
  out.set("event.module", "suricata");
  out.set("event.dataset", "suricata.eve");
  out.set("event.category", category_of(event_type));
  out.set("event.type", type_of(event_type));
  out.set("observer.vendor", "OISF");
  out.set("observer.product", "Suricata");
  out.set("observer.type", "ids");
  out.set("suricata.eve.event_type", event_type);

  // One pass over the top level (at_key is a linear scan per call): remember the members
  // mapped to ECS, flatten the rest under suricata.eve.
  std::array<std::optional<element>, kRootKeys.size()> slot;
  std::size_t budget = kMaxFlattenFields;
  for (const auto field : root) {
    if (const auto i = root_slot(field.key); i < kRootKeys.size()) {
      slot[i] = field.value;
      continue;
    }
    key_.assign("suricata.eve.");
    append_key_segment(key_, field.key);
    flatten_json(field.value, key_, out, 1, budget);
  }
  const auto text = [&](RootKey k) -> std::string_view {
    std::string_view v;
    return slot[k] && slot[k]->get_string().get(v) == simdjson::SUCCESS ? v : std::string_view{};
  };
  const auto section = [&](RootKey k) -> std::optional<object> {
    object o;
    if (slot[k] && slot[k]->get_object().get(o) == simdjson::SUCCESS) {
      return o;
    }
    return std::nullopt;
  };
  const auto port = [&](RootKey k, std::string_view field) {
    if (!slot[k]) {
      return;
    }
    if (const auto v = int_of(*slot[k]); v && *v >= 0 && *v <= 65535) {
      out.set_int(field, *v);
    } else if (std::string_view sv; slot[k]->get_string().get(sv) == simdjson::SUCCESS) {
      set_port(out, field, sv);
    }
  };

  if (const auto t = core::parse_rfc3339(text(k_timestamp), ctx.tz_offset_minutes)) {
    out.timestamp = t;
  }
  set_ip(out, "source.ip", text(k_src_ip));
  port(k_src_port, "source.port");
  set_ip(out, "destination.ip", text(k_dest_ip));
  port(k_dest_port, "destination.port");
  if (const auto proto = text(k_proto); !proto.empty()) {
    out.set("network.transport", to_lower(proto, tmp_));
  }
  if (const auto app = text(k_app_proto); !app.empty() && app != "failed") {
    out.set("network.protocol", to_lower(app, tmp_));
  }
  if (const auto v = text(k_community_id); !v.empty()) {
    out.set("network.community_id", v);
  }
  if (const auto v = text(k_in_iface); !v.empty()) {
    out.set("observer.ingress.interface.name", v);
  }
  if (const auto v = text(k_host); !v.empty()) {
    out.set("observer.hostname", v);
  }
  if (const auto a = section(k_alert)) {
    map_alert(*a, out);
  }
  if (const auto f = section(k_flow)) {
    map_flow(*f, out);
  }
  if (const auto d = section(k_dns)) {
    map_dns(*d, out);
  }
  if (const auto h = section(k_http)) {
    map_http(*h, out);
  }
  if (const auto t = section(k_tls)) {
    map_tls(*t, out);
  }
  if (const auto f = section(k_fileinfo)) {
    map_fileinfo(*f, out);
  }
}

}  // namespace siem::parsers::detail
