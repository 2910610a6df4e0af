#include "json_shapes.hpp"
#include "json_access.hpp"

#include "common.hpp"
#include "eve.hpp"
#include "siem/core/time.hpp"

#include <array>
#include <charconv>
#include <limits>
#include <optional>
#include <utility>

namespace siem::parsers::detail {
namespace {

using simdjson::dom::array;
using simdjson::dom::element;
using simdjson::dom::element_type;
using simdjson::dom::object;

constexpr int kMaxFlattenDepth = 8;
constexpr std::size_t kMaxFlattenFields = 512;
constexpr std::size_t kMaxWinData = 256;

using json::int_of;
using json::member;
using json::str;
using json::sub;

void set_str(core::Event& out, std::string_view key, std::string_view v) {
  if (!v.empty()) {
    out.set(key, v);
  }
}

// A time in a JSON value: RFC 3339 text, or epoch seconds / milliseconds as a number or digits.
auto time_of(element e, int tz) -> std::optional<core::TimeMs> {
  std::string_view s;
  if (e.get_string().get(s) == simdjson::SUCCESS) {
    if (const auto t = core::parse_rfc3339(s, tz)) {
      return t;
    }
    if (const auto n = parse_int(s)) {
      return *n > 100'000'000'000 ? *n : *n * 1000;
    }
    return std::nullopt;
  }
  double d = 0;
  if (const auto i = int_of(e)) {
    d = static_cast<double>(*i);
  } else if (e.type() == element_type::DOUBLE) {
    d = e.get_double().value_unsafe();
  } else {
    return std::nullopt;
  }
  if (d <= 0 || d > 1e16) {
    return std::nullopt;
  }
  // Epoch seconds until year 5138; larger values are milliseconds.
  return d > 1e11 ? static_cast<core::TimeMs>(d) : static_cast<core::TimeMs>(d * 1000.0);
}

// C asctime "Mon Aug 28 08:04:30 2023" (Zscaler audit), zone-less.
auto parse_asctime(std::string_view s, int tz) -> std::optional<core::TimeMs> {
  if (s.size() != 24 || s[3] != ' ' || s[7] != ' ' || s[10] != ' ' || s[13] != ':'
      || s[16] != ':' || s[19] != ' ') {
    return std::nullopt;
  }
  const unsigned mo = core::month_from_abbrev(s.substr(4, 3));
  const auto day = parse_int(s.substr(8, 2)[0] == ' ' ? s.substr(9, 1) : s.substr(8, 2));
  const auto h = parse_int(s.substr(11, 2));
  const auto mi = parse_int(s.substr(14, 2));
  const auto se = parse_int(s.substr(17, 2));
  const auto y = parse_int(s.substr(20, 4));
  if (mo == 0 || !day || !h || !mi || !se || !y || *day < 1 || *day > 31 || *h > 23 || *mi > 59
      || *se > 60) {
    return std::nullopt;
  }
  const auto days = core::days_from_civil(static_cast<int>(*y), mo, static_cast<unsigned>(*day));
  return ((days * 86400) + (*h * 3600) + (*mi * 60) + *se - tz * 60LL) * 1000;
}

auto lower_into(std::string_view s, std::string& buf) -> std::string_view {
  return to_lower(s, buf);
}

// Attribute of an EVTX-dump element: {"#attributes":{"Name":..}} (evtx_dump) or {"@Name":..}
// (xmltodict-style dumps).
auto evtx_attr(object o, std::string_view name, std::string_view at_name) -> std::string_view {
  if (const auto a = sub(o, "#attributes")) {
    if (const auto v = str(*a, name); !v.empty()) {
      return v;
    }
  }
  if (const auto v = str(o, at_name); !v.empty()) {
    return v;
  }
  return str(o, name);
}

void set_audit_from_bits(std::uint64_t kw, WinEvent& w) {
  if ((kw & 0x0020000000000000ULL) != 0) {
    w.audit = WinAudit::success;
  } else if ((kw & 0x0010000000000000ULL) != 0) {
    w.audit = WinAudit::failure;
  }
}

void set_audit_from_hex(std::string_view s, WinEvent& w) {
  if (!s.starts_with("0x") || s.size() > 18 || s.size() < 3) {
    return;
  }
  std::uint64_t v = 0;
  const auto [p, ec] = std::from_chars(s.data() + 2, s.data() + s.size(), v, 16);
  if (ec == std::errc{} && p == s.data() + s.size()) {
    set_audit_from_bits(v, w);
  }
}

// NXLog im_msvistalog system keys; every other top-level key is EventData.
constexpr std::array<std::string_view, 30> kNxlogSystemKeys = {
    "EventTime",     "Hostname",        "Keywords",         "EventType",   "SeverityValue",
    "Severity",      "EventID",         "SourceName",       "ProviderGuid", "Version",
    "Task",          "OpcodeValue",     "Opcode",           "RecordNumber", "ActivityID",
    "RelatedActivityID", "ProcessID",   "ThreadID",         "Channel",     "Domain",
    "AccountName",   "UserID",          "AccountType",      "Category",    "Message",
    "EventReceivedTime", "SourceModuleName", "SourceModuleType", "MessageSourceAddress",
    "EventTimeWritten"};

auto is_nxlog_system_key(std::string_view k) -> bool {
  for (const auto s : kNxlogSystemKeys) {
    if (s == k) {
      return true;
    }
  }
  return false;
}

// A MAC address in ECS form (`94-C6-91-58-3E-3A`) from `94c691583e3a`, `94:c6:..` or
// `94-c6-..`; anything else is not written.
void set_mac(core::Event& out, std::string_view key, std::string_view v) {
  std::array<char, 17> mac{};
  std::size_t n = 0;
  for (const char c : v) {
    if (c == ':' || c == '-') {
      continue;
    }
    const bool hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    if (!hex || n >= 12) {
      return;
    }
    if (n > 0 && n % 2 == 0) {
      mac[n + n / 2 - 1] = '-';
    }
    mac[n + n / 2] = c >= 'a' ? static_cast<char>(c - 'a' + 'A') : c;
    ++n;
  }
  if (n == 12) {
    out.set(key, std::string_view{mac.data(), mac.size()});
  }
}

auto okta_outcome(std::string_view r) -> std::string_view {
  if (r == "SUCCESS" || r == "ALLOW") {
    return "success";
  }
  if (r == "FAILURE" || r == "DENY") {
    return "failure";
  }
  return {};
}

}  // namespace

namespace {

void append_compact(element e, std::string& out) {
  switch (e.type()) {
    case element_type::OBJECT: {
      out.push_back('{');
      const object obj = e.get_object().value_unsafe();
      bool first = true;
      for (const auto field : obj) {
        if (!first) {
          out.push_back(',');
        }
        first = false;
        core::append_json_string(out, field.key);
        out.push_back(':');
        append_compact(field.value, out);
      }
      out.push_back('}');
      return;
    }
    case element_type::ARRAY: {
      out.push_back('[');
      const simdjson::dom::array arr = e.get_array().value_unsafe();
      bool first = true;
      for (const auto item : arr) {
        if (!first) {
          out.push_back(',');
        }
        first = false;
        append_compact(item, out);
      }
      out.push_back(']');
      return;
    }
    case element_type::STRING:
      core::append_json_string(out, e.get_string().value_unsafe());
      return;
    case element_type::INT64:
      core::append_json_int(out, e.get_int64().value_unsafe());
      return;
    case element_type::UINT64: {
      std::array<char, 24> buf{};
      const auto r =
          std::to_chars(buf.data(), buf.data() + buf.size(), e.get_uint64().value_unsafe());
      out.append(buf.data(), r.ptr);
      return;
    }
    case element_type::DOUBLE:
      core::append_json_double(out, e.get_double().value_unsafe());
      return;
    case element_type::BOOL:
      out.append(e.get_bool().value_unsafe() ? "true" : "false");
      return;
    case element_type::NULL_VALUE:
      out.append("null");
      return;
  }
}

}  // namespace

auto compact_json(element e) -> std::string_view {
  thread_local std::string text;
  text.clear();
  append_compact(e, text);
  return text;
}

void flatten_json(element e, std::string& key, core::Event& out, int depth, std::size_t& budget) {
  if (budget == 0) {
    return;
  }
  switch (e.type()) {
    case element_type::OBJECT: {
      if (depth >= kMaxFlattenDepth) {
        out.set(key, compact_json(e));
        --budget;
        return;
      }
      const std::size_t n = key.size();
      // Keep the object in a named local: ranging over a temporary result's member dangles.
      const object obj = e.get_object().value_unsafe();
      for (const auto field : obj) {
        key.push_back('.');
        append_key_segment(key, field.key);
        flatten_json(field.value, key, out, depth + 1, budget);
        key.resize(n);
      }
      return;
    }
    case element_type::ARRAY:
      out.set(key, compact_json(e));
      break;
    case element_type::STRING:
      out.set(key, e.get_string().value_unsafe());
      break;
    case element_type::INT64:
      out.set_int(key, e.get_int64().value_unsafe());
      break;
    case element_type::UINT64: {
      const std::uint64_t u = e.get_uint64().value_unsafe();
      if (u <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
        out.set_int(key, static_cast<std::int64_t>(u));
      } else {
        out.set_double(key, static_cast<double>(u));
      }
      break;
    }
    case element_type::DOUBLE:
      out.set_double(key, e.get_double().value_unsafe());
      break;
    case element_type::BOOL:
      out.set_bool(key, e.get_bool().value_unsafe());
      break;
    case element_type::NULL_VALUE:
      return;
  }
  --budget;
}

auto JsonShapes::detect(object root) -> JsonShape {
  if (const auto ev = sub(root, "Event"); ev && sub(*ev, "System")) {
    return JsonShape::windows_evtx;
  }
  if (sub(root, "winlog")) {
    return JsonShape::winlogbeat;
  }
  if (member(root, "EventID") && (member(root, "SourceName") || member(root, "Channel"))) {
    return JsonShape::windows_nxlog;
  }
  if (!str(root, "_path").empty()
      || (member(root, "id.orig_h") && (member(root, "uid") || member(root, "ts")))) {
    return JsonShape::zeek;
  }
  if (member(root, "eventVersion") && member(root, "eventSource") && member(root, "eventName")) {
    return JsonShape::cloudtrail;
  }
  if (member(root, "eventType") && member(root, "published")) {
    return JsonShape::okta;
  }
  if (str(root, "sourcetype").starts_with("zscalernss") && sub(root, "event")) {
    return JsonShape::zscaler;
  }
  // Qi-Anxin 天擎: log_name with a 天擎 version, a logcenter:skylar-* log name, or the
  // report_ip + content pair of its records (vendor-formats-cn.md section 6C).
  if (const auto ln = str(root, "log_name"); !ln.empty()) {
    if (str(root, "version").find("天擎") != std::string_view::npos
        || ln.find("skylar") != std::string_view::npos
        || (member(root, "report_ip") && sub(root, "content"))) {
      return JsonShape::qianxin_tianqing;
    }
  }
  return JsonShape::generic;
}

auto JsonShapes::text_of(element e) -> std::string_view {
  switch (e.type()) {
    case element_type::STRING:
      return e.get_string().value_unsafe();
    case element_type::INT64:
    case element_type::UINT64:
    case element_type::DOUBLE: {
      std::array<char, 32> num{};
      std::to_chars_result r{};
      if (e.type() == element_type::INT64) {
        r = std::to_chars(num.data(), num.data() + num.size(), e.get_int64().value_unsafe());
      } else if (e.type() == element_type::UINT64) {
        r = std::to_chars(num.data(), num.data() + num.size(), e.get_uint64().value_unsafe());
      } else {
        r = std::to_chars(num.data(), num.data() + num.size(), e.get_double().value_unsafe());
      }
      if (r.ec != std::errc{}) {
        return {};
      }
      return text_.add({num.data(), static_cast<std::size_t>(r.ptr - num.data())});
    }
    case element_type::BOOL:
      return e.get_bool().value_unsafe() ? "true" : "false";
    case element_type::OBJECT: {
      // {"#text": ...} of an element with attributes.
      const object o = e.get_object().value_unsafe();
      element t;
      if (o.at_key("#text").get(t) == simdjson::SUCCESS && !t.is_object()) {
        return text_of(t);
      }
      return text_.add(compact_json(e));  // any other object: kept as its JSON
    }
    case element_type::ARRAY:
      return text_.add(compact_json(e));
    case element_type::NULL_VALUE:
      return {};
  }
  return {};
}

auto JsonShapes::map(object root, JsonShape shape, std::size_t json_size, const ParseContext& ctx,
                     core::Event& out) -> std::string_view {
  text_.reset(json_size + 256);
  switch (shape) {
    case JsonShape::windows_evtx:
    case JsonShape::winlogbeat:
    case JsonShape::windows_nxlog:
      return windows(root, shape, ctx, out);
    case JsonShape::zeek:
      return zeek(root, ctx, out);
    case JsonShape::cloudtrail:
      return cloudtrail(root, ctx, out);
    case JsonShape::okta:
      return okta(root, ctx, out);
    case JsonShape::zscaler:
      return zscaler(root, ctx, out);
    case JsonShape::qianxin_tianqing:
      return tianqing(root, ctx, out);
    case JsonShape::generic:
    case JsonShape::any:
    case JsonShape::eve:
      generic(root, ctx, out);
      return {};
  }
  return {};
}

auto JsonShapes::windows(object root, JsonShape shape, const ParseContext& ctx, core::Event& out)
    -> std::string_view {
  WinEvent& w = win_;
  w.clear();
  w.shape = shape == JsonShape::windows_evtx  ? WinShape::evtx_json
            : shape == JsonShape::winlogbeat ? WinShape::winlogbeat
                                             : WinShape::nxlog_json;
  const auto add_data = [&](std::string_view k, element v) {
    if (w.data.size() >= kMaxWinData || k == "#attributes") {
      return;
    }
    const auto t = text_of(v);
    if (!t.empty()) {
      w.data.emplace_back(k, t);
    }
  };
  if (shape == JsonShape::windows_evtx) {
    const auto ev = sub(root, "Event");
    const auto sys = ev ? sub(*ev, "System") : std::nullopt;
    if (!sys) {
      return "JSON object has no Event.System (not an EVTX dump)";
    }
    if (const auto p = sub(*sys, "Provider")) {
      w.provider = evtx_attr(*p, "Name", "@Name");
    }
    if (const auto id = member(*sys, "EventID")) {
      w.event_id = text_of(*id);
    }
    if (const auto t = sub(*sys, "TimeCreated")) {
      w.time = evtx_attr(*t, "SystemTime", "@SystemTime");
    }
    if (const auto x = sub(*sys, "Execution")) {
      w.process_id = evtx_attr(*x, "ProcessID", "@ProcessID");
      w.thread_id = evtx_attr(*x, "ThreadID", "@ThreadID");
    }
    if (const auto s = sub(*sys, "Security")) {
      w.user_sid = evtx_attr(*s, "UserID", "@UserID");
    }
    if (const auto r = member(*sys, "EventRecordID")) {
      w.record_id = text_of(*r);
    }
    for (const auto k : {"Level", "Task", "Opcode"}) {
      if (const auto v = member(*sys, k)) {
        (std::string_view{k} == "Level" ? w.level
         : std::string_view{k} == "Task" ? w.task
                                         : w.opcode) = text_of(*v);
      }
    }
    w.channel = str(*sys, "Channel");
    w.computer = str(*sys, "Computer");
    set_audit_from_hex(str(*sys, "Keywords"), w);
    if (const auto ed = sub(*ev, "EventData")) {
      array items;
      object one;
      if (ed->at_key("Data").get_array().get(items) == simdjson::SUCCESS) {
        std::size_t n = 0;
        for (const auto item : items) {
          object io;
          if (item.get_object().get(io) == simdjson::SUCCESS) {
            auto name = str(io, "@Name");
            if (name.empty()) {
              name = evtx_attr(io, "Name", "Name");
            }
            element t;
            if (!name.empty() && io.at_key("#text").get(t) == simdjson::SUCCESS) {
              add_data(name, t);
            }
          } else if (std::string_view s; item.get_string().get(s) == simdjson::SUCCESS) {
            std::array<char, 16> num{};
            const auto r = std::to_chars(num.data(), num.data() + num.size(), ++n);
            const auto key = text_.add(std::string_view{"param"});
            const auto digits =
                text_.add({num.data(), static_cast<std::size_t>(r.ptr - num.data())});
            if (!key.empty() && !digits.empty() && w.data.size() < kMaxWinData) {
              w.data.emplace_back(std::string_view{key.data(), key.size() + digits.size()}, s);
            }
          }
        }
      } else if (ed->at_key("Data").get_object().get(one) == simdjson::SUCCESS
                 && !str(one, "@Name").empty()) {
        element t;
        if (one.at_key("#text").get(t) == simdjson::SUCCESS) {
          add_data(str(one, "@Name"), t);
        }
      } else {
        for (const auto f : *ed) {
          add_data(f.key, f.value);
        }
      }
    }
    if (const auto ud = sub(*ev, "UserData")) {
      for (const auto f : *ud) {
        object inner;
        if (f.value.get_object().get(inner) == simdjson::SUCCESS) {
          for (const auto g : inner) {
            add_data(g.key, g.value);
          }
        }
      }
    }
    if (const auto ri = sub(*ev, "RenderingInfo")) {
      w.message = str(*ri, "Message");
    }
  } else if (shape == JsonShape::winlogbeat) {
    const auto wl = sub(root, "winlog");
    if (!wl) {
      return "JSON object has no winlog (not Winlogbeat)";
    }
    if (const auto id = member(*wl, "event_id")) {
      w.event_id = text_of(*id);
    }
    w.provider = str(*wl, "provider_name");
    w.channel = str(*wl, "channel");
    w.computer = str(*wl, "computer_name");
    if (w.computer.empty()) {
      if (const auto h = sub(root, "host")) {
        w.computer = str(*h, "name");
      }
    }
    if (const auto r = member(*wl, "record_id")) {
      w.record_id = text_of(*r);
    }
    if (const auto p = sub(*wl, "process")) {
      if (const auto pid = member(*p, "pid")) {
        w.process_id = text_of(*pid);
      }
      if (const auto th = sub(*p, "thread")) {
        if (const auto tid = member(*th, "id")) {
          w.thread_id = text_of(*tid);
        }
      }
    }
    if (const auto u = sub(*wl, "user")) {
      w.user_sid = str(*u, "identifier");
    }
    w.task = str(*wl, "task");
    w.opcode = str(*wl, "opcode");
    array kws;
    if (wl->at_key("keywords").get_array().get(kws) == simdjson::SUCCESS) {
      for (const auto k : kws) {
        std::string_view s;
        if (k.get_string().get(s) == simdjson::SUCCESS) {
          if (s == "Audit Success") {
            w.audit = WinAudit::success;
          } else if (s == "Audit Failure") {
            w.audit = WinAudit::failure;
          }
        }
      }
    }
    if (const auto t = member(root, "@timestamp")) {
      w.time = text_of(*t);
    }
    if (const auto lg = sub(root, "log")) {
      w.level = str(*lg, "level");
    }
    w.message = str(root, "message");
    for (const auto k : {"event_data", "user_data"}) {
      if (const auto ed = sub(*wl, k)) {
        for (const auto f : *ed) {
          add_data(f.key, f.value);
        }
      }
    }
  } else {
    if (const auto id = member(root, "EventID")) {
      w.event_id = text_of(*id);
    }
    w.provider = str(root, "SourceName");
    w.channel = str(root, "Channel");
    w.computer = str(root, "Hostname");
    if (const auto t = member(root, "EventTime")) {
      w.time = text_of(*t);  // another type than text is kept as invalid
    }
    if (const auto r = member(root, "RecordNumber")) {
      w.record_id = text_of(*r);
    }
    if (const auto p = member(root, "ProcessID")) {
      w.process_id = text_of(*p);
    }
    if (const auto t = member(root, "ThreadID")) {
      w.thread_id = text_of(*t);
    }
    w.user_sid = str(root, "UserID");
    w.account_name = str(root, "AccountName");
    w.account_domain = str(root, "Domain");
    w.level = str(root, "Severity");
    w.message = str(root, "Message");
    if (const auto t = member(root, "Task")) {
      w.task = text_of(*t);
    }
    if (const auto kw = member(root, "Keywords")) {
      if (const auto i = int_of(*kw)) {
        set_audit_from_bits(static_cast<std::uint64_t>(*i), w);
      } else {
        set_audit_from_hex(str(root, "Keywords"), w);
      }
    }
    for (const auto f : root) {
      if (!is_nxlog_system_key(f.key)) {
        add_data(f.key, f.value);
      }
    }
  }
  if (w.event_id.empty()) {
    return "Windows event without an event id";
  }
  map_windows(w, ctx, out, key_);
  return {};
}

auto JsonShapes::zeek(object root, const ParseContext& ctx, core::Event& out) -> std::string_view {
  ZeekRecord& r = zeek_;
  r.fields.clear();
  r.path = str(root, "_path");
  std::size_t budget = kMaxFlattenFields;
  for (const auto f : root) {
    if (budget-- == 0) {
      break;
    }
    ZeekField z{f.key, {}, ZeekType::string};
    switch (f.value.type()) {
      case element_type::STRING:
        z.text = f.value.get_string().value_unsafe();
        break;
      case element_type::INT64:
      case element_type::UINT64:
        z.text = text_of(f.value);
        z.type = ZeekType::integer;
        break;
      case element_type::DOUBLE:
        z.text = text_of(f.value);
        z.type = ZeekType::real;
        break;
      case element_type::BOOL:
        z.text = f.value.get_bool().value_unsafe() ? "T" : "F";
        z.type = ZeekType::boolean;
        break;
      case element_type::ARRAY: {
        // Joined by ',' as the TSV writer's set separator does.
        text_.begin();
        bool first = true;
        bool ok = true;
        const array a = f.value.get_array().value_unsafe();
        for (const auto item : a) {
          if (item.is_object() || item.is_array()) {
            continue;
          }
          std::string_view s;
          std::array<char, 32> num{};
          if (item.get_string().get(s) != simdjson::SUCCESS) {
            std::to_chars_result res{};
            if (item.is_int64()) {
              res = std::to_chars(num.data(), num.data() + num.size(), item.get_int64().value_unsafe());
            } else if (item.is_double()) {
              res = std::to_chars(num.data(), num.data() + num.size(), item.get_double().value_unsafe());
            } else {
              continue;
            }
            s = std::string_view{num.data(), static_cast<std::size_t>(res.ptr - num.data())};
          }
          if (!first) {
            ok = ok && text_.push(',');
          }
          first = false;
          for (const char c : s) {
            ok = ok && text_.push(c);
          }
        }
        if (!ok) {
          continue;
        }
        z.text = text_.finish();
        z.type = ZeekType::list;
        break;
      }
      case element_type::OBJECT:
      case element_type::NULL_VALUE:
        continue;
    }
    if (z.key == "ts" || z.key.ends_with("_ts")) {
      z.type = ZeekType::time;
    }
    if (!z.text.empty()) {
      r.fields.push_back(z);
    }
  }
  if (r.path.empty()) {
    // Logs written without _path: infer the log from its distinctive fields.
    const auto has = [&](std::string_view k) { return r.find(k) != nullptr; };
    r.path = has("query") && has("qtype_name") ? "dns"
             : has("method") || has("uri")      ? "http"
             : has("server_name") || has("cipher") ? "ssl"
             : has("auth_success") || has("host_key") ? "ssh"
             : has("conn_state")                ? "conn"
             : has("note")                      ? "notice"
             : has("fuid") && has("mime_type")   ? "files"
             : has("certificate.subject")       ? "x509"
             : has("msg_types")                 ? "dhcp"
                                                : std::string_view{};
  }
  map_zeek(r, ctx, out, key_, buf_);
  return {};
}

auto JsonShapes::cloudtrail(object root, const ParseContext& ctx, core::Event& out)
    -> std::string_view {
  const auto name = str(root, "eventName");
  if (name.empty()) {
    return "JSON object has no eventName (not CloudTrail)";
  }
  out.set("event.kind", "event");
  out.set("event.module", "aws");
  out.set("event.dataset", "aws.cloudtrail");
  out.set("cloud.provider", "aws");
  out.set("event.action", name);
  set_str(out, "event.provider", str(root, "eventSource"));
  set_str(out, "event.id", str(root, "eventID"));
  set_str(out, "cloud.region", str(root, "awsRegion"));
  set_str(out, "cloud.account.id", str(root, "recipientAccountId"));
  const auto time = core::parse_rfc3339(str(root, "eventTime"), ctx.tz_offset_minutes);
  if (time) {
    out.timestamp = time;
  }
  if (const auto src = str(root, "sourceIPAddress"); !src.empty()) {
    out.set("source.address", src);
    if (!set_ip(out, "source.ip", src)) {
      out.set("source.domain", src);
    }
  }
  set_str(out, "user_agent.original", str(root, "userAgent"));
  if (const auto err = str(root, "errorCode"); !err.empty()) {
    out.set("event.outcome", "failure");
    out.set("error.code", err);
    set_str(out, "error.message", str(root, "errorMessage"));
  } else if (const auto e = member(root, "errorCode"); !e || e->is_null()) {
    // No error: the call succeeded. (An errorCode of another type says nothing either way.)
    out.set("event.outcome", "success");
  }
  if (const auto ui = sub(root, "userIdentity")) {
    set_str(out, "user.id", str(*ui, "principalId"));
    auto user = str(*ui, "userName");
    if (user.empty()) {
      if (const auto sc = sub(*ui, "sessionContext")) {
        if (const auto si = sub(*sc, "sessionIssuer")) {
          user = str(*si, "userName");
        }
      }
    }
    set_str(out, "user.name", user);
    if (!out.has("cloud.account.id")) {
      set_str(out, "cloud.account.id", str(*ui, "accountId"));
    }
  }
  std::size_t budget = kMaxFlattenFields;
  for (const auto f : root) {
    const auto k = f.key;
    // Members mapped above, unless of a type the mapping could not use: those are kept here.
    if (f.value.is_string()
        && (k == "eventName" || k == "eventSource" || k == "eventID" || k == "awsRegion"
            || (k == "eventTime" && time) || k == "sourceIPAddress" || k == "userAgent")) {
      continue;
    }
    key_.assign("aws.cloudtrail.");
    append_key_segment(key_, k);
    if (k == "requestParameters" || k == "responseElements" || k == "additionalEventData") {
      // Free-form per API: kept as JSON text so that field names cannot explode.
      if (!f.value.is_null()) {
        out.set(key_, compact_json(f.value));
      }
      continue;
    }
    flatten_json(f.value, key_, out, 1, budget);
  }
  return {};
}

auto JsonShapes::okta(object root, const ParseContext& ctx, core::Event& out) -> std::string_view {
  const auto type = str(root, "eventType");
  if (type.empty()) {
    return "JSON object has no eventType (not an Okta System Log event)";
  }
  out.set("event.kind", "event");
  out.set("event.module", "okta");
  out.set("event.dataset", "okta.system");
  out.set("observer.vendor", "Okta");
  out.set("observer.product", "Okta System Log");
  out.set("event.action", type);
  if (type.starts_with("user.authentication") || type == "user.session.start") {
    out.set("event.category", "authentication");
    out.set("event.type", "start");
  } else if (type == "user.session.end") {
    out.set("event.category", "session");
    out.set("event.type", "end");
  } else if (type.starts_with("user.account") || type.starts_with("user.lifecycle")
             || type.starts_with("group.")) {
    out.set("event.category", "iam");
    out.set("event.type", type.ends_with(".create")   ? "creation"
                          : type.ends_with(".delete") ? "deletion"
                                                      : "change");
  }
  const auto published = core::parse_rfc3339(str(root, "published"), ctx.tz_offset_minutes);
  if (published) {
    out.timestamp = published;
  }
  set_str(out, "event.id", str(root, "uuid"));
  set_str(out, "message", str(root, "displayMessage"));
  if (const auto sev = str(root, "severity"); !sev.empty()) {
    out.set("log.level", lower_into(sev, buf_));
  }
  if (const auto oc = sub(root, "outcome")) {
    if (const auto o = okta_outcome(str(*oc, "result")); !o.empty()) {
      out.set("event.outcome", o);
    }
    set_str(out, "event.reason", str(*oc, "reason"));
  }
  if (const auto a = sub(root, "actor")) {
    set_str(out, "user.name", str(*a, "alternateId"));
    set_str(out, "user.full_name", str(*a, "displayName"));
    set_str(out, "user.id", str(*a, "id"));
  }
  if (const auto c = sub(root, "client")) {
    set_ip_if_valid(out, "source.ip", str(*c, "ipAddress"));
    if (const auto ua = sub(*c, "userAgent")) {
      set_str(out, "user_agent.original", str(*ua, "rawUserAgent"));
    }
    if (const auto g = sub(*c, "geographicalContext")) {
      set_str(out, "source.geo.city_name", str(*g, "city"));
      set_str(out, "source.geo.region_name", str(*g, "state"));
      set_str(out, "source.geo.country_name", str(*g, "country"));
    }
  }
  if (const auto sc = sub(root, "securityContext")) {
    if (const auto asn = member(*sc, "asNumber")) {
      if (const auto n = int_of(*asn)) {
        out.set_int("source.as.number", *n);
      }
    }
    set_str(out, "source.as.organization.name", str(*sc, "asOrg"));
    set_str(out, "source.domain", str(*sc, "domain"));
  }
  std::size_t budget = kMaxFlattenFields;
  for (const auto f : root) {
    const auto k = f.key;
    // Mapped above, unless of a type the mapping could not use.
    if (f.value.is_string()
        && (k == "eventType" || (k == "published" && published) || k == "uuid"
            || k == "displayMessage")) {
      continue;
    }
    key_.assign("okta.");
    append_key_segment(key_, k);
    flatten_json(f.value, key_, out, 1, budget);
  }
  return {};
}

auto JsonShapes::zscaler(object root, const ParseContext& ctx, core::Event& out)
    -> std::string_view {
  const auto st = str(root, "sourcetype");
  const auto ev = sub(root, "event");
  if (!ev) {
    return "JSON object has no event object (not a Zscaler NSS record)";
  }
  out.set("event.kind", "event");
  out.set("event.module", "zscaler");
  out.set("observer.vendor", "Zscaler");
  out.set("observer.product", "ZIA");
  out.set("zscaler.zia.sourcetype", st);
  const auto kind = st.substr(std::string_view{"zscalernss-"}.size() <= st.size() ? 11 : st.size());
  key_.assign("zscaler.");
  append_key_segment(key_, kind);
  out.set("event.dataset", key_);
  const auto e = *ev;
  std::optional<core::TimeMs> t = core::parse_rfc3339(str(e, "datetime"), ctx.tz_offset_minutes);
  if (!t) {
    t = parse_asctime(str(e, "datetime"), ctx.tz_offset_minutes);
  }
  if (!t) {
    t = parse_asctime(str(e, "time"), ctx.tz_offset_minutes);
  }
  if (!t) {
    t = core::parse_rfc3339(str(e, "time"), ctx.tz_offset_minutes);
  }
  if (t) {
    out.timestamp = t;
  }
  const auto known = [](std::string_view v) {
    return !v.empty() && v != "None" && v != "NA" && v != "N/A" && v != " ";
  };
  if (const auto a = str(e, "action"); !a.empty()) {
    out.set("event.action", lower_into(a, buf_));
  }
  if (kind == "web") {
    out.set("event.category", "web");
    out.set("event.type", "access");
    out.set("observer.type", "proxy");
    set_ip_if_valid(out, "source.ip", str(e, "ClientIP"));
    set_ip_if_valid(out, "destination.ip", str(e, "serverip"));
    if (const auto u = str(e, "url"); known(u)) {
      out.set("url.original", u);
      // NSS writes the URL without its scheme: "host/path?query".
      const auto slash = u.find('/');
      if (slash != std::string_view::npos) {
        const auto rest = u.substr(slash);
        const auto q = rest.find('?');
        out.set("url.path", rest.substr(0, q));
        if (q != std::string_view::npos && q + 1 < rest.size()) {
          out.set("url.query", rest.substr(q + 1));
        }
      }
    }
    if (const auto h = str(e, "hostname"); known(h)) {
      out.set("url.domain", h);
      out.set("destination.domain", h);
    }
    if (const auto m = str(e, "requestmethod"); known(m)) {
      out.set("http.request.method", m);
    }
    if (const auto s = parse_int(str(e, "status")); s && *s >= 100 && *s <= 999) {
      out.set_int("http.response.status_code", *s);
    }
    if (const auto ua = str(e, "useragent"); known(ua)) {
      out.set("user_agent.original", ua);
    }
    if (const auto r = str(e, "refererURL"); known(r)) {
      out.set("http.request.referrer", r);
    }
    if (const auto n = parse_int(str(e, "requestsize"))) {
      out.set_int("http.request.bytes", *n);
    }
    if (const auto n = parse_int(str(e, "responsesize"))) {
      out.set_int("http.response.bytes", *n);
    }
    if (const auto ct = str(e, "contenttype"); known(ct)) {
      out.set("http.response.mime_type", ct);
    }
    if (const auto p = str(e, "protocol"); known(p)) {
      out.set("network.protocol", lower_into(p, buf_));
    }
    set_str(out, "event.reason", str(e, "reason"));
    // NSS "user" is the login (an e-mail address); "deviceowner" the device's owner account.
    const auto user = str(e, "user");
    if (user.find('@') != std::string_view::npos) {
      out.set("user.email", user);
    }
    if (const auto owner = str(e, "deviceowner"); known(owner)) {
      out.set("user.name", owner);
    } else if (known(user)) {
      out.set("user.name", user);
    }
  } else if (kind == "audit") {
    out.set("event.category", "configuration");
    out.set("event.type", "change");
    set_ip_if_valid(out, "source.ip", str(e, "clientip"));
    if (const auto r = str(e, "result"); r == "SUCCESS") {
      out.set("event.outcome", "success");
    } else if (r == "FAILURE") {
      out.set("event.outcome", "failure");
    }
    if (const auto admin = str(e, "adminid"); known(admin)) {
      out.set("user.name", admin);
    }
  } else if (kind == "fw") {
    out.set("event.category", "network");
    out.set("event.type", "connection");
    out.set("observer.type", "firewall");
    set_ip_if_valid(out, "source.ip", str(e, "csip"));
    set_port_if_valid(out, "source.port", str(e, "csport"));
    set_ip_if_valid(out, "destination.ip", str(e, "cdip"));
    set_port_if_valid(out, "destination.port", str(e, "cdport"));
    if (const auto p = str(e, "proto"); p == "TCP" || p == "UDP" || p == "ICMP") {
      out.set("network.transport", lower_into(p, buf_));
    }
  } else if (kind == "dns") {
    out.set("event.category", "network");
    out.set("event.type", "protocol");
    set_ip_if_valid(out, "source.ip", str(e, "cip"));
    set_ip_if_valid(out, "destination.ip", str(e, "sip"));
    set_str(out, "dns.question.name", str(e, "req"));
    set_str(out, "dns.question.type", str(e, "reqtype"));
  }
  std::size_t budget = kMaxFlattenFields;
  for (const auto f : e) {
    key_.assign("zscaler.zia.");
    append_key_segment(key_, f.key);
    flatten_json(f.value, key_, out, 1, budget);
  }
  return {};
}

// Qi-Anxin 天擎 (Skylar) EDR: {"version":"天擎6.6.0.4000","log_name":..,"log_id":..,
// "create_time":"yyyy-mm-dd hh:mm:ss","ip":..,"report_ip":..,"mac":"94c691583e3a",
// "content":{..}} (vendor-formats-cn.md section 6C). Known keys map to ECS; every key is also
// kept under qianxin.tianqing.<key>, except a text log_id (event.id) and a create_time that
// parsed (@timestamp).
auto JsonShapes::tianqing(object root, const ParseContext& ctx, core::Event& out)
    -> std::string_view {
  const auto log_name = str(root, "log_name");
  if (log_name.empty()) {
    return "JSON object has no log_name (not a Qi-Anxin 天擎 record)";
  }
  out.set("event.module", "qianxin");
  out.set("event.dataset", "qianxin.tianqing");
  out.set("observer.vendor", "Qi-Anxin");
  out.set("observer.product", "天擎");
  out.set("observer.type", "edr");
  constexpr std::string_view kProduct = "天擎";
  if (auto v = str(root, "version"); !v.empty()) {
    if (v.starts_with(kProduct)) {
      v.remove_prefix(kProduct.size());
    }
    set_str(out, "observer.version", v);
  }
  // log_name: Chinese module names (病毒分析 virus analysis, 漏洞管理 vulnerability management)
  // or logcenter:skylar-client_<kind> for the behaviour logs.
  const auto has = [&](std::string_view w) {
    return log_name.find(w) != std::string_view::npos;
  };
  std::string_view kind = "event";
  std::string_view category;
  std::string_view type = "info";
  if (has("病毒") || has("virus")) {
    kind = "alert";
    category = "malware";
  } else if (has("漏洞") || has("vul")) {
    category = "vulnerability";
  } else if (has("process_running") || has("_process")) {
    category = "process";
  } else if (has("processsocket") || has("socket")) {
    category = "network";
    type = "connection";
  } else if (has("file_operations")) {
    category = "file";
  } else if (has("registry")) {
    category = "registry";
    type = "change";
  } else if (has("udisk")) {
    category = "host";
  }
  out.set("event.kind", kind);
  if (!category.empty()) {
    out.set("event.category", category);
  }
  out.set("event.type", type);
  const auto log_id = str(root, "log_id");
  set_str(out, "event.id", log_id);
  const auto created = core::parse_rfc3339(str(root, "create_time"), ctx.tz_offset_minutes);
  if (created) {
    out.timestamp = created;  // device-local time
  }
  set_ip_if_valid(out, "host.ip", str(root, "ip"));
  set_mac(out, "host.mac", str(root, "mac"));
  if (const auto c = sub(root, "content")) {
    tianqing_content(*c, ctx, out);
  }
  std::size_t budget = kMaxFlattenFields;
  for (const auto f : root) {
    if ((f.key == "log_id" && !log_id.empty()) || (f.key == "create_time" && created)) {
      continue;  // written as event.id / @timestamp
    }
    key_.assign("qianxin.tianqing.");
    append_key_segment(key_, f.key);
    flatten_json(f.value, key_, out, 1, budget);
  }
  return {};
}

// The content object of a 天擎 record: virus logs (name, virus_path, login_user,
// client_name) and process logs (cmdline, pid, process_*, terminal, sip, operate).
void JsonShapes::tianqing_content(object c, const ParseContext& ctx, core::Event& out) {
  struct Text {
    std::string_view key;
    std::string_view field;
  };

  static constexpr std::array<Text, 12> kText = {{
      {"name", "threat.software.name"},
      {"virus_path", "file.path"},
      {"login_user", "user.name"},
      {"process_user", "user.name"},
      {"client_name", "host.name"},
      {"terminal", "host.name"},
      {"cmdline", "process.command_line"},
      {"process_name", "process.name"},
      {"process_path", "process.executable"},
      {"process_md5", "process.hash.md5"},
      {"process_parent_path", "process.parent.executable"},
      {"process_parent_md5", "process.parent.hash.md5"},
  }};
  for (const auto& t : kText) {
    set_str(out, t.field, str(c, t.key));
  }
  // pid and parent pid: numbers (or digit strings); anything else stays vendor data only.
  for (const auto& [key, field] :
       {std::pair<std::string_view, std::string_view>{"pid", "process.pid"},
        {"process_parent_pid", "process.parent.pid"}}) {
    if (const auto v = member(c, key)) {
      std::optional<std::int64_t> n = int_of(*v);
      if (!n) {
        n = parse_int(str(c, key));
      }
      if (n && *n >= 0) {
        out.set_int(field, *n);
      }
    }
  }
  if (!out.has("host.ip")) {
    set_ip_if_valid(out, "host.ip", str(c, "sip"));
  }
  if (const auto t = core::parse_rfc3339(str(c, "starttime"), ctx.tz_offset_minutes)) {
    buf_.clear();
    core::append_rfc3339(buf_, *t);
    out.set("process.start", buf_);
  }
  if (const auto op = str(c, "operate"); !op.empty()) {
    out.set("event.action", op);
    if (op == "start") {
      out.set("event.type", "start");
    } else if (op == "stop") {
      out.set("event.type", "end");
    }
  }
}

void JsonShapes::generic(object root, const ParseContext& ctx, core::Event& out) {
  out.set("event.kind", "event");
  out.set("event.dataset", "json");
  for (const std::string_view k :
       {"@timestamp", "timestamp", "time", "ts", "eventTime", "date", "datetime"}) {
    if (const auto v = member(root, k)) {
      if (const auto t = time_of(*v, ctx.tz_offset_minutes)) {
        out.timestamp = t;
        break;
      }
    }
  }
  key_.assign("json");
  std::size_t budget = kMaxFlattenFields;
  const std::size_t n = key_.size();
  for (const auto f : root) {
    key_.resize(n);
    key_.push_back('.');
    append_key_segment(key_, f.key);
    flatten_json(f.value, key_, out, 1, budget);
  }
}

namespace {

/// A JSON shape as a forced registry format (`--format windows/winlogbeat`, ...). In `auto`
/// the JSON path recognises these shapes before the registry runs, so detect() is false.
class JsonShapeParser final : public FormatParser {
public:
  JsonShapeParser(JsonShape shape, FormatInfo info) : shape_(shape), info_(std::move(info)) {}

