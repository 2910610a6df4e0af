#include "common.hpp"
#include "fw_util.hpp"
#include "syslog.hpp"

#include <algorithm>
#include <array>
#include <string>
#include <string_view>
#include <vector>

// key=value firewalls: Sophos XG/SFOS, SonicWall (native syslog) and Stormshield SNS.
namespace siem::parsers::detail {
namespace {

auto contains(std::string_view s, std::string_view lit) -> bool {
  return s.find(lit) != std::string_view::npos;
}

// Common base: the reused pair vector and scratch strings, plus helpers to keep a
// vendor key under "<prefix>.<key>".
class KvFirewallParser : public FormatParser {
protected:
  void keep(core::Event& out, std::string_view prefix, std::string_view key,
            std::string_view value) {
    if (value.empty()) {
      return;
    }
    key_.assign(prefix);
    key_.push_back('.');
    append_key_segment(key_, key);
    out.set(key_, value);
  }

  static void address(core::Event& out, std::string_view side, std::string_view ip,
                      std::string& key) {
    if (ip.empty()) {
      return;
    }
    key.assign(side);
    key.append(".address");
    out.set(key, ip);
    key.assign(side);
    key.append(".ip");
    set_ip_or_keep(out, key, ip);
  }

  static auto set_count(core::Event& out, std::string_view key, std::string_view value) -> bool {
    if (const auto v = parse_int(value); v && *v >= 0) {
      out.set_int(key, *v);
      return true;
    }
    return false;
  }

  std::vector<FwKv> kv_;
  std::string key_;
  std::string key2_;
  std::string buf_;
};

/// Sophos Firewall (XG / SFOS) syslog in key=value form (`device="SFW" date=... time=...
/// timezone="CET" device_name=... log_id=... log_type="Firewall" ...`, and the SFOS 19+
/// `timestamp="..." device_serial_id=...` variant). Owned by one worker.
class SophosParser final : public KvFirewallParser {
public:
  SophosParser() {
    info_.name = "sophos/firewall";
    info_.description = "Sophos Firewall (XG/SFOS) key=value syslog";
    info_.detection = "payload has log_id= and log_type= and a device=/device_name=/"
                      "device_id=/device_serial_id=/device_model= key";
    info_.status = "stable";
    info_.example =
        R"(device="SFW" date=2026-11-26 time=10:00:00 timezone="CET" device_name="XG" )"
        R"(device_id=C01001 log_id=010101600001 log_type="Firewall" log_component="Firewall Rule" )"
        R"(log_subtype="Allowed" status="Allow" src_ip=10.0.0.1 dst_ip=8.8.8.8 protocol="TCP" )"
        R"(src_port=51234 dst_port=443)";
  }

  [[nodiscard]] auto info() const -> const FormatInfo& override { return info_; }

  [[nodiscard]] auto detect(const Input& in) const -> bool override {
    const auto p = in.payload;
    return contains(p, "log_id=") && contains(p, "log_type=")
           && (contains(p, "device=\"SFW\"") || contains(p, "device_name=")
               || contains(p, "device_id=") || contains(p, "device_serial_id=")
               || contains(p, "device_model="));
  }

