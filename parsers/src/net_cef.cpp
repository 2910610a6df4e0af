#include "common.hpp"
#include "fortigate.hpp"
#include "net_common.hpp"

#include <array>
#include <utility>
#include <vector>

namespace siem::parsers::detail {
namespace {

auto is_ext_key_char(char c) -> bool {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_'
         || c == '.' || c == '-' || c == '[' || c == ']';
}

// Where the CEF header starts in `payload` (the offset of the version digit after "CEF:"),
// or npos. Accepts "CEF:0|...", a short prefix before " CEF:" (a relay's own header), and
// relays that strip the "CEF:" literal ("0|Vendor|Product|...").
auto cef_start(std::string_view p) -> std::size_t {
  if (p.starts_with("CEF:")) {
    return 4;
  }
  const std::string_view window = p.substr(0, 512);
  if (const auto at = window.find(" CEF:"); at != std::string_view::npos) {
    return at + 5;
  }
  if (p.size() > 2 && (p[0] == '0' || p[0] == '1') && p[1] == '|') {
    int pipes = 0;
    for (const char c : p.substr(0, 1024)) {
      pipes += c == '|' ? 1 : 0;
    }
    if (pipes >= 7) {
      return 0;
    }
  }
  return std::string_view::npos;
}

// Labelled extension keys: the value of "<key>Label" names what "<key>" holds.
constexpr std::array<std::string_view, 24> kLabelled = {
    "cs1",  "cs2",  "cs3",  "cs4",  "cs5",  "cs6",         "cn1",         "cn2",
    "cn3",  "cn4",  "cfp1", "cfp2", "cfp3", "cfp4",        "c6a1",        "c6a2",
    "c6a3", "c6a4", "flexString1", "flexString2", "flexNumber1", "flexNumber2", "flexDate1",
    "deviceCustomDate1"};

auto labelled_index(std::string_view key) -> int {
  for (std::size_t i = 0; i < kLabelled.size(); ++i) {
    if (kLabelled[i] == key) {
      return static_cast<int>(i);
    }
  }
  return -1;
}

auto is_rule_name_label(std::string_view label) -> bool {
  return icontains(label, "rule name") || icontains(label, "rule_name") || iequals(label, "rule")
         || iequals(label, "rulename");
}

// SonicOS's "Filename Logging" event (1574) names the file in its message: "Filename: <name>".
constexpr std::string_view kSonicwallFilenamePrefix = "Filename: ";

// CEF senders whose extension departs from ArcSight's key dictionary.
enum class CefDialect : std::uint8_t { generic, sonicwall, fortigate };

// FortiOS's prefixes for its own fields in CEF (FortiOS 5.6-7.0 and 7.2 on).
constexpr std::array<std::string_view, 2> kFortinetPrefixes = {"FTNTFGT", "FortinetFortiGate"};

// The ECS field of a FortiOS packet count in CEF, named by its FortiOS key (sentpkt, rcvdpkt)
// or, in FortiOS 5.6, by the label of the custom number holding it; empty for others.
auto fortios_packets(std::string_view name) -> std::string_view {
  if (name == "sentpkt" || iequals(name, "Packets Sent")) {
    return "source.packets";
  }
  if (name == "rcvdpkt" || iequals(name, "Packets Received")) {
    return "destination.packets";
  }
  return {};
}

/// ArcSight Common Event Format: `CEF:Version|Vendor|Product|DeviceVersion|SignatureID|Name|
/// Severity|Extension`, bare or inside a syslog envelope. Header pipes may be escaped `\|`;
/// the extension is `key=value` pairs whose values may contain spaces and escaped `\=`.
/// ArcSight keys (short and long names) map to ECS; every other key, custom strings and
/// their labels land under `cef.cef.<key>`. SonicOS (vendor "SonicWall"/"Dell SonicWALL")
/// writes its native syslog fields in CEF with its own conventions, mapped as its native
/// parser does: the signature ID is a message ID (`event.code`, not a rule), `susr` is the
/// user, label-less `cs1` the access rule ("5 (LAN->WAN)"), `app` a numeric application ID,
/// `appName` the application, `proto=tcp/https` transport and service, `fw_action` the
/// verdict. FortiOS ("Fortinet|Fortigate") keeps its own fields under fortinet.fortigate
/// (map_fortigate). Owned by one worker.
class CefParser final : public FormatParser {
public:
  CefParser() {
    info_.name = "cef/cef";
    info_.description = "ArcSight Common Event Format (CEF:0/1), bare or in syslog";
    info_.detection = "payload starts with 'CEF:' (or ' CEF:' in its first 512 bytes, or a "
                      "stripped '0|Vendor|Product|...' header with 7 pipes)";
    info_.status = "stable";
    info_.example =
        "CEF:0|Fortinet|Fortigate|v5.6.0|00013|traffic:forward close|3|src=10.0.0.1 spt=4000 "
        "dst=10.0.0.2 dpt=80 proto=6 act=close";
    ext_.reserve(64);
  }

