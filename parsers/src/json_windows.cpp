#include "json_windows.hpp"

#include "siem/core/ids.hpp"
#include "siem/core/time.hpp"

#include "common.hpp"
#include "format.hpp"
#include "json_formats.hpp"

#include <array>
#include <cstdio>
#include <cstring>

namespace siem::parsers::detail {

void WinEvent::clear() {
  const WinShape s = shape;
  data.clear();
  auto d = std::move(data);
  *this = WinEvent{};
  data = std::move(d);
  shape = s;
}

auto WinEvent::get(std::string_view key) const -> std::string_view {
  for (const auto& [k, v] : data) {
    if (k == key) {
      return v == "-" ? std::string_view{} : v;
    }
  }
  return {};
}

void StableText::reset(std::size_t need) {
  buf_.clear();
  if (buf_.capacity() < need) {
    buf_.reserve(need);
  }
  start_ = 0;
}

auto StableText::add(std::string_view s) -> std::string_view {
  if (buf_.size() + s.size() > buf_.capacity()) {
    return {};
  }
  const std::size_t at = buf_.size();
  buf_.append(s);
  return {buf_.data() + at, s.size()};
}

auto StableText::push(char c) -> bool {
  if (buf_.size() + 1 > buf_.capacity()) {
    return false;
  }
  buf_.push_back(c);
  return true;
}

auto StableText::finish() -> std::string_view {
  return {buf_.data() + start_, buf_.size() - start_};
}

namespace {

// Security log ids are decimal; ProcessId/NewProcessId in Security events are "0x1a2b".
auto parse_pid(std::string_view s) -> std::optional<std::int64_t> {
  if (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
    // At most 15 hex digits, so the value fits an int64 without overflow.
    std::int64_t v = 0;
    if (s.size() > 17) {
      return std::nullopt;
    }
    for (std::size_t i = 2; i < s.size(); ++i) {
      const char c = s[i];
      const int d = core::hex_digit(c);
      if (d < 0) {
        return std::nullopt;
      }
      v = v * 16 + d;
    }
    return v;
  }
  return parse_int(s);
}

void set_nonempty(core::Event& out, std::string_view key, std::string_view v) {
  if (!v.empty() && v != "-") {
    out.set(key, v);
  }
}

auto basename_of(std::string_view path) -> std::string_view {
  const auto p = path.find_last_of("\\/");
  return p == std::string_view::npos ? path : path.substr(p + 1);
}

// "C:\dir\file.exe": path, name, directory, extension.
void set_file(core::Event& out, std::string_view path) {
  if (path.empty() || path == "-") {
    return;
  }
  out.set("file.path", path);
  const auto name = basename_of(path);
  out.set("file.name", name);
  if (name.size() < path.size()) {
    out.set("file.directory", path.substr(0, path.size() - name.size() - 1));
  }
  if (const auto dot = name.find_last_of('.'); dot != std::string_view::npos && dot + 1 < name.size()) {
    out.set("file.extension", name.substr(dot + 1));
  }
}

void set_process(core::Event& out, std::string_view prefix, std::string_view pid_text,
                 std::string_view exe, std::string& key) {
  if (const auto pid = parse_pid(pid_text); pid && *pid > 0) {
    key.assign(prefix).append(".pid");
    out.set_int(key, *pid);
  }
  if (!exe.empty() && exe != "-") {
    key.assign(prefix).append(".executable");
    out.set(key, exe);
    key.assign(prefix).append(".name");
    out.set(key, basename_of(exe));
  }
}

// "DOMAIN\name" (Sysmon User) into user.domain/user.name.
void set_domain_user(core::Event& out, std::string_view prefix, std::string_view v,
                     std::string& key) {
  if (v.empty() || v == "-") {
    return;
  }
  const auto bs = v.find('\\');
  key.assign(prefix).append(".name");
  out.set(key, bs == std::string_view::npos ? v : v.substr(bs + 1));
  if (bs != std::string_view::npos && bs > 0) {
    key.assign(prefix).append(".domain");
    out.set(key, v.substr(0, bs));
  }
}

void set_user(core::Event& out, std::string_view prefix, std::string_view name,
              std::string_view domain, std::string_view sid, std::string& key) {
  if (!name.empty()) {
    key.assign(prefix).append(".name");
    out.set(key, name);
  }
  if (!domain.empty()) {
    key.assign(prefix).append(".domain");
    out.set(key, domain);
  }
  if (!sid.empty() && sid != "S-1-0-0") {
    key.assign(prefix).append(".id");
    out.set(key, sid);
  }
}

// Sysmon "SHA1=..,MD5=..,SHA256=..,IMPHASH=.." into <prefix>.hash.<algo> (lower-case names).
void set_hashes(core::Event& out, std::string_view prefix, std::string_view hashes,
                std::string& key) {
  while (!hashes.empty()) {
    const auto comma = hashes.find(',');
    const auto item = hashes.substr(0, comma);
    hashes = comma == std::string_view::npos ? std::string_view{} : hashes.substr(comma + 1);
    const auto eq = item.find('=');
    if (eq == std::string_view::npos || eq + 1 >= item.size()) {
      continue;
    }
    const auto algo = item.substr(0, eq);
    std::string_view name;
    if (algo == "MD5") {
      name = "md5";
    } else if (algo == "SHA1") {
      name = "sha1";
    } else if (algo == "SHA256") {
      name = "sha256";
    } else if (algo == "IMPHASH") {
      name = "imphash";
    } else {
      continue;
    }
    key.assign(prefix).append(".hash.").append(name);
    // ECS hashes are lower-case hex; Sysmon writes upper case.
    const std::size_t at = key.size();
    key.push_back('=');
    for (const char c : item.substr(eq + 1)) {
      key.push_back(c >= 'A' && c <= 'F' ? static_cast<char>(c - 'A' + 'a') : c);
    }
    const std::string_view value{key.data() + at + 1, key.size() - at - 1};
    const std::string_view field{key.data(), at};
    out.set(field, value);
  }
}

auto logon_type_name(std::string_view t) -> std::string_view {
  const auto v = parse_int(t);
  if (!v) {
    return {};
  }
  switch (*v) {
    case 0: return "System";
    case 2: return "Interactive";
    case 3: return "Network";
    case 4: return "Batch";
    case 5: return "Service";
    case 7: return "Unlock";
    case 8: return "NetworkCleartext";
    case 9: return "NewCredentials";
    case 10: return "RemoteInteractive";
    case 11: return "CachedInteractive";
    case 12: return "CachedRemoteInteractive";
    case 13: return "CachedUnlock";
    default: return {};
  }
}

// Logon source address: "::ffff:10.0.0.5" (Kerberos events) is the IPv4 address.
void set_logon_source(const WinEvent& w, core::Event& out) {
  std::string_view ip = w.get("IpAddress");
  if (ip.starts_with("::ffff:") && ip.find('.') != std::string_view::npos) {
    ip.remove_prefix(7);
  }
  if (set_ip(out, "source.ip", ip)) {
    if (const auto p = parse_port(w.get("IpPort")); p && *p > 0) {
      out.set_int("source.port", *p);
    }
  }
  if (const auto ws = w.get("WorkstationName"); !ws.empty()) {
    out.set("source.domain", ws);
  }
}

// Kerberos/NTLM result code: 0x0 is success.
void set_status_outcome(std::string_view status, core::Event& out) {
  if (status.empty()) {
    return;
  }
  const auto v = parse_pid(status);
  if (v) {
    out.set("event.outcome", *v == 0 ? "success" : "failure");
  }
}

struct Kind {
  std::string_view action;
  std::string_view category;
  std::string_view type;
};

auto security_kind(std::int64_t id) -> Kind {
  switch (id) {
    case 4624: return {"logged-in", "authentication", "start"};
    case 4625: return {"logon-failed", "authentication", "start"};
    case 4634: return {"logged-out", "authentication", "end"};
    case 4647: return {"logged-out", "authentication", "end"};
    case 4648: return {"logged-in-explicit", "authentication", "start"};
    case 4672: return {"logged-in-special", "iam", "admin"};
    case 4688: return {"created-process", "process", "start"};
    case 4689: return {"exited-process", "process", "end"};
    case 4697: return {"service-installed", "configuration", "creation"};
    case 4698: return {"scheduled-task-created", "configuration", "creation"};
    case 4720: return {"added-user-account", "iam", "creation"};
    case 4722: return {"enabled-user-account", "iam", "change"};
    case 4723: return {"changed-password", "iam", "change"};
    case 4724: return {"reset-password", "iam", "change"};
    case 4725: return {"disabled-user-account", "iam", "change"};
    case 4726: return {"deleted-user-account", "iam", "deletion"};
    case 4728:
    case 4732:
    case 4756: return {"added-member-to-group", "iam", "change"};
    case 4729:
    case 4733:
    case 4757: return {"removed-member-from-group", "iam", "change"};
    case 4740: return {"locked-out-user-account", "iam", "change"};
    case 4768: return {"kerberos-authentication-ticket-requested", "authentication", "start"};
    case 4769: return {"kerberos-service-ticket-requested", "authentication", "start"};
    case 4771: return {"kerberos-preauth-failed", "authentication", "start"};
    case 4776: return {"credential-validated", "authentication", "start"};
    case 1102: return {"audit-log-cleared", "iam", "change"};
    default: return {};
  }
}

auto sysmon_kind(std::int64_t id) -> Kind {
  switch (id) {
    case 1: return {"process-created", "process", "start"};
    case 2: return {"file-creation-time-changed", "file", "change"};
    case 3: return {"network-connection", "network", "connection"};
    case 5: return {"process-terminated", "process", "end"};
    case 6: return {"driver-loaded", "driver", "start"};
    case 7: return {"image-loaded", "library", "start"};
    case 8: return {"create-remote-thread", "process", "change"};
    case 9: return {"raw-access-read", "file", "access"};
    case 10: return {"process-access", "process", "access"};
    case 11: return {"file-created", "file", "creation"};
    case 12: return {"registry-key-created-or-deleted", "registry", "change"};
    case 13: return {"registry-value-set", "registry", "change"};
    case 14: return {"registry-key-renamed", "registry", "change"};
    case 15: return {"file-stream-created", "file", "creation"};
    case 17: return {"pipe-created", "file", "creation"};
    case 18: return {"pipe-connected", "file", "access"};
    case 22: return {"dns-query", "network", "protocol"};
    case 23: return {"file-deleted", "file", "deletion"};
    case 26: return {"file-delete-detected", "file", "deletion"};
    default: return {};
  }
}

// Subject (the account that acted) and target (the account acted upon) of Security events.
void map_security_users(std::int64_t id, const WinEvent& w, core::Event& out, std::string& key) {
  const auto sname = w.get("SubjectUserName");
  const auto sdom = w.get("SubjectDomainName");
  const auto ssid = w.get("SubjectUserSid");
  const auto tname = w.get("TargetUserName");
  const auto tdom = w.get("TargetDomainName");
  const auto tsid = w.get("TargetUserSid").empty() ? w.get("TargetSid") : w.get("TargetUserSid");
  switch (id) {
    case 4624:
    case 4625:
    case 4634:
    case 4647:
    case 4768:
    case 4769:
    case 4771:
    case 4776:
      set_user(out, "user", tname, tdom, tsid, key);
      break;
    case 4648:
      set_user(out, "user", sname, sdom, ssid, key);
      set_user(out, "user.target", tname, tdom, {}, key);
      break;
    case 4720:
    case 4722:
    case 4723:
    case 4724:
    case 4725:
    case 4726:
    case 4740:
      set_user(out, "user", sname, sdom, ssid, key);
      set_user(out, "user.target", tname, tdom, tsid, key);
      break;
    case 4728:
    case 4729:
    case 4732:
    case 4733:
    case 4756:
    case 4757:
      set_user(out, "user", sname, sdom, ssid, key);
      set_nonempty(out, "group.name", tname);
      set_nonempty(out, "group.domain", tdom);
      set_nonempty(out, "group.id", w.get("TargetSid"));
      set_nonempty(out, "user.target.id", w.get("MemberSid"));
      set_nonempty(out, "user.target.name", w.get("MemberName"));
      break;
    default:
      set_user(out, "user", sname, sdom, ssid, key);
      break;
  }
}

void map_security(std::int64_t id, const WinEvent& w, core::Event& out, std::string& key) {
  map_security_users(id, w, out, key);
  switch (id) {
    case 4624:
    case 4625:
    case 4634:
    case 4648: {
      if (const auto t = logon_type_name(w.get("LogonType")); !t.empty()) {
        out.set("winlog.logon.type", t);
      }
      set_nonempty(out, "winlog.logon.id", w.get("TargetLogonId"));
      set_logon_source(w, out);
      set_process(out, "process", w.get("ProcessId"), w.get("ProcessName"), key);
      if (id == 4625) {
        out.set("event.outcome", "failure");
        set_nonempty(out, "event.reason", w.get("FailureReason"));
      }
      if (id == 4648) {
        set_nonempty(out, "destination.domain", w.get("TargetServerName"));
      }
      break;
    }
    case 4672:
      set_nonempty(out, "winlog.logon.id", w.get("SubjectLogonId"));
      break;
    case 4688: {
      set_process(out, "process", w.get("NewProcessId"), w.get("NewProcessName"), key);
      set_nonempty(out, "process.command_line", w.get("CommandLine"));
      set_process(out, "process.parent", w.get("ProcessId"), w.get("ParentProcessName"), key);
      break;
    }
    case 4697:
      set_nonempty(out, "service.name", w.get("ServiceName"));
      break;
    case 4768:
    case 4769:
    case 4771:
      set_logon_source(w, out);
      if (id == 4771) {
        out.set("event.outcome", "failure");
      } else {
        set_status_outcome(w.get("Status"), out);
      }
      if (id == 4769) {
        set_nonempty(out, "service.name", w.get("ServiceName"));
      }
      break;
    case 4776:
      set_nonempty(out, "source.domain", w.get("Workstation"));
      set_status_outcome(w.get("Status"), out);
      break;
    default:
      break;
  }
}

void map_sysmon(std::int64_t id, const WinEvent& w, core::Event& out, std::string& key) {
  set_domain_user(out, "user", w.get("User"), key);
  if (id == 8 || id == 10) {
    // The acting process is the source; the target stays in winlog.event_data.
    set_process(out, "process", w.get("SourceProcessId"), w.get("SourceImage"), key);
    set_nonempty(out, "process.entity_id", w.get("SourceProcessGuid"));
    if (id == 10) {
      set_domain_user(out, "user", w.get("SourceUser"), key);
    }
    return;
  }
  set_process(out, "process", w.get("ProcessId"), w.get("Image"), key);
  set_nonempty(out, "process.entity_id", w.get("ProcessGuid"));
  switch (id) {
    case 1: {
      set_nonempty(out, "process.command_line", w.get("CommandLine"));
      set_nonempty(out, "process.working_directory", w.get("CurrentDirectory"));
      set_process(out, "process.parent", w.get("ParentProcessId"), w.get("ParentImage"), key);
      set_nonempty(out, "process.parent.command_line", w.get("ParentCommandLine"));
      set_nonempty(out, "process.parent.entity_id", w.get("ParentProcessGuid"));
      set_nonempty(out, "process.pe.original_file_name", w.get("OriginalFileName"));
      // The hashes are those of the image file the process runs.
      set_hashes(out, "process", w.get("Hashes"), key);
      set_hashes(out, "file", w.get("Hashes"), key);
      break;
    }
    case 3: {
      if (const auto p = w.get("Protocol"); !p.empty()) {
        out.set("network.transport", to_lower(p, key));
      }
      set_ip_if_valid(out, "source.ip", w.get("SourceIp"));
      set_port_if_valid(out, "source.port", w.get("SourcePort"));
      set_nonempty(out, "source.domain", w.get("SourceHostname"));
      set_ip_if_valid(out, "destination.ip", w.get("DestinationIp"));
      set_port_if_valid(out, "destination.port", w.get("DestinationPort"));
      set_nonempty(out, "destination.domain", w.get("DestinationHostname"));
      if (const auto init = w.get("Initiated"); init == "true") {
        out.set("network.direction", "egress");
      } else if (init == "false") {
        out.set("network.direction", "ingress");
      }
      break;
    }
    case 6:
      set_file(out, w.get("ImageLoaded"));
      set_hashes(out, "file", w.get("Hashes"), key);
      break;
    case 7:
      set_file(out, w.get("ImageLoaded"));
      set_hashes(out, "file", w.get("Hashes"), key);
      break;
    case 2:
    case 11:
    case 15:
    case 23:
    case 26:
      set_file(out, w.get("TargetFilename"));
      set_hashes(out, "file", w.get("Hashes"), key);
      break;
    case 12:
    case 13:
    case 14: {
      const auto path = w.get("TargetObject");
      if (!path.empty()) {
        out.set("registry.path", path);
        // "HKLM\SOFTWARE\...\Value": hive, key below the hive, value name.
        const auto bs = path.find('\\');
        if (bs != std::string_view::npos) {
          out.set("registry.hive", path.substr(0, bs));
          out.set("registry.key", path.substr(bs + 1));
          if (id == 13) {
            const auto last = path.find_last_of('\\');
            out.set("registry.value", path.substr(last + 1));
            out.set("registry.key", path.substr(bs + 1, last > bs ? last - bs - 1 : 0));
          }
        }
      }
      if (id == 13) {
        set_nonempty(out, "registry.data.strings", w.get("Details"));
      }
      if (const auto et = w.get("EventType"); et == "CreateKey") {
        out.set("event.type", "creation");
      } else if (et == "DeleteKey" || et == "DeleteValue") {
        out.set("event.type", "deletion");
      }
      break;
    }
    case 22:
      set_nonempty(out, "dns.question.name", w.get("QueryName"));
      set_nonempty(out, "network.protocol", "dns");
      break;
    default:
      break;
  }
}

auto level_name(std::string_view level) -> std::string_view {
  const auto v = parse_int(level);
  if (!v) {
    return {};
  }
  switch (*v) {
    case 0:
    case 4: return "information";
    case 1: return "critical";
    case 2: return "error";
    case 3: return "warning";
    case 5: return "verbose";
    default: return {};
  }
}

}  // namespace

void map_windows(const WinEvent& w, const ParseContext& ctx, core::Event& out, std::string& key) {
  out.set("event.kind", "event");
  out.set("event.module", "windows");
  const bool sysmon = w.provider == "Microsoft-Windows-Sysmon"
                      || w.channel == "Microsoft-Windows-Sysmon/Operational";
  const bool security =
      w.provider == "Microsoft-Windows-Security-Auditing" || w.channel == "Security";
  const bool eventlog = w.provider == "Microsoft-Windows-Eventlog";
  out.set("event.dataset", sysmon     ? "windows.sysmon_operational"
                           : security ? "windows.security"
                                      : "windows.eventlog");
  out.set("host.os.family", "windows");
  if (const auto t = core::parse_rfc3339(w.time, ctx.tz_offset_minutes)) {
    out.timestamp = t;
  } else {
    keep_invalid(out, "@timestamp", w.time);
  }
  if (parse_int(w.event_id)) {
    out.set("event.code", w.event_id);
  }
  set_nonempty(out, "event.provider", w.provider);
  set_nonempty(out, "winlog.provider_name", w.provider);
  set_nonempty(out, "winlog.channel", w.channel);
  set_nonempty(out, "winlog.event_id", w.event_id);
  set_nonempty(out, "winlog.task", w.task);
  set_nonempty(out, "winlog.opcode", w.opcode);
  if (const auto r = parse_int(w.record_id)) {
    out.set_int("winlog.record_id", *r);
  }
  set_nonempty(out, "winlog.user.identifier", w.user_sid);
  set_nonempty(out, "message", w.message);
  if (!w.computer.empty()) {
    out.set("host.name", w.computer);
    // hostname(1) on Windows prints the NetBIOS-style short name, not the FQDN.
    const auto dot = w.computer.find('.');
    out.set("host.hostname",
            is_ip(w.computer) || dot == 0 ? w.computer : w.computer.substr(0, dot));
  }
  if (auto lv = level_name(w.level); !lv.empty()) {
    out.set("log.level", lv);
  } else if (!w.level.empty()) {
    out.set("log.level", to_lower(w.level, key));
  }
  // -1: absent or invalid (a plain value: g++ 12 misreads optionals here).
  const std::int64_t exec_pid = parse_int(w.process_id).value_or(-1);
  if (exec_pid >= 0) {
    out.set_int("winlog.process.pid", exec_pid);
  }
  const std::int64_t tid = parse_int(w.thread_id).value_or(-1);
  if (tid >= 0) {
    out.set_int("winlog.process.thread.id", tid);
  }
  if (w.audit == WinAudit::success) {
    out.set("event.outcome", "success");
  } else if (w.audit == WinAudit::failure) {
    out.set("event.outcome", "failure");
  }
  for (const auto& [k, v] : w.data) {
    key.assign("winlog.event_data.");
    append_key_segment(key, k);
    out.set(key, v);
  }

  const auto id = parse_int(w.event_id);
  Kind kind;
  if (id && sysmon) {
    kind = sysmon_kind(*id);
    map_sysmon(*id, w, out, key);
  } else if (id && (security || (eventlog && *id == 1102))) {
    kind = security_kind(*id);
    map_security(*id, w, out, key);
  }
  if (!kind.action.empty()) {
    out.set("event.action", kind.action);
    out.set("event.category", kind.category);
    if (!out.has("event.type")) {
      out.set("event.type", kind.type);
    }
  }
  // Events without a specific mapping: the account the event names (NXLog resolves the
  // System UserID into AccountName/Domain), and the logging process.
  if (!out.has("user.name") && kind.action.empty()) {
    if (!w.account_name.empty()) {
      set_user(out, "user", w.account_name, w.account_domain, w.user_sid, key);
    } else if (const auto su = w.get("SubjectUserName"); !su.empty()) {
      set_user(out, "user", su, w.get("SubjectDomainName"), w.get("SubjectUserSid"), key);
    } else if (!w.user_sid.empty()) {
      out.set("user.id", w.user_sid);
    }
  }
  // The process that logged the event stands for the event's process only when the event
  // names none itself (Security and Sysmon events do).
  if (!out.has("process.pid") && !out.has("process.executable") && exec_pid >= 0 && !sysmon
      && !security) {
    out.set_int("process.pid", exec_pid);
    if (tid >= 0) {
      out.set_int("process.thread.id", tid);
    }
  }
}

// ---- XML scanner ----------------------------------------------------------------------

namespace {

struct Attr {
  std::string_view name;
  std::string_view value;
};

// Decodes XML character references and the five predefined entities into `text`.
auto decode_xml(std::string_view s, StableText& text) -> std::string_view {
  if (s.find('&') == std::string_view::npos) {
    return s;
  }
  text.begin();
  for (std::size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '&') {
      const auto semi = s.find(';', i);
      if (semi != std::string_view::npos && semi - i <= 10) {
        const auto ent = s.substr(i + 1, semi - i - 1);
        bool ok = true;
        std::uint32_t cp = 0;
        if (ent == "amp") {
          cp = '&';
        } else if (ent == "lt") {
          cp = '<';
        } else if (ent == "gt") {
          cp = '>';
        } else if (ent == "quot") {
          cp = '"';
        } else if (ent == "apos") {
          cp = '\'';
        } else if (ent.size() > 1 && ent[0] == '#') {
          const bool hex = ent[1] == 'x' || ent[1] == 'X';
          for (std::size_t j = hex ? 2 : 1; j < ent.size() && ok; ++j) {
            const char d = ent[j];
            std::uint32_t dv = 0;
            if (d >= '0' && d <= '9') {
              dv = static_cast<std::uint32_t>(d - '0');
            } else if (hex && d >= 'a' && d <= 'f') {
              dv = static_cast<std::uint32_t>(d - 'a' + 10);
            } else if (hex && d >= 'A' && d <= 'F') {
              dv = static_cast<std::uint32_t>(d - 'A' + 10);
            } else {
              ok = false;
            }
            cp = cp * (hex ? 16 : 10) + dv;
          }
          ok = ok && ent.size() > (hex ? 2U : 1U) && cp > 0 && cp <= 0x10FFFF;
        } else {
          ok = false;
        }
        if (ok) {
          // UTF-8 encode.
          bool fit = true;
          if (cp < 0x80) {
            fit = text.push(static_cast<char>(cp));
          } else if (cp < 0x800) {
            fit = text.push(static_cast<char>(0xC0 | (cp >> 6)))
                  && text.push(static_cast<char>(0x80 | (cp & 0x3F)));
          } else if (cp < 0x10000) {
            fit = text.push(static_cast<char>(0xE0 | (cp >> 12)))
                  && text.push(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)))
                  && text.push(static_cast<char>(0x80 | (cp & 0x3F)));
          } else {
            fit = text.push(static_cast<char>(0xF0 | (cp >> 18)))
                  && text.push(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)))
                  && text.push(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)))
                  && text.push(static_cast<char>(0x80 | (cp & 0x3F)));
          }
          if (!fit) {
            return {};
          }
          i = semi;
          continue;
        }
      }
    }
    if (!text.push(c)) {
      return {};
    }
  }
  return text.finish();
}

