#include "common.hpp"
#include "net_common.hpp"

#include <algorithm>
#include <array>
#include <utility>
#include <vector>

namespace siem::parsers::detail {
namespace {

constexpr std::array<std::string_view, 7> kLevels = {"Info",  "Notice", "Warning", "Error",
                                                     "Security", "Fatal", "Debug"};

// Start of the activity record's "type=...|" pairs, or npos.
auto activity_start(std::string_view p) -> std::size_t {
  const auto t = p.substr(0, 256).find("type=");
  if (t == std::string_view::npos || (t > 0 && p[t - 1] != ' ')) {
    return std::string_view::npos;
  }
  const auto window = p.substr(t, 160);
  if (window.find("|proto=") == std::string_view::npos
      && window.find("|srcIP=") == std::string_view::npos) {
    return std::string_view::npos;
  }
  return t;
}

// A box log line: a level word padded with spaces ("Info     ..."). Returns the level.
auto box_level(std::string_view p) -> std::string_view {
  for (const auto l : kLevels) {
    if (p.size() > l.size() + 2 && p.starts_with(l) && p[l.size()] == ' '
        && p[l.size() + 1] == ' ') {
      return l;
    }
  }
  return {};
}

// "name[123]: " anywhere in `s` (the first one).
auto find_proc(std::string_view s, std::string_view& name, std::string_view& pid) -> bool {
  std::size_t pos = 0;
  while ((pos = s.find("]: ", pos)) != std::string_view::npos) {
    const auto open = s.rfind('[', pos);
    if (open != std::string_view::npos && open > 0 && pos - open > 1 && pos - open < 12) {
      const auto digits = s.substr(open + 1, pos - open - 1);
      auto start = s.rfind(' ', open);
      start = start == std::string_view::npos ? 0 : start + 1;
      if (parse_int(digits) && start < open) {
        name = s.substr(start, open - start);
        pid = digits;
        return true;
      }
    }
    pos += 3;
  }
  return false;
}

// "[user@1.2.3.4_29010]": the administrator and peer of an administrative session.
auto find_peer(std::string_view s, std::string_view& ip, std::string_view& port,
               std::string_view* user = nullptr) -> bool {
  const auto open = s.find('[');
  if (open == std::string_view::npos) {
    return false;
  }
  const auto close = s.find(']', open);
  const auto at = s.find('@', open);
  if (close == std::string_view::npos || at == std::string_view::npos || at > close) {
    return false;
  }
  const auto peer = s.substr(at + 1, close - at - 1);
  const auto us = peer.rfind('_');
  ip = peer.substr(0, us);
  port = us == std::string_view::npos ? std::string_view{} : peer.substr(us + 1);
  if (user != nullptr) {
    *user = s.substr(open + 1, at - open - 1);
  }
  return is_ip(ip);
}

// The text after `label` up to `stop` (or the end), trimmed; empty when `label` is absent.
auto text_after(std::string_view s, std::string_view label, std::string_view stop)
    -> std::string_view {
  const auto at = s.find(label);
  if (at == std::string_view::npos) {
    return {};
  }
  auto v = s.substr(at + label.size());
  if (const auto e = v.find(stop); e != std::string_view::npos) {
    v = v.substr(0, e);
  }
  return trim(v);
}

/// Barracuda CloudGen Firewall: the firewall activity log (`[yyyy mm dd HH:MM:SS Type
/// +hh:mm ]Action: type=FWD|proto=TCP|srcIF=...|srcIP=...|...`, '|'-separated pairs) and box
/// log lines that start with a padded level word (`Info     ... proc[pid]: ...`). Owned by
/// one worker.
class BarracudaParser final : public FormatParser {
public:
  BarracudaParser() {
    info_.name = "barracuda/cloudgen";
    info_.description =
        "Barracuda CloudGen Firewall activity log (type=...|srcIP=...) and box log lines";
    info_.detection = "' type=' followed by '|proto=' or '|srcIP=' in the first 256 bytes, or a "
                      "padded level word ('Info  ') followed by 'proc[pid]: ' or '[user@ip_port]'";
    info_.status = "experimental";
    info_.example =
        "2026 11 26 10:00:00 Security +01:00 Block: type=FWD|proto=UDP|srcIF=eth0|"
        "srcIP=10.0.0.5|srcPort=54915|dstIP=10.0.0.255|dstPort=54915|rule=BLOCKALL|"
        "info=Block by Rule";
    kv_.reserve(40);
  }

  [[nodiscard]] auto info() const -> const FormatInfo& override { return info_; }

