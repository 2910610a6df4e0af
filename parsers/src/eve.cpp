#include "eve.hpp"

#include "siem/core/bytes.hpp"
#include "siem/core/json.hpp"

#include "common.hpp"
#include "json_access.hpp"
#include "json_shapes.hpp"
#include "key_index.hpp"

#include <array>
#include <bit>
#include <charconv>
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

// Where the members of a section that its mapping does not read go:
// suricata.eve.<section>.<key>, flattened as unmapped top-level members are (`key` is
// scratch; `budget` is shared with them).
struct Rest {
  std::string& key;
  std::size_t& budget;
  core::Event& out;

  void keep(std::string_view section, std::string_view name, element value) {
    if (budget == 0) {
      return;
    }
    key.assign("suricata.eve.");
    key.append(section);
    key.push_back('.');
    append_key_segment(key, name);
    flatten_json(value, key, out, 2, budget);
  }
};

// The members of one JSON object that a mapping reads, found in one pass over the object
// (simdjson's at_key is a linear scan per call). keys[i] is looked for; the first occurrence
// counts, as with at_key. Other keys go to `rest` under `section`, when given.
template <std::size_t N>
class Members {
public:
  Members(object o, const KeyIndex<N>& keys, Rest* rest = nullptr, std::string_view section = {}) {
    for (const auto field : o) {
      if (const auto i = keys.find(field.key); i < N) {
        if (!has(i)) {
          value_[i] = field.value;
          present_ |= 1U << i;
        }
      } else if (rest != nullptr) {
        rest->keep(section, field.key, field.value);
      }
    }
  }

  [[nodiscard]] auto has(std::size_t i) const -> bool { return (present_ >> i & 1U) != 0; }

  [[nodiscard]] auto element(std::size_t i) const -> std::optional<simdjson::dom::element> {
    return has(i) ? std::optional{value_[i]} : std::nullopt;
  }

  [[nodiscard]] auto str(std::size_t i) const -> std::string_view {
    std::string_view v;
    return has(i) && value_[i].get_string().get(v) == simdjson::SUCCESS ? v : std::string_view{};
  }

  [[nodiscard]] auto num(std::size_t i) const -> std::optional<std::int64_t> {
    return has(i) ? int_of(value_[i]) : std::nullopt;
  }

  [[nodiscard]] auto sub(std::size_t i) const -> std::optional<object> {
    object o;
    return has(i) && value_[i].get_object().get(o) == simdjson::SUCCESS ? std::optional{o}
                                                                        : std::nullopt;
  }

  [[nodiscard]] auto boolean(std::size_t i) const -> std::optional<bool> {
    bool b = false;
    return has(i) && value_[i].get_bool().get(b) == simdjson::SUCCESS ? std::optional{b}
                                                                      : std::nullopt;
  }

private:
  static_assert(N <= 32);
  std::array<simdjson::dom::element, N> value_{};
  std::uint32_t present_ = 0;
};

// A member that is present but not of the type its ECS field `key` wants: kept as text
// under siem.invalid.<key> (a string as is, anything else as its JSON).
void keep_element(core::Event& out, std::string_view key, element e) {
  std::string_view s;
  if (e.get_string().get(s) == simdjson::SUCCESS) {
    keep_invalid(out, key, s);
  } else if (!e.is_null()) {
    keep_invalid(out, key, compact_json(e));
  }
}

void copy_str(core::Event& out, core::FieldKey key, std::string_view v) {
  if (!v.empty()) {
    out.set(key, v);
  }
}

void copy_time(core::Event& out, core::FieldKey key, std::optional<element> e) {
  if (!e) {
    return;
  }
  std::array<char, core::kRfc3339Bound> buf{};
  std::string_view text;
  if (e->get_string().get(text) != simdjson::SUCCESS) {
    keep_element(out, key.view(), *e);
  } else if (const char* end = core::rewrite_rfc3339(text, buf.data())) {
    out.set(key, std::string_view{buf.data(), static_cast<std::size_t>(end - buf.data())});
  } else {
    keep_invalid(out, key.view(), text);
  }
}

