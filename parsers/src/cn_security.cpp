// Sangfor NGAF, NSFOCUS NIPS/NF, Topsec TOS/NGTOS/NGIDP and Venustech syslog (cn family).
//
// Field naming: known keys (English or Chinese labels) map to ECS; every other key is kept
// under `<vendor>.<product>.<key>`. Known Chinese labels are kept under an English ASCII name
// (所属系统 -> vsys, 应用类型 -> app_type, ...); an unknown Chinese label becomes
// `x_<hex of its UTF-8 bytes>` (lossless, ASCII). Action and severity words are normalized
// (event.action allow/deny/alert/log, event.severity 1 info .. 5 critical, numbers kept as
// the vendor's own level) and the raw word is kept under the vendor namespace.
#include "cn_common.hpp"
#include "cn_parsers.hpp"
#include "json_shapes.hpp"
#include <simdjson.h>

#include <array>
#include <cstring>
#include <memory>

namespace siem::parsers::detail::cn {
namespace {

auto has(std::string_view s, std::string_view lit) -> bool {
  return s.find(lit) != std::string_view::npos;
}

// ---------------------------------------------------------------------------------------
// Sangfor NGAF

constexpr Product kSangfor{"Sangfor", "NGAF", "firewall", "sangfor", "sangfor.ngaf"};

constexpr std::array<KeyMap, 46> kSangforKeys = {{
    {"所属系统", Slot::ns, "vsys"},
    {"日志类型", Slot::ns, "log_type"},
    {"Log type", Slot::ns, "log_type"},
    {"策略名称", Slot::rule_name, "policy_name"},
    {"policy name", Slot::rule_name, "policy_name"},
    {"规则ID", Slot::rule_id, "rule_id"},
    {"rule ID", Slot::rule_id, "rule_id"},
    {"用户", Slot::user, "user"},
    {"user", Slot::user, "user"},
    {"源IP", Slot::src_ip, "src_ip"},
    {"src IP", Slot::src_ip, "src_ip"},
    {"源端口", Slot::src_port, "src_port"},
    {"src port", Slot::src_port, "src_port"},
    {"目的IP", Slot::dst_ip, "dst_ip"},
    {"dst IP", Slot::dst_ip, "dst_ip"},
    {"目的端口", Slot::dst_port, "dst_port"},
    {"dst port", Slot::dst_port, "dst_port"},
    {"协议", Slot::transport, "protocol"},
    {"protocol", Slot::transport, "protocol"},
    {"应用类型", Slot::ns, "app_type"},
    {"应用名称", Slot::application, "app_name"},
    {"系统动作", Slot::action, "action"},
    {"动作", Slot::action, "action"},
    {"action", Slot::action, "action"},
    {"攻击类型", Slot::rule_category, "attack_type"},
    {"attack type", Slot::rule_category, "attack_type"},
    {"漏洞名称", Slot::rule_name, "vulnerability_name"},
    {"vulnerability name", Slot::rule_name, "vulnerability_name"},
    {"漏洞ID", Slot::rule_id, "vulnerability_id"},
    {"vulnerability ID", Slot::rule_id, "vulnerability_id"},
    {"严重等级", Slot::severity, "severity"},
    {"严重级别", Slot::severity, "severity"},
    {"threat level", Slot::severity, "threat_level"},
    {"URL", Slot::url, "url"},
    {"病毒名", Slot::threat_name, "virus_name"},
    {"病毒类型", Slot::ns, "virus_type"},
    {"攻击方向", Slot::ns, "attack_direction"},
    {"NAT类型", Slot::ns, "nat_type"},
    {"转换后的IP", Slot::ns, "translated_ip"},
    {"转换后的端口", Slot::ns, "translated_port"},
    {"IP地址", Slot::src_ip, "ip"},
    {"操作对象", Slot::ns, "object"},
    {"操作", Slot::ns, "operation"},
    {"描述", Slot::ns, "description"},
    {"src", Slot::src_ip, "src_ip"},
    {"dst", Slot::dst_ip, "dst_ip"},
}};

// In alert logs the matched signature is the rule; the policy stays vendor data.
constexpr KeyMap kSangforPolicyNs{"策略名称", Slot::ns, "policy_name"};

/// Sangfor NGAF / AF firewall syslog: tag `fwlog:`, `fwlog[pid]:` or `nat:` then
/// `label:value, label:value` with Chinese labels (日志类型:IPS防护日志, 源IP:...) or the
/// English-label variant (`Log type: ..., src IP: ...`). Owned by one worker.
class SangforParser final : public FormatParser {
public:
  SangforParser()
      : info_{"sangfor/ngaf",
              "Sangfor NGAF/AF firewall: app control, IPS, WAF, DoS, virus, botnet, NAT logs "
              "(Chinese or English labels)",
              "tag 'fwlog' (or 'nat:') with a '日志类型:' or 'Log type:' label", "experimental",
              "<23>May 25 11:31:48 localhost fwlog: 日志类型:IPS防护日志, 源IP:192.168.200.1, "
              "源端口:1102, 目的IP:192.168.200.100, 目的端口:80, 协议:tcp, 严重等级:高, 动作:拒绝"} {}

  [[nodiscard]] auto info() const -> const FormatInfo& override { return info_; }