  [[nodiscard]] auto detect(const Input& in) const -> bool override {
    if (activity_start(in.payload) != std::string_view::npos) {
      return true;
    }
    if (box_level(in.payload).empty()) {
      return false;
    }
    std::string_view a;
    std::string_view b;
    return find_proc(in.payload.substr(0, 256), a, b) || find_peer(in.payload.substr(0, 256), a, b);
  }

  auto parse(const Input& in, const ParseContext& ctx, core::Event& out)
      -> std::string_view override {
    const std::string_view p = in.payload;
    const std::size_t start = activity_start(p);
    if (start == std::string_view::npos && box_level(p).empty()) {
      return "not a Barracuda CloudGen record";
    }
    if (in.header.kind != SyslogKind::none || in.header.pri >= 0) {
      apply_syslog_origin(in.header, out);
    }
    out.set("event.module", "barracuda");
    out.set("event.dataset", "barracuda.cloudgen");
    out.set("observer.vendor", "Barracuda");
    out.set("observer.product", "CloudGen Firewall");
    out.set("observer.type", "firewall");
    out.set("event.kind", "event");
    if (start != std::string_view::npos) {
      activity(p.substr(0, start), p.substr(start), ctx, out);
    } else {
      box(p, out);
    }
    return {};
  }

private:
  void activity(std::string_view prefix, std::string_view pairs, const ParseContext& ctx,
                core::Event& out) {
    out.set("event.category", "network");
    // Prefix: "[yyyy mm dd HH:MM:SS Type +hh:mm ]Action:"
    prefix = trim(prefix);
    if (!prefix.empty() && prefix.back() == ':') {
      const auto sp = prefix.rfind(' ');
      const auto action = prefix.substr(sp == std::string_view::npos ? 0 : sp + 1,
                                        prefix.size() - (sp == std::string_view::npos ? 0 : sp + 1)
                                            - 1);
      if (!action.empty()) {
        out.set("event.action", action);
        if (const auto o = outcome_of_action(action); !o.empty()) {
          out.set("event.outcome", o);
        }
      }
      prefix = sp == std::string_view::npos ? std::string_view{} : trim(prefix.substr(0, sp));
    }
    if (prefix.size() >= 19 && prefix[4] == ' ' && prefix[7] == ' ' && prefix[10] == ' ') {
      std::array<char, 40> b{};
      std::size_t n = 0;
      for (std::size_t i = 0; i < 19; ++i) {
        b[n++] = i == 4 || i == 7 ? '-' : i == 10 ? 'T' : prefix[i];
      }
      const auto rest = trim(prefix.substr(19));
      const auto sp = rest.rfind(' ');
      const auto zone = sp == std::string_view::npos ? rest : rest.substr(sp + 1);
      if (sp != std::string_view::npos) {
        out.set("log.level", rest.substr(0, sp));
      }
      if ((zone.starts_with('+') || zone.starts_with('-')) && zone.size() <= 6) {
        for (const char c : zone) {
          b[n++] = c;
        }
      }
      if (const auto t = core::parse_rfc3339(std::string_view{b.data(), n},
                                             ctx.tz_offset_minutes)) {
        out.timestamp = t;
      } else if (const auto local =
                     core::parse_rfc3339(std::string_view{b.data(), 19}, ctx.tz_offset_minutes)) {
        out.timestamp = local;  // a zone that does not parse must not cost the time
        keep_invalid(out, "event.timezone", zone);
      } else {
        keep_invalid(out, "@timestamp", prefix.substr(0, 19));
      }
    }
    kv_.clear();
    std::size_t pos = 0;
    while (pos <= pairs.size()) {
      auto end = pairs.find('|', pos);
      if (end == std::string_view::npos) {
        end = pairs.size();
      }
      const auto item = pairs.substr(pos, end - pos);
      if (const auto eq = item.find('='); eq != std::string_view::npos && eq > 0) {
        kv_.emplace_back(item.substr(0, eq), item.substr(eq + 1));
      }
      pos = end + 1;
    }
    for (const auto& [k, v] : kv_) {
      if (v.empty()) {
        continue;
      }
      bool mapped = true;
      if (k == "proto") {
        mapped = set_transport(out, v, tmp_);
      } else if (k == "srcIF") {
        out.set("observer.ingress.interface.name", v);
      } else if (k == "dstIF") {
        out.set("observer.egress.interface.name", v);
      } else if (k == "srcIP") {
        mapped = set_ip(out, "source.ip", v);
      } else if (k == "dstIP") {
        mapped = set_ip(out, "destination.ip", v);
      } else if (k == "srcPort") {
        mapped = set_port(out, "source.port", v);
      } else if (k == "dstPort") {
        mapped = set_port(out, "destination.port", v);
      } else if (k == "srcMAC") {
        out.set("source.mac", v);
      } else if (k == "srcNAT") {
        mapped = v == "0.0.0.0" || set_ip(out, "source.nat.ip", v);
      } else if (k == "dstNAT") {
        mapped = v == "0.0.0.0" || set_ip(out, "destination.nat.ip", v);
      } else if (k == "rule") {
        out.set("rule.name", v);
      } else if (k == "info") {
        out.set("event.reason", v);
      } else if (k == "user") {
        out.set("user.name", v);
      } else if (k == "application") {
        out.set("network.application", to_lower(v, tmp_));
      } else {
        mapped = false;
      }
      if (!mapped) {
        set_vendor(out, key_, "barracuda.cloudgen.", k, v);
      }
    }
  }

