#include "json_zeek.hpp"

#include "common.hpp"
#include "format.hpp"
#include "json_formats.hpp"
#include "siem/core/time.hpp"

#include <charconv>
#include <cmath>
#include <optional>

namespace siem::parsers::detail {

auto ZeekRecord::find(std::string_view key) const -> const ZeekField* {
  for (const auto& f : fields) {
    if (f.key == key) {
      return &f;
    }
  }
  return nullptr;
}

namespace {

// Zeek times: epoch seconds with a fraction ("1254243533.032625"), or RFC 3339 in JSON logs
// written with JSON::TS_ISO8601.
auto zeek_time(std::string_view s) -> std::optional<core::TimeMs> {
  if (s.size() >= 19 && s[4] == '-') {
    return core::parse_rfc3339(s);
  }
  const auto dot = s.find('.');
  const auto secs = parse_int(s.substr(0, dot));
  if (!secs || *secs < 0 || *secs > 253402300799) {
    return std::nullopt;
  }
  std::int64_t ms = 0;
  if (dot != std::string_view::npos) {
    int scale = 100;
    for (std::size_t i = dot + 1; i < s.size(); ++i) {
      const char c = s[i];
      if (c < '0' || c > '9') {
        return std::nullopt;
      }
      ms += (c - '0') * scale;
      scale /= 10;
    }
  }
  return *secs * 1000 + ms;
}

auto parse_real(std::string_view s) -> std::optional<double> {
  double v = 0;
  const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || p != s.data() + s.size() || !std::isfinite(v)) {
    return std::nullopt;
  }
  return v;
}

auto parse_bool(std::string_view s) -> std::optional<bool> {
  if (s == "T" || s == "true") {
    return true;
  }
  if (s == "F" || s == "false") {
    return false;
  }
  return std::nullopt;
}

// Sets an integer field; false (the value stays under zeek.*) when the text is not one.
auto set_int_field(core::Event& out, std::string_view key, std::string_view text) -> bool {
  if (const auto v = parse_int(text); v && *v >= 0) {
    out.set_int(key, *v);
    return true;
  }
  return false;
}

// Zeek writes MACs as "00:1a:e9:9d:53:b7"; ECS wants "00-1A-E9-9D-53-B7".
void set_mac(core::Event& out, std::string_view key, std::string_view mac, std::string& buf) {
  if (mac.size() != 17) {
    return;
  }
  buf.clear();
  for (std::size_t i = 0; i < mac.size(); ++i) {
    const char c = mac[i];
    if (i % 3 == 2) {
      if (c != ':' && c != '-') {
        return;
      }
      buf.push_back('-');
    } else if ((c >= '0' && c <= '9') || (c >= 'A' && c <= 'F')) {
      buf.push_back(c);
    } else if (c >= 'a' && c <= 'f') {
      buf.push_back(static_cast<char>(c - 'a' + 'A'));
    } else {
      return;
    }
  }
  out.set(key, buf);
}

void set_url(core::Event& out, std::string_view uri) {
  out.set("url.original", uri);
  const auto q = uri.find('?');
  out.set("url.path", uri.substr(0, q));
  if (q != std::string_view::npos && q + 1 < uri.size()) {
    out.set("url.query", uri.substr(q + 1));
  }
}

auto path_protocol(std::string_view path) -> std::string_view {
  if (path == "dns" || path == "http" || path == "ssh" || path == "dhcp" || path == "rdp"
      || path == "ftp" || path == "kerberos" || path == "smtp" || path == "snmp"
      || path == "dce_rpc" || path == "ntlm" || path == "sip" || path == "radius") {
    return path;
  }
  if (path == "ssl") {
    return "tls";
  }
  if (path.starts_with("smb")) {
    return "smb";
  }
  return {};
}

// Maps the fields of one log type; returns true when `f` was consumed.
auto map_path_field(std::string_view path, const ZeekField& f, core::Event& out,
                    std::string& buf) -> bool {
  const auto k = f.key;
  const auto v = f.text;
  if (path == "conn") {
    if (k == "orig_ip_bytes") {
      return set_int_field(out, "source.bytes", v);
    }
    if (k == "resp_ip_bytes") {
      return set_int_field(out, "destination.bytes", v);
    }
    if (k == "orig_pkts") {
      return set_int_field(out, "source.packets", v);
    }
    if (k == "resp_pkts") {
      return set_int_field(out, "destination.packets", v);
    }
    return false;
  }
  if (path == "dns") {
    if (k == "query") {
      out.set("dns.question.name", v);
    } else if (k == "qtype_name") {
      out.set("dns.question.type", v);
    } else if (k == "rcode_name") {
      out.set("dns.response_code", v);
    } else if (k == "trans_id") {
      out.set("dns.id", v);
    } else {
      return false;
    }
    return true;
  }
  if (path == "http") {
    if (k == "method") {
      out.set("http.request.method", v);
    } else if (k == "host") {
      out.set("url.domain", v);
    } else if (k == "uri") {
      set_url(out, v);
    } else if (k == "status_code") {
      if (const auto s = parse_int(v); s && *s >= 100 && *s <= 999) {
        out.set_int("http.response.status_code", *s);
      } else {
        return false;
      }
    } else if (k == "user_agent") {
      out.set("user_agent.original", v);
    } else if (k == "referrer") {
      out.set("http.request.referrer", v);
    } else if (k == "request_body_len") {
      return set_int_field(out, "http.request.body.bytes", v);
    } else if (k == "response_body_len") {
      return set_int_field(out, "http.response.body.bytes", v);
    } else if (k == "version") {
      out.set("http.version", v);
    } else if (k == "username") {
      out.set("user.name", v);
    } else {
      return false;
    }
    return true;
  }
  if (path == "ssl") {
    if (k == "server_name") {
      out.set("tls.client.server_name", v);
    } else if (k == "version") {
      // "TLSv12" -> tls 1.2, "TLSv13" -> 1.3, "SSLv3" -> ssl 3.
      if (v.starts_with("TLSv") && v.size() == 6) {
        buf.assign(1, v[4]).append(1, '.').append(1, v[5]);
        out.set("tls.version", buf);
        out.set("tls.version_protocol", "tls");
      } else if (v.starts_with("SSLv") && v.size() == 5) {
        out.set("tls.version", v.substr(4));
        out.set("tls.version_protocol", "ssl");
      }
      return false;  // keep zeek.ssl.version too
    } else if (k == "cipher") {
      out.set("tls.cipher", v);
    } else if (k == "established") {
      const auto b = parse_bool(v);
      if (!b) {
        return false;
      }
      out.set_bool("tls.established", *b);
    } else if (k == "resumed") {
      const auto b = parse_bool(v);
      if (!b) {
        return false;
      }
      out.set_bool("tls.resumed", *b);
    } else if (k == "ja3") {
      out.set("tls.client.ja3", v);
    } else if (k == "ja3s") {
      out.set("tls.server.ja3s", v);
    } else if (k == "subject") {
      out.set("tls.server.subject", v);
    } else if (k == "issuer") {
      out.set("tls.server.issuer", v);
    } else {
      return false;
    }
    return true;
  }
  if (path == "ssh" || path == "kerberos") {
    if (k == "auth_success" || k == "success") {
      if (const auto b = parse_bool(v)) {
        out.set("event.outcome", *b ? "success" : "failure");
      }
    }
    return false;
  }
  if (path == "files" || path == "smb_files") {
    if (k == "md5") {
      out.set("file.hash.md5", v);
    } else if (k == "sha1") {
      out.set("file.hash.sha1", v);
    } else if (k == "sha256") {
      out.set("file.hash.sha256", v);
    } else if (k == "filename" || k == "name") {
      out.set("file.name", v);
    } else if (k == "mime_type") {
      out.set("file.mime_type", v);
    } else if (k == "total_bytes" || k == "size") {
      if (const auto s = parse_int(v); s && *s >= 0) {
        out.set_int("file.size", *s);
      } else {
        return false;
      }
    } else {
      return false;
    }
    return true;
  }
  if (path == "notice") {
    if (k == "note") {
      out.set("rule.name", v);
    } else if (k == "msg") {
      out.set("message", v);
    } else if (k == "src") {
      return set_ip(out, "source.ip", v);
    } else if (k == "dst") {
      return set_ip(out, "destination.ip", v);
    } else if (k == "p") {
      return set_port(out, "destination.port", v);
    } else {
      return false;
    }
    return true;
  }
  if (path == "x509") {
    if (k == "certificate.subject") {
      out.set("x509.subject.distinguished_name", v);
    } else if (k == "certificate.issuer") {
      out.set("x509.issuer.distinguished_name", v);
    } else if (k == "certificate.serial") {
      out.set("x509.serial_number", v);
    } else if (k == "certificate.key_alg") {
      out.set("x509.public_key_algorithm", v);
    } else if (k == "certificate.sig_alg") {
      out.set("x509.signature_algorithm", v);
    } else if (k == "certificate.not_valid_before" || k == "certificate.not_valid_after") {
      const auto t = zeek_time(v);
      if (!t) {
        return false;
      }
      buf.clear();
      core::append_rfc3339(buf, *t);
      out.set(
          core::pick_key(k == "certificate.not_valid_before", "x509.not_before", "x509.not_after"),
          buf);
    } else if (k == "san.dns") {
      out.set("x509.alternative_names", v);
    } else {
      return false;
    }
    return true;
  }
  if (path == "dhcp") {
    if (k == "client_addr") {
      return set_ip(out, "source.ip", v);
    }
    if (k == "server_addr") {
      return set_ip(out, "destination.ip", v);
    }
    if (k == "mac") {
      set_mac(out, "source.mac", v, buf);
    }
    return false;
  }
  if (path == "ftp") {
    if (k == "user" && v != "<unknown>") {
      out.set("user.name", v);
    }
    return false;
  }
  if (path == "rdp") {
    if (k == "result" && v == "Success") {
      out.set("event.outcome", "success");
    }
    return false;
  }
  return false;
}

void set_typed(core::Event& out, std::string_view key, const ZeekField& f, std::string& buf) {
  switch (f.type) {
    case ZeekType::integer:
      if (const auto v = parse_int(f.text)) {
        out.set_int(key, *v);
        return;
      }
      break;
    case ZeekType::real:
      if (const auto v = parse_real(f.text)) {
        out.set_double(key, *v);
        return;
      }
      break;
    case ZeekType::boolean:
      if (const auto v = parse_bool(f.text)) {
        out.set_bool(key, *v);
        return;
      }
      break;
    case ZeekType::time:
      if (const auto t = zeek_time(f.text)) {
        buf.clear();
        core::append_rfc3339(buf, *t);
        out.set(key, buf);
        return;
      }
      break;
    case ZeekType::string:
    case ZeekType::list:
      break;
  }
  out.set(key, f.text);
}

}  // namespace