  [[nodiscard]] auto detect(const Input& in) const -> bool override {
    const auto l = in.line;
    const bool labels = has(l, "日志类型:") || has(l, "Log type:");
    return labels && (has(l, "fwlog:") || has(l, "fwlog[") || has(l, "nat: "));
  }

  auto parse(const Input& in, const ParseContext& ctx, core::Event& out)
      -> std::string_view override {
    Envelope env;
    parse_envelope(in.line, ctx, env);
    const std::string_view rest = env.rest;
    std::size_t tag = find_token(rest, "fwlog");
    if (tag == std::string_view::npos) {
      tag = find_token(rest, "nat:");
    }
    if (tag == std::string_view::npos) {
      return "no Sangfor fwlog/nat tag";
    }
    const auto colon = rest.find(':', tag);
    if (colon == std::string_view::npos) {
      return "no Sangfor fwlog/nat tag";
    }
    const std::string_view body = trim(rest.substr(colon + 1));
    if (body.starts_with("CEF:")) {
      return "Sangfor CEF variant (a CEF record)";
    }
    split_pairs(body, ',', ':', false, pairs_);
    std::string_view log_type;
    std::string_view nat_type;
    std::string_view nat_ip;
    std::string_view nat_port;
    for (const auto& p : pairs_) {
      if (p.key == "日志类型" || iequals(p.key, "Log type")) {
        log_type = p.value;
      }
    }
    if (log_type.empty()) {
      return "no Sangfor log type";
    }
    w_.begin(out, kSangfor, env);
    if (const auto host = trim(rest.substr(0, tag)); !host.empty()) {
      out.set("observer.hostname", host);
    }
    const bool alert = classify(log_type, out);
    for (const auto& p : pairs_) {
      if (p.key == "NAT类型") {
        nat_type = p.value;
      } else if (p.key == "转换后的IP") {
        nat_ip = p.value;
        continue;
      } else if (p.key == "转换后的端口") {
        nat_port = p.value;
        continue;
      }
      const KeyMap* km = lookup(kSangforKeys, p.key, true);
      if (alert && km != nullptr && km->ns == "policy_name") {
        km = &kSangforPolicyNs;
      }
      w_.put(out, km, p.key, p.value);
    }
    // 转换后的IP/端口: the translated source (snat) or destination (dnat).
    const bool dnat = iequals(nat_type, "dnat");
    const bool snat = iequals(nat_type, "snat");
    w_.put(out, dnat ? &kDnatIp : snat ? &kSnatIp : &kNatIpNs, "translated_ip", nat_ip);
    w_.put(out, dnat ? &kDnatPort : snat ? &kSnatPort : &kNatPortNs, "translated_port", nat_port);
    w_.icmp_ports(out);
    Writer::set_outcome(out);
    return {};
  }

private:
  // Sets kind/category/type from 日志类型; returns true for alert logs.
  static auto classify(std::string_view t, core::Event& out) -> bool {
    std::string_view kind = "event";
    std::string_view category;
    std::string_view type = "info";
    if (has(t, "病毒") || icontains(t, "virus")) {
      kind = "alert";
      category = "malware";
    } else if (icontains(t, "IPS") || icontains(t, "WAF") || has(t, "WEB应用") || icontains(t, "DOS")
               || has(t, "僵尸") || icontains(t, "APT") || icontains(t, "botnet") || has(t, "攻击")
               || has(t, "防护")) {
      kind = "alert";
      category = "intrusion_detection";
    } else if (has(t, "网站访问") || icontains(t, "web access")) {
      category = "web";
      type = "access";
    } else if (has(t, "认证") || icontains(t, "auth")) {
      category = "authentication";
    } else if (has(t, "系统操作")) {
      category = "configuration";
      type = "change";
    } else if (has(t, "应用控制") || has(t, "服务控制") || icontains(t, "NAT")
               || icontains(t, "control")) {
      category = "network";
      type = "connection";
    }
    out.set("event.kind", kind);
    if (!category.empty()) {
      out.set("event.category", category);
    }
    out.set("event.type", type);
    return kind == "alert";
  }

  static constexpr KeyMap kSnatIp{"转换后的IP", Slot::src_nat_ip, "translated_ip"};
  static constexpr KeyMap kDnatIp{"转换后的IP", Slot::dst_nat_ip, "translated_ip"};
  static constexpr KeyMap kNatIpNs{"转换后的IP", Slot::ns, "translated_ip"};
  static constexpr KeyMap kSnatPort{"转换后的端口", Slot::src_nat_port, "translated_port"};
  static constexpr KeyMap kDnatPort{"转换后的端口", Slot::dst_nat_port, "translated_port"};
  static constexpr KeyMap kNatPortNs{"转换后的端口", Slot::ns, "translated_port"};