// Member i of `m` to `key` when of the type the field wants; another value is kept
// (keep_element), an absent one skipped.
template <std::size_t N>
void copy_str(core::Event& out, core::FieldKey key, const Members<N>& m, std::size_t i) {
  if (const auto v = m.str(i); !v.empty()) {
    out.set(key, v);
  } else if (const auto e = m.element(i); e && !e->is_string()) {
    keep_element(out, key.view(), *e);
  }
}

template <std::size_t N>
void copy_num(core::Event& out, core::FieldKey key, const Members<N>& m, std::size_t i) {
  if (const auto v = m.num(i)) {
    out.set_int(key, *v);
  } else if (const auto e = m.element(i)) {
    keep_element(out, key.view(), *e);
  }
}

template <std::size_t N>
void copy_bool(core::Event& out, core::FieldKey key, const Members<N>& m, std::size_t i) {
  if (const auto v = m.boolean(i)) {
    out.set_bool(key, *v);
  } else if (const auto e = m.element(i)) {
    keep_element(out, key.view(), *e);
  }
}

auto category_of(std::string_view event_type) -> core::StaticText {
  if (event_type == "alert") {
    return "intrusion_detection";
  }
  if (event_type == "fileinfo") {
    return "file";
  }
  return "network";
}

auto type_of(std::string_view event_type) -> core::StaticText {
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
  k_root_keys
};

constexpr std::array<std::string_view, k_root_keys> kRootKeys = {
    "timestamp", "event_type", "src_ip",   "src_port", "dest_ip",      "dest_port",
    "proto",     "app_proto",  "in_iface", "host",     "community_id", "alert",
    "flow",      "dns",        "http",     "tls",      "fileinfo"};

// Members of EVE's "tcp" object (kept under suricata.eve.tcp) with their keys written out, so
// that the most common unmapped section needs no composed key; others are flattened.
constexpr std::array<std::string_view, 12> kTcpMembers = {
    "tcp_flags", "tcp_flags_ts", "tcp_flags_tc", "syn", "fin", "rst",
    "psh",       "ack",          "urg",          "ecn", "cwr", "state"};
constexpr KeyIndex<kTcpMembers.size()> kTcpIndex{kTcpMembers};
constexpr KeyIndex<k_root_keys> kRootIndex{kRootKeys};
constexpr std::array<core::FieldKey, 12> kTcpKeys = {
    "suricata.eve.tcp.tcp_flags", "suricata.eve.tcp.tcp_flags_ts", "suricata.eve.tcp.tcp_flags_tc",
    "suricata.eve.tcp.syn",       "suricata.eve.tcp.fin",          "suricata.eve.tcp.rst",
    "suricata.eve.tcp.psh",       "suricata.eve.tcp.ack",          "suricata.eve.tcp.urg",
    "suricata.eve.tcp.ecn",       "suricata.eve.tcp.cwr",          "suricata.eve.tcp.state"};

void map_alert(object a, core::Event& out, Rest& rest) {
  enum : std::uint8_t { signature_id, signature, category, severity, gid, rev, action, n };

  static constexpr std::array<std::string_view, n> kKeys = {
      "signature_id", "signature", "category", "severity", "gid", "rev", "action"};
  static constexpr KeyIndex<n> kIndex{kKeys};
  const Members<n> m(a, kIndex, &rest, "alert");
  if (const auto id = m.num(signature_id)) {
    std::array<char, core::kJsonNumberBound> buf{};
    const auto r = std::to_chars(buf.data(), buf.data() + buf.size(), *id);
    out.set("rule.id", std::string_view{buf.data(), static_cast<std::size_t>(r.ptr - buf.data())});
  } else if (const auto e = m.element(signature_id)) {
    keep_element(out, "rule.id", *e);
  }
  copy_str(out, "rule.name", m, signature);
  copy_str(out, "rule.category", m, category);
  copy_num(out, "event.severity", m, severity);
  copy_num(out, "suricata.eve.alert.gid", m, gid);
  copy_num(out, "suricata.eve.alert.rev", m, rev);
  if (const auto act = m.str(action); !act.empty()) {
    out.set("suricata.eve.alert.action", act);
    if (act == "allowed") {
      out.set_text("event.type", "allowed");
    } else if (act == "blocked") {
      out.set_text("event.type", "denied");
    }
  }
}