  auto parse(const Input& in, const ParseContext& ctx, core::Event& out)
      -> std::string_view override {
    fw_split_kv(in.payload, kv_);
    if (fw_value(kv_, "log_id").empty() || fw_value(kv_, "log_type").empty()) {
      return "no Sophos log_id/log_type";
    }
    apply_syslog_origin(in.header, out);
    out.set("event.kind", "event");
    out.set("event.module", "sophos");
    out.set("event.dataset", "sophos.xg");
    out.set("observer.vendor", "Sophos");
    out.set("observer.product", "XG Firewall");
    out.set("observer.type", "firewall");

    // Time: SFOS 19+ "timestamp" carries its offset; else date + time in "timezone".
    if (const auto ts = fw_value(kv_, "timestamp"); !ts.empty()) {
      out.timestamp = fw_parse_datetime(ts, ctx.tz_offset_minutes, buf_);
    }
    if (!out.timestamp) {
      const auto date = fw_value(kv_, "date");
      const auto time = fw_value(kv_, "time");
      if (date.size() == 10 && time.size() >= 8 && time.size() <= 15) {
        const auto zone = fw_zone_offset(fw_value(kv_, "timezone"));
        key2_.assign(date);
        key2_.push_back(' ');
        key2_.append(time);
        out.timestamp = fw_parse_datetime(key2_, zone ? *zone : ctx.tz_offset_minutes, buf_);
        if (!out.timestamp) {
          keep_invalid(out, "@timestamp", key2_);
        }
      }
    }

    const auto log_type = fw_value(kv_, "log_type");
    if (log_type == "Firewall") {
      out.set("event.category", "network");
      out.set("event.type", "connection");
    } else if (log_type == "IDP" || log_type == "ATP") {
      out.set("event.kind", "alert");
      out.set("event.category", "intrusion_detection");
      out.set("event.type", "info");
    } else if (log_type == "Anti-Virus" || log_type == "Anti-Spam") {
      out.set("event.kind", "alert");
      out.set("event.category", "malware");
      out.set("event.type", "info");
    } else if (log_type == "Content Filtering") {
      out.set("event.category", "web");
      out.set("event.type", "access");
    } else if (contains(fw_value(kv_, "log_component"), "Authentication")) {
      out.set("event.category", "authentication");
      out.set("event.type", "start");
    }
    if (const auto status = fw_value(kv_, "status"); !status.empty()) {
      out.set("event.action", to_lower(status, buf_));
      if (fw_iequals(status, "Allow") || fw_iequals(status, "Successful")) {
        out.set("event.outcome", "success");
      } else if (fw_iequals(status, "Deny") || fw_iequals(status, "Failed")) {
        out.set("event.outcome", "failure");
      }
    }

    for (const auto& [k, v] : kv_) {
      if (v.empty()) {
        continue;
      }
      if (k == "src_ip") {
        address(out, "source", v, key_);
      } else if (k == "dst_ip") {
        address(out, "destination", v, key_);
      } else if (k == "src_port") {
        if (!set_port(out, "source.port", v)) {
          keep(out, "sophos.xg", k, v);
        }
      } else if (k == "dst_port") {
        if (!set_port(out, "destination.port", v)) {
          keep(out, "sophos.xg", k, v);
        }
      } else if (k == "tran_src_ip") {
        if (!set_ip(out, "source.nat.ip", v)) {
          keep(out, "sophos.xg", k, v);
        }
      } else if (k == "tran_src_port") {
        if (!set_port(out, "source.nat.port", v)) {
          keep(out, "sophos.xg", k, v);
        }
      } else if (k == "tran_dst_ip") {
        if (!set_ip(out, "destination.nat.ip", v)) {
          keep(out, "sophos.xg", k, v);
        }
      } else if (k == "tran_dst_port") {
        if (!set_port(out, "destination.nat.port", v)) {
          keep(out, "sophos.xg", k, v);
        }
      } else if (k == "protocol") {
        if (!fw_set_transport(out, v, buf_)) {
          keep(out, "sophos.xg", k, v);
        }
      } else if (k == "user_name" || (k == "user" && !out.has("user.name"))) {
        out.set("user.name", v);
      } else if (k == "sent_bytes" || k == "bytes_sent") {
        if (!set_count(out, "source.bytes", v)) {
          keep(out, "sophos.xg", k, v);
        }
      } else if (k == "recv_bytes" || k == "bytes_received") {
        if (!set_count(out, "destination.bytes", v)) {
          keep(out, "sophos.xg", k, v);
        }
      } else if (k == "sent_pkts") {
        if (!set_count(out, "source.packets", v)) {
          keep(out, "sophos.xg", k, v);
        }
      } else if (k == "recv_pkts") {
        if (!set_count(out, "destination.packets", v)) {
          keep(out, "sophos.xg", k, v);
        }
      } else if (k == "in_interface") {
        out.set("observer.ingress.interface.name", v);
      } else if (k == "out_interface") {
        out.set("observer.egress.interface.name", v);
      } else if (k == "src_mac") {
        out.set("source.mac", v);
      } else if (k == "dst_mac") {
        out.set("destination.mac", v);
      } else if (k == "fw_rule_id") {
        out.set("rule.id", v);
      } else if (k == "fw_rule_name") {
        out.set("rule.name", v);
      } else if (k == "application" || k == "app_name") {
        out.set("network.application", v);
      } else if (k == "message") {
        out.set("message", v);
      } else if (k == "url") {
        out.set("url.original", v);
      } else if (k == "domain") {
        out.set("url.domain", v);
      } else if (k == "device_name") {
        out.set("observer.name", v);
      } else if (k == "device_id" || k == "device_serial_id") {
        out.set("observer.serial_number", v);
      } else if (k == "log_id") {
        out.set("event.code", v);
      } else if (k == "priority" || k == "severity") {
        out.set("log.level", v);
      } else if (k == "date" || k == "time" || k == "timestamp") {
        continue;
      } else {
        keep(out, "sophos.xg", k, v);
      }
    }
    return {};
  }

private:
  FormatInfo info_;
};

// "ip:port:iface[:host]" of SonicWall's src= / dst=; IPv6 addresses are not split.
struct SonicEndpoint {
  std::string_view ip;
  std::string_view port;
  std::string_view iface;
  std::string_view host;
};

auto split_endpoint(std::string_view v) -> SonicEndpoint {
  SonicEndpoint e;
  if (std::count(v.begin(), v.end(), ':') > 3) {
    e.ip = v;  // a bare IPv6 address
    return e;
  }
  std::array<std::string_view, 4> parts{};
  std::size_t n = 0;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= v.size() && n < parts.size(); ++i) {
    if (i == v.size() || (v[i] == ':' && n < parts.size() - 1)) {
      parts[n++] = v.substr(start, i - start);
      start = i + 1;
    }
  }
  e.ip = parts[0];
  e.port = parts[1];
  e.iface = parts[2];
  e.host = parts[3];
  return e;
}

/// SonicWall firewall native syslog (`id=firewall sn=... time="..." fw=... pri=... c=... m=...
/// msg="..." src=ip:port:iface dst=ip:port:iface proto=tcp/443 ...`). Owned by one worker.
class SonicwallParser final : public KvFirewallParser {
public:
  SonicwallParser() {
    info_.name = "sonicwall/firewall";
    info_.description = "SonicWall firewall (SonicOS) native key=value syslog";
    info_.detection = "payload has id=, sn= and m= keys";
    info_.status = "experimental";
    info_.example =
        R"(id=firewall sn=0017C5000000 time="2026-11-26 10:00:00 UTC" fw=203.0.113.1 pri=6 )"
        R"(c=262144 m=98 msg="Connection Opened" n=1 src=10.0.0.5:51234:X0 )"
        R"(dst=198.51.100.7:443:X1 proto=tcp/https)";
  }