  FormatInfo info_;
  Writer w_;
  std::vector<Pair> pairs_;
};

// ---------------------------------------------------------------------------------------
// NSFOCUS NIPS / NIDS and NF

constexpr Product kNsfocusNips{"NSFOCUS", "NIPS", "ips", "nsfocus", "nsfocus.nips"};
constexpr Product kNsfocusNf{"NSFOCUS", "NF", "firewall", "nsfocus", "nsfocus.nips"};
constexpr Product kNsfocusWaf{"NSFOCUS", "WAF", "waf", "nsfocus", "nsfocus.waf"};

// WAF V6 keys (websec, webaccess, wafstat, system_run). `event_type` is the attack class in
// websec records only, and `url` is handled apart (a path or a whole URL).
constexpr std::array<KeyMap, 23> kWafKeys = {{
    {"src_ip", Slot::src_ip, {}},
    {"src_port", Slot::src_port, {}},
    {"dst_ip", Slot::dst_ip, {}},
    {"dst_port", Slot::dst_port, {}},
    {"method", Slot::http_method, {}},
    {"domain", Slot::url_domain, {}},
    {"uri", Slot::url_path, {}},
    {"wa_host", Slot::url_domain, {}},
    {"alertlevel", Slot::severity, {}},
    {"rule_id", Slot::rule_id, {}},
    {"action", Slot::action, {}},
    {"protocol_type", Slot::app_protocol, {}},
    {"count_num", Slot::ns_int, {}},
    {"agent", Slot::ecs, "user_agent.original"},
    {"wa_referer", Slot::ecs, "http.request.referrer"},
    {"ser_status_code", Slot::ecs_int, "http.response.status_code"},
    {"waf_status_code", Slot::ns_int, {}},
    {"req_content_len", Slot::ecs_int, "http.request.body.bytes"},
    {"res_content_len", Slot::ecs_int, "http.response.body.bytes"},
    {"req_content_type", Slot::ecs, "http.request.mime_type"},
    {"res_content_type", Slot::ecs, "http.response.mime_type"},
    {"cpu", Slot::ns_int, {}},
    {"mem", Slot::ns_int, {}},
}};

constexpr KeyMap kWafEventType{"event_type", Slot::rule_category, {}};
constexpr KeyMap kWafInfo{"info", Slot::message, {}};

// Splits the WAF body `tag:waf_log_<type> key:value  key:value ...`. The documented separator
// is two spaces (values hold single spaces: `stat_time:2018-07-16 18:43:29`, `event_type:WEB
// Access Logs`); the tag ends at its first blank. A record with no double space at all (seen
// in reprints) is split at a blank followed by a lower-case `key:` that is not `scheme://`.
void split_waf(std::string_view body, std::vector<Pair>& out) {
  out.clear();
  const std::size_t n = body.size();
  std::size_t pos = 0;
  if (body.starts_with("tag:")) {
    const auto sp = body.find(' ');
    const std::size_t end = sp == std::string_view::npos ? n : sp;
    out.push_back({body.substr(0, 3), body.substr(4, end - 4)});
    pos = end;
  }
  const bool doubled = body.find("  ", pos) != std::string_view::npos;
  const auto starts_key = [&](std::size_t i) {  // body[i] begins "key:" (not "http://")
    std::size_t j = i;
    if (j >= n || body[j] < 'a' || body[j] > 'z') {
      return false;
    }
    while (j < n
           && ((body[j] >= 'a' && body[j] <= 'z') || (body[j] >= '0' && body[j] <= '9')
               || body[j] == '_')) {
      ++j;
    }
    return j < n && body[j] == ':' && !body.substr(j).starts_with("://");
  };
  while (pos < n) {
    while (pos < n && body[pos] == ' ') {
      ++pos;
    }
    if (pos >= n) {
      break;
    }
    std::size_t end = pos;
    if (doubled) {
      end = body.find("  ", pos);
      end = end == std::string_view::npos ? n : end;
    } else {
      end = body.find(' ', pos);
      while (end != std::string_view::npos && !starts_key(end + 1)) {
        end = body.find(' ', end + 1);
      }
      end = end == std::string_view::npos ? n : end;
    }
    const std::string_view seg = body.substr(pos, end - pos);
    const auto colon = seg.find(':');
    if (colon == std::string_view::npos || colon == 0) {
      // No key: part of the previous value (a value holding a double space).
      if (!out.empty() && !out.back().value.empty()) {
        const char* begin = out.back().value.data();
        out.back().value =
            std::string_view{begin, static_cast<std::size_t>(seg.data() + seg.size() - begin)};
      }
    } else {
      out.push_back({trim(seg.substr(0, colon)), trim(seg.substr(colon + 1))});
    }
    pos = end;
  }
}

constexpr std::array<KeyMap, 36> kNsfocusKeys = {{
    {"danger_degree", Slot::severity, {}},
    {"threat_level", Slot::severity, {}},
    {"ruleid", Slot::rule_id, {}},
    {"rule_id", Slot::rule_id, {}},
    {"src_addr", Slot::src_ip, {}},
    {"sip", Slot::src_ip, {}},
    {"src_port", Slot::src_port, {}},
    {"sport", Slot::src_port, {}},
    {"dst_addr", Slot::dst_ip, {}},
    {"dip", Slot::dst_ip, {}},
    {"dst_port", Slot::dst_port, {}},
    {"dport", Slot::dst_port, {}},
    {"smac", Slot::src_mac, {}},
    {"src_mac", Slot::src_mac, {}},
    {"dmac", Slot::dst_mac, {}},
    {"dst_mac", Slot::dst_mac, {}},
    {"proto", Slot::transport, {}},
    {"protocol", Slot::transport, {}},
    {"user", Slot::user, {}},
    {"user_name", Slot::user, {}},
    {"threat_type", Slot::rule_category, {}},
    {"event_type", Slot::rule_category, {}},
    {"count", Slot::ns_int, {}},
    {"acted", Slot::ns_int, {}},
    {"rawlen", Slot::ns_int, {}},
    {"cve_id", Slot::vuln_id, {}},
    {"szonename", Slot::in_zone, {}},
    {"dzonename", Slot::out_zone, {}},
    {"src_intf", Slot::in_if, {}},
    {"dst_intf", Slot::out_if, {}},
    {"src_addr_nat", Slot::src_nat_ip, {}},
    {"src_port_nat", Slot::src_nat_port, {}},
    {"dst_addr_nat", Slot::dst_nat_ip, {}},
    {"dst_port_nat", Slot::dst_nat_port, {}},
    {"breaking_sighn", Slot::ns_int, {}},
    {"attack_type", Slot::ns_int, {}},
}};

/// NSFOCUS NIPS/NIDS (`key=value;` 5.6R10/R11F with manufacturers=nsfocus, old
/// `time=..;danger_degree=..;event=[id]name;`) and NF firewall (`rule_id:1;...;module:fw;`)
/// records, usually after a bare <PRI>, and WAF V6 records (`... localhost waf:
/// tag:waf_log_<type> key:value  key:value`, dataset nsfocus.waf). Owned by one worker.
class NsfocusParser final : public FormatParser {
public:
  NsfocusParser()
      : info_{"nsfocus/nips",
              "NSFOCUS NIPS/NIDS alert logs (three generations), NF firewall fw logs and WAF "
              "V6 logs (websec, webaccess, wafstat, system_run)",
              "'manufacturers=nsfocus' or 'danger_degree', or 'module:fw;' with 'src_addr:', "
              "or 'waf: tag:waf_log_'",
              "experimental",
              "<5>time=2020-06-03 21:21:28;log_type=ips;danger_degree=1;breaking_sighn=0;"
              "event=[50002]TFTP root;src_addr=10.100.110.7;src_port=34534;"
              "dst_addr=192.168.124.245;dst_port=69;proto=TFTP;"} {}