void map_flow(object f, core::Event& out, Rest& rest) {
  enum : std::uint8_t {
    bytes_toserver,
    bytes_toclient,
    pkts_toserver,
    pkts_toclient,
    start,
    end,
    state,
    reason,
    age,
    alerted,
    n
  };

  static constexpr std::array<std::string_view, n> kKeys = {
      "bytes_toserver", "bytes_toclient", "pkts_toserver", "pkts_toclient", "start", "end",
      "state",          "reason",         "age",           "alerted"};
  static constexpr KeyIndex<n> kIndex{kKeys};
  const Members<n> m(f, kIndex, &rest, "flow");
  // Counts are never negative: another value is kept as invalid.
  const auto count = [&](std::size_t i, core::FieldKey key) -> std::optional<std::int64_t> {
    if (const auto v = m.num(i); v && *v >= 0) {
      out.set_int(key, *v);
      return v;
    }
    if (const auto e = m.element(i)) {
      keep_element(out, key.view(), *e);
    }
    return std::nullopt;
  };
  const auto bts = count(bytes_toserver, "source.bytes");
  const auto btc = count(bytes_toclient, "destination.bytes");
  const auto pts = count(pkts_toserver, "source.packets");
  const auto ptc = count(pkts_toclient, "destination.packets");
  if (bts && btc) {
    out.set_int("network.bytes", *bts + *btc);
  }
  if (pts && ptc) {
    out.set_int("network.packets", *pts + *ptc);
  }
  copy_time(out, "event.start", m.element(start));
  copy_time(out, "event.end", m.element(end));
  copy_str(out, "suricata.eve.flow.state", m, state);
  copy_str(out, "suricata.eve.flow.reason", m, reason);
  copy_num(out, "suricata.eve.flow.age", m, age);
  copy_bool(out, "suricata.eve.flow.alerted", m, alerted);
}

void map_dns(object d, core::Event& out, Rest& rest) {
  enum : std::uint8_t { type, rcode, id, rrname, rrtype, queries, answers, n };

  static constexpr std::array<std::string_view, n> kKeys = {"type",   "rcode",   "id",     "rrname",
                                                            "rrtype", "queries", "answers"};
  static constexpr KeyIndex<n> kIndex{kKeys};
  const Members<n> m(d, kIndex, &rest, "dns");
  copy_str(out, "dns.type", m, type);
  copy_str(out, "dns.response_code", m, rcode);
  if (const auto v = m.num(id)) {
    std::array<char, core::kJsonNumberBound> buf{};
    const auto r = std::to_chars(buf.data(), buf.data() + buf.size(), *v);
    out.set("dns.id", std::string_view{buf.data(), static_cast<std::size_t>(r.ptr - buf.data())});
  }
  // EVE v1 puts rrname/rrtype on the record; v2 answers and v3 use a "queries" array.
  std::string_view name = m.str(rrname);
  std::string_view qtype = m.str(rrtype);
  simdjson::dom::array list;
  if (const auto q = m.element(queries);
      name.empty() && q && q->get_array().get(list) == simdjson::SUCCESS) {
    for (const auto item : list) {
      object qo;
      if (item.get_object().get(qo) == simdjson::SUCCESS) {
        name = json::str(qo, "rrname");
        qtype = json::str(qo, "rrtype");
        break;
      }
    }
  }
  copy_str(out, "dns.question.name", name);
  copy_str(out, "dns.question.type", qtype);
  if (const auto a = m.element(answers)) {
    out.set("suricata.eve.dns.answers", compact_json(*a));
  }
}

void map_http(object h, core::Event& out, Rest& rest) {
  enum : std::uint8_t {
    hostname,
    url,
    http_method,
    status,
    http_user_agent,
    http_refer,
    http_content_type,
    length,
    protocol,
    n
  };

  static constexpr std::array<std::string_view, n> kKeys = {
      "hostname",          "url",    "http_method", "status", "http_user_agent", "http_refer",
      "http_content_type", "length", "protocol"};
  static constexpr KeyIndex<n> kIndex{kKeys};
  const Members<n> m(h, kIndex, &rest, "http");
  copy_str(out, "url.domain", m, hostname);
  if (const auto u = m.str(url); !u.empty()) {
    out.set("url.original", u);
    const auto q = u.find('?');
    out.set("url.path", u.substr(0, q));
    if (q != std::string_view::npos && q + 1 < u.size()) {
      out.set("url.query", u.substr(q + 1));
    }
  }
  copy_str(out, "http.request.method", m, http_method);
  copy_num(out, "http.response.status_code", m, status);
  copy_str(out, "user_agent.original", m, http_user_agent);
  copy_str(out, "http.request.referrer", m, http_refer);
  copy_str(out, "http.response.mime_type", m, http_content_type);
  copy_num(out, "http.response.body.bytes", m, length);
  if (const auto proto = m.str(protocol); proto.starts_with("HTTP/")) {
    out.set("http.version", proto.substr(5));
  }
}

