// linux/auditd: Linux audit records (audit.log, audispd/auditd over syslog, kernel printk).
#include "siem/core/ids.hpp"

#include "common.hpp"
#include "format.hpp"
#include "linux_formats.hpp"

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace siem::parsers::detail {
namespace {

constexpr auto kNpos = std::string_view::npos;
constexpr char kGroupSep = '\x1d';  // separates the raw fields from the enriched ones

struct TypeName {
  std::string_view number;
  std::string_view name;
};

// Numeric record types as printed by the kernel ("audit: type=1400 audit(...)").
constexpr std::array<TypeName, 14> kTypeNumbers = {{
    {"1100", "USER_AUTH"},
    {"1101", "USER_ACCT"},
    {"1105", "USER_START"},
    {"1106", "USER_END"},
    {"1107", "USER_AVC"},
    {"1112", "USER_LOGIN"},
    {"1130", "SERVICE_START"},
    {"1131", "SERVICE_STOP"},
    {"1300", "SYSCALL"},
    {"1302", "PATH"},
    {"1307", "CWD"},
    {"1309", "EXECVE"},
    {"1327", "PROCTITLE"},
    {"1400", "AVC"},
}};

struct TypeCategory {
  std::string_view type;
  std::string_view category;
  std::string_view event_type;
};

// Only record types whose meaning is unambiguous get an ECS category.
constexpr std::array<TypeCategory, 17> kCategories = {{
    {"USER_AUTH", "authentication", "info"},
    {"USER_LOGIN", "authentication", "start"},
    {"USER_LOGOUT", "authentication", "end"},
    {"USER_ERR", "authentication", "info"},
    {"USER_START", "session", "start"},
    {"USER_END", "session", "end"},
    {"LOGIN", "session", "start"},
    {"EXECVE", "process", "start"},
    {"ADD_USER", "iam", "creation"},
    {"DEL_USER", "iam", "deletion"},
    {"ADD_GROUP", "iam", "creation"},
    {"DEL_GROUP", "iam", "deletion"},
    {"USER_MGMT", "iam", "change"},
    {"GRP_MGMT", "iam", "change"},
    {"USER_CHAUTHTOK", "iam", "change"},
    {"ACCT_LOCK", "iam", "change"},
    {"ACCT_UNLOCK", "iam", "change"},
}};

auto is_hex_text(std::string_view v) -> bool {
  if (v.size() < 2 || v.size() % 2 != 0) {
    return false;
  }
  for (const char c : v) {
    if (core::hex_digit(c) < 0) {
      return false;
    }
  }
  return true;
}

// "1604994496.155" → milliseconds since the epoch.
auto parse_epoch(std::string_view s) -> std::optional<core::TimeMs> {
  const auto dot = s.find('.');
  const auto secs = parse_int(s.substr(0, dot));
  if (!secs || *secs < 0 || *secs > 253'402'300'799) {
    return std::nullopt;
  }
  std::int64_t ms = 0;
  if (dot != kNpos) {
    const auto frac = s.substr(dot + 1);
    int digits = 0;
    for (const char c : frac) {
      if (c < '0' || c > '9') {
        return std::nullopt;
      }
      if (digits < 3) {
        ms = ms * 10 + (c - '0');
        ++digits;
      }
    }
    while (digits < 3) {
      ms *= 10;
      ++digits;
    }
  }
  return *secs * 1000 + ms;
}

auto is_unset_id(std::string_view v) -> bool {
  return v == "4294967295" || v == "-1";
}

/// Parses Linux audit records (linux/auditd): `[node=H ]type=T msg=audit(S.ms:N): k=v ...`
/// as written to audit.log or forwarded by audispd over syslog, and the kernel's
/// `audit: type=NNNN audit(S.ms:N): ...` printk form. event.action is the lower-cased record
/// type; process, user ids, outcome (res=/success=) and a few record-specific fields map to
/// ECS; every other key goes under `auditd.log.<key>`. Hex-encoded strings (proctitle,
/// EXECVE arguments, comm, exe, acct ...) are decoded. Scratch strings are members (no
/// allocation per line in steady state); owned by one worker.
class AuditdParser final : public FormatParser {
public:
  AuditdParser()
      : info_{"linux/auditd", "Linux audit records (audit.log, audispd syslog, kernel audit:)",
              "payload starting 'type=' or 'node=' with ' msg=audit(', or holding "
              "'audit: type=' and ' audit('",
              "experimental",
              R"(type=USER_LOGIN msg=audit(1764205323.120:812): pid=4242 uid=0 auid=1000 )"
              R"(ses=7 msg='op=login acct="alice" exe="/usr/sbin/sshd" hostname=? )"
              R"(addr=203.0.113.9 terminal=ssh res=failed')"} {
    key_.reserve(64);
    lower_.reserve(64);
    decoded_.reserve(256);
    args_.reserve(256);
  }

  [[nodiscard]] auto info() const -> const FormatInfo& override { return info_; }

  [[nodiscard]] auto detect(const Input& in) const -> bool override {
    const auto p = in.payload;
    if (p.starts_with("type=") || p.starts_with("node=")) {
      return p.find(" msg=audit(") != kNpos;
    }
    const auto at = p.find("audit: type=");
    return (at != kNpos && p.find(" audit(", at) != kNpos) || journal_form(in);
  }

  auto parse(const Input& in, const ParseContext& /*ctx*/, core::Event& out)
      -> std::string_view override {
    std::string_view p = in.payload;
    if (journal_form(in)) {
      // journald's "audit[PID]: USER_LOGIN pid=... msg='...'": no audit(time:serial), the
      // syslog header carries the time.
      const auto sp = p.find(' ');
      apply_syslog_origin(in.header, out);
      out.timestamp = in.header.timestamp;
      record(p.substr(0, sp), {}, {}, p.substr(sp + 1), out);
      return {};
    }
    std::string_view node;
    std::string_view type;
    std::size_t stamp_at = kNpos;
    if (p.starts_with("type=") || p.starts_with("node=")) {
      if (p.starts_with("node=")) {
        const auto sp = p.find(' ');
        if (sp == kNpos) {
          return "truncated audit record";
        }
        node = p.substr(5, sp - 5);
        p = ltrim(p.substr(sp + 1));
      }
      if (!p.starts_with("type=")) {
        return "audit record without type=";
      }
      const auto sp = p.find(' ');
      if (sp == kNpos || !p.substr(sp).starts_with(" msg=audit(")) {
        return "audit record without msg=audit(";
      }
      type = p.substr(5, sp - 5);
      stamp_at = sp + 11;
    } else {
      const auto at = p.find("audit: type=");
      if (at == kNpos) {
        return "not an audit record";
      }
      const auto sp = p.find(' ', at + 12);
      if (sp == kNpos || !p.substr(sp).starts_with(" audit(")) {
        return "audit record without audit(";
      }
      type = p.substr(at + 12, sp - at - 12);
      stamp_at = sp + 7;
    }
    const auto close = p.find("):", stamp_at);
    if (type.empty() || close == kNpos) {
      return "truncated audit record";
    }
    const auto stamp = p.substr(stamp_at, close - stamp_at);  // "1604994496.155:92733"
    const auto colon = stamp.find(':');
    const auto ts = parse_epoch(stamp.substr(0, colon));
    if (!ts) {
      return "audit record with a malformed audit(time:serial)";
    }
    apply_syslog_origin(in.header, out);
    out.timestamp = *ts;
    record(type, node, colon == kNpos ? std::string_view{} : stamp.substr(colon + 1),
           p.substr(close + 2), out);
    return {};
  }

private:
  // journald form: the syslog program is "audit" and the payload starts with a record type.
  static auto journal_form(const Input& in) -> bool {
    if (in.header.app_name != "audit") {
      return false;
    }
    const auto sp = in.payload.find(' ');
    return sp != kNpos && sp >= 3
           && in.payload.substr(0, sp).find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZ_")
                  == kNpos
           && in.payload.find('=', sp) != kNpos;
  }

  // The fields common to every form: type, node, serial, then the key=value body.
  void record(std::string_view type, std::string_view node, std::string_view serial,
              std::string_view text, core::Event& out) {
    for (const auto& t : kTypeNumbers) {
      if (t.number == type) {
        type = t.name;
        break;
      }
    }
    out.set("event.kind", "event");
    out.set("event.module", "auditd");
    out.set("event.dataset", "auditd.log");
    if (!node.empty()) {
      out.set("host.hostname", node);
    }
    out.set("auditd.log.record_type", type);
    out.set("event.action", to_lower(type, lower_));
    if (const auto seq = parse_int(serial); seq && *seq >= 0) {
      out.set_int("auditd.log.sequence", *seq);
    }
    for (const auto& c : kCategories) {
      if (c.type == type) {
        out.set("event.category", c.category);
        out.set("event.type", c.event_type);
        break;
      }
    }
    args_.clear();
    // In user-space records (msg='...') uid= is the sending daemon's uid, not the subject's.
    user_space_ = text.find("msg='") != kNpos;
    body(text, type, out, 0);
    if (type == "EXECVE" && !args_.empty()) {
      out.set("process.command_line", args_);
    }
  }

  // Splits `k=v k="v" k='v'` pairs; `msg='...'` (user-space records) is parsed in turn.
  void body(std::string_view s, std::string_view type, core::Event& out, int depth) {
    std::size_t pos = 0;
    while (pos < s.size()) {
      const char c = s[pos];
      if (c == ' ' || c == kGroupSep || c == '\t') {
        ++pos;
        continue;
      }
      std::size_t key_end = pos;
      while (key_end < s.size() && s[key_end] != '=' && s[key_end] != ' '
             && s[key_end] != kGroupSep) {
        ++key_end;
      }
      const auto key = s.substr(pos, key_end - pos);
      if (key_end >= s.size() || s[key_end] != '=') {
        pos = key_end;  // a bare word (e.g. "audit(...):" leftovers); skip it
        continue;
      }
      std::size_t vstart = key_end + 1;
      std::string_view value;
      bool quoted = false;
      if (vstart < s.size() && (s[vstart] == '"' || s[vstart] == '\'')) {
        const char q = s[vstart];
        const auto vend = s.find(q, vstart + 1);
        if (vend == kNpos) {
          return;  // truncated: where the value ends is unknown, so keep none of it
        }
        value = s.substr(vstart + 1, vend - vstart - 1);
        quoted = true;
        pos = vend + 1;
        if (q == '\'' && key == "msg" && depth == 0) {
          body(value, type, out, depth + 1);
          continue;
        }
      } else {
        auto vend = vstart;
        while (vend < s.size() && s[vend] != ' ' && s[vend] != kGroupSep) {
          ++vend;
        }
        value = s.substr(vstart, vend - vstart);
        pos = vend;
      }
      field(key, value, quoted, type, out);
    }
  }

  // Untrusted strings are hex-encoded when they hold spaces, quotes or control bytes.
  auto decode(std::string_view value, bool quoted, bool nul_to_space) -> std::string_view {
    if (quoted || !is_hex_text(value)) {
      return value;
    }
    decoded_.clear();
    for (std::size_t i = 0; i + 1 < value.size(); i += 2) {
      auto ch = static_cast<char>(core::hex_digit(value[i]) * 16 + core::hex_digit(value[i + 1]));
      if (ch == '\0' && nul_to_space) {
        ch = ' ';
      }
      decoded_ += ch;
    }
    while (!decoded_.empty() && decoded_.back() == ' ') {
      decoded_.pop_back();
    }
    return decoded_;
  }

  void set_int_field(core::Event& out, std::string_view ecs, std::string_view key,
                     std::string_view value) {
    if (const auto v = parse_int(value); v && *v >= 0) {
      out.set_int(ecs, *v);
    } else {
      vendor(out, key, value);
    }
  }

  void set_id(core::Event& out, std::string_view ecs, std::string_view key,
              std::string_view value) {
    vendor(out, key, value);
    if (!is_unset_id(value) && parse_int(value)) {
      out.set(ecs, value);
    }
  }

  void vendor(core::Event& out, std::string_view key, std::string_view value) {
    key_.assign("auditd.log.");
    append_key_segment(key_, key);
    out.set(key_, value);
  }

  void field(std::string_view key, std::string_view value, bool quoted, std::string_view type,
             core::Event& out) {
    if (value.empty() || value == "?" || value == "(null)" || key.size() > 64) {
      return;
    }
    if (type == "EXECVE" && key.size() >= 2 && key.front() == 'a' && parse_int(key.substr(1))) {
      const auto arg = decode(value, quoted, false);
      if (!args_.empty()) {
        args_ += ' ';
      }
      args_ += arg;
      return;
    }
    if (key == "pid") {
      set_int_field(out, "process.pid", key, value);
    } else if (key == "ppid") {
      set_int_field(out, "process.parent.pid", key, value);
    } else if (key == "argc") {
      set_int_field(out, "process.args_count", key, value);
    } else if (key == "comm") {
      out.set("process.name", decode(value, quoted, false));
    } else if (key == "exe") {
      out.set("process.executable", decode(value, quoted, false));
    } else if (key == "proctitle") {
      out.set("process.command_line", decode(value, quoted, true));
    } else if (key == "cwd") {
      out.set("process.working_directory", decode(value, quoted, false));
    } else if (key == "name" && type == "PATH") {
      out.set("file.path", decode(value, quoted, false));
    } else if (key == "acct") {
      out.set("user.name", decode(value, quoted, false));
    } else if (key == "auid") {
      set_id(out, "user.audit.id", key, value);
    } else if (key == "uid" && !user_space_) {
      set_id(out, "user.id", key, value);
    } else if (key == "euid" && !user_space_) {
      set_id(out, "user.effective.id", key, value);
    } else if (key == "gid" && !user_space_) {
      set_id(out, "user.group.id", key, value);
    } else if (key == "egid" && !user_space_) {
      set_id(out, "user.effective.group.id", key, value);
    } else if (key == "UID" && !user_space_) {
      out.set("user.name", value);
    } else if (key == "AUID") {
      if (value != "unset") {
        out.set("user.audit.name", value);
      }
    } else if (key == "EUID" && !user_space_) {
      out.set("user.effective.name", value);
    } else if (key == "GID" && !user_space_) {
      out.set("user.group.name", value);
    } else if (key == "res" || key == "success" || key == "result") {
      vendor(out, key, value);
      if (value == "success" || value == "yes" || value == "1") {
        out.set("event.outcome", "success");
      } else if (value == "failed" || value == "no" || value == "0" || value == "failure") {
        out.set("event.outcome", "failure");
      }
    } else if (key == "addr") {
      vendor(out, key, value);
      if (is_ip(value)) {
        out.set("source.ip", value);
      }
    } else {
      vendor(out, key, value);
    }
  }

  FormatInfo info_;
  std::string key_;
  std::string lower_;
  std::string decoded_;
  std::string args_;
  bool user_space_ = false;
};

}  // namespace

auto make_linux_auditd_parser() -> std::unique_ptr<FormatParser> {
  return std::make_unique<AuditdParser>();
}

}  // namespace siem::parsers::detail