  [[nodiscard]] auto info() const -> const FormatInfo& override { return info_; }

  [[nodiscard]] auto detect(const Input& in) const -> bool override {
    const auto l = in.line;
    return has(l, "manufacturers=nsfocus") || has(l, "danger_degree")
           || (has(l, "module:fw;") && has(l, "src_addr:")) || has(l, kWafTag);
  }

  auto parse(const Input& in, const ParseContext& ctx, core::Event& out)
      -> std::string_view override {
    if (!detect(in)) {  // forced format: the pair grammar alone is too generic
      return "no NSFOCUS marker (manufacturers=nsfocus, danger_degree, module:fw, waf: tag:)";
    }
    Envelope env;
    parse_envelope(in.line, ctx, env);
    if (const auto w = env.rest.find(kWafTag); w != std::string_view::npos) {
      return waf(env, w, ctx, out);
    }
    split_pairs(env.rest, ';', '\0', false, pairs_);
    if (pairs_.empty()) {
      return "no NSFOCUS key/value pairs";
    }
    bool fw = false;
    bool malware = false;
    for (const auto& p : pairs_) {
      fw = fw || (p.key == "module" && p.value == "fw") || (p.key == "log_type" && p.value == "fw_log");
      malware = malware || (p.key == "security_name" && has(p.value, "malicious_file"))
                || (p.key == "log_type" && p.value == "av");
    }
    w_.begin(out, fw ? kNsfocusNf : kNsfocusNips, env);
    for (const auto& p : pairs_) {
      if (p.key == "time") {
        const auto t = parse_epoch(p.value);
        if (t) {
          out.timestamp = t;
        } else if (const auto lt = parse_local_time(p.value, ctx)) {
          out.timestamp = lt;  // device-local
        } else {
          w_.put(out, nullptr, p.key, p.value);
        }
      } else if (p.key == "event") {
        std::string_view id;
        std::string_view name;
        if (split_bracket_id(p.value, id, name)) {
          out.set("rule.id", id);
          if (!name.empty()) {
            out.set("rule.name", name);
          }
        } else if (p.value.starts_with('[')) {
          w_.put(out, nullptr, p.key, p.value);  // "[500": a truncated "[id]name"
        } else if (!is_none(p.value)) {
          out.set("rule.name", p.value);
        }
      } else if (p.key == "action") {
        action(out, p.value);
      } else {
        w_.put(out, lookup(kNsfocusKeys, p.key), p.key, p.value);
      }
    }
    if (fw) {
      out.set("event.kind", "event");
      out.set("event.category", "network");
      out.set("event.type", "connection");
    } else {
      out.set("event.kind", "alert");
      out.set("event.category", malware ? "malware" : "intrusion_detection");
      out.set("event.type", "info");
    }
    w_.icmp_ports(out);
    Writer::set_outcome(out);
    return {};
  }

private:
  // NIPS `action` is a bit mask (1 log, 2 block session, 4 drop, 8 isolate, 16 TCP reset ...);
  // NF writes accept/deny.
  void action(core::Event& out, std::string_view v) {
    if (const auto n = parse_int(v)) {
      if ((*n & (2 | 4 | 16)) != 0) {
        out.set("event.action", "deny");
      } else if (*n >= 0) {
        out.set("event.action", "alert");
      }
      w_.put_ns_int(out, "action", *n);
      return;
    }
    w_.put(out, &kAction, "action", v);
  }

