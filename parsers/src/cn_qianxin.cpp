// Qi-Anxin (奇安信) 网神 NSG firewall and 天眼 (SkyEye) sensor syslog (cn family). The 天擎
// EDR JSON records are a JSON shape (json_shapes.cpp), not a text format.
//
// Both grammars are space-separated `key="value"` pairs (vendor-formats-cn.md section 6):
// NSG `devid="3" dname=".." serial="<40 hex>" module=".." severity=".." vsys=".." type=".."`
// then the body, 天眼 `<30>skyeye_<type> key="value" ...`. Known keys map to ECS, every other
// key is kept under `qianxin.nsg.<key>` / `qianxin.skyeye.<key>`. The only evidence for both
// is the published test lines (S2), so both formats are experimental.
#include "cn_common.hpp"
#include "cn_parsers.hpp"

#include <array>
#include <memory>

namespace siem::parsers::detail::cn {
namespace {

auto has(std::string_view s, std::string_view lit) -> bool {
  return s.find(lit) != std::string_view::npos;
}

// ---------------------------------------------------------------------------------------
// 网神 NSG

constexpr Product kNsg{"Qi-Anxin", "NSG", "firewall", "qianxin", "qianxin.nsg"};

constexpr std::array<KeyMap, 39> kNsgKeys = {{
    {"dname", Slot::hostname, {}},
    {"serial", Slot::serial, {}},
    {"addr_src", Slot::src_ip, {}},
    {"addr_dst", Slot::dst_ip, {}},
    {"nataddr_src", Slot::src_nat_ip, {}},
    {"nataddr_dst", Slot::dst_nat_ip, {}},
    {"port_src", Slot::src_port, {}},
    {"port_dst", Slot::dst_port, {}},
    {"natport_src", Slot::src_nat_port, {}},
    {"natport_dst", Slot::dst_nat_port, {}},
    {"proto", Slot::transport, {}},
    {"action", Slot::action, {}},
    {"appname", Slot::application, {}},
    {"rule", Slot::rule_name, {}},
    {"zone_src", Slot::in_zone, {}},
    {"zone_dst", Slot::out_zone, {}},
    {"interface_src", Slot::in_if, {}},
    {"interface_dst", Slot::out_if, {}},
    {"user_src", Slot::user, {}},
    {"user_dst", Slot::ecs, "destination.user.name"},
    {"bytes_sent", Slot::src_bytes, {}},
    {"bytes_received", Slot::dst_bytes, {}},
    {"pkts_sent", Slot::src_packets, {}},
    {"pkts_received", Slot::dst_packets, {}},
    {"duration", Slot::ns_int, {}},
    {"session_time", Slot::ns_int, {}},
    {"hit_num", Slot::ns_int, {}},
    {"app_risk", Slot::ns_int, {}},
    {"total_sess", Slot::ns_int, {}},
    {"dns_domain", Slot::ecs, "dns.question.name"},
    {"dns_type", Slot::ecs, "dns.question.type"},
    {"dns_ttl", Slot::ns_int, {}},
    {"url", Slot::url, {}},
    {"url_user_agent", Slot::ecs, "user_agent.original"},
    {"mail_from", Slot::ecs, "email.from.address"},
    {"mail_to", Slot::ecs, "email.to.address"},
    {"mail_cc", Slot::ecs, "email.cc.address"},
    {"mail_subject", Slot::ecs, "email.subject"},
    {"filename", Slot::ecs, "file.name"},
}};

// Threat logs (module ad, type threat): the detected threat is the rule; the firewall policy
// (`rule`, e.g. __fast_disposal__) stays vendor data.
constexpr std::array<KeyMap, 4> kNsgThreatKeys = {{
    {"threat_name", Slot::rule_name, {}},
    {"threat_id", Slot::rule_id, {}},
    {"threat_type", Slot::rule_category, {}},
    {"rule", Slot::ns, {}},
}};

// NSG `severity` is a syslog level word. event.severity uses the cn family's 1 (info) ..
// 5 (critical) scale. [I]: the mapping of the eight levels onto five is ours.
struct Level {
  std::string_view word;
  std::int64_t severity;
};

constexpr std::array<Level, 11> kSyslogLevels = {{
    {"emerg", 5},
    {"emergency", 5},
    {"alert", 5},
    {"crit", 5},
    {"critical", 5},
    {"err", 4},
    {"error", 4},
    {"warning", 3},
    {"notice", 2},
    {"info", 1},
    {"debug", 1},
}};

/// Qi-Anxin 网神 NSG (6.1.10) syslog: optional relay header `Mmm dd hh:mm:ss <ip>`, then
/// `devid="3" dname="NSG" serial="<40 hex>" module=".." severity=".." vsys=".." type=".."`
/// and the module's body (flow/traffic-start|end, ad/threat, dns, url, ai/im,
/// access-control/behavior, mail-filter/mail, file-filter/content). Owned by one worker.
class QianxinNsgParser final : public FormatParser {
public:
  QianxinNsgParser()
      : info_{"qianxin/nsg",
              "Qi-Anxin 网神 NSG firewall key=\"value\" logs (traffic, threat, dns, url, im, "
              "behavior, mail, content)",
              "'devid=\"' together with 'serial=\"'", "experimental",
              "Dec 26 20:13:17 172.24.213.201 devid=\"3\" dname=\"NSG\" "
              "serial=\"8c151d31ad23faa027b5858bc23ff8e7365baee2\" module=\"flow\" "
              "severity=\"info\" vsys=\"root-vsys\" type=\"traffic-end\" time=\"1577362268\" "
              "addr_src=\"192.168.10.100\" addr_dst=\"62.207.132.137\" port_src=\"55147\" "
              "port_dst=\"445\" action=\"deny\" appname=\"SMB\" rule=\"deny-445\" proto=\"TCP\""} {}