void map_tls(object t, core::Event& out, std::string& scratch, Rest& rest) {
  enum : std::uint8_t {
    sni,
    subject,
    issuerdn,
    notbefore,
    notafter,
    version,
    fingerprint,
    ja3,
    ja3s,
    n
  };

  static constexpr std::array<std::string_view, n> kKeys = {"sni",         "subject",  "issuerdn",
                                                            "notbefore",   "notafter", "version",
                                                            "fingerprint", "ja3",      "ja3s"};
  static constexpr KeyIndex<n> kIndex{kKeys};
  const Members<n> m(t, kIndex, &rest, "tls");
  copy_str(out, "tls.client.server_name", m, sni);
  copy_str(out, "tls.server.subject", m, subject);
  copy_str(out, "tls.server.issuer", m, issuerdn);
  copy_str(out, "tls.server.not_before", m, notbefore);
  copy_str(out, "tls.server.not_after", m, notafter);
  if (const auto v = m.str(version); !v.empty()) {
    // "TLS 1.2" -> version "1.2", version_protocol "tls".
    if (const auto sp = v.find(' '); sp != std::string_view::npos && v.substr(0, sp) == "TLS") {
      out.set("tls.version", v.substr(sp + 1));
      out.set_text("tls.version_protocol", "tls");
    } else {
      out.set("tls.version", v);
    }
  }
  if (const auto fp = m.str(fingerprint); !fp.empty()) {
    scratch.clear();
    for (const char c : fp) {
      if (c != ':') {
        scratch.push_back(c >= 'a' && c <= 'f' ? static_cast<char>(c - 'a' + 'A') : c);
      }
    }
    out.set("tls.server.hash.sha1", scratch);
  }
  if (const auto o = m.sub(ja3)) {
    copy_str(out, "tls.client.ja3", json::str(*o, "hash"));
    copy_str(out, "suricata.eve.tls.ja3.string", json::str(*o, "string"));
  }
  if (const auto o = m.sub(ja3s)) {
    copy_str(out, "tls.server.ja3s", json::str(*o, "hash"));
    copy_str(out, "suricata.eve.tls.ja3s.string", json::str(*o, "string"));
  }
}

void map_fileinfo(object f, core::Event& out, Rest& rest) {
  enum : std::uint8_t { filename, md5, sha1, sha256, size, magic, state, stored, n };

  static constexpr std::array<std::string_view, n> kKeys = {"filename", "md5",   "sha1",  "sha256",
                                                            "size",     "magic", "state", "stored"};
  static constexpr KeyIndex<n> kIndex{kKeys};
  const Members<n> m(f, kIndex, &rest, "fileinfo");
  if (const auto name = m.str(filename); !name.empty()) {
    out.set("file.path", name);
    const auto slash = name.find_last_of('/');
    out.set("file.name", slash == std::string_view::npos ? name : name.substr(slash + 1));
  }
  copy_str(out, "file.hash.md5", m, md5);
  copy_str(out, "file.hash.sha1", m, sha1);
  copy_str(out, "file.hash.sha256", m, sha256);
  copy_num(out, "file.size", m, size);
  copy_str(out, "suricata.eve.fileinfo.magic", m, magic);
  copy_str(out, "suricata.eve.fileinfo.state", m, state);
  copy_bool(out, "suricata.eve.fileinfo.stored", m, stored);
}