  [[nodiscard]] auto info() const -> const FormatInfo& override { return info_; }

  [[nodiscard]] auto detect(const Input& in) const -> bool override {
    return cef_start(in.payload) != std::string_view::npos;
  }

  auto parse(const Input& in, const ParseContext& ctx, core::Event& out)
      -> std::string_view override {
    const std::string_view p = in.payload;
    const std::size_t start = cef_start(p);
    if (start == std::string_view::npos) {
      return "no CEF header";
    }
    // Header: 7 fields separated by unescaped pipes, then the extension.
    std::array<std::string_view, 7> h{};
    std::size_t field = 0;
    std::size_t pos = start;
    std::size_t fstart = start;
    std::string_view ext;
    bool ext_found = false;
    while (pos < p.size()) {
      const char c = p[pos];
      if (c == '\\') {
        pos += 2;
        continue;
      }
      if (c == '|') {
        h[field++] = p.substr(fstart, pos - fstart);
        fstart = pos + 1;
        if (field == h.size()) {
          ext = p.substr(fstart);
          ext_found = true;
          break;
        }
      }
      ++pos;
    }
    if (!ext_found) {
      if (field == h.size() - 1) {
        h[field++] = p.substr(std::min(fstart, p.size()));  // no extension, no trailing pipe
      } else {
        return "truncated CEF header (fewer than 7 fields)";
      }
    }
    const auto version = trim(h[0]);
    if (version.empty() || version.size() > 4 || !parse_int(version)) {
      return "CEF version is not a number";
    }

    ext_.clear();
    eventtime_.reset();
    parse_extension(ext);
    labels_.fill({});
    for (const auto& [k, v] : ext_) {
      if (k.size() > 5 && k.ends_with("Label")) {
        if (const int i = labelled_index(k.substr(0, k.size() - 5)); i >= 0) {
          labels_[static_cast<std::size_t>(i)] = v;
        }
      }
    }

    if (in.header.kind != SyslogKind::none || in.header.pri >= 0) {
      apply_syslog_origin(in.header, out);
    }
    out.set("event.kind", "event");
    out.set("event.module", "cef");
    out.set("event.dataset", "cef.log");
    out.set("cef.cef.version", version);
    set_header(out, "observer.vendor", h[1]);
    set_header(out, "observer.product", h[2]);
    set_header(out, "observer.version", h[3]);
    CefDialect dialect = CefDialect::generic;
    if (icontains(h[1], "sonicwall")) {
      dialect = CefDialect::sonicwall;
    } else if (iequals(trim(h[1]), "Fortinet") && iequals(trim(h[2]), "Fortigate")) {
      dialect = CefDialect::fortigate;
      out.set_text("observer.type", "firewall");
    }
    if (dialect == CefDialect::sonicwall) {
      out.set("observer.type", "firewall");
      out.set("event.category", "network");
    } else {
      set_header(out, "rule.id", h[4]);
      set_header(out, "rule.name", h[5]);
    }
    set_header(out, "event.code", h[4]);
    set_header(out, "cef.cef.name", h[5]);
    const auto sev = trim(h[6]);
    if (const auto s = parse_int(sev); s && *s >= 0 && *s <= 10) {
      out.set_int("event.severity", *s);
    } else if (!sev.empty()) {
      set_header(out, "log.level", sev);
    }

    std::string_view shost;
    std::string_view dvchost;
    std::optional<core::TimeMs> rt;
    std::optional<core::TimeMs> t_start;
    std::optional<core::TimeMs> t_end;
    bool outcome_given = false;
    std::string_view act;
    std::string_view suser;
    std::string_view duser;
    for (const auto& [k, raw] : ext_) {
      const std::string_view v = unquote(trim(unescape(raw, unesc_)));
      if (v.empty()) {
        continue;
      }
      bool mapped = true;
      if (dialect == CefDialect::sonicwall && map_sonicwall(out, k, raw, v, suser)) {
        continue;
      }
      if (dialect == CefDialect::fortigate && map_fortigate(out, k, v)) {
        continue;
      }
      if (k == "src" || k == "sourceAddress") {
        mapped = set_ip(out, "source.ip", v);
      } else if (k == "dst" || k == "destinationAddress") {
        mapped = set_ip(out, "destination.ip", v);
      } else if (k == "spt" || k == "sourcePort") {
        mapped = set_port(out, "source.port", v);
      } else if (k == "dpt" || k == "destinationPort") {
        mapped = set_port(out, "destination.port", v);
      } else if (k == "smac" || k == "sourceMacAddress") {
        out.set("source.mac", v);
      } else if (k == "dmac" || k == "destinationMacAddress") {
        out.set("destination.mac", v);
      } else if (k == "suser" || k == "sourceUserName") {
        out.set("source.user.name", v);
        suser = raw;
      } else if (k == "duser" || k == "destinationUserName") {
        out.set("destination.user.name", v);
        duser = raw;
      } else if (k == "shost" || k == "sourceHostName") {
        if (!is_ip(v)) {
          out.set("source.domain", v);
        }
        shost = raw;
      } else if (k == "dhost" || k == "destinationHostName") {
        if (!is_ip(v)) {
          out.set("destination.domain", v);
        }
      } else if (k == "proto" || k == "transportProtocol") {
        mapped = set_transport(out, v, tmp_);
      } else if (k == "act" || k == "deviceAction") {
        out.set("event.action", v);
        act = raw;
      } else if (k == "outcome" || k == "eventOutcome") {
        if (iequals(v, "success") || iequals(v, "failure") || iequals(v, "unknown")) {
          out.set("event.outcome", to_lower(v, tmp_));
          outcome_given = true;
        } else {
          mapped = false;
        }
      } else if (k == "app" || k == "applicationProtocol") {
        out.set("network.protocol", to_lower(v, tmp_));
      } else if (k == "request" || k == "requestUrl") {
        set_url(out, v);
      } else if (k == "requestMethod") {
        out.set("http.request.method", v);
      } else if (k == "requestClientApplication") {
        out.set("user_agent.original", v);
      } else if (k == "requestContext") {
        out.set("http.request.referrer", v);
      } else if (k == "deviceExternalId") {
        out.set("observer.name", v);
      } else if (k == "dvc" || k == "deviceAddress") {
        mapped = set_ip(out, "observer.ip", v);
      } else if (k == "dvchost" || k == "deviceHostName") {
        out.set("observer.hostname", v);
        dvchost = raw;
      } else if (k == "dvcmac" || k == "deviceMacAddress") {
        out.set("observer.mac", v);
      } else if (k == "rt" || k == "deviceReceiptTime") {
        rt = parse_net_time(v, ctx);
        mapped = rt.has_value();
      } else if (k == "start" || k == "startTime") {
        t_start = parse_net_time(v, ctx);
        mapped = t_start.has_value();
      } else if (k == "end" || k == "endTime") {
        t_end = parse_net_time(v, ctx);
        mapped = t_end.has_value();
      } else if (k == "in" || k == "bytesIn") {
        mapped = set_count(out, "destination.bytes", v);
      } else if (k == "out" || k == "bytesOut") {
        mapped = set_count(out, "source.bytes", v);
      } else if (k == "fname" || k == "fileName") {
        out.set("file.name", v);
      } else if (k == "filePath") {
        out.set("file.path", v);
      } else if (k == "fsize" || k == "fileSize") {
        mapped = set_count(out, "file.size", v);
      } else if (k == "fileHash") {
        mapped = set_hash(out, v);
      } else if (k == "msg" || k == "message") {
        out.set("message", v);
      } else if (k == "reason") {
        out.set("event.reason", v);
      } else if (k == "externalId") {
        out.set("event.id", v);
      } else if (k == "sourceTranslatedAddress") {
        mapped = set_ip(out, "source.nat.ip", v);
      } else if (k == "sourceTranslatedPort") {
        mapped = set_port(out, "source.nat.port", v);
      } else if (k == "destinationTranslatedAddress") {
        mapped = set_ip(out, "destination.nat.ip", v);
      } else if (k == "destinationTranslatedPort") {
        mapped = set_port(out, "destination.nat.port", v);
      } else if (k == "deviceInboundInterface") {
        out.set("observer.ingress.interface.name", v);
      } else if (k == "deviceOutboundInterface") {
        out.set("observer.egress.interface.name", v);
      } else if (k == "deviceDirection") {
        if (v == "0") {
          out.set("network.direction", "inbound");
        } else if (v == "1") {
          out.set("network.direction", "outbound");
        } else {
          mapped = false;
        }
      } else if (k == "sproc" || k == "sourceProcessName") {
        out.set("process.name", v);
      } else if (k == "spid" || k == "sourceProcessId") {
        if (const auto pid = parse_int(v); pid && *pid >= 0) {
          out.set_int("process.pid", *pid);
        } else {
          mapped = false;
        }
      } else if (k.size() == 3 && k.starts_with("cn") && k[2] >= '1' && k[2] <= '4') {
        if (const auto n = parse_int(v)) {
          key_.assign("cef.cef.");
          key_.append(k);
          out.set_int(key_, *n);
        } else {
          mapped = false;
        }
      } else if (k.size() == 3 && k.starts_with("cs") && k[2] >= '1' && k[2] <= '6') {
        const auto label = labels_[static_cast<std::size_t>(labelled_index(k))];
        if (!label.empty() && is_rule_name_label(label)) {
          out.set("rule.name", v);
        }
        mapped = false;  // kept under cef.cef.csN with its label
      } else {
        mapped = false;
      }
      if (!mapped) {
        set_vendor(out, key_, "cef.cef.", k, v);
      }
    }
    // The device named in the record is the host the event comes from; without one, the
    // envelope's sender, else the host the record is about.
    if (!dvchost.empty()) {
      out.set("host.hostname", unquote(trim(unescape(dvchost, unesc_))));
    } else if (!out.has("host.hostname") && !shost.empty()) {
      out.set("host.hostname", unquote(trim(unescape(shost, unesc_))));
    }
    if (!suser.empty()) {
      out.set("user.name", unquote(trim(unescape(suser, unesc_))));
    } else if (!duser.empty()) {
      out.set("user.name", unquote(trim(unescape(duser, unesc_))));
    }
    if (t_start) {
      set_time(out, "event.start", *t_start);
    }
    if (t_end) {
      set_time(out, "event.end", *t_end);
    }
    if (rt) {
      out.timestamp = rt;
    } else if (eventtime_) {
      out.timestamp = eventtime_;
    } else if (t_start) {
      out.timestamp = t_start;
    } else if (t_end) {
      out.timestamp = t_end;
    }
    if (!outcome_given && !act.empty()) {
      const auto a = unquote(trim(unescape(act, unesc_)));
      if (const auto o =
              dialect == CefDialect::fortigate ? fortigate_outcome(a, {}) : outcome_of_action(a);
          !o.empty()) {
        out.set("event.outcome", o);
      }
    }
    return {};
  }

private:
  // SonicOS keys whose meaning differs from ArcSight's (see the class comment); true when
  // `k` was handled. `suser` receives the raw user for the user.name decision.
  auto map_sonicwall(core::Event& out, std::string_view k, std::string_view raw, std::string_view v,
                     std::string_view& suser) -> bool {
    if (k == "susr") {
      out.set("source.user.name", v);
      suser = raw;
    } else if (k == "cs1" && labels_[0].empty()) {  // labels_[0]: cs1Label
      out.set("rule.name", v);
      set_vendor(out, key_, "cef.cef.", k, v);
    } else if (k == "app") {
      set_vendor(out, key_, "cef.cef.", k, v);  // a numeric application ID
    } else if (k == "appName") {
      out.set("network.application", v);
    } else if (k == "proto") {
      if (!set_transport(out, v, tmp_)) {
        set_vendor(out, key_, "cef.cef.", k, v);
      } else if (const auto slash = v.find('/'); slash != std::string_view::npos
                                                 && slash + 1 < v.size()
                                                 && !parse_int(v.substr(slash + 1))) {
        out.set("network.protocol", to_lower(v.substr(slash + 1), tmp_));
      }
    } else if (k == "fw_action") {
      // The firewall's verdict, as in SonicOS's native syslog; "NA" for non-traffic events.
      set_vendor(out, key_, "cef.cef.", k, v);
      if (v == "drop" || v == "reject") {
        out.set("event.action", v);
        out.set("event.outcome", "failure");
        out.set("event.type", "denied");
      } else if (v == "forward") {
        out.set("event.action", v);
        out.set("event.outcome", "success");
        out.set("event.type", "allowed");
      }
    } else if (k == "msg" && v.starts_with(kSonicwallFilenamePrefix)) {
      out.set("message", v);
      if (const auto name = trim(v.substr(kSonicwallFilenamePrefix.size())); !name.empty()) {
        out.set("file.name", name);
      }
    } else {
      return false;
    }
    return true;
  }