  [[nodiscard]] auto info() const -> const FormatInfo& override { return info_; }

  [[nodiscard]] auto detect(const Input& in) const -> bool override {
    const auto p = in.payload;
    return (p.starts_with("id=") || contains(p, " id=")) && contains(p, " sn=")
           && contains(p, " m=");
  }

  auto parse(const Input& in, const ParseContext& ctx, core::Event& out)
      -> std::string_view override {
    fw_split_kv(in.payload, kv_);
    if (fw_value(kv_, "sn").empty() || fw_value(kv_, "m").empty()) {
      return "no SonicWall sn=/m=";
    }
    apply_syslog_origin(in.header, out);
    out.set("event.kind", "event");
    out.set("event.module", "sonicwall");
    out.set("event.dataset", "sonicwall.firewall");
    out.set("observer.vendor", "SonicWall");
    out.set("observer.product", "SonicOS");
    out.set("observer.type", "firewall");
    out.set("event.category", "network");
    if (const auto t = fw_value(kv_, "time"); !t.empty()) {
      out.timestamp = fw_parse_datetime(t, ctx.tz_offset_minutes, buf_);
      if (!out.timestamp) {
        keep_invalid(out, "@timestamp", t);
      }
    }
    for (const auto& [k, v] : kv_) {
      if (v.empty()) {
        continue;
      }
      if (k == "src" || k == "dst") {
        const bool src = k == "src";
        const auto e = split_endpoint(v);
        address(out, src ? "source" : "destination", e.ip, key_);
        set_port_or_keep(out, core::pick_key(src, "source.port", "destination.port"), e.port);
        if (!e.iface.empty()) {
          out.set(core::pick_key(src, "observer.ingress.interface.name",
                                 "observer.egress.interface.name"),
                  e.iface);
        }
        if (!e.host.empty()) {
          out.set(core::pick_key(src, "source.domain", "destination.domain"), e.host);
        }
      } else if (k == "natSrc" || k == "natDst") {
        const bool src = k == "natSrc";
        const auto e = split_endpoint(v);
        set_ip_or_keep(out, core::pick_key(src, "source.nat.ip", "destination.nat.ip"), e.ip);
        set_port_or_keep(out, core::pick_key(src, "source.nat.port", "destination.nat.port"),
                         e.port);
      } else if (k == "proto") {
        const auto slash = v.find('/');
        if (!fw_set_transport(out, v.substr(0, slash), buf_)) {
          keep(out, "sonicwall.firewall", k, v);
        } else if (slash != std::string_view::npos && slash + 1 < v.size()) {
          const auto svc = v.substr(slash + 1);
          if (!parse_int(svc)) {
            out.set("network.protocol", to_lower(svc, buf_));
          }
        }
      } else if (k == "sn") {
        out.set("observer.serial_number", v);
      } else if (k == "fw") {
        if (!set_ip(out, "observer.ip", v)) {
          keep(out, "sonicwall.firewall", k, v);
        }
      } else if (k == "m") {
        out.set("event.code", v);
      } else if (k == "pri") {
        if (const auto p = parse_int(v); p && *p >= 0 && *p <= 7) {
          out.set_int("event.severity", *p);
        } else {
          keep_invalid(out, "event.severity", v);
        }
      } else if (k == "msg") {
        out.set("message", v);
        // Event 1574 ("Filename Logging") names the file: "Filename: <name>".
        if (v.starts_with("Filename: ")) {
          if (const auto name = trim(v.substr(10)); !name.empty()) {
            out.set("file.name", name);
          }
        }
      } else if (k == "srcMac") {
        out.set("source.mac", v);
      } else if (k == "dstMac") {
        out.set("destination.mac", v);
      } else if (k == "sent") {
        if (!set_count(out, "source.bytes", v)) {
          keep(out, "sonicwall.firewall", k, v);
        }
      } else if (k == "rcvd") {
        if (!set_count(out, "destination.bytes", v)) {
          keep(out, "sonicwall.firewall", k, v);
        }
      } else if (k == "spkt") {
        if (!set_count(out, "source.packets", v)) {
          keep(out, "sonicwall.firewall", k, v);
        }
      } else if (k == "rpkt") {
        if (!set_count(out, "destination.packets", v)) {
          keep(out, "sonicwall.firewall", k, v);
        }
      } else if (k == "usr" || k == "user") {
        out.set("user.name", v);
      } else if (k == "rule") {
        out.set("rule.name", v);
      } else if (k == "dstname") {
        out.set("destination.domain", v);
      } else if (k == "arg") {
        out.set("url.path", v);
      } else if (k == "appName") {
        out.set("network.application", v);
      } else if (k == "fw_action") {
        keep(out, "sonicwall.firewall", k, v);
        if (v == "drop" || v == "reject") {
          out.set("event.action", v);
          out.set("event.outcome", "failure");
          out.set("event.type", "denied");
        } else if (v == "forward") {
          out.set("event.action", v);
          out.set("event.outcome", "success");
          out.set("event.type", "allowed");
        }
      } else if (k == "time") {
        continue;
      } else {
        keep(out, "sonicwall.firewall", k, v);
      }
    }
    return {};
  }

private:
  FormatInfo info_;
};

/// Stormshield Network Security (SNS) syslog (`id=firewall time="..." fw="..." tz=+0100
/// startime="..." pri=5 ... src= srcport= dst= dstport= ipproto= action= logtype=...`).
/// Owned by one worker.
class StormshieldParser final : public KvFirewallParser {
public:
  StormshieldParser() {
    info_.name = "stormshield/sns";
    info_.description = "Stormshield Network Security key=value syslog";
    info_.detection = "payload has fw=, tz= and startime= keys";
    info_.status = "stable";
    info_.example =
        R"(id=firewall time="2026-11-26 10:00:00" fw="SN210A0000000" tz=+0100 )"
        R"(startime="2026-11-26 10:00:00" pri=5 confid=01 slotlevel=2 ruleid=3 srcif="Ethernet0" )"
        R"(ipproto=tcp proto=http src=10.0.0.5 srcport=51234 dst=198.51.100.7 dstport=80 )"
        R"(action=pass logtype="filter")";
  }