  // WAF V6: `[<PRI>]Mmm dd hh:mm:ss host waf: tag:waf_log_<type> key:value  key:value ...`.
  auto waf(const Envelope& env, std::size_t at, const ParseContext& ctx, core::Event& out)
      -> std::string_view {
    const std::string_view rest = env.rest;
    split_waf(rest.substr(at + 5), pairs_);  // after "waf: "
    std::string_view tag;
    if (!pairs_.empty() && pairs_.front().key == "tag") {
      tag = pairs_.front().value;
    }
    if (!tag.starts_with("waf_log_")) {
      return "no NSFOCUS WAF tag:waf_log_<type>";
    }
    tag.remove_prefix(8);
    w_.begin(out, kNsfocusWaf, env);
    if (const auto host = trim(rest.substr(0, at)); !host.empty()) {
      out.set("observer.hostname", host);
    }
    w_.put_ns(out, "tag", pairs_.front().value);
    const bool websec = tag == "websec";
    for (std::size_t i = 1; i < pairs_.size(); ++i) {
      const auto& p = pairs_[i];
      if (p.value == "None") {
        continue;  // the WAF's "nothing"
      }
      if (p.key == "stat_time") {
        if (const auto t = parse_local_time(p.value, ctx)) {
          out.timestamp = t;  // device-local
        } else {
          w_.put(out, nullptr, p.key, p.value);
        }
      } else if (p.key == "url") {
        w_.put(out, p.value.starts_with('/') ? &kWafUrlPath : &kWafUrl, p.key, p.value);
      } else if (p.key == "event_type" && websec) {
        w_.put(out, &kWafEventType, p.key, p.value);
      } else if (p.key == "info" && tag == "system_run") {
        w_.put(out, &kWafInfo, p.key, p.value);
      } else {
        w_.put(out, lookup(kWafKeys, p.key), p.key, p.value);
      }
    }
    if (websec) {
      out.set("event.kind", "alert");
      out.set("event.category", "intrusion_detection");
      out.set("event.type", "info");
    } else if (tag == "webaccess") {
      out.set("event.kind", "event");
      out.set("event.category", "web");
      out.set("event.type", "access");
    } else if (tag == "wafstat") {
      out.set("event.kind", "metric");
      out.set("event.category", "host");
      out.set("event.type", "info");
    } else {
      out.set("event.kind", "event");
      if (tag == "system_run") {
        out.set("event.category", "host");
        out.set("event.type", "info");
      }
    }
    Writer::set_outcome(out);
    return {};
  }

  static constexpr std::string_view kWafTag = "waf: tag:waf_log_";
  static constexpr KeyMap kAction{"action", Slot::action, {}};
  static constexpr KeyMap kWafUrlPath{"url", Slot::url_path, {}};
  static constexpr KeyMap kWafUrl{"url", Slot::url, {}};

  FormatInfo info_;
  Writer w_;
  std::vector<Pair> pairs_;
};

// ---------------------------------------------------------------------------------------
// Topsec

constexpr Product kTopsecTos{"Topsec", "TOS", "firewall", "topsec", "topsec.ngfw"};
constexpr Product kTopsecNgtos{"Topsec", "NGTOS", "firewall", "topsec", "topsec.ngfw"};
constexpr Product kTopsecNgidp{"Topsec", "NGIDP", "ips", "topsec", "topsec.ngfw"};

constexpr std::array<KeyMap, 24> kTopsecKeys = {{
    {"fw", Slot::hostname, {}},
    {"dev", Slot::hostname, {}},
    {"dev_name", Slot::hostname, {}},
    {"src", Slot::src_ip, {}},
    {"sip", Slot::src_ip, {}},
    {"dst", Slot::dst_ip, {}},
    {"dip", Slot::dst_ip, {}},
    {"sport", Slot::src_port, {}},
    {"dport", Slot::dst_port, {}},
    {"smac", Slot::src_mac, {}},
    {"dmac", Slot::dst_mac, {}},
    {"proto", Slot::transport, {}},
    {"protoname", Slot::transport, {}},
    {"indev", Slot::in_if, {}},
    {"outdev", Slot::out_if, {}},
    {"user", Slot::user, {}},
    {"policyid", Slot::rule_id, {}},
    {"policyname", Slot::rule_name, {}},
    {"action", Slot::action, {}},
    {"appname", Slot::application, {}},
    {"cve", Slot::vuln_id, {}},
    {"attack_type", Slot::rule_category, {}},
    {"level", Slot::severity, {}},
    {"risk_name", Slot::ns, {}},
}};

// IPS records: the signature is the rule (TOS `rule`, NGTOS `rid`, NGIDP `rule`), `msg` its
// name; the firewall policy stays vendor data.
constexpr std::array<KeyMap, 5> kTopsecIpsKeys = {{
    {"rule", Slot::rule_id, {}},
    {"rid", Slot::rule_id, {}},
    {"msg", Slot::rule_name, {}},
    {"policyid", Slot::ns, {}},
    {"policyname", Slot::ns, {}},
}};

constexpr std::array<KeyMap, 2> kTopsecAcKeys = {{
    {"rule", Slot::action, {}},  // TOS: rule=accept|deny
    {"msg", Slot::message, {}},
}};

/// Topsec TOS (`id=tos time=".." fw=.. pri=6 type=ac recorder=FW-NAT ...`), NGTOS
/// (`id="NGTOS" version=.. time=.. dev=.. recorder=..`, all values quoted) and NGIDP
/// (`vendor="topsec" ... recorder="attack"`) records. Owned by one worker.
class TopsecParser final : public FormatParser {
public:
  TopsecParser()
      : info_{"topsec/ngfw", "Topsec TOS / NGTOS firewall (ac, conn, ips) and NGIDP attack logs",
              "token 'id=tos', 'id=\"ngtos\"' (any case) or 'vendor=\"topsec\"'", "experimental",
              "id=tos time=\"2006-09-02 15:47:36\" fw=TOPSEC pri=6 type=ac recorder=FW-NAT "
              "src=192.168.89.215 dst=192.168.89.121 sport=46136 dport=139 proto=tcp "
              "rule=accept policyid=9178"} {}