void map_zeek(const ZeekRecord& r, const ParseContext& /*ctx*/, core::Event& out,
              std::string& key, std::string& buf) {
  std::string_view path = r.path.empty() ? std::string_view{"unknown"} : r.path;
  const bool notice = path == "notice";
  out.set("event.kind", notice ? "alert" : "event");
  out.set("event.module", "zeek");
  key.assign("zeek.");
  append_key_segment(key, path);
  out.set("event.dataset", key);
  out.set("observer.vendor", "Zeek");
  out.set("observer.product", "Zeek");
  out.set("observer.type", "ids");
  if (path == "conn") {
    out.set("event.category", "network");
    out.set("event.type", "connection");
  } else if (path == "files") {
    out.set("event.category", "file");
    out.set("event.type", "info");
  } else if (notice) {
    out.set("event.category", "intrusion_detection");
    out.set("event.type", "info");
  } else if (path == "weird" || path == "x509") {
    out.set("event.category", "network");
    out.set("event.type", "info");
  } else if (const auto p = path_protocol(path); !p.empty()) {
    out.set("event.category", "network");
    out.set("event.type", "protocol");
    out.set("network.protocol", p);
  }
  const std::size_t prefix = key.size();
  for (const auto& f : r.fields) {
    const auto k = f.key;
    const auto v = f.text;
    if (k == "_path") {
      continue;
    }
    if (k == "ts") {
      if (const auto t = zeek_time(v)) {
        out.timestamp = t;
        continue;
      }
    } else if (k == "uid") {
      out.set("zeek.session_id", v);
      continue;
    } else if (k == "id.orig_h") {
      if (set_ip(out, "source.ip", v)) {
        continue;
      }
    } else if (k == "id.orig_p") {
      if (set_port(out, "source.port", v)) {
        continue;
      }
    } else if (k == "id.resp_h") {
      if (set_ip(out, "destination.ip", v)) {
        continue;
      }
    } else if (k == "id.resp_p") {
      if (set_port(out, "destination.port", v)) {
        continue;
      }
    } else if (k == "proto") {
      if (v == "tcp" || v == "udp" || v == "icmp" || v == "TCP" || v == "UDP" || v == "ICMP") {
        out.set("network.transport", to_lower(v, buf));
        continue;
      }
    } else if (k == "service") {
      // Zeek lists every protocol it recognised ("ssl,http"); the first is the outer one.
      // A list is also kept whole (below), so the inner ones are not lost.
      out.set("network.protocol", to_lower(v.substr(0, v.find(',')), buf));
      if (v.find(',') == std::string_view::npos) {
        continue;
      }
    } else if (k == "community_id") {
      out.set("network.community_id", v);
      continue;
    } else if (k == "duration") {
      if (const auto d = parse_real(v); d && *d >= 0 && *d < 1e9) {
        out.set_int("event.duration", static_cast<std::int64_t>(std::llround(*d * 1e9)));
      }
    }
    if (map_path_field(path, f, out, buf)) {
      continue;
    }
    key.resize(prefix);
    key.push_back('.');
    append_key_segment(key, k);
    set_typed(out, key, f, buf);
  }
}