// A scalar member under a written-out key, typed as flatten_json would; false for objects and
// arrays (which the caller flattens).
auto set_scalar(core::Event& out, core::FieldKey key, simdjson::dom::element e) -> bool {
  switch (e.type()) {
    case element_type::STRING:
      out.set(key, e.get_string().value_unsafe());
      return true;
    case element_type::INT64:
      out.set_int(key, e.get_int64().value_unsafe());
      return true;
    case element_type::UINT64:
      if (const auto v = int_of(e)) {
        out.set_int(key, *v);
      } else {
        out.set_double(key, static_cast<double>(e.get_uint64().value_unsafe()));
      }
      return true;
    case element_type::DOUBLE:
      out.set_double(key, e.get_double().value_unsafe());
      return true;
    case element_type::BOOL:
      out.set_bool(key, e.get_bool().value_unsafe());
      return true;
    case element_type::NULL_VALUE:
      return true;
    case element_type::OBJECT:
    case element_type::ARRAY:
      return false;
  }
  return false;
}

// `json` with each control byte (< 0x20) inside a string written as \u00XX, as JSON wants;
// the parsed value then holds the byte itself, as text parsers keep it.
void escape_controls(std::string_view json, std::string& out) {
  out.clear();
  bool in_string = false;
  for (std::size_t i = 0; i < json.size(); ++i) {
    const auto c = static_cast<unsigned char>(json[i]);
    if (in_string && c < 0x20) {
      static constexpr std::string_view kHex = "0123456789abcdef";
      out.append("\\u00");
      out.push_back(kHex[c >> 4U]);
      out.push_back(kHex[c & 0xFU]);
      continue;
    }
    out.push_back(static_cast<char>(c));
    if (c == '"') {
      in_string = !in_string;
    } else if (c == '\\' && in_string && i + 1 < json.size()) {
      out.push_back(json[++i]);  // the escaped byte, a quote included
    }
  }
}

}  // namespace

auto EveParser::parse(std::string_view json, const ParseContext& ctx, core::Event& out,
                      bool require_eve) -> std::string_view {
  return parse_shape(json, ctx, out, require_eve ? JsonShape::eve : JsonShape::any);
}

