// Sangfor EDR syslog (cn family): `sangfor EDR.[pid]: <type> : [ {JSON}, ... ]`.
//
// Field naming: known JSON keys map to ECS; every other scalar key is kept under
// `sangfor.edr.<key>` with its JSON type (string, integer, bool, double). Nested objects and
// arrays other than the record list are not flattened: they are kept as their JSON text.
#include "cn_common.hpp"
#include "cn_parsers.hpp"
#include "json_shapes.hpp"
#include <simdjson.h>

#include <array>
#include <cstring>
#include <memory>

namespace siem::parsers::detail::cn {
namespace {

constexpr Product kSangforEdr{"Sangfor", "EDR", "edr", "sangfor", "sangfor.edr"};

constexpr std::array<KeyMap, 6> kEdrKeys = {{
    {"att_src", Slot::src_ip, {}},
    {"att_times", Slot::ns_int, {}},
    {"virus_name", Slot::threat_name, {}},
    {"_id", Slot::ns, "id"},
    {"state", Slot::ns, {}},
    {"event_type", Slot::ns, {}},
}};

// Epoch seconds (10-11 digits) or milliseconds (12-14 digits); anything else is not a time.
auto epoch_ms(std::int64_t v) -> std::optional<core::TimeMs> {
  if (v >= 100'000'000 && v < 100'000'000'000) {
    return v * 1000;
  }
  if (v >= 100'000'000'000 && v < 100'000'000'000'000) {
    return v;
  }
  return std::nullopt;
}

struct TypeClass {
  std::string_view type;
  std::string_view kind;
  std::string_view category;
};

// The EDR record types of vendor-formats-cn.md section 4.
constexpr std::array<TypeClass, 8> kEdrTypes = {{
    {"nofile_attack", "alert", "malware"},
    {"virus", "alert", "malware"},
    {"Webshell", "alert", "malware"},
    {"anti_bfa", "alert", "authentication"},
    {"Botnet", "alert", "intrusion_detection"},
    {"leak", "alert", "vulnerability"},
    {"blscan", "alert", "vulnerability"},
    {"flux", "event", "network"},
}};

/// Sangfor EDR manager syslog: `sangfor EDR.[pid]: <type> : [ {JSON} ]` with `\u`-escaped
/// strings (types nofile_attack, virus, anti_bfa, Webshell, Botnet, leak, blscan, flux). The
/// first record of the array is mapped. Uses a reused simdjson DOM parser and padded buffer.
/// Owned by one worker.
class SangforEdrParser final : public FormatParser {
public:
  SangforEdrParser()
      : info_{"sangfor/edr", "Sangfor EDR manager alerts (brute force, virus, webshell, ...)",
              "'EDR.[' program tag followed by '<type> : [' JSON records", "experimental",
              "<165>Sep 14 16:49:01 sangfor EDR.[26566]: anti_bfa : [{\"_id\":\"3cc8\","
              "\"found_time\":1626902415,\"att_src\":\"10.122.18.149\",\"att_times\":300}]"} {}

  [[nodiscard]] auto info() const -> const FormatInfo& override { return info_; }

  [[nodiscard]] auto detect(const Input& in) const -> bool override {
    const auto p = in.line.find("EDR.[");
    return p != std::string_view::npos && in.line.find(" : ", p) != std::string_view::npos;
  }