auto attr_of(const std::array<Attr, 8>& attrs, std::size_t n, std::string_view name)
    -> std::string_view {
  for (std::size_t i = 0; i < n; ++i) {
    if (attrs[i].name == name) {
      return attrs[i].value;
    }
  }
  return {};
}

enum class Section : std::uint8_t { none, system, event_data, user_data, rendering };

auto is_space(char c) -> bool {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

}  // namespace

auto scan_windows_xml(std::string_view xml, WinEvent& w, StableText& text) -> std::string_view {
  w.clear();
  w.shape = WinShape::xml;
  text.reset(xml.size() + 64);
  Section section = Section::none;
  bool seen_event = false;
  std::size_t unnamed = 0;
  std::array<Attr, 8> attrs{};
  std::size_t pos = 0;
  while (true) {
    const auto lt = xml.find('<', pos);
    if (lt == std::string_view::npos || lt + 1 >= xml.size()) {
      break;
    }
    pos = lt + 1;
    const char first = xml[pos];
    if (first == '!' || first == '?') {
      const auto end =
          xml.substr(pos).starts_with("!--") ? xml.find("-->", pos) : xml.find('>', pos);
      if (end == std::string_view::npos) {
        break;
      }
      pos = end + 1;
      continue;
    }
    const bool closing = first == '/';
    if (closing) {
      ++pos;
    }
    std::size_t p = pos;
    while (p < xml.size() && !is_space(xml[p]) && xml[p] != '>' && xml[p] != '/') {
      ++p;
    }
    std::string_view name = xml.substr(pos, p - pos);
    if (const auto colon = name.find(':'); colon != std::string_view::npos) {
      name.remove_prefix(colon + 1);
    }
    if (closing) {
      if (name == "System" || name == "EventData" || name == "UserData"
          || name == "RenderingInfo") {
        section = Section::none;
      }
      pos = p;
      continue;
    }
    // Attributes.
    std::size_t nattrs = 0;
    bool self_closing = false;
    bool complete = false;
    while (p < xml.size()) {
      while (p < xml.size() && is_space(xml[p])) {
        ++p;
      }
      if (p >= xml.size()) {
        break;
      }
      if (xml[p] == '>') {
        complete = true;
        ++p;
        break;
      }
      if (xml[p] == '/') {
        self_closing = true;
        ++p;
        continue;
      }
      const std::size_t an = p;
      while (p < xml.size() && xml[p] != '=' && xml[p] != '>' && !is_space(xml[p])) {
        ++p;
      }
      const auto aname = xml.substr(an, p - an);
      if (p >= xml.size() || xml[p] != '=' || p + 1 >= xml.size()) {
        if (p < xml.size() && xml[p] != '>') {
          ++p;
        }
        continue;
      }
      const char q = xml[p + 1];
      if (q != '"' && q != '\'') {
        p += 1;
        continue;
      }
      const auto close = xml.find(q, p + 2);
      if (close == std::string_view::npos) {
        p = xml.size();
        break;
      }
      if (nattrs < attrs.size()) {
        attrs[nattrs++] = {aname, decode_xml(xml.substr(p + 2, close - p - 2), text)};
      }
      p = close + 1;
    }
    pos = p;
    if (!complete) {
      break;  // truncated inside a tag
    }
    // Leaf text: up to the next '<', which must close this element.
    std::string_view value;
    bool leaf = false;
    if (!self_closing) {
      const auto next = xml.find('<', pos);
      if (next != std::string_view::npos && next + 1 < xml.size() && xml[next + 1] == '/') {
        leaf = true;
        value = decode_xml(xml.substr(pos, next - pos), text);
      }
    }
    if (name == "Event") {
      seen_event = true;
      continue;
    }
    if (name == "System") {
      section = Section::system;
      continue;
    }
    if (name == "EventData") {
      section = Section::event_data;
      continue;
    }
    if (name == "UserData") {
      section = Section::user_data;
      continue;
    }
    if (name == "RenderingInfo") {
      section = Section::rendering;
      continue;
    }
    switch (section) {
      case Section::system:
        if (name == "Provider") {
          w.provider = attr_of(attrs, nattrs, "Name");
        } else if (name == "EventID") {
          w.event_id = value;
        } else if (name == "Level") {
          w.level = value;
        } else if (name == "Task") {
          w.task = value;
        } else if (name == "Opcode") {
          w.opcode = value;
        } else if (name == "Keywords") {
          // 0x0020000000000000 audit success, 0x0010000000000000 audit failure.
          if (value.size() == 18 && value.starts_with("0x")) {
            const char c = value[4];
            const int nib = c >= '0' && c <= '9'   ? c - '0'
                            : c >= 'a' && c <= 'f' ? c - 'a' + 10
                            : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                                   : 0;
            if ((nib & 2) != 0) {
              w.audit = WinAudit::success;
            } else if ((nib & 1) != 0) {
              w.audit = WinAudit::failure;
            }
          }
        } else if (name == "TimeCreated") {
          w.time = attr_of(attrs, nattrs, "SystemTime");
        } else if (name == "EventRecordID") {
          w.record_id = value;
        } else if (name == "Execution") {
          w.process_id = attr_of(attrs, nattrs, "ProcessID");
          w.thread_id = attr_of(attrs, nattrs, "ThreadID");
        } else if (name == "Channel") {
          w.channel = value;
        } else if (name == "Computer") {
          w.computer = value;
        } else if (name == "Security") {
          w.user_sid = attr_of(attrs, nattrs, "UserID");
        }
        break;
      case Section::event_data:
        if (name == "Data" && (leaf || self_closing) && w.data.size() < 256) {
          auto key = attr_of(attrs, nattrs, "Name");
          if (key.empty()) {
            // Unnamed <Data> (classic providers): param1, param2, ...
            std::array<char, 16> num{};
            const int n = std::snprintf(num.data(), num.size(), "param%zu", ++unnamed);
            key = text.add(std::string_view{num.data(), static_cast<std::size_t>(n)});
          }
          if (!key.empty()) {
            w.data.emplace_back(key, value);
          }
        }
        break;
      case Section::user_data:
        if (leaf && w.data.size() < 256) {
          w.data.emplace_back(name, value);
        }
        break;
      case Section::rendering:
        if (name == "Message" && leaf) {
          w.message = value;
        }
        break;
      case Section::none:
        break;
    }
  }
  if (!seen_event) {
    return "no <Event> element";
  }
  if (w.event_id.empty()) {
    return "Windows XML event without EventID (truncated?)";
  }
  return {};
}