  [[nodiscard]] auto info() const -> const FormatInfo& override { return info_; }

  [[nodiscard]] auto detect(const Input& in) const -> bool override {
    return start_of(in.line) != std::string_view::npos;
  }

  auto parse(const Input& in, const ParseContext& ctx, core::Event& out)
      -> std::string_view override {
    Envelope env;
    parse_envelope(in.line, ctx, env);
    const auto start = start_of(env.rest);
    if (start == std::string_view::npos) {
      return "no Topsec id=tos / id=\"ngtos\" / vendor=\"topsec\"";
    }
    split_spaced(env.rest.substr(start), pairs_);
    bool ips = false;
    for (const auto& p : pairs_) {
      if (p.key == "recorder") {
        ips = ips || iequals(p.value, "IPSEVENT") || iequals(p.value, "TVD")
              || iequals(p.value, "attack") || iequals(p.value, "IPS");
      } else if (p.key == "type") {
        ips = ips || iequals(p.value, "ips") || has(p.value, "入侵");
      } else if (p.key == "vendor") {
        ips = true;  // NGIDP
      }
    }
    const std::string_view grammar = env.rest.substr(start, 3);
    w_.begin(out, grammar == "id=" && env.rest.substr(start, 6) == "id=tos" ? kTopsecTos
                  : grammar == "ven"                                       ? kTopsecNgidp
                                                                           : kTopsecNgtos,
             env);
    for (const auto& p : pairs_) {
      if (p.key == "time") {
        if (const auto t = parse_local_time(p.value, ctx)) {
          out.timestamp = t;
        } else {
          w_.put(out, nullptr, p.key, p.value);
        }
        continue;
      }
      if (p.key == "pri") {
        if (const auto n = parse_int(p.value); n && *n >= 0 && *n <= 7 && env.pri < 0) {
          out.set_int("log.syslog.severity.code", *n);
        }
        w_.put(out, nullptr, p.key, p.value);
        continue;
      }
      if (p.key == "op") {  // NGIDP: 1 alert, 2 block, 4 firewall linkage, 5 IP blacklist
        if (p.value == "1") {
          out.set("event.action", "alert");
        } else if (p.value == "2" || p.value == "4" || p.value == "5") {
          out.set("event.action", "deny");
        }
        w_.put(out, nullptr, p.key, p.value);
        continue;
      }
      const KeyMap* km = ips ? lookup(kTopsecIpsKeys, p.key) : lookup(kTopsecAcKeys, p.key);
      if (km == nullptr) {
        km = lookup(kTopsecKeys, p.key);
      }
      w_.put(out, km, p.key, p.value);
    }
    if (ips) {
      out.set("event.kind", "alert");
      out.set("event.category", "intrusion_detection");
      out.set("event.type", "info");
    } else {
      out.set("event.kind", "event");
      out.set("event.category", "network");
      out.set("event.type", "connection");
    }
    w_.icmp_ports(out);
    Writer::set_outcome(out);
    return {};
  }

private:
  static auto start_of(std::string_view l) -> std::size_t {
    for (const auto lit : {std::string_view{"id=tos "}, std::string_view{"id=\"ngtos\""},
                           std::string_view{"id=\"NGTOS\""}, std::string_view{"vendor=\"topsec\""}}) {
      if (const auto p = find_token(l, lit); p != std::string_view::npos) {
        return p;
      }
    }
    return std::string_view::npos;
  }

