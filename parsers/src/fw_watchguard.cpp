#include "common.hpp"
#include "fw_util.hpp"
#include "syslog.hpp"

#include <array>
#include <string>
#include <string_view>
#include <vector>

namespace siem::parsers::detail {
namespace {

auto contains(std::string_view s, std::string_view lit) -> bool {
  return s.find(lit) != std::string_view::npos;
}

auto is_number(std::string_view s) -> bool {
  if (s.empty() || s.size() > 10) {
    return false;
  }
  for (const char c : s) {
    if (c < '0' || c > '9') {
      return false;
    }
  }
  return true;
}

// Offset of the pipe-delimited header's fields ("LEEF:1.0|WatchGuard|..." or
// "1.0|WatchGuard|..."), or npos.
auto pipe_header(std::string_view p) -> std::size_t {
  std::size_t start = 0;
  if (p.starts_with("LEEF:")) {
    start = 5;
  }
  if (start >= p.size() || p[start] < '0' || p[start] > '9') {
    return std::string_view::npos;
  }
  const auto bar = p.find('|', start);
  if (bar == std::string_view::npos || bar - start > 8) {
    return std::string_view::npos;
  }
  if (p.substr(bar, 12) != "|WatchGuard|") {
    return std::string_view::npos;
  }
  return start;
}

/// WatchGuard Firebox syslog: the traffic log (`msg_id="3000-0148" Allow 1-Trusted 0-External
/// ... tcp ... 10.0.0.1 8.8.8.8 51234 443 ... (policy)`), other `msg_id="..."` messages
/// (authentication), and the pipe-delimited export (`[LEEF:]1.0|WatchGuard|XTM|version|id|
/// key=value<TAB or #011>...`). Owned by one worker.
class WatchguardParser final : public FormatParser {
public:
  WatchguardParser() {
    info_.name = "watchguard/firebox";
    info_.description = "WatchGuard Firebox traffic and event syslog (msg_id= and "
                        "1.0|WatchGuard| forms)";
    info_.detection = "payload contains msg_id=\" or starts with [LEEF:]<ver>|WatchGuard|";
    info_.status = "experimental";
    info_.example =
        R"(msg_id="3000-0148" Allow 1-Trusted 0-External 60 tcp 20 64 10.0.0.1 8.8.8.8 )"
        R"(51234 443 offset 10 S 1234 win 65535 (Outgoing-proxy-00))";
  }

  [[nodiscard]] auto info() const -> const FormatInfo& override { return info_; }

  [[nodiscard]] auto detect(const Input& in) const -> bool override {
    return contains(in.payload, "msg_id=\"") || pipe_header(in.payload) != std::string_view::npos;
  }

  auto parse(const Input& in, const ParseContext& ctx, core::Event& out)
      -> std::string_view override {
    const std::string_view p = in.payload;
    if (const auto start = pipe_header(p); start != std::string_view::npos) {
      return parse_pipe(in, p.substr(start), out);
    }
    const auto mid = p.find("msg_id=\"");
    if (mid == std::string_view::npos) {
      return "no WatchGuard msg_id";
    }
    const auto id_start = mid + 8;
    const auto id_end = p.find('"', id_start);
    if (id_end == std::string_view::npos || id_end == id_start || id_end - id_start > 16) {
      return "malformed WatchGuard msg_id";
    }
    common(in, out);
    out.set("event.code", p.substr(id_start, id_end - id_start));
    // "<serial> (2026-11-26T10:00:00) firewall: msg_id=..." before the id.
    const std::string_view prefix = p.substr(0, mid);
    if (const auto open = prefix.find('('); open != std::string_view::npos) {
      const auto close = prefix.find(')', open);
      if (close != std::string_view::npos) {
        if (const auto t = fw_parse_datetime(prefix.substr(open + 1, close - open - 1),
                                             ctx.tz_offset_minutes, buf_)) {
          out.timestamp = t;
        }
        const auto serial = trim(prefix.substr(0, open));
        if (!serial.empty() && serial.find(' ') == std::string_view::npos) {
          out.set("observer.serial_number", serial);
        }
        auto proc = trim(prefix.substr(close + 1));
        if (proc.ends_with(':')) {
          proc.remove_suffix(1);
        }
        if (!proc.empty() && proc.find(' ') == std::string_view::npos) {
          out.set("process.name", proc);
        }
      }
    }
    const std::string_view body = trim(p.substr(id_end + 1));
    if (body.starts_with("Allow ") || body.starts_with("Deny ")) {
      traffic(body, out);
    } else {
      // Event messages: the text up to the first key="value" is the message.
      const auto kv = body.find("=\"");
      auto text = body;
      if (kv != std::string_view::npos) {
        const auto sp = body.rfind(' ', kv);
        text = trim(body.substr(0, sp == std::string_view::npos ? 0 : sp));
      }
      out.set("message", text);
      auth_message(text, out);
      fw_split_kv(body, kv_);
      map_keys(out);
    }
    return {};
  }

private:
  void common(const Input& in, core::Event& out) {
    apply_syslog(in.header, out, false);
    out.set("event.kind", "event");
    out.set("event.module", "watchguard");
    out.set("event.dataset", "watchguard.firebox");
    out.set("observer.vendor", "WatchGuard");
    out.set("observer.product", "Firebox");
    out.set("observer.type", "firewall");
  }

