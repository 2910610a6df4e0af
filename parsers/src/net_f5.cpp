#include "common.hpp"
#include "net_common.hpp"

#include <algorithm>
#include <array>
#include <utility>
#include <vector>

namespace siem::parsers::detail {
namespace {

enum class F5Kind : std::uint8_t { none, asm_record, access, ltm };

auto is_hex(char c) -> bool {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

// BIG-IP message ids: "01260013:4: " (8 hex digits, a severity digit).
auto has_msg_id(std::string_view s) -> bool {
  if (s.size() < 12 || s[8] != ':' || s[10] != ':' || s[11] != ' ' || s[9] < '0' || s[9] > '7') {
    return false;
  }
  for (std::size_t i = 0; i < 8; ++i) {
    if (!is_hex(s[i])) {
      return false;
    }
  }
  return true;
}

constexpr std::array<std::string_view, 8> kLevels = {"emerg", "alert",  "crit", "err",
                                                     "warning", "notice", "info", "debug"};

struct F5Parts {
  F5Kind kind = F5Kind::none;
  std::string_view proc;
  std::string_view pid;
  std::string_view level;
  std::string_view text;
};

// Splits "[level ]proc[pid]: text" (BIG-IP writes the level word before the process).
auto split_f5(const Input& in, F5Parts& p) -> void {
  std::string_view s = in.payload;
  if (in.header.kind != SyslogKind::none && !in.header.app_name.empty()) {
    p.proc = in.header.app_name;
    p.pid = in.header.procid;
    for (const auto l : kLevels) {
      if (p.proc == l && p.pid.empty()) {
        p.level = l;
        p.proc = {};
      }
    }
  }
  if (p.proc.empty()) {
    for (const auto l : kLevels) {
      if (s.size() > l.size() && s.starts_with(l) && s[l.size()] == ' ') {
        if (p.level.empty()) {
          p.level = l;
          s = ltrim(s.substr(l.size()));
        }
        break;
      }
    }
    std::size_t i = 0;
    while (i < s.size() && i < 64 && s[i] != '[' && s[i] != ':' && s[i] != ' ') {
      ++i;
    }
    if (i > 0 && i < s.size() && i < 64 && s[i] != ' ') {
      std::string_view pid;
      std::size_t j = i;
      if (s[j] == '[') {
        const auto close = s.find(']', j);
        if (close != std::string_view::npos && close < j + 16) {
          pid = s.substr(j + 1, close - j - 1);
          j = close + 1;
        }
      }
      if (j < s.size() && s[j] == ':') {
        p.proc = s.substr(0, i);
        p.pid = pid;
        s = ltrim(s.substr(j + 1));
      }
    }
  }
  p.text = s;
  if (p.proc == "ASM" || s.starts_with("ASM:") || s.starts_with("unit_hostname=\"")) {
    p.kind = F5Kind::asm_record;
    if (s.starts_with("ASM:")) {
      p.text = s.substr(4);
    }
  } else if (s.starts_with("[ssl_acc] ")) {
    p.kind = F5Kind::access;
  } else if (has_msg_id(s)) {
    p.kind = F5Kind::ltm;
  }
}

/// F5 BIG-IP syslog: ASM request records (`unit_hostname="...",ip_client="...",...`), the
/// management interface's access log (`[ssl_acc] ip - user [time] "request" status bytes`)
/// and LTM/system messages carrying a BIG-IP message id (`tmm[1]: 01260013:4: ...`, client
/// and server `ip:port` pairs). Owned by one worker.
class F5Parser final : public FormatParser {
public:
  F5Parser() {
    info_.name = "f5/bigip";
    info_.description = "F5 BIG-IP syslog: ASM records, [ssl_acc] access log, LTM messages";
    info_.detection = "process ASM (or 'ASM:' / 'unit_hostname=\"' payload), '[ssl_acc] ' "
                      "after the process tag, or a BIG-IP message id 'xxxxxxxx:n: '";
    info_.status = "experimental";
    info_.example =
        "<134>Nov 26 10:00:00 bigip1 info tmm[12345]: 01260013:4: SSL Handshake failed for TCP "
        "198.51.100.7:40000 -> 192.0.2.80:443";
    kv_.reserve(64);
  }

  [[nodiscard]] auto info() const -> const FormatInfo& override { return info_; }

  [[nodiscard]] auto detect(const Input& in) const -> bool override {
    F5Parts p;
    split_f5(in, p);
    return p.kind != F5Kind::none;
  }

  auto parse(const Input& in, const ParseContext& ctx, core::Event& out)
      -> std::string_view override {
    F5Parts p;
    split_f5(in, p);
    if (p.kind == F5Kind::none) {
      return "not a BIG-IP record";
    }
    if (p.kind == F5Kind::asm_record && !split_asm(p.text)) {
      return "no ASM key=\"value\" pairs";
    }
    if (in.header.kind != SyslogKind::none || in.header.pri >= 0) {
      apply_syslog_origin(in.header, out);
    }
    out.set("event.module", "f5");
    out.set("observer.vendor", "F5");
    out.set("event.kind", "event");
    if (!p.proc.empty()) {
      out.set("process.name", p.proc);
    }
    if (const auto pid = parse_int(p.pid); pid && *pid >= 0) {
      out.set_int("process.pid", *pid);
    } else {
      keep_invalid(out, "process.pid", p.pid);
    }
    if (!p.level.empty()) {
      out.set("log.level", p.level);
    }
    switch (p.kind) {
      case F5Kind::asm_record:
        asm_record(ctx, out);
        break;
      case F5Kind::access:
        access(p.text, out);
        break;
      default:
        ltm(p.text, out);
        break;
    }
    return {};
  }

private:
  // key="value",key="value" ("" inside a value is a quote).
  auto split_asm(std::string_view s) -> bool {
    kv_.clear();
    std::size_t pos = 0;
    const std::size_t n = s.size();
    while (pos < n) {
      while (pos < n && (s[pos] == ',' || s[pos] == ' ')) {
        ++pos;
      }
      const std::size_t ks = pos;
      while (pos < n && s[pos] != '=' && s[pos] != ',' && s[pos] != '"') {
        ++pos;
      }
      if (pos + 1 >= n || s[pos] != '=' || s[pos + 1] != '"' || pos == ks) {
        break;
      }
      const std::string_view key = s.substr(ks, pos - ks);
      const std::size_t vs = pos + 2;
      std::size_t j = vs;
      while (j < n) {
        if (s[j] == '"') {
          if (j + 1 < n && s[j + 1] == '"') {
            j += 2;
            continue;
          }
          break;
        }
        ++j;
      }
      if (j >= n) {
        break;  // truncated value
      }
      kv_.emplace_back(key, s.substr(vs, j - vs));
      pos = j + 1;
    }
    return !kv_.empty();
  }

  auto unq(std::string_view v) -> std::string_view {
    if (v.find("\"\"") == std::string_view::npos) {
      return v;
    }
    buf_.clear();
    for (std::size_t i = 0; i < v.size(); ++i) {
      buf_.push_back(v[i]);
      if (v[i] == '"' && i + 1 < v.size() && v[i + 1] == '"') {
        ++i;
      }
    }
    return buf_;
  }

  [[nodiscard]] auto kv(std::string_view key) const -> std::string_view {
    for (const auto& [k, v] : kv_) {
      if (k == key) {
        return v == "N/A" ? std::string_view{} : v;
      }
    }
    return {};
  }

  void asm_record(const ParseContext& ctx, core::Event& out) {
    out.set("event.dataset", "f5.asm");
    out.set("observer.product", "BIG-IP ASM");
    out.set("observer.type", "waf");
    out.set("event.category", "web");
    const std::string_view status = kv("request_status");
    if (status == "blocked" || status == "alerted") {
      out.set("event.kind", "alert");
    }
    if (!status.empty()) {
      out.set("event.action", status);
      if (status == "blocked") {
        out.set("event.outcome", "failure");
      } else if (status == "passed" || status == "alerted") {
        out.set("event.outcome", "success");
      }
    }
    if (const auto t = parse_net_time(kv("date_time"), ctx)) {
      out.timestamp = t;
    }
    const std::string_view uri = kv("uri");
    const std::string_view query = kv("query_string");
    if (!uri.empty()) {
      out.set("url.path", uri);
      buf_.assign(uri);
      if (!query.empty()) {
        buf_.push_back('?');
        buf_.append(query);
      }
      out.set("url.original", buf_);
    }
    for (const auto& [k, raw] : kv_) {
      if (raw.empty() || raw == "N/A") {
        continue;
      }
      const std::string_view v = unq(raw);
      bool mapped = true;
      if (k == "unit_hostname") {
        out.set("observer.hostname", v);
        out.set("host.hostname", v);
      } else if (k == "management_ip_address") {
        mapped = set_ip(out, "observer.ip", v);
      } else if (k == "policy_name") {
        out.set("rule.name", v);
      } else if (k == "support_id") {
        out.set("event.id", v);
      } else if (k == "ip_client") {
        mapped = set_ip(out, "source.ip", v);
      } else if (k == "src_port") {
        mapped = set_port(out, "source.port", v);
      } else if (k == "dest_ip") {
        mapped = set_ip(out, "destination.ip", v);
      } else if (k == "dest_port") {
        mapped = set_port(out, "destination.port", v);
      } else if (k == "method") {
        out.set("http.request.method", v);
      } else if (k == "protocol") {
        if (iequals(v, "HTTP") || iequals(v, "HTTPS")) {
          out.set("url.scheme", to_lower(v, tmp_));
        } else {
          mapped = false;
        }
      } else if (k == "response_code") {
        const auto c = parse_int(v);
        mapped = c && *c >= 100 && *c <= 599;
        if (mapped) {
          out.set_int("http.response.status_code", *c);
        } else if (v == "0") {
          mapped = true;  // no response (blocked before the server answered)
        }
      } else if (k == "query_string") {
        out.set("url.query", v);
      } else if (k == "uri") {
        mapped = true;
      } else if (k == "severity") {
        out.set("log.level", v);
      } else if (k == "username") {
        out.set("user.name", v);
      } else if (k == "x_forwarded_for_header_value") {
        mapped = set_ip(out, "network.forwarded_ip", v);
      } else if (k == "violations") {
        out.set("event.reason", v);
      } else {
        mapped = false;
      }
      if (!mapped) {
        set_vendor(out, key_, "f5.bigip.", k, v);
      }
    }
  }

  // "[ssl_acc] 1.2.3.4 - admin [15/Jul/2024:02:51:49 +0200] "GET /x HTTP/1.1" 200 2" (the
  // request may also be a bare path).
  void access(std::string_view s, core::Event& out) {
    out.set("event.dataset", "f5.bigip");
    out.set("observer.product", "BIG-IP");
    out.set("event.category", "web");
    out.set("event.type", "access");
    s = s.substr(10);
    std::size_t pos = 0;
    auto token = [&]() {
      while (pos < s.size() && s[pos] == ' ') {
        ++pos;
      }
      const std::size_t st = pos;
      while (pos < s.size() && s[pos] != ' ') {
        ++pos;
      }
      return s.substr(st, pos - st);
    };
    const auto ip = token();
    if (!ip.empty()) {
      out.set("source.address", ip);
      set_ip_or_keep(out, "source.ip", ip);
    }
    token();  // identd
    if (const auto user = token(); !user.empty() && user != "-") {
      out.set("user.name", user);
    }
    while (pos < s.size() && s[pos] == ' ') {
      ++pos;
    }
    if (pos < s.size() && s[pos] == '[') {
      const auto close = s.find(']', pos);
      if (close == std::string_view::npos) {
        return;
      }
      if (const auto t = clf_time(s.substr(pos + 1, close - pos - 1))) {
        out.timestamp = t;
      }
      pos = close + 1;
    }
    while (pos < s.size() && s[pos] == ' ') {
      ++pos;
    }
    std::string_view target;
    if (pos < s.size() && s[pos] == '"') {
      const auto close = s.find('"', pos + 1);
      if (close == std::string_view::npos) {
        return;
      }
      const auto req = s.substr(pos + 1, close - pos - 1);
      pos = close + 1;
      const auto sp1 = req.find(' ');
      if (sp1 != std::string_view::npos) {
        out.set("http.request.method", req.substr(0, sp1));
        const auto rest = req.substr(sp1 + 1);
        const auto sp2 = rest.rfind(" HTTP/");
        target = sp2 == std::string_view::npos ? rest : rest.substr(0, sp2);
        if (sp2 != std::string_view::npos) {
          out.set("http.version", rest.substr(sp2 + 6));
        }
      } else {
        target = req;
      }
    } else {
      target = token();
    }
    if (!target.empty() && target.front() == '/') {
      set_url(out, target);
    }
    if (const auto c = parse_int(token()); c && *c >= 100 && *c <= 599) {
      out.set_int("http.response.status_code", *c);
    }
    if (const auto b = parse_int(token()); b && *b >= 0) {
      out.set_int("http.response.body.bytes", *b);
    }
  }

  // "15/Jul/2024:02:51:49 +0200"
  static auto clf_time(std::string_view t) -> std::optional<core::TimeMs> {
    if (t.size() < 20 || t[2] != '/' || t[6] != '/' || t[11] != ':') {
      return std::nullopt;
    }
    std::array<char, 40> b{};
    // Rebuild as "Jul 15 2024 02:51:49 +0200" for parse_net_time.
    const std::string_view mon = t.substr(3, 3);
    const std::string_view day = t.substr(0, 2);
    const std::string_view year = t.substr(7, 4);
    const std::string_view rest = t.substr(12);
    std::size_t n = 0;
    for (const auto part : {mon, std::string_view{" "}, day, std::string_view{" "}, year,
                            std::string_view{" "}, rest}) {
      for (const char c : part) {
        if (n == b.size()) {
          return std::nullopt;
        }
        b[n++] = c;
      }
    }
    return parse_net_time(std::string_view{b.data(), n}, ParseContext{});
  }

  void ltm(std::string_view s, core::Event& out) {
    out.set("event.dataset", "f5.bigip");
    out.set("observer.product", "BIG-IP");
    out.set("event.code", s.substr(0, 8));
    const std::string_view msg = ltrim(s.substr(11));
    out.set("message", msg);
    // "... for TCP 198.51.100.7:40000 -> 192.0.2.80:443" / "Client 198.51.100.7:40000 -> ..."
    const auto arrow = msg.find(" -> ");
    if (arrow == std::string_view::npos) {
      return;
    }
    const auto left_start = msg.rfind(' ', arrow - 1);
    const auto left = msg.substr(left_start == std::string_view::npos ? 0 : left_start + 1,
                                 arrow - (left_start == std::string_view::npos ? 0 : left_start + 1));
    const auto right_start = arrow + 4;
    auto right_end = msg.find_first_of(" ,)", right_start);
    const auto right = msg.substr(right_start, right_end == std::string_view::npos
                                                   ? std::string_view::npos
                                                   : right_end - right_start);
    endpoint(out, left, "source.ip", "source.port");
    endpoint(out, right, "destination.ip", "destination.port");
    if (left_start != std::string_view::npos && left_start >= 4) {
      const auto proto = msg.substr(left_start - 3, 3);
      if (proto == "TCP" || proto == "UDP") {
        out.set("network.transport", proto == "TCP" ? "tcp" : "udp");
      }
    }
  }

  // "1.2.3.4:80", "[2001:db8::1]:80" or "2001:db8::1.80" (BIG-IP's IPv6 form).
  static void endpoint(core::Event& out, std::string_view ep, std::string_view ip_key,
                       std::string_view port_key) {
    if (ep.empty()) {
      return;
    }
    std::size_t sep = std::string_view::npos;
    if (ep.front() == '[') {
      const auto close = ep.find(']');
      if (close != std::string_view::npos && close + 1 < ep.size() && ep[close + 1] == ':') {
        if (set_ip(out, ip_key, ep.substr(1, close - 1))) {
          set_port_or_keep(out, port_key, ep.substr(close + 2));
        }
      }
      return;
    }
    const auto colons = static_cast<std::size_t>(std::count(ep.begin(), ep.end(), ':'));
    sep = colons == 1 ? ep.find(':') : ep.rfind('.');
    if (colons == 0 || sep == std::string_view::npos) {
      set_ip_or_keep(out, ip_key, ep);
      return;
    }
    if (set_ip(out, ip_key, ep.substr(0, sep))) {
      set_port_or_keep(out, port_key, ep.substr(sep + 1));
    }
  }

  FormatInfo info_;
  std::vector<std::pair<std::string_view, std::string_view>> kv_;
  std::string buf_;
  std::string key_;
  std::string tmp_;
};

}  // namespace

auto make_f5_parser() -> std::unique_ptr<FormatParser> {
  return std::make_unique<F5Parser>();
}

}  // namespace siem::parsers::detail