  FormatInfo info_;
  Writer w_;
  std::vector<Pair> pairs_;
};

// ---------------------------------------------------------------------------------------
// Venustech

constexpr Product kVenusIps{"Venustech", "天阗", "ips", "venustech", "venustech.tianyue"};
constexpr Product kVenusOther{"Venustech", "", "", "venustech", "venustech.tianyue"};

constexpr std::array<KeyMap, 20> kVenusKeys = {{
    {"SerialNum", Slot::serial, {}},
    {"SrcIP", Slot::src_ip, {}},
    {"DstIP", Slot::dst_ip, {}},
    {"SrcIP6", Slot::src_ip, {}},
    {"DstIP6", Slot::dst_ip, {}},
    {"SrcPort", Slot::src_port, {}},
    {"DstPort", Slot::dst_port, {}},
    {"Protocol", Slot::transport, {}},
    {"InInterface", Slot::in_if, {}},
    {"OutInterface", Slot::out_if, {}},
    {"SMAC", Slot::src_mac, {}},
    {"DMAC", Slot::dst_mac, {}},
    {"EventName", Slot::rule_name, {}},
    {"EventID", Slot::rule_id, {}},
    {"EventLevel", Slot::severity, {}},
    {"SecurityType", Slot::rule_category, {}},
    {"Action", Slot::action, {}},
    {"EvtCount", Slot::ns_int, {}},
    {"SrcIPVer", Slot::ns_int, {}},
    {"DstIPVer", Slot::ns_int, {}},
}};

constexpr KeyMap kVenusFwPolicy{"FwPolicyID", Slot::rule_id, {}};

/// Venustech 天阗 NIPS and firewall syslog: `<PRI>Mmm dd hh:mm:ss host TYPE: SerialNum=..
/// GenTime="yyyy-mm-dd hh:mm:ss" SrcIP=.. DstIP=.. ... Action=.. EvtCount=N` (PRI often above
/// 191), and the 天阗 IDS v7 JSON body (`... (none) : {"dt":"VENUS_IDS_..", ...}`). Owned by
/// one worker.
class VenustechParser final : public FormatParser {
public:
  VenustechParser()
      : info_{"venustech/tianyue",
              "Venustech 天阗 NIPS / firewall key=value logs (IPS, AV, FILTER, NAT ...)",
              "'SerialNum=' and 'GenTime=', or a JSON body starting {\"dt\":\"VENUS_",
              "experimental",
              "<212>Oct 29 11:50:51 ips IPS: SerialNum=0113201403099999 GenTime=\"2014-10-29 "
              "11:50:51\" SrcIP=192.168.38.28 DstIP=82.244.22.168 Protocol=UDP SrcPort=58380 "
              "DstPort=16464 EventName=x EventID=152340118 EventLevel=2 Action=PASS EvtCount=1"} {}

  [[nodiscard]] auto info() const -> const FormatInfo& override { return info_; }

  [[nodiscard]] auto detect(const Input& in) const -> bool override {
    return (has(in.line, "SerialNum=") && has(in.line, "GenTime="))
           || has(in.line, "{\"dt\":\"VENUS_");
  }

  auto parse(const Input& in, const ParseContext& ctx, core::Event& out)
      -> std::string_view override {
    Envelope env;
    parse_envelope(in.line, ctx, env);
    const std::string_view rest = env.rest;
    if (const auto j = rest.find("{\"dt\":\"VENUS_"); j != std::string_view::npos) {
      return ids_json(rest, j, env, out);
    }
    const auto start = find_token(rest, "SerialNum=");
    if (start == std::string_view::npos) {
      return "no Venustech SerialNum=";
    }
    // "host TYPE:" before the pairs.
    std::string_view head = trim(rest.substr(0, start));
    std::string_view type;
    if (head.ends_with(':')) {
      head.remove_suffix(1);
      const auto sp = head.rfind(' ');
      type = head.substr(sp == std::string_view::npos ? 0 : sp + 1);
      head = sp == std::string_view::npos ? std::string_view{} : trim(head.substr(0, sp));
    }
    split_spaced(rest.substr(start), pairs_);
    const bool ips = type == "IPS";
    const bool av = type == "AV";
    w_.begin(out, ips ? kVenusIps : kVenusOther, env);
    if (!head.empty()) {
      out.set("observer.hostname", head);
    }
    if (!type.empty()) {
      w_.put_ns(out, "type", type);
    }
    for (const auto& p : pairs_) {
      if (p.key == "GenTime") {
        if (const auto t = parse_local_time(p.value, ctx)) {
          out.timestamp = t;
        } else {
          w_.put(out, nullptr, p.key, p.value);
        }
        continue;
      }
      const KeyMap* km = p.key == "FwPolicyID" && !ips && !av ? &kVenusFwPolicy
                                                               : lookup(kVenusKeys, p.key);
      w_.put(out, km, p.key, p.value);
    }
    if (ips || av) {
      out.set("event.kind", "alert");
      out.set("event.category", av ? "malware" : "intrusion_detection");
      out.set("event.type", "info");
    } else if (type == "FILTER" || type == "NAT") {
      out.set("event.kind", "event");
      out.set("event.category", "network");
      out.set("event.type", "connection");
    } else {
      out.set("event.kind", "event");
    }
    w_.icmp_ports(out);
    Writer::set_outcome(out);
    return {};
  }

private:
  // 天阗 IDS v7: `<12>Mmm dd hh:mm:ss (none) : {"dt":"VENUS_IDS_..","level":30,"id":"..",
  // "time":<epoch ms>,"source":{"ip","port","mac"},"destination":{..},"protocol":"TCP",
  // "subject":"<event name>","message":"..","securityid":"5","attackid":"7003"}`.
  auto ids_json(std::string_view rest, std::size_t j, const Envelope& env, core::Event& out)
      -> std::string_view {
    const std::string_view json = trim(rest.substr(j));
    if (json.size() + simdjson::SIMDJSON_PADDING > cap_) {
      cap_ = json.size() + simdjson::SIMDJSON_PADDING;
      buf_ = std::make_unique<char[]>(cap_);  // NOLINT(modernize-avoid-c-arrays)
    }
    std::memcpy(buf_.get(), json.data(), json.size());
    std::memset(buf_.get() + json.size(), 0, simdjson::SIMDJSON_PADDING);
    w_.begin(out, kVenusIps, env);
    out.set("event.kind", "alert");
    out.set("event.category", "intrusion_detection");
    out.set("event.type", "info");
    if (std::string_view head = trim(rest.substr(0, j)); !head.empty()) {
      if (head.ends_with(':')) {
        head = trim(head.substr(0, head.size() - 1));
      }
      if (!head.empty() && head != "(none)") {
        out.set("observer.hostname", head);
      }
    }
    simdjson::dom::element doc;
    simdjson::dom::object root;
    if (const auto err = parser_.parse(buf_.get(), json.size(), false).get(doc); err) {
      out.set("error.message", simdjson::error_message(err));
      return {};
    }
    if (doc.get_object().get(root) != simdjson::SUCCESS) {
      out.set("error.message", "not a JSON object");
      return {};
    }
    for (auto field : root) {
      const std::string_view key = field.key;
      std::string_view s;
      std::int64_t i = 0;
      simdjson::dom::object sub;
      if (field.value.get_object().get(sub) == simdjson::SUCCESS) {
        if (key == "source" || key == "destination") {
          endpoint(sub, key == "source", out);
        } else {
          w_.put_ns(out, key, compact_json(field.value));
        }
      } else if (field.value.get_string().get(s) == simdjson::SUCCESS) {
        const KeyMap* km = lookup(kVenusJsonKeys, key);
        w_.put(out, km, key, s);
      } else if (field.value.get_int64().get(i) == simdjson::SUCCESS) {
        if (key == "time" && i > 100'000'000'000 && i < 100'000'000'000'000) {
          out.timestamp = i;  // epoch milliseconds
        } else if (key == "level" && i >= 0) {
          out.set_int("event.severity", i);
        } else {
          w_.put_ns_int(out, key, i);
        }
      } else if (!field.value.is_null()) {
        w_.put_ns(out, key, compact_json(field.value));  // arrays, reals, booleans: as JSON
      }
    }
    return {};
  }