auto EveParser::parse_shape(std::string_view json, const ParseContext& ctx, core::Event& out,
                            JsonShape want) -> std::string_view {
  // simdjson reads up to SIMDJSON_PADDING bytes past the end. When the caller's buffer has
  // them, parse in place; else parse a padded copy that is reused across lines (grown, never
  // shrunk).
  // In place only when the text ends with '}': simdjson looks one byte past a number or an
  // atom, and a record cut after one must fail the same way (the copy is followed by NULs)
  // whatever follows the line in the caller's buffer.
  const char* input = json.data();
  if (ctx.readable_after < simdjson::SIMDJSON_PADDING || json.empty() || json.back() != '}') {
    if (json.size() + simdjson::SIMDJSON_PADDING > cap_) {
      cap_ = json.size() + simdjson::SIMDJSON_PADDING;
      buf_ = std::make_unique<char[]>(cap_);
    }
    std::memcpy(buf_.get(), json.data(), json.size());
    std::memset(buf_.get() + json.size(), 0, simdjson::SIMDJSON_PADDING);
    input = buf_.get();
  }

  element doc;
  // DOM parsing fails (TAPE_ERROR) on trailing content such as a second document, so
  // '{"a":1}{"b":2}' is rejected rather than read as its first object.
  if (const auto err = parser_.parse(input, json.size(), false).get(doc);
      err != simdjson::SUCCESS) {
    // A repaired copy (a member buffer, read with nothing after it) is parsed instead; the
    // buffer's own text failing again gives the reason.
    const auto retry = [&](const std::string& copy) {
      ParseContext c = ctx;
      c.readable_after = 0;
      return parse_shape(copy, c, out, want);
    };
    switch (err) {
      case simdjson::UTF8_ERROR:
        // A stray byte must not cost the whole record: parse a copy with invalid bytes
        // replaced by U+FFFD (as the writer would show them; the caller counts them).
        if (json.data() != repaired_.data()) {
          core::repair_utf8(json, repaired_);
          return retry(repaired_);
        }
        return "invalid JSON: not valid UTF-8";
      case simdjson::UNESCAPED_CHARS:
        // Raw control bytes (NUL, tab) inside strings: escape them in a copy and parse that.
        if (json.data() != escaped_.data()) {
          escape_controls(json, escaped_);
          return retry(escaped_);
        }
        return "invalid JSON: unescaped control character in a string";
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
    const std::string_view event_type = json::str(root, "event_type");
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

// EVE's "tcp" object under suricata.eve.tcp, as flatten_json would write it; `key` holds
// "suricata.eve.tcp" and is used for members without a written-out key.
void EveParser::flatten_tcp(object tcp, core::Event& out, std::size_t& budget) {
  const std::size_t n = key_.size();
  for (const auto field : tcp) {
    if (budget == 0) {
      return;
    }
    if (const auto i = kTcpIndex.find(field.key);
        i < kTcpMembers.size() && set_scalar(out, kTcpKeys[i], field.value)) {
      budget -= field.value.is_null() ? 0 : 1;
      continue;
    }
    key_.push_back('.');
    append_key_segment(key_, field.key);
    flatten_json(field.value, key_, out, 2, budget);
    key_.resize(n);
  }
}

void EveParser::map_eve(object root, std::string_view event_type, const ParseContext& ctx,
                        core::Event& out) {
  if (event_type == "alert") {
    out.set_text("event.kind", "alert");
  } else {
    out.set_text("event.kind", "event");
  }
  out.set_text("event.module", "suricata");
  out.set_text("event.dataset", "suricata.eve");
  out.set_text("event.category", category_of(event_type));
  out.set_text("event.type", type_of(event_type));
  out.set_text("observer.vendor", "OISF");
  out.set_text("observer.product", "Suricata");
  out.set_text("observer.type", "ids");
  out.set("suricata.eve.event_type", event_type);

  // One pass over the top level (at_key is a linear scan per call): remember the members
  // mapped to ECS, flatten the rest under suricata.eve.
  std::array<std::optional<element>, kRootKeys.size()> slot;
  std::size_t budget = kMaxFlattenFields;
  for (const auto field : root) {
    if (const auto i = kRootIndex.find(field.key); i < k_root_keys) {
      slot[i] = field.value;
      continue;
    }
    if (field.key == "flow_id" && budget > 0
        && set_scalar(out, "suricata.eve.flow_id", field.value)) {
      budget -= field.value.is_null() ? 0 : 1;
      continue;
    }
    key_.assign("suricata.eve.");
    append_key_segment(key_, field.key);
    if (object tcp; field.key == "tcp" && field.value.get_object().get(tcp) == simdjson::SUCCESS) {
      flatten_tcp(tcp, out, budget);
      continue;
    }
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
  // Values of the wrong type are kept under siem.invalid (keep_element).
  const auto port = [&](RootKey k, core::FieldKey field) {
    if (!slot[k]) {
      return;
    }
    if (const auto v = int_of(*slot[k]); v && *v >= 0 && *v <= 65535) {
      out.set_int(field, *v);
    } else if (std::string_view sv;
               slot[k]->get_string().get(sv) != simdjson::SUCCESS || !set_port(out, field, sv)) {
      keep_element(out, field.view(), *slot[k]);
    }
  };
  const auto ip = [&](RootKey k, core::FieldKey field) {
    if (std::string_view sv;
        slot[k]
        && (slot[k]->get_string().get(sv) != simdjson::SUCCESS || !set_ip(out, field, sv))) {
      keep_element(out, field.view(), *slot[k]);
    }
  };

  if (const auto t = core::parse_rfc3339(text(k_timestamp), ctx.tz_offset_minutes)) {
    out.timestamp = t;
  } else if (slot[k_timestamp]) {
    keep_element(out, "@timestamp", *slot[k_timestamp]);
  }
  ip(k_src_ip, "source.ip");
  port(k_src_port, "source.port");
  ip(k_dest_ip, "destination.ip");
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
  Rest rest{key_, budget, out};
  if (const auto a = section(k_alert)) {
    map_alert(*a, out, rest);
  }
  if (const auto f = section(k_flow)) {
    map_flow(*f, out, rest);
  }
  if (const auto d = section(k_dns)) {
    map_dns(*d, out, rest);
  }
  if (const auto h = section(k_http)) {
    map_http(*h, out, rest);
  }
  if (const auto t = section(k_tls)) {
    map_tls(*t, out, tmp_, rest);
  }
  if (const auto f = section(k_fileinfo)) {
    map_fileinfo(*f, out, rest);
  }
}

}  // namespace siem::parsers::detail