  [[nodiscard]] auto info() const -> const FormatInfo& override { return info_; }

  [[nodiscard]] auto detect(const Input& in) const -> bool override {
    return has(in.line, "devid=\"") && has(in.line, "serial=\"");
  }

  auto parse(const Input& in, const ParseContext& ctx, core::Event& out)
      -> std::string_view override {
    Envelope env;
    parse_envelope(in.line, ctx, env);
    const std::string_view rest = env.rest;
    const auto start = find_token(rest, "devid=\"");
    if (start == std::string_view::npos || !has(rest.substr(start), "serial=\"")) {
      return R"(no Qi-Anxin NSG devid=".." serial=".." header)";
    }
    split_spaced(rest.substr(start), pairs_);
    std::string_view module;
    std::string_view type;
    std::string_view attack_name;
    for (const auto& p : pairs_) {
      if (p.key == "module") {
        module = p.value;
      } else if (p.key == "type") {
        type = p.value;
      }
    }
    const bool threat = module == "ad" || type == "threat";
    w_.begin(out, kNsg, env);
    if (const auto relay = trim(rest.substr(0, start)); !relay.empty()) {
      out.set("log.syslog.hostname", relay);
    }
    for (const auto& p : pairs_) {
      if (p.key == "time") {
        if (const auto t = parse_epoch(p.value)) {
          out.timestamp = t;
        } else {
          w_.put(out, nullptr, p.key, p.value);
        }
        continue;
      }
      if (p.key == "severity") {
        severity(out, p.value);
        continue;
      }
      if (p.key == "appname" && p.value == "unidentified") {
        w_.put(out, nullptr, p.key, p.value);  // no application, not an application name
        continue;
      }
      if (p.key == "attack_name") {
        attack_name = p.value;
      }
      const KeyMap* km = threat ? lookup(kNsgThreatKeys, p.key) : nullptr;
      if (km == nullptr) {
        km = lookup(kNsgKeys, p.key);
      }
      w_.put(out, km, p.key, p.value);
    }
    if (threat && !out.has("rule.name") && !is_none(trim(attack_name))) {
      out.set("rule.name", trim(attack_name));
    }
    classify(module, type, out);
    w_.icmp_ports(out);
    Writer::set_outcome(out);
    return {};
  }

private:
  void severity(core::Event& out, std::string_view v) {
    for (const auto& l : kSyslogLevels) {
      if (iequals(v, l.word)) {
        out.set("log.level", l.word);
        out.set_int("event.severity", l.severity);
        break;
      }
    }
    w_.put(out, nullptr, "severity", v);
  }