  [[nodiscard]] auto info() const -> const FormatInfo& override { return info_; }

  [[nodiscard]] auto detect(const Input& in) const -> bool override {
    const auto p = in.payload;
    return contains(p, "fw=") && contains(p, " tz=") && contains(p, "startime=");
  }

  auto parse(const Input& in, const ParseContext& ctx, core::Event& out)
      -> std::string_view override {
    fw_split_kv(in.payload, kv_);
    if (fw_value(kv_, "fw").empty() || fw_value(kv_, "startime").empty()) {
      return "no Stormshield fw=/startime=";
    }
    apply_syslog_origin(in.header, out);
    const auto logtype = fw_value(kv_, "logtype");
    const bool alarm = logtype == "alarm";
    out.set("event.kind", alarm ? "alert" : "event");
    out.set("event.module", "stormshield");
    out.set("event.dataset", "stormshield.sns");
    out.set("observer.vendor", "Stormshield");
    out.set("observer.product", "Stormshield Network Security");
    out.set("observer.type", "firewall");

    int tz = ctx.tz_offset_minutes;
    if (const auto z = fw_parse_tz(fw_value(kv_, "tz"))) {
      tz = *z;
      out.set("event.timezone", fw_value(kv_, "tz"));
    } else {
      keep_invalid(out, "event.timezone", fw_value(kv_, "tz"));
    }
    if (const auto t = fw_value(kv_, "time"); !t.empty()) {
      out.timestamp = fw_parse_datetime(t, tz, buf_);
      if (!out.timestamp) {
        keep_invalid(out, "@timestamp", t);
      }
    }
    if (const auto st = fw_parse_datetime(fw_value(kv_, "startime"), tz, buf_)) {
      if (!out.timestamp) {
        out.timestamp = st;
      }
      key2_.clear();
      core::append_rfc3339(key2_, *st);
      out.set("event.start", key2_);
    } else {
      keep_invalid(out, "event.start", fw_value(kv_, "startime"));
    }

    if (alarm) {
      out.set("event.category", "intrusion_detection");
      out.set("event.type", "info");
    } else if (logtype == "server") {
      out.set("event.category", "configuration");
      out.set("event.type", "info");
    } else if (logtype == "auth") {
      out.set("event.category", "authentication");
      out.set("event.type", "start");
    } else if (logtype == "connection" || logtype == "filter" || logtype == "plugin") {
      out.set("event.category", "network");
      out.set("event.type", "connection");
    } else if (logtype == "web") {
      out.set("event.category", "web");
      out.set("event.type", "access");
    }
    const auto action = fw_value(kv_, "action");
    if (!action.empty()) {
      out.set("event.action", action);
      if (action == "pass") {
        out.set("event.outcome", "success");
      } else if (action == "block" || action == "reset" || action == "drop") {
        out.set("event.outcome", "failure");
      }
    } else if (const auto err = fw_value(kv_, "error"); !err.empty()) {
      if (const auto e = parse_int(err)) {
        out.set("event.outcome", *e == 0 ? "success" : "failure");
      }
    }

    // Destination NAT: `dst`/`dstport` are the translated destination, `origdst`/
    // `origdstport` the one the client addressed ("before translation or the application of
    // a virtual connection", SNS field reference). ECS keeps the addressed one in
    // destination.* and the translation in destination.nat.*, as modsrc does for the source.
    const std::string_view origdst = fw_value(kv_, "origdst");
    const std::string_view origdstport = fw_value(kv_, "origdstport");
    const bool dnat = is_ip(origdst) && origdst != fw_value(kv_, "dst");
    const bool dnat_port = dnat && parse_port(origdstport).has_value();
    for (const auto& [k, v] : kv_) {
      if (v.empty()) {
        continue;
      }
      if (k == "src") {
        address(out, "source", v, key_);
      } else if (k == "dst") {
        if (dnat) {
          address(out, "destination", origdst, key_);
          if (!set_ip(out, "destination.nat.ip", v)) {
            keep(out, "stormshield.sns", k, v);
          }
        } else {
          address(out, "destination", v, key_);
        }
      } else if (k == "address" && fw_value(kv_, "src").empty()) {
        address(out, "source", v, key_);
      } else if (k == "srcport") {
        if (!set_port(out, "source.port", v)) {
          keep(out, "stormshield.sns", k, v);
        }
      } else if (k == "dstport") {
        if (dnat_port) {
          set_port_or_keep(out, "destination.port", origdstport);
        }
        if (!set_port(out, core::pick_key(dnat_port, "destination.nat.port", "destination.port"),
                      v)) {
          keep(out, "stormshield.sns", k, v);
        }
      } else if (k == "modsrc") {
        if (!set_ip(out, "source.nat.ip", v)) {
          keep(out, "stormshield.sns", k, v);
        }
      } else if (k == "modsrcport") {
        if (!set_port(out, "source.nat.port", v)) {
          keep(out, "stormshield.sns", k, v);
        }
      } else if (k == "ipproto") {
        if (!fw_set_transport(out, v, buf_)) {
          keep(out, "stormshield.sns", k, v);
        }
      } else if (k == "proto") {
        if (v != "unknown") {
          out.set("network.protocol", v);
        }
      } else if (k == "srcmac") {
        out.set("source.mac", v);
      } else if (k == "dstmac") {
        out.set("destination.mac", v);
      } else if (k == "srcif") {
        out.set("observer.ingress.interface.name", v);
      } else if (k == "srcifname") {
        out.set("observer.ingress.interface.alias", v);
      } else if (k == "dstif") {
        out.set("observer.egress.interface.name", v);
      } else if (k == "dstifname") {
        out.set("observer.egress.interface.alias", v);
      } else if (k == "user") {
        out.set("user.name", v);
      } else if (k == "sent") {
        if (!set_count(out, "source.bytes", v)) {
          keep(out, "stormshield.sns", k, v);
        }
      } else if (k == "rcvd") {
        if (!set_count(out, "destination.bytes", v)) {
          keep(out, "stormshield.sns", k, v);
        }
      } else if (k == "ruleid") {
        out.set("rule.id", v);
      } else if (k == "rulename") {
        out.set("rule.name", v);
      } else if (k == "alarmid" && alarm) {
        out.set("rule.id", v);
        keep(out, "stormshield.sns", k, v);
      } else if (k == "pri") {
        if (const auto p = parse_int(v); p && *p >= 0 && *p <= 7) {
          out.set_int("event.severity", *p);
        } else {
          keep_invalid(out, "event.severity", v);
        }
      } else if (k == "fw") {
        out.set("observer.name", v);
      } else if (k == "msg") {
        out.set("message", v);
      } else if (k == "time" || k == "startime" || k == "tz" || k == "action") {
        continue;
      } else {
        keep(out, "stormshield.sns", k, v);
      }
    }
    return {};
  }

private:
  FormatInfo info_;
};

}  // namespace

auto make_sophos_parser() -> std::unique_ptr<FormatParser> {
  return std::make_unique<SophosParser>();
}
auto make_sonicwall_parser() -> std::unique_ptr<FormatParser> {
  return std::make_unique<SonicwallParser>();
}
auto make_stormshield_parser() -> std::unique_ptr<FormatParser> {
  return std::make_unique<StormshieldParser>();
}

}  // namespace siem::parsers::detail