  // FortiOS in CEF (FortiOS Log Message Reference, "FortiOS to CEF log field mapping"): its
  // own fields, prefixed, go under fortinet.fortigate as in its key=value form; `cat` is
  // "type:subtype", which gives the category as there; packet counts are labelled custom
  // numbers (5.6) or prefixed fields; the device's external ID is its serial number. The
  // ArcSight keys are mapped as for any CEF sender. True when `k` was handled.
  auto map_fortigate(core::Event& out, std::string_view k, std::string_view v) -> bool {
    for (const auto prefix : kFortinetPrefixes) {
      if (k.size() > prefix.size() && k.starts_with(prefix)) {
        const auto key = k.substr(prefix.size());
        if (key == "eventtime") {
          eventtime_ = fortigate_eventtime(v);  // exact, unlike the syslog header's time
        }
        if (const auto field = fortios_packets(key); !field.empty() && set_count(out, field, v)) {
          return true;
        }
        set_vendor(out, key_, "fortinet.fortigate.", key, v);
        return true;
      }
    }
    if (k == "cat") {
      const auto colon = v.find(':');
      const auto type = v.substr(0, colon);
      const auto subtype =
          colon == std::string_view::npos ? std::string_view{} : v.substr(colon + 1);
      set_fortigate_category(type, subtype, out);
      set_vendor(out, key_, "fortinet.fortigate.", "type", type);
      if (!subtype.empty()) {
        set_vendor(out, key_, "fortinet.fortigate.", "subtype", subtype);
      }
      return true;
    }
    if (k == "deviceExternalId") {
      out.set("observer.serial_number", v);
      return false;  // also observer.name, as for other senders
    }
    if (k.size() == 3 && k.starts_with("cn") && k[2] >= '1' && k[2] <= '4') {
      const auto label = labels_[static_cast<std::size_t>(labelled_index(k))];
      if (const auto field = fortios_packets(label); !field.empty() && set_count(out, field, v)) {
        return true;
      }
    }
    return false;
  }