  static void classify(std::string_view module, std::string_view type, core::Event& out) {
    std::string_view kind = "event";
    std::string_view category;
    std::string_view etype = "info";
    if (module == "ad" || type == "threat") {
      kind = "alert";
      category = "intrusion_detection";
    } else if (module == "flow") {
      category = "network";
      etype = type == "traffic-start" ? "start" : type == "traffic-end" ? "end" : "connection";
    } else if (module == "dns" || module == "ai" || module == "access-control") {
      category = "network";  // DNS, IM (ai/im) and behaviour (access-control) records
      etype = "protocol";
    } else if (module == "url") {
      category = "web";
      etype = "access";
    } else if (module == "mail-filter") {
      category = "email";
    } else if (module == "file-filter") {
      category = "file";
    }
    out.set("event.kind", kind);
    if (!category.empty()) {
      out.set("event.category", category);
    }
    out.set("event.type", etype);
  }

  FormatInfo info_;
  Writer w_;
  std::vector<Pair> pairs_;
};

// ---------------------------------------------------------------------------------------
// 天眼 (SkyEye) sensor / NDS

constexpr Product kSkyeye{"Qi-Anxin", "天眼", "ids", "qianxin", "qianxin.skyeye"};

constexpr std::array<KeyMap, 32> kSkyeyeKeys = {{
    {"serial_num", Slot::serial, {}},
    {"rule_id", Slot::rule_id, {}},
    {"rule_name", Slot::rule_name, {}},
    {"sip", Slot::src_ip, {}},
    {"dip", Slot::dst_ip, {}},
    {"sport", Slot::src_port, {}},
    {"dport", Slot::dst_port, {}},
    {"src_mac", Slot::src_mac, {}},
    {"dst_mac", Slot::dst_mac, {}},
    {"severity", Slot::severity, {}},
    {"attack_type", Slot::rule_category, {}},
    {"attck_tech", Slot::ecs, "threat.technique.id"},
    {"attck_tactic", Slot::ecs, "threat.tactic.id"},
    {"method", Slot::http_method, {}},
    {"host", Slot::url_domain, {}},
    {"uri", Slot::url_path, {}},
    {"agent", Slot::ecs, "user_agent.original"},
    {"referer", Slot::ecs, "http.request.referrer"},
    {"rsp_status", Slot::ecs_int, "http.response.status_code"},
    {"protocol_id", Slot::iana, {}},
    {"proto", Slot::transport, {}},
    {"tproto", Slot::transport, {}},
    {"device_ip", Slot::ecs_ip, "observer.ip"},
    {"file_md5", Slot::ecs, "file.hash.md5"},
    {"file_sha256", Slot::ecs, "file.hash.sha256"},
    {"filename", Slot::ecs, "file.name"},
    {"malicious_family", Slot::threat_name, {}},
    {"attack_result", Slot::ns_int, {}},
    {"dolog_count", Slot::ns_int, {}},
    {"hit_num", Slot::ns_int, {}},
    {"packet_size", Slot::ns_int, {}},
    {"rsp_body_len", Slot::ns_int, {}},
}};

// In ioc records over DNS, `host` is the looked-up name, not an HTTP host.
constexpr KeyMap kSkyeyeDnsHost{"host", Slot::ecs, "dns.question.name"};

// Alert log types (the rest, skyeye_dns, skyeye_login, skyeye_tcpflow ..., are metadata).
constexpr std::array<std::string_view, 6> kSkyeyeAlerts = {"ids", "webattack", "webshell",
                                                           "ioc", "attack",    "snort"};

/// Qi-Anxin 天眼 sensor / NDS syslog: `<30>skyeye_<type> key="value" ...` (ids, webattack,
/// webshell, ioc, ... and metadata types), optionally after a relay header. Owned by one
/// worker.
class QianxinSkyeyeParser final : public FormatParser {
public:
  QianxinSkyeyeParser()
      : info_{"qianxin/skyeye",
              "Qi-Anxin 天眼 sensor (NDS) alert logs: skyeye_ids, skyeye_webattack, skyeye_ioc, "
              "skyeye_webshell, ...",
              "a token 'skyeye_<type> ' followed by key=\"value\" pairs", "experimental",
              "<30>skyeye_ids serial_num=\"eb012245d230f1b80fb845bfbc548ed390728de6\" "
              "rule_id=\"51444\" rule_name=\"SOCKS代理\" sip=\"10.41.0.235\" dip=\"10.95.22.110\" "
              "sport=\"54115\" dport=\"1080\" write_date=\"1663940526\" severity=\"2\" "
              "attack_result=\"1\" attck_tactic=\"TA0011\" attck_tech=\"T1090.002\""} {}