namespace {

constexpr std::size_t kMaxZeekFields = 512;

/// Zeek TSV logs (the ASCII writer's default): `#separator`, `#set_separator`,
/// `#empty_field`, `#unset_field`, `#path`, `#fields`, `#types` header lines, then rows split
/// on the separator. The last header seen is state: rows are read with it. Each header line
/// is an event too (event.action "zeek_header").
class ZeekTsvParser final : public FormatParser {
public:
  [[nodiscard]] auto info() const -> const FormatInfo& override { return info_; }

  [[nodiscard]] auto detect(const Input& in) const -> bool override {
    const auto s = in.has_envelope ? in.payload : in.line;
    if (s.starts_with("#separator ")) {
      return true;
    }
    if (s.starts_with('#')) {
      const auto d = directive(s);
      return in_stream_ || d == "fields" || d == "types" || d == "path";
    }
    if (names_.empty() || s.find(sep_) == std::string_view::npos) {
      return false;
    }
    if (in_stream_) {
      // Inside a Zeek stream a row with the wrong number of columns is still this format's
      // (cut short, or two rows run together): parse() says so.
      return true;
    }
    std::size_t n = 0;
    for (const char c : s) {
      n += c == sep_ ? 1U : 0U;
    }
    return n + 1 == names_.size();
  }