  // Splits the extension into (key, raw value) pairs. A value runs to the next " key=":
  // values may hold spaces, and '=' inside them is escaped.
  void parse_extension(std::string_view ext) {
    const std::size_t n = ext.size();
    std::size_t pos = 0;
    while (pos < n) {
      while (pos < n && ext[pos] == ' ') {
        ++pos;
      }
      const std::size_t ks = pos;
      while (pos < n && is_ext_key_char(ext[pos])) {
        ++pos;
      }
      if (pos >= n) {
        break;
      }
      if (pos == ks || ext[pos] != '=') {
        // Junk before a key: skip to the next space and look again.
        while (pos < n && ext[pos] != ' ') {
          pos += ext[pos] == '\\' ? 2 : 1;
        }
        continue;
      }
      const std::string_view key = ext.substr(ks, pos - ks);
      const std::size_t vs = pos + 1;
      std::size_t j = vs;
      std::size_t end = n;
      while (j < n) {
        const char c = ext[j];
        if (c == '\\') {
          j += 2;
          continue;
        }
        if (c == ' ' && key_at(ext, j + 1)) {
          end = j;
          break;
        }
        ++j;
      }
      end = std::min(end, n);
      std::string_view val = ext.substr(vs, end - vs);
      while (!val.empty() && (val.back() == ' ' || val.back() == '\t')) {
        val.remove_suffix(1);
      }
      ext_.emplace_back(key, val);
      pos = end;
    }
  }