  static void box(std::string_view p, core::Event& out) {
    const auto level = box_level(p);
    out.set("log.level", level);
    const auto text = trim(p.substr(level.size()));
    std::string_view name;
    std::string_view pid;
    std::string_view msg = text;
    if (find_proc(text, name, pid)) {
      out.set("process.name", name);
      if (const auto v = parse_int(pid); v && *v >= 0) {
        out.set_int("process.pid", *v);
      }
      msg = text.substr(text.find("]: ", static_cast<std::size_t>(pid.data() - text.data())) + 3);
    }
    out.set("message", msg);
    std::string_view ip;
    std::string_view port;
    std::string_view admin;
    if (find_peer(text, ip, port, &admin)) {
      set_ip_or_keep(out, "source.ip", ip);
      out.set("source.address", ip);
      set_port_or_keep(out, "source.port", port);
      if (!admin.empty() && admin.find(' ') == std::string_view::npos) {
        out.set("user.name", admin);
      }
    }
    // "Login <name> from 10.0.0.1[:port] : Allowed." / "... : Denied."
    if (const auto from = msg.find(" from "); from != std::string_view::npos) {
      const auto s = from + 6;
      const auto e = msg.find_first_of(" ,", s);
      std::string_view addr =
          msg.substr(s, e == std::string_view::npos ? std::string_view::npos : e - s);
      std::string_view client_port;
      // An IPv4 address may carry the client port ("10.0.0.1:51234"); an IPv6 one is bare.
      if (const auto colon = addr.find(':');
          colon != std::string_view::npos && addr.find(':', colon + 1) == std::string_view::npos) {
        client_port = addr.substr(colon + 1);
        addr = addr.substr(0, colon);
      }
      if (set_ip(out, "source.ip", addr)) {
        out.set("source.address", addr);
        set_port_or_keep(out, "source.port", client_port);
      }
    }
    // A configuration commit: "Commit operation: <n> Copy: <file> from <source>".
    if (const auto op = text_after(msg, "Commit operation: ", " "); !op.empty()) {
      out.set("event.category", "configuration");
      out.set("event.type", "change");
      out.set("barracuda.cloudgen.commit_operation", op);
    }
    if (const auto copy = msg.find("Copy: "); copy != std::string_view::npos) {
      const auto what = trim(msg.substr(copy + 6));
      // "Copy: from x" names no file.
      const auto from_at = what == "from" || what.starts_with("from ") ? 0 : what.find(" from ");
      const auto file = trim(what.substr(0, from_at));
      if (!file.empty() && file.find(' ') == std::string_view::npos) {
        out.set("file.name", file);
      }
      if (from_at != std::string_view::npos) {
        const auto src = trim(what.substr(std::min(what.size(), from_at + (from_at == 0 ? 4 : 6))));
        if (!src.empty()) {
          out.set("barracuda.cloudgen.copy_source", src);
        }
      }
    }
    if (msg.starts_with("Login ")) {
      // The login name as logged, up to " from ". Underscores are legal in account names,
      // so a "name_suffix" login is not split.
      const auto login = msg.substr(6, msg.find(" from ") - 6);
      if (msg.find(" from ") != std::string_view::npos && !login.empty()
          && login.find(' ') == std::string_view::npos) {
        out.set("user.name", login);
      }
      out.set("event.category", "authentication");
      if (msg.ends_with(": Allowed.") || msg.ends_with(": Allowed")) {
        out.set("event.outcome", "success");
      } else if (msg.ends_with(": Denied.") || msg.ends_with(": Denied")
                 || msg.find("failed") != std::string_view::npos) {
        out.set("event.outcome", "failure");
      }
    }
  }

  FormatInfo info_;
  std::vector<std::pair<std::string_view, std::string_view>> kv_;
  std::string key_;
  std::string tmp_;
};

}  // namespace

auto make_barracuda_parser() -> std::unique_ptr<FormatParser> {
  return std::make_unique<BarracudaParser>();
}

}  // namespace siem::parsers::detail