  [[nodiscard]] auto info() const -> const FormatInfo& override { return info_; }

  [[nodiscard]] auto detect(const Input& /*in*/) const -> bool override { return false; }

  auto parse(const Input& in, const ParseContext& ctx, core::Event& out)
      -> std::string_view override {
    if (in.payload.empty() || in.payload.front() != '{') {
      return "not a JSON object";
    }
    // Envelope first: a host named by the record itself wins over the forwarder's.
    apply_syslog_origin(in.header, out);
    return eve_.parse_shape(in.payload, ctx, out, shape_);
  }

private:
  JsonShape shape_;
  FormatInfo info_;
  EveParser eve_;
};

}  // namespace

void add_json_shape_parsers(FormatList& out) {
  out.push_back(std::make_unique<JsonShapeParser>(
      JsonShape::windows_evtx,
      FormatInfo{"windows/evtx-json", "Windows events as EVTX-dump JSON (Event.System/EventData)",
                 "JSON object with Event.System (JSON path)", "experimental",
                 R"({"Event":{"System":{"Provider":{"#attributes":{"Name":"Microsoft-Windows-Security-Auditing"}},"EventID":4624,"Channel":"Security","Computer":"pc1"},"EventData":{"TargetUserName":"bob","IpAddress":"10.0.0.5"}}})"}));
  out.push_back(std::make_unique<JsonShapeParser>(
      JsonShape::winlogbeat,
      FormatInfo{"windows/winlogbeat", "Windows events as shipped by Winlogbeat",
                 "JSON object with a winlog object (JSON path)", "experimental",
                 R"({"@timestamp":"2026-11-27T01:02:03.000Z","winlog":{"event_id":"4625","provider_name":"Microsoft-Windows-Security-Auditing","event_data":{"TargetUserName":"bob"}}})"}));
  out.push_back(std::make_unique<JsonShapeParser>(
      JsonShape::windows_nxlog,
      FormatInfo{"windows/nxlog-json", "Windows events as NXLog im_msvistalog JSON (to_json)",
                 "JSON object with EventID and SourceName or Channel (JSON path)", "stable",
                 R"({"EventTime":"2026-11-27 01:02:03","Hostname":"pc1.example.org","EventID":4624,"SourceName":"Microsoft-Windows-Security-Auditing","Channel":"Security","TargetUserName":"bob"})"}));
  out.push_back(std::make_unique<JsonShapeParser>(
      JsonShape::zeek,
      FormatInfo{"zeek/json", "Zeek JSON logs (conn, dns, http, ssl, ssh, files, notice, ...)",
                 "JSON object with _path, or id.orig_h with uid or ts (JSON path)", "experimental",
                 R"({"_path":"conn","ts":1764205323.1,"uid":"C1","id.orig_h":"10.0.0.1","id.orig_p":5000,"id.resp_h":"10.0.0.2","id.resp_p":80,"proto":"tcp"})"}));
  out.push_back(std::make_unique<JsonShapeParser>(
      JsonShape::cloudtrail,
      FormatInfo{"aws/cloudtrail", "AWS CloudTrail records (one record per line)",
                 "JSON object with eventVersion, eventSource and eventName (JSON path)",
                 "experimental",
                 R"({"eventVersion":"1.08","eventTime":"2026-11-27T01:02:03Z","eventSource":"iam.amazonaws.com","eventName":"CreateUser","awsRegion":"us-east-1","sourceIPAddress":"203.0.113.5"})"}));
  out.push_back(std::make_unique<JsonShapeParser>(
      JsonShape::okta,
      FormatInfo{"okta/system-log", "Okta System Log events", 
                 "JSON object with eventType and published (JSON path)", "stable",
                 R"({"uuid":"u1","published":"2026-11-27T01:02:03.000Z","eventType":"user.session.start","actor":{"alternateId":"bob@example.org"},"outcome":{"result":"SUCCESS"}})"}));
  out.push_back(std::make_unique<JsonShapeParser>(
      JsonShape::zscaler,
      FormatInfo{"zscaler/nss-json", "Zscaler ZIA NSS feeds in JSON (web, audit, fw, dns)",
                 "JSON object with sourcetype zscalernss-* and an event object (JSON path)",
                 "stable",
                 R"({"sourcetype":"zscalernss-web","event":{"datetime":"2026-11-27 01:02:03","action":"Allowed","ClientIP":"10.0.0.1"}})"}));
  out.push_back(std::make_unique<JsonShapeParser>(
      JsonShape::qianxin_tianqing,
      FormatInfo{
          "qianxin/tianqing",
          "Qi-Anxin 天擎 (Skylar) EDR JSON records (virus, vulnerability, process, file, "
          "registry, socket, USB logs), bare or after 'host skylar_log[pid]: '",
          "JSON object with log_name and a 天擎 version, a logcenter:skylar-* log_name, "
          "or report_ip with a content object (JSON path)",
          "experimental",
          R"(<6>{"version":"天擎6.6.0.4000","log_name":"病毒分析","log_id":"7a33b6ab","create_time":"2019-11-06 14:58:17","ip":"192.168.0.211","report_ip":"192.168.0.211","mac":"94c691583e3a","content":{"name":"Risk.Blacklist.AccessDeined","virus_path":"C:\\x.zip"}})"}));
}

}  // namespace siem::parsers::detail