  void endpoint(simdjson::dom::object o, bool source, core::Event& out) {
    for (auto f : o) {
      const std::string_view k = f.key;
      std::string_view s;
      std::int64_t i = 0;
      if (k == "ip" && f.value.get_string().get(s) == simdjson::SUCCESS) {
        w_.put(out, source ? &kJsonSrcIp : &kJsonDstIp, k, s);
      } else if (k == "port") {
        const auto key = core::pick_key(source, "source.port", "destination.port");
        if (f.value.get_int64().get(i) == simdjson::SUCCESS && i >= 0 && i <= 65535) {
          out.set_int(key, i);
        } else if (f.value.get_string().get(s) == simdjson::SUCCESS) {
          set_port_or_keep(out, key, s);
        } else {
          keep_invalid(out, key.view(), compact_json(f.value));
        }
      } else if (k == "mac" && f.value.get_string().get(s) == simdjson::SUCCESS) {
        w_.put(out, source ? &kJsonSrcMac : &kJsonDstMac, k, s);
      } else if (!f.value.is_null()) {
        // Other members (and an ip or mac of another type): <ns>.source_<key> as text.
        name_.assign(source ? "source_" : "destination_").append(k);
        if (f.value.get_string().get(s) == simdjson::SUCCESS) {
          w_.put_ns(out, name_, s);
        } else {
          w_.put_ns(out, name_, compact_json(f.value));
        }
      }
    }
  }

  static constexpr std::array<KeyMap, 8> kVenusJsonKeys = {{
      {"dt", Slot::ns, {}},
      {"id", Slot::rule_id, {}},
      {"type", Slot::ns, {}},
      {"protocol", Slot::transport, {}},
      {"subject", Slot::rule_name, {}},
      {"message", Slot::message, {}},
      {"securityid", Slot::ns, {}},
      {"attackid", Slot::ns, {}},
  }};
  static constexpr KeyMap kJsonSrcIp{"source_ip", Slot::src_ip, "source_ip"};
  static constexpr KeyMap kJsonDstIp{"destination_ip", Slot::dst_ip, "destination_ip"};
  static constexpr KeyMap kJsonSrcMac{"source_mac", Slot::src_mac, "source_mac"};
  static constexpr KeyMap kJsonDstMac{"destination_mac", Slot::dst_mac, "destination_mac"};

  FormatInfo info_;
  Writer w_;
  std::string name_;  ///< endpoint(): vendor key of an unmapped member
  std::vector<Pair> pairs_;
  simdjson::dom::parser parser_;
  std::unique_ptr<char[]> buf_;  // NOLINT(modernize-avoid-c-arrays)
  std::size_t cap_ = 0;
};

}  // namespace

auto make_sangfor_ngaf() -> std::unique_ptr<FormatParser> {
  return std::make_unique<SangforParser>();
}

auto make_nsfocus_nips() -> std::unique_ptr<FormatParser> {
  return std::make_unique<NsfocusParser>();
}

auto make_topsec_ngfw() -> std::unique_ptr<FormatParser> {
  return std::make_unique<TopsecParser>();
}

auto make_venustech_tianyue() -> std::unique_ptr<FormatParser> {
  return std::make_unique<VenustechParser>();
}

}  // namespace siem::parsers::detail::cn