  auto parse(const Input& in, const ParseContext& ctx, core::Event& out)
      -> std::string_view override {
    const auto s = in.has_envelope ? in.payload : in.line;
    if (s.starts_with('#')) {
      return header(s, out);
    }
    if (names_.empty()) {
      return "Zeek TSV row before any #fields header";
    }
    rec_.fields.clear();
    rec_.path = path_;
    std::size_t i = 0;
    std::size_t start = 0;
    while (true) {
      const auto end = s.find(sep_, start);
      const auto v = s.substr(start, end == std::string_view::npos ? s.npos : end - start);
      if (i >= names_.size()) {
        return "Zeek TSV row has more columns than #fields";
      }
      if (v != unset_ && v != empty_ && !v.empty()) {
        const auto& n = names_[i];
        rec_.fields.push_back({std::string_view{names_buf_}.substr(n.first, n.second), v,
                               i < types_.size() ? types_[i] : ZeekType::string});
      }
      ++i;
      if (end == std::string_view::npos) {
        break;
      }
      start = end + 1;
    }
    if (i != names_.size()) {
      return "Zeek TSV row has fewer columns than #fields";
    }
    map_zeek(rec_, ctx, out, key_, buf_);
    apply_syslog_origin(in.header, out);
    return {};
  }

private:
  static auto directive(std::string_view s) -> std::string_view {
    std::size_t e = 1;
    while (e < s.size() && s[e] != ' ' && s[e] != '\t' && s[e] != '\x1f' && s[e] != ',') {
      ++e;
    }
    return s.substr(1, e - 1);
  }