  static void address(core::Event& out, bool source, std::string_view ip) {
    if (ip.empty()) {
      return;
    }
    out.set(core::pick_key(source, "source.address", "destination.address"), ip);
    set_ip_or_keep(out, core::pick_key(source, "source.ip", "destination.ip"), ip);
  }

  void disposition(core::Event& out, std::string_view disp) {
    out.set("event.category", "network");
    out.set("event.action", to_lower(disp, buf_));
    if (fw_iequals(disp, "Allow")) {
      out.set("event.type", "allowed");
      out.set("event.outcome", "success");
    } else if (fw_iequals(disp, "Deny")) {
      out.set("event.type", "denied");
      out.set("event.outcome", "failure");
    }
  }

  // "Allow 1-Trusted 0-External 60 tcp 20 64 10.0.0.1 8.8.8.8 51234 443 offset 10 S ... "
  // then optional key="value" pairs and "(policy)" at the end.
  void traffic(std::string_view body, core::Event& out) {
    std::array<std::string_view, 24> tok{};
    std::size_t n = 0;
    std::size_t i = 0;
    while (i < body.size() && n < tok.size()) {
      while (i < body.size() && body[i] == ' ') {
        ++i;
      }
      const std::size_t s = i;
      while (i < body.size() && body[i] != ' ') {
        ++i;
      }
      if (i == s) {
        break;
      }
      const auto t = body.substr(s, i - s);
      if (t.find('=') != std::string_view::npos || t.front() == '(') {
        break;
      }
      tok[n++] = t;
    }
    if (n >= 1) {
      disposition(out, tok[0]);
    }
    if (n >= 3) {
      out.set("observer.ingress.interface.name", tok[1]);
      out.set("observer.egress.interface.name", tok[2]);
    }
    bool have_proto = false;
    bool port_proto = false;
    int ips = 0;
    for (std::size_t k = 3; k < n; ++k) {
      const auto t = tok[k];
      if (!have_proto && !is_number(t) && fw_set_transport(out, t, buf_)) {
        have_proto = true;
        port_proto = fw_iequals(t, "tcp") || fw_iequals(t, "udp");
        continue;
      }
      if (ips < 2 && is_ip(t)) {
        address(out, ips == 0, t);
        ++ips;
        if (ips == 2 && port_proto && k + 2 < n && is_number(tok[k + 1])
            && is_number(tok[k + 2])) {
          set_port_or_keep(out, "source.port", tok[k + 1]);
          set_port_or_keep(out, "destination.port", tok[k + 2]);
        }
        if (ips == 2) {
          break;
        }
      }
    }
    if (ips < 2 && n > 3) {
      // The addresses were not found where they belong: keep the positional fields as text.
      const auto first = static_cast<std::size_t>(tok[3].data() - body.data());
      const auto last =
          static_cast<std::size_t>(tok[n - 1].data() - body.data()) + tok[n - 1].size();
      keep(out, "traffic_fields", body.substr(first, last - first));
    }
    // Trailing "(policy-name)".
    const auto tail = trim(body);
    if (tail.ends_with(')')) {
      const auto open = tail.rfind(" (");
      if (open != std::string_view::npos) {
        out.set("rule.name", tail.substr(open + 2, tail.size() - open - 3));
      }
    }
    fw_split_kv(body, kv_);
    map_keys(out);
  }

  // "Authentication of SSLVPN user [name@domain@server] from 1.2.3.4 was rejected, ..."
  static void auth_message(std::string_view text, core::Event& out) {
    if (!text.starts_with("Authentication of ")) {
      return;
    }
    const bool ok = contains(text, " was accepted");
    const bool rejected = contains(text, " was rejected");
    out.set("event.category", "authentication");
    out.set("event.type", "start");
    if (ok || rejected) {
      out.set("event.outcome", ok ? "success" : "failure");
      out.set("event.action", ok ? "authentication-accepted" : "authentication-rejected");
    }
    const auto lb = text.find('[');
    const auto rb = text.find(']', lb == std::string_view::npos ? 0 : lb);
    if (lb != std::string_view::npos && rb != std::string_view::npos) {
      auto user = text.substr(lb + 1, rb - lb - 1);
      // The last '@' names the authentication server; the rest may be "name@domain".
      if (const auto at = user.rfind('@'); at != std::string_view::npos) {
        out.set("watchguard.firebox.auth_server", user.substr(at + 1));
        user = user.substr(0, at);
      }
      if (const auto at = user.find('@'); at != std::string_view::npos && at > 0) {
        out.set("user.domain", user.substr(at + 1));
        user = user.substr(0, at);
      }
      if (!user.empty()) {
        out.set("user.name", user);
      }
    }
    if (const auto from = text.find(" from "); from != std::string_view::npos) {
      auto ip = text.substr(from + 6);
      ip = ip.substr(0, ip.find(' '));
      address(out, true, ip);
    }
  }