  auto parse(const Input& in, const ParseContext& ctx, core::Event& out)
      -> std::string_view override {
    Envelope env;
    parse_envelope(in.line, ctx, env);
    const std::string_view rest = env.rest;
    const auto tag = rest.find("EDR.[");
    if (tag == std::string_view::npos) {
      return "no Sangfor EDR.[pid] tag";
    }
    const auto colon = rest.find("]:", tag);
    if (colon == std::string_view::npos) {
      return "no Sangfor EDR.[pid] tag";
    }
    const std::string_view body = trim(rest.substr(colon + 2));
    const auto sep = body.find(" : ");
    if (sep == std::string_view::npos) {
      return "no Sangfor EDR record type";
    }
    const std::string_view type = trim(body.substr(0, sep));
    const std::string_view json = trim(body.substr(sep + 3));
    w_.begin(out, kSangforEdr, env);
    if (const auto host = trim(rest.substr(0, tag)); !host.empty()) {
      out.set("observer.hostname", host);
    }
    out.set("event.code", type);
    out.set("event.kind", "alert");
    for (const auto& t : kEdrTypes) {
      if (t.type == type) {
        out.set("event.kind", t.kind);
        out.set("event.category", t.category);
      }
    }
    records(json, out);
    return {};
  }

private:
  void records(std::string_view json, core::Event& out) {
    // simdjson reads up to SIMDJSON_PADDING bytes past the end: parse a reused padded copy.
    if (json.size() + simdjson::SIMDJSON_PADDING > cap_) {
      cap_ = json.size() + simdjson::SIMDJSON_PADDING;
      buf_ = std::make_unique<char[]>(cap_);  // NOLINT(modernize-avoid-c-arrays)
    }
    std::memcpy(buf_.get(), json.data(), json.size());
    std::memset(buf_.get() + json.size(), 0, simdjson::SIMDJSON_PADDING);
    simdjson::dom::element doc;
    if (const auto err = parser_.parse(buf_.get(), json.size(), false).get(doc); err) {
      out.set("error.message", simdjson::error_message(err));
      return;
    }
    simdjson::dom::object rec;
    if (simdjson::dom::array arr; doc.get_array().get(arr) == simdjson::SUCCESS) {
      w_.put_ns_int(out, "record_count", static_cast<std::int64_t>(arr.size()));
      for (auto e : arr) {
        if (e.get_object().get(rec) == simdjson::SUCCESS) {
          break;
        }
      }
    } else if (doc.get_object().get(rec) != simdjson::SUCCESS) {
      out.set("error.message", "EDR record is not a JSON object or array");
      return;
    }
    std::optional<core::TimeMs> found;
    std::optional<core::TimeMs> reported;
    for (auto field : rec) {
      const std::string_view key = field.key;
      const auto v = field.value;
      std::string_view s;
      std::int64_t i = 0;
      if (v.get_string().get(s) == simdjson::SUCCESS) {
        if (key == "host_name") {
          out.set("host.name", s);
        } else if (key == "agent_id") {
          out.set("agent.id", s);
        } else if (key == "iplist" && is_ip(s)) {
          out.set("host.ip", s);
        } else if (key == "file_path") {
          out.set("file.path", s);
        } else if (key == "file_md5") {
          out.set("file.hash.md5", s);
        } else {
          w_.put(out, lookup(kEdrKeys, key), key, s);
        }
      } else if (v.get_int64().get(i) == simdjson::SUCCESS) {
        if (key == "found_time") {
          found = epoch_ms(i);
          w_.put_ns_int(out, key, i);
        } else if (key == "time") {
          reported = epoch_ms(i);
          w_.put_ns_int(out, key, i);
        } else if (key == "agent_id") {
          out.set_int("agent.id", i);
        } else {
          w_.put_ns_int(out, key == "_id" ? std::string_view{"id"} : key, i);
        }
      } else if (bool b = false; v.get_bool().get(b) == simdjson::SUCCESS) {
        out.set_bool(w_.ns(key), b);
      } else if (double d = 0; v.get_double().get(d) == simdjson::SUCCESS) {
        out.set_double(w_.ns(key), d);
      } else if (!v.is_null()) {
        w_.put_ns(out, key, compact_json(v));  // objects and arrays, as JSON text
      }
    }
    // found_time is when the EDR saw the event; time when it was reported.
    if (found) {
      out.timestamp = found;
    } else if (reported) {
      out.timestamp = reported;
    }
  }

  FormatInfo info_;
  Writer w_;
  simdjson::dom::parser parser_;
  std::unique_ptr<char[]> buf_;  // NOLINT(modernize-avoid-c-arrays)
  std::size_t cap_ = 0;
};

}  // namespace

auto make_sangfor_edr() -> std::unique_ptr<FormatParser> {
  return std::make_unique<SangforEdrParser>();
}

}  // namespace siem::parsers::detail::cn