namespace {

/// Windows events as XML (`<Event xmlns=...><System>...`), as Windows Event Forwarding,
/// NXLog (to_xml) and Snare send them, one event per line, optionally in a syslog envelope.
class WindowsXmlParser final : public FormatParser {
public:
  [[nodiscard]] auto info() const -> const FormatInfo& override { return info_; }

  [[nodiscard]] auto detect(const Input& in) const -> bool override {
    const auto p = in.payload.find("<Event");
    return p != std::string_view::npos && in.payload.find("<System", p) != std::string_view::npos;
  }

  auto parse(const Input& in, const ParseContext& ctx, core::Event& out)
      -> std::string_view override {
    const auto start = in.payload.find("<Event");
    if (start == std::string_view::npos) {
      return "not a Windows XML event";
    }
    if (const auto r = scan_windows_xml(in.payload.substr(start), w_, text_); !r.empty()) {
      return r;
    }
    // Envelope first: the event's own Computer, not the forwarder, is host.hostname.
    apply_syslog_origin(in.header, out);
    map_windows(w_, ctx, out, key_);
    return {};
  }

private:
  FormatInfo info_{"windows/xml",
                   "Windows event XML (Windows Event Forwarding, NXLog, Snare): Security and "
                   "Sysmon events mapped",
                   "'<Event' followed by '<System' in the payload", "experimental",
                   "<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System>"
                   "<Provider Name='Microsoft-Windows-Security-Auditing'/><EventID>4625</EventID>"
                   "<Channel>Security</Channel><Computer>pc1</Computer></System><EventData>"
                   "<Data Name='TargetUserName'>bob</Data></EventData></Event>"};
  WinEvent w_;
  StableText text_;
  std::string key_;
};

}  // namespace

auto make_windows_xml_parser() -> std::unique_ptr<FormatParser> {
  return std::make_unique<WindowsXmlParser>();
}

}  // namespace siem::parsers::detail