  [[nodiscard]] auto info() const -> const FormatInfo& override { return info_; }

  [[nodiscard]] auto detect(const Input& in) const -> bool override {
    std::string_view type;
    return start_of(in.line, type) != std::string_view::npos;
  }

  auto parse(const Input& in, const ParseContext& ctx, core::Event& out)
      -> std::string_view override {
    Envelope env;
    parse_envelope(in.line, ctx, env);
    const std::string_view rest = env.rest;
    std::string_view type;
    const auto start = start_of(rest, type);
    if (start == std::string_view::npos) {
      return "no Qi-Anxin 天眼 'skyeye_<type> key=\"value\"' record";
    }
    const std::size_t body = start + std::string_view{"skyeye_"}.size() + type.size();
    split_spaced(rest.substr(body), pairs_);
    w_.begin(out, kSkyeye, env);
    if (const auto relay = trim(rest.substr(0, start)); !relay.empty()) {
      out.set("log.syslog.hostname", relay);
    }
    w_.put_ns(out, "log_type", type);
    std::optional<core::TimeMs> access_time;
    bool dns = false;
    for (const auto& p : pairs_) {
      dns = dns || (p.key == "proto" && iequals(p.value, "DNS"));
    }
    for (const auto& p : pairs_) {
      if (p.key == "write_date" || p.key == "access_time") {
        auto t = parse_epoch(p.value);
        if (!t) {
          t = parse_local_time(p.value, ctx);
        }
        if (!t) {
          w_.put(out, nullptr, p.key, p.value);
        } else if (p.key == "write_date") {
          out.timestamp = t;  // when the sensor wrote the alert
        } else {
          access_time = t;
          w_.put_time(out, w_.ns("access_time"), *t);
        }
        continue;
      }
      w_.put(out, dns && p.key == "host" ? &kSkyeyeDnsHost : lookup(kSkyeyeKeys, p.key), p.key,
             p.value);
    }
    if (!out.timestamp && access_time) {
      out.timestamp = access_time;  // ioc records carry only access_time (epoch ms)
    }
    if (out.has("threat.technique.id") || out.has("threat.tactic.id")) {
      out.set("threat.framework", "MITRE ATT&CK");
    }
    bool alert = false;
    for (const auto a : kSkyeyeAlerts) {
      alert = alert || type == a;
    }
    if (type == "ioc") {
      out.set("event.kind", "alert");
      out.set("event.category", "threat");
      out.set("event.type", "indicator");
    } else if (alert) {
      out.set("event.kind", "alert");
      out.set("event.category", "intrusion_detection");
      out.set("event.type", "info");
    } else {
      out.set("event.kind", "event");
      out.set("event.category", "network");
      out.set("event.type", "info");
    }
    w_.icmp_ports(out);
    return {};
  }

private:
  // `skyeye_<type>` at a token start, followed by a blank and a `key=`; sets `type`.
  static auto start_of(std::string_view l, std::string_view& type) -> std::size_t {
    constexpr std::string_view kTag = "skyeye_";
    for (std::size_t p = l.find(kTag); p != std::string_view::npos; p = l.find(kTag, p + 1)) {
      if (p != 0 && l[p - 1] != ' ' && l[p - 1] != '>' && l[p - 1] != ':') {
        continue;
      }
      std::size_t e = p + kTag.size();
      while (e < l.size()
             && ((l[e] >= 'a' && l[e] <= 'z') || (l[e] >= '0' && l[e] <= '9') || l[e] == '_')) {
        ++e;
      }
      if (e > p + kTag.size() && e + 1 < l.size() && l[e] == ' '
          && l.find('=', e) != std::string_view::npos) {
        type = l.substr(p + kTag.size(), e - p - kTag.size());
        return p;
      }
    }
    return std::string_view::npos;
  }

  FormatInfo info_;
  Writer w_;
  std::vector<Pair> pairs_;
};

}  // namespace

auto make_qianxin_nsg() -> std::unique_ptr<FormatParser> {
  return std::make_unique<QianxinNsgParser>();
}

auto make_qianxin_skyeye() -> std::unique_ptr<FormatParser> {
  return std::make_unique<QianxinSkyeyeParser>();
}

}  // namespace siem::parsers::detail::cn