  static auto key_at(std::string_view s, std::size_t i) -> bool {
    std::size_t j = i;
    while (j < s.size() && is_ext_key_char(s[j])) {
      ++j;
    }
    return j > i && j < s.size() && s[j] == '=';
  }

  // CEF escapes: "\|" and "\\" in the header, "\=", "\\", "\n", "\r" in the extension.
  static auto unescape(std::string_view s, std::string& buf) -> std::string_view {
    if (s.find('\\') == std::string_view::npos) {
      return s;
    }
    buf.clear();
    for (std::size_t i = 0; i < s.size(); ++i) {
      if (s[i] == '\\' && i + 1 < s.size()) {
        const char n = s[++i];
        buf.push_back(n == 'n' ? '\n' : n == 'r' ? '\r' : n);
      } else {
        buf.push_back(s[i]);
      }
    }
    return buf;
  }

  // Some senders quote values (`msg="..."`): the quotes are not part of the value.
  static auto unquote(std::string_view v) -> std::string_view {
    if (v.size() >= 2 && v.front() == '"' && v.back() == '"') {
      return v.substr(1, v.size() - 2);
    }
    return v;
  }

  void set_header(core::Event& out, std::string_view key, std::string_view raw) {
    const auto v = trim(unescape(raw, unesc_));
    if (!v.empty()) {
      out.set(key, v);
    }
  }

  void set_time(core::Event& out, std::string_view key, core::TimeMs t) {
    tmp_.clear();
    core::append_rfc3339(tmp_, t);
    out.set(key, tmp_);
  }

  FormatInfo info_;
  std::vector<std::pair<std::string_view, std::string_view>> ext_;
  std::array<std::string_view, kLabelled.size()> labels_{};
  std::optional<core::TimeMs> eventtime_;  ///< FortiOS's eventtime, when the record has one
  std::string unesc_;
  std::string key_;
  std::string tmp_;
};

}  // namespace

auto make_cef_parser() -> std::unique_ptr<FormatParser> {
  return std::make_unique<CefParser>();
}

}  // namespace siem::parsers::detail