  void keep(core::Event& out, std::string_view key, std::string_view value) {
    key_.assign("watchguard.firebox.");
    append_key_segment(key_, key);
    out.set(key_, value);
  }

  void map_keys(core::Event& out) {
    for (const auto& [k, v] : kv_) {
      if (v.empty()) {
        continue;
      }
      if (k == "src" || k == "src_ip") {
        address(out, true, v);
      } else if (k == "dst" || k == "dst_ip") {
        address(out, false, v);
      } else if (k == "srcPort" || k == "src_port") {
        set_port_or_keep(out, "source.port", v);
      } else if (k == "dstPort" || k == "dst_port") {
        set_port_or_keep(out, "destination.port", v);
      } else if (k == "proto") {
        if (!fw_set_transport(out, v, buf_)) {
          keep(out, k, v);
        }
      } else if (k == "in_if") {
        out.set("observer.ingress.interface.name", v);
      } else if (k == "out_if") {
        out.set("observer.egress.interface.name", v);
      } else if (k == "disp") {
        disposition(out, v);
      } else if (k == "policy") {
        out.set("rule.name", v);
      } else if (k == "src_user" || k == "user") {
        out.set("user.name", v);
      } else if (k == "sent_bytes") {
        if (const auto b = parse_int(v); b && *b >= 0) {
          out.set_int("source.bytes", *b);
        }
      } else if (k == "rcvd_bytes") {
        if (const auto b = parse_int(v); b && *b >= 0) {
          out.set_int("destination.bytes", *b);
        }
      } else if (k == "op") {
        out.set("http.request.method", v);
      } else if (k == "arg") {
        out.set("url.path", v);
      } else if (k == "dstname") {
        out.set("destination.domain", v);
        out.set("url.domain", v);
      } else if (k == "serial") {
        out.set("observer.serial_number", v);
      } else if (k == "host_name") {
        out.set("observer.hostname", v);
      } else if (k == "msg") {
        out.set("event.reason", v);
      } else {
        keep(out, k, v);
      }
    }
  }

  // "1.0|WatchGuard|XTM|12.8.2|1AFF0021|key=value<TAB or #011>key=value..."
  auto parse_pipe(const Input& in, std::string_view p, core::Event& out) -> std::string_view {
    std::array<std::string_view, 5> head{};
    std::size_t pos = 0;
    for (auto& h : head) {
      const auto bar = p.find('|', pos);
      if (bar == std::string_view::npos) {
        return "truncated WatchGuard header";
      }
      h = p.substr(pos, bar - pos);
      pos = bar + 1;
    }
    const std::string_view rest = p.substr(pos);
    common(in, out);
    if (!head[2].empty()) {
      out.set("observer.product", head[2]);
    }
    if (!head[3].empty()) {
      out.set("observer.version", head[3]);
    }
    if (!head[4].empty()) {
      out.set("event.code", head[4]);
    }
    // Fields are separated by TAB (LEEF) or its rsyslog escape "#011"; values keep spaces.
    kv_.clear();
    std::size_t i = 0;
    while (i < rest.size()) {
      std::size_t end = i;
      std::size_t next = rest.size();
      while (end < rest.size()) {
        if (rest[end] == '\t') {
          next = end + 1;
          break;
        }
        if (rest.substr(end, 4) == "#011") {
          next = end + 4;
          break;
        }
        ++end;
      }
      const auto field = rest.substr(i, end - i);
      const auto eq = field.find('=');
      if (eq != std::string_view::npos && eq > 0) {
        kv_.emplace_back(field.substr(0, eq), field.substr(eq + 1));
      }
      i = next;
    }
    map_keys(out);
    if (const auto msg = fw_value(kv_, "msg"); !msg.empty()) {
      out.set("message", msg);
      auth_message(msg, out);
    }
    return {};
  }

  FormatInfo info_;
  std::vector<FwKv> kv_;
  std::string key_;
  std::string buf_;
};

}  // namespace

auto make_watchguard_parser() -> std::unique_ptr<FormatParser> {
  return std::make_unique<WatchguardParser>();
}

}  // namespace siem::parsers::detail