  auto header(std::string_view s, core::Event& out) -> std::string_view {
    const auto d = directive(s);
    std::string_view value = s.size() > d.size() + 2 ? s.substr(d.size() + 2) : std::string_view{};
    if (d == "separator") {
      // "#separator \x09": the value is written as a \xHH escape.
      if (value.size() == 4 && value[0] == '\\' && value[1] == 'x') {
        const auto hex = [](char c) -> int {
          return c >= '0' && c <= '9'   ? c - '0'
                 : c >= 'a' && c <= 'f' ? c - 'a' + 10
                 : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                        : -1;
        };
        const int hi = hex(value[2]);
        const int lo = hex(value[3]);
        if (hi < 0 || lo < 0 || hi * 16 + lo == 0) {
          return "Zeek TSV: bad #separator";
        }
        sep_ = static_cast<char>(hi * 16 + lo);
      } else if (value.size() == 1) {
        sep_ = value[0];
      } else {
        return "Zeek TSV: bad #separator";
      }
      // A new log file starts: forget the previous header.
      in_stream_ = true;
      names_.clear();
      types_.clear();
      path_.clear();
      // Fresh strings swapped in: GCC 12 at -O3 reports a false -Wrestrict on assigning a
      // literal to these strings (basic_string::_M_replace, bug 105651).
      std::string{kDefaultUnset}.swap(unset_);
      std::string{kDefaultEmpty}.swap(empty_);
    } else {
      if (s.size() <= d.size() + 1 || s[d.size() + 1] != sep_) {
        return "Zeek TSV: header line without the declared separator";
      }
      in_stream_ = true;
      if (d == "path") {
        path_.assign(value);
      } else if (d == "unset_field") {
        unset_.assign(value);
      } else if (d == "empty_field") {
        empty_.assign(value);
      } else if (d == "fields") {
        names_buf_.assign(value);
        names_.clear();
        types_.clear();
        std::size_t start = 0;
        while (names_.size() < kMaxZeekFields) {
          const auto end = value.find(sep_, start);
          names_.emplace_back(start, (end == std::string_view::npos ? value.size() : end) - start);
          if (end == std::string_view::npos) {
            break;
          }
          start = end + 1;
        }
      } else if (d == "types") {
        types_.clear();
        std::size_t start = 0;
        while (types_.size() < kMaxZeekFields) {
          const auto end = value.find(sep_, start);
          types_.push_back(type_of(value.substr(start, end == std::string_view::npos ? value.npos : end - start)));
          if (end == std::string_view::npos) {
            break;
          }
          start = end + 1;
        }
      }
    }
    out.set("event.kind", "event");
    out.set("event.module", "zeek");
    out.set("event.action", "zeek_header");
    key_.assign("zeek");
    if (!path_.empty()) {
      key_.push_back('.');
      append_key_segment(key_, path_);
    }
    out.set("event.dataset", key_);
    out.set("observer.vendor", "Zeek");
    out.set("observer.product", "Zeek");
    out.set("message", s);
    return {};
  }

  static auto type_of(std::string_view t) -> ZeekType {
    if (t == "count" || t == "int" || t == "port") {
      return ZeekType::integer;
    }
    if (t == "double" || t == "interval") {
      return ZeekType::real;
    }
    if (t == "bool") {
      return ZeekType::boolean;
    }
    if (t == "time") {
      return ZeekType::time;
    }
    if (t.starts_with("set[") || t.starts_with("vector[")) {
      return ZeekType::list;
    }
    return ZeekType::string;
  }

  FormatInfo info_{"zeek/tsv",
                   "Zeek TSV logs (ASCII writer): header-driven, any log type; conn, dns, http, "
                   "ssl, files, notice, x509, dhcp, ... mapped",
                   "a '#separator' / '#fields' header line, then rows with as many separators as "
                   "the last #fields header (after '#separator', any row with the separator; "
                   "one with the wrong column count is unparsed with that reason)",
                   "experimental", "#separator \\x09"};
  char sep_ = '\t';
  bool in_stream_ = false;  // a #separator line was seen: '#' lines are header lines
  std::string path_;
  static constexpr std::string_view kDefaultUnset = "-";
  static constexpr std::string_view kDefaultEmpty = "(empty)";
  std::string unset_{kDefaultUnset};
  std::string empty_{kDefaultEmpty};
  std::string names_buf_;
  std::vector<std::pair<std::size_t, std::size_t>> names_;
  std::vector<ZeekType> types_;
  ZeekRecord rec_;
  std::string key_;
  std::string buf_;
};

}  // namespace

auto make_zeek_tsv_parser() -> std::unique_ptr<FormatParser> {
  return std::make_unique<ZeekTsvParser>();
}

}  // namespace siem::parsers::detail
