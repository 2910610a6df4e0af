// linux/auth: host authentication and account lines, recognised by the syslog program name.
#include "common.hpp"
#include "format.hpp"
#include "linux_formats.hpp"

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string_view>

namespace siem::parsers::detail {
namespace {

constexpr auto kNpos = std::string_view::npos;

enum class Program : std::uint8_t { other, sudo, su, shadow, logind, login };

auto program_of(std::string_view app) -> Program {
  if (app == "sudo") {
    return Program::sudo;
  }
  if (app == "su") {
    return Program::su;
  }
  if (app == "useradd" || app == "usermod" || app == "userdel" || app == "groupadd"
      || app == "groupdel" || app == "groupmod" || app == "gpasswd" || app == "passwd"
      || app == "chpasswd" || app == "chage" || app == "chfn" || app == "chsh") {
    return Program::shadow;
  }
  if (app == "systemd-logind") {
    return Program::logind;
  }
  if (app == "login") {
    return Program::login;
  }
  return Program::other;
}

auto is_sshd(std::string_view service) -> bool {
  return service == "sshd" || service == "sshd-session";
}

// The text between the first pair of single quotes at or after `from`; `end` receives the
// position after the closing quote.
auto quoted(std::string_view s, std::size_t from, std::size_t& end) -> std::string_view {
  const auto open = s.find('\'', from);
  if (open == kNpos) {
    return {};
  }
  const auto close = s.find('\'', open + 1);
  if (close == kNpos) {
    return {};
  }
  end = close + 1;
  return s.substr(open + 1, close - open - 1);
}

auto quoted(std::string_view s) -> std::string_view {
  std::size_t end = 0;
  return quoted(s, 0, end);
}

// A whitespace-free token starting at `pos` (up to one of the `stops`).
auto token(std::string_view s, std::size_t pos, std::string_view stops = " ") -> std::string_view {
  if (pos >= s.size()) {
    return {};
  }
  const auto end = s.find_first_of(stops, pos);
  return s.substr(pos, (end == kNpos ? s.size() : end) - pos);
}

// `key=value` where `key` starts the text or follows a space, ',' ';' or ':'; the value runs
// to the next `stop` character. nullopt when the key is absent (an empty value is present).
auto key_value(std::string_view s, std::string_view key, char stop)
    -> std::optional<std::string_view> {
  std::size_t pos = 0;
  while ((pos = s.find(key, pos)) != kNpos) {
    if (pos == 0 || s[pos - 1] == ' ' || s[pos - 1] == ',' || s[pos - 1] == ';'
        || s[pos - 1] == ':') {
      const auto start = pos + key.size();
      auto end = s.find(stop, start);
      if (end == kNpos) {
        end = s.size();
      }
      return trim(s.substr(start, end - start));
    }
    pos += key.size();
  }
  return std::nullopt;
}

void set_if(core::Event& out, std::string_view key, std::string_view value) {
  if (!value.empty()) {
    out.set(key, value);
  }
}

// A decimal id ("1000") as a string field (ECS user.id / group.id are keywords).
void set_id(core::Event& out, std::string_view key, std::string_view value) {
  if (parse_int(value)) {
    out.set(key, value);
  }
}

void classify(core::Event& out, std::string_view category, std::string_view type,
              std::string_view action, std::string_view outcome) {
  out.set("event.category", category);
  set_if(out, "event.type", type);
  out.set("event.action", action);
  set_if(out, "event.outcome", outcome);
}

// "root by vagrant(uid=1000)" / "deploy(uid=1001) by (uid=0)" after "session opened for user ".
void pam_session_opened(std::string_view rest, core::Event& out) {
  const auto target = token(rest, 0, " (");
  set_if(out, "user.effective.name", target);
  std::size_t pos = target.size();
  if (rest.substr(pos).starts_with("(uid=")) {
    set_id(out, "user.effective.id", token(rest, pos + 5, ")"));
  }
  const auto by = rest.find(" by ", pos);
  if (by != kNpos) {
    // "by (uid=0)": no login name (cron, su from a daemon); the session's user is the actor.
    const auto login = token(rest, by + 4, " (");
    set_if(out, "user.name", login.empty() ? target : login);
    const auto uid = rest.find("(uid=", by + 4);
    if (uid != kNpos) {
      set_id(out, "user.id", token(rest, uid + 5, ")"));
    }
  }
}

// PAM's message after "pam_module(service:type): " (or after "service(pam_unix)[pid]: ").
auto pam_message(std::string_view msg, core::Event& out) -> bool {
  constexpr std::string_view kOpened = "session opened for user ";
  constexpr std::string_view kClosed = "session closed for user ";
  if (msg.starts_with(kOpened)) {
    classify(out, "session", "start", "session_opened", "success");
    pam_session_opened(msg.substr(kOpened.size()), out);
    return true;
  }
  if (msg.starts_with(kClosed)) {
    classify(out, "session", "end", "session_closed", "success");
    set_if(out, "user.name", token(msg, kClosed.size(), " ("));
    return true;
  }
  // "PAM 2 more authentication failures; ..." (pam_unix summarising repeated failures).
  std::string_view more = msg.starts_with("PAM ") ? msg.substr(4) : msg;
  const auto digits = more.find_first_not_of("0123456789");
  const bool repeated = digits != 0 && digits != kNpos
                        && (more.substr(digits).starts_with(" more authentication failures;")
                            || more.substr(digits).starts_with(" more authentication failure;"));
  if (repeated || msg.starts_with("authentication failure;")) {
    classify(out, "authentication", "info", "pam_authentication_failure", "failure");
    const auto semi = msg.find(';');
    const auto fields = msg.substr(semi + 1);
    if (repeated) {
      if (const auto n = parse_int(more.substr(0, digits))) {
        out.set_int("system.auth.pam.more_failures", *n);
      }
    }
    if (const auto user = key_value(fields, "user=", ' ')) {
      set_if(out, "user.name", *user);
    }
    if (const auto rhost = key_value(fields, "rhost=", ' '); rhost && !rhost->empty()) {
      out.set("source.address", *rhost);
      set_ip_or_keep(out, "source.ip", *rhost);
    }
    struct PamKey {
      std::string_view probe;
      std::string_view field;
    };
    constexpr PamKey kKeys[] = {{"logname=", "system.auth.pam.logname"},
                                {"uid=", "system.auth.pam.uid"},
                                {"euid=", "system.auth.pam.euid"},
                                {"tty=", "system.auth.pam.tty"},
                                {"ruser=", "system.auth.pam.ruser"}};
    for (const auto& k : kKeys) {
      if (const auto v = key_value(fields, k.probe, ' '); v && !v->empty()) {
        out.set(k.field, *v);
      }
    }
    return true;
  }
  if (msg.starts_with("check pass; user unknown")) {
    classify(out, "authentication", "info", "pam_user_unknown", "failure");
    return true;
  }
  if (msg.starts_with("auth could not identify password for [")) {
    classify(out, "authentication", "info", "pam_authentication_failure", "failure");
    set_if(out, "user.name", token(msg, 38, "]"));
    return true;
  }
  if (msg.starts_with("password changed for ")) {
    classify(out, "iam", "change", "change_password", "success");
    set_if(out, "user.name", token(msg, 21));
    return true;
  }
  if (msg.starts_with("account ") && msg.find(" has expired") != kNpos) {
    classify(out, "authentication", "info", "account_expired", "failure");
    set_if(out, "user.name", token(msg, 8));
    return true;
  }
  return false;
}

// "pam_unix(sudo:session): session opened ..."
auto pam_line(std::string_view msg, core::Event& out) -> bool {
  const auto open = msg.find('(');
  const auto close = msg.find("): ");
  if (open == kNpos || close == kNpos || close < open) {
    return false;
  }
  const auto inner = msg.substr(open + 1, close - open - 1);
  const auto colon = inner.find(':');
  const auto service = inner.substr(0, colon);
  if (is_sshd(service)) {
    return false;
  }
  if (!pam_message(msg.substr(close + 3), out)) {
    return false;
  }
  out.set("system.auth.pam.module", msg.substr(0, open));
  set_if(out, "system.auth.pam.service", service);
  if (colon != kNpos) {
    set_if(out, "system.auth.pam.type", inner.substr(colon + 1));
  }
  return true;
}

// "alice : TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/bin/ls" with an optional error
// segment ("3 incorrect password attempts ; ") before the key=value segments.
auto sudo_line(std::string_view msg, core::Event& out) -> bool {
  const auto sep = msg.find(" : ");
  if (sep == kNpos) {
    return false;
  }
  const auto user = trim(msg.substr(0, sep));
  if (user.empty() || user.find(' ') != kNpos) {
    return false;
  }
  std::string_view rest = msg.substr(sep + 3);
  std::string_view error;
  std::string_view command;
  std::string_view runas;
  std::string_view tty;
  std::string_view pwd;
  std::string_view group;
  bool first = true;
  bool has_command = false;
  while (!rest.empty()) {
    if (rest.starts_with("COMMAND=")) {
      // The command is last and may itself contain " ; ".
      command = trim(rest.substr(8));
      has_command = true;
      break;
    }
    const auto semi = rest.find(" ; ");
    const auto seg = trim(semi == kNpos ? rest : rest.substr(0, semi));
    rest = semi == kNpos ? std::string_view{} : rest.substr(semi + 3);
    const auto eq = seg.find('=');
    const auto key = eq == kNpos ? std::string_view{} : seg.substr(0, eq);
    const bool is_key = !key.empty() && key.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZ_")
                                            == kNpos;
    if (!is_key) {
      if (first) {
        error = seg;
      }
      first = false;
      continue;
    }
    first = false;
    const auto value = seg.substr(eq + 1);
    if (key == "TTY") {
      tty = value;
    } else if (key == "PWD") {
      pwd = value;
    } else if (key == "USER") {
      runas = value;
    } else if (key == "GROUP") {
      group = value;
    } else if (key == "TSID") {
      set_if(out, "system.auth.sudo.tsid", value);
    } else if (key == "ENV") {
      set_if(out, "system.auth.sudo.env", value);
    }
  }
  if (!has_command && runas.empty()) {
    return false;  // "(command continued) ..." and other sudo chatter
  }
  out.set("user.name", user);
  set_if(out, "user.effective.name", runas);
  set_if(out, "user.effective.group.name", group);
  set_if(out, "process.command_line", command);
  set_if(out, "process.working_directory", pwd);
  set_if(out, "system.auth.sudo.tty", tty);
  if (error.empty()) {
    classify(out, "process", "start", "sudo_command", "success");
  } else {
    const bool password = error.find("incorrect password attempt") != kNpos
                          || error.find("a password is required") != kNpos;
    classify(out, password ? "authentication" : "process", "info", "sudo_command", "failure");
    out.set("event.reason", error);
    out.set("system.auth.sudo.error", error);
  }
  return true;
}

void su_result(core::Event& out, bool ok, std::string_view from, std::string_view to) {
  classify(out, "authentication", "start", "su", ok ? "success" : "failure");
  set_if(out, "user.name", from);
  set_if(out, "user.effective.name", to);
}

auto su_line(std::string_view msg, core::Event& out) -> bool {
  constexpr std::string_view kOk = "Successful su for ";
  constexpr std::string_view kFailed = "FAILED su for ";
  for (const auto prefix : {kOk, kFailed}) {
    // shadow-utils: "Successful su for tsg by root"
    if (msg.starts_with(prefix)) {
      const auto to = token(msg, prefix.size());
      const auto by = msg.find(" by ", prefix.size());
      if (to.empty() || by == kNpos) {
        return false;
      }
      su_result(out, prefix == kOk, token(msg, by + 4), to);
      return true;
    }
  }
  if ((msg.starts_with("+ ") || msg.starts_with("- ")) && msg.size() > 2) {
    // shadow-utils: "+ /dev/pts/1 root:tsg"
    const auto tty = token(msg, 2);
    const auto pair = token(msg, 2 + tty.size() + 1);
    const auto colon = pair.find(':');
    if (tty.empty() || colon == kNpos || 2 + tty.size() + 1 + pair.size() != msg.size()) {
      return false;
    }
    su_result(out, msg.front() == '+', pair.substr(0, colon), pair.substr(colon + 1));
    set_if(out, "system.auth.su.tty", tty);
    return true;
  }
  if (msg.starts_with("'su ")) {
    // "'su root' failed for lonvick on /dev/pts/8"
    std::size_t end = 0;
    const auto cmd = quoted(msg, 0, end);
    if (end == 0 || !msg.substr(end).starts_with(" failed for ")) {
      return false;
    }
    const auto from = token(msg, end + 12);
    su_result(out, false, from, token(cmd, 3));
    const auto on = msg.find(" on ", end + 12);
    if (on != kNpos) {
      set_if(out, "system.auth.su.tty", token(msg, on + 4));
    }
    return true;
  }
  const bool failed_to = msg.starts_with("FAILED SU (to ");
  if (failed_to || msg.starts_with("(to ")) {
    // util-linux: "(to root) alice on pts/0", "FAILED SU (to root) alice on pts/0"
    const auto open = msg.find("(to ");
    const auto to = token(msg, open + 4, ")");
    const auto from_at = open + 4 + to.size() + 2;
    if (to.empty() || from_at > msg.size()) {
      return false;
    }
    const auto from = token(msg, from_at);
    su_result(out, !failed_to, from, to);
    const auto on = msg.find(" on ", from_at);
    if (on != kNpos) {
      set_if(out, "system.auth.su.tty", token(msg, on + 4));
    }
    return true;
  }
  if (msg.starts_with("BAD SU ")) {
    // "BAD SU ger to fwmaster on /dev/ttyp0"
    const auto from = token(msg, 7);
    const auto to_at = msg.find(" to ", 7);
    if (from.empty() || to_at == kNpos) {
      return false;
    }
    su_result(out, false, from, token(msg, to_at + 4));
    return true;
  }
  if (msg.starts_with("failed: ")) {
    // "failed: ttyq4 changing from ldap to root"
    const auto from_at = msg.find(" changing from ");
    if (from_at == kNpos) {
      return false;
    }
    const auto from = token(msg, from_at + 15);
    const auto to_at = msg.find(" to ", from_at + 15);
    if (from.empty() || to_at == kNpos) {
      return false;
    }
    su_result(out, false, from, token(msg, to_at + 4));
    return true;
  }
  return false;
}

// shadow-utils programs (useradd, usermod, userdel, groupadd, groupdel, groupmod, gpasswd,
// passwd, chpasswd, chage, chfn, chsh).
auto shadow_line(std::string_view msg, core::Event& out) -> bool {
  std::size_t end = 0;
  if (msg.starts_with("new user: ")) {
    const auto f = msg.substr(10);
    classify(out, "iam", "creation", "add_user", "success");
    if (const auto v = key_value(f, "name=", ',')) {
      set_if(out, "user.name", *v);
    }
    if (const auto v = key_value(f, "UID=", ',')) {
      set_id(out, "user.id", *v);
    }
    if (const auto v = key_value(f, "GID=", ',')) {
      set_id(out, "group.id", *v);
    }
    if (const auto v = key_value(f, "home=", ',')) {
      set_if(out, "system.auth.useradd.home", *v);
    }
    if (const auto v = key_value(f, "shell=", ',')) {
      set_if(out, "system.auth.useradd.shell", *v);
    }
    if (const auto v = key_value(f, "from=", ',')) {
      set_if(out, "system.auth.useradd.from", *v);
    }
    return true;
  }
  const bool new_group = msg.starts_with("new group: ");
  if (new_group || msg.starts_with("group added to ")) {
    // "new group: name=tsg, GID=1003", "group added to /etc/group: name=tsg, GID=1003"
    const auto colon = msg.find(": ");
    if (colon == kNpos) {
      return false;
    }
    const auto f = msg.substr(colon + 2);
    classify(out, "iam", "creation", "add_group", "success");
    if (const auto v = key_value(f, "name=", ',')) {
      set_if(out, "group.name", *v);
    }
    if (const auto v = key_value(f, "GID=", ',')) {
      set_id(out, "group.id", *v);
    }
    if (!new_group) {
      set_if(out, "file.path", msg.substr(15, colon - 15));
    }
    return true;
  }
  if (msg.starts_with("failed adding user ")) {
    classify(out, "iam", "creation", "add_user", "failure");
    set_if(out, "user.name", quoted(msg));
    return true;
  }
  if (msg.starts_with("delete user ")) {
    classify(out, "iam", "deletion", "delete_user", "success");
    set_if(out, "user.name", quoted(msg));
    return true;
  }
  if (msg.starts_with("removed group ") || msg.starts_with("removed shadow group ")) {
    classify(out, "iam", "deletion", "delete_group", "success");
    set_if(out, "group.name", quoted(msg));
    return true;
  }
  if (msg.starts_with("group '") && msg.find("' removed") != kNpos) {
    classify(out, "iam", "deletion", "delete_group", "success");
    set_if(out, "group.name", quoted(msg));
    return true;
  }
  const bool add = msg.starts_with("add '");
  if (add || msg.starts_with("delete '")) {
    // "add 'tsg' to group 'sudo'", "delete 'tsg' from shadow group 'sudo'"
    const auto user = quoted(msg, 0, end);
    const auto group = quoted(msg, end, end);
    if (user.empty() || group.empty() || msg.find(" group '") == kNpos) {
      return false;
    }
    classify(out, "iam", "change", add ? "add_group_member" : "remove_group_member", "success");
    out.set("user.name", user);
    out.set("group.name", group);
    return true;
  }
  if (msg.starts_with("change user name '")) {
    const auto from = quoted(msg, 0, end);
    const auto to = quoted(msg, end, end);
    classify(out, "iam", "change", "modify_user", "success");
    set_if(out, "user.name", from);
    set_if(out, "user.changes.name", to);
    return true;
  }
  if (msg.starts_with("change user '")) {
    // "change user 'acris' expiration from '2001-01-01' to '2243-10-16'", "... password"
    const auto user = quoted(msg, 0, end);
    const bool password = msg.substr(end) == " password";
    classify(out, "iam", "change", password ? "change_password" : "modify_user", "success");
    set_if(out, "user.name", user);
    return true;
  }
  if (msg.starts_with("lock user '") || msg.starts_with("unlock user '")) {
    classify(out, "iam", "change", "modify_user", "success");
    set_if(out, "user.name", quoted(msg));
    return true;
  }
  if (msg.starts_with("changed user '")) {
    // chfn / chsh: "changed user 'tsg' information"
    classify(out, "iam", "change", "modify_user", "success");
    set_if(out, "user.name", quoted(msg));
    return true;
  }
  if (msg.starts_with("changed password expiry for ")) {
    classify(out, "iam", "change", "modify_user", "success");
    set_if(out, "user.name", token(msg, 28));
    return true;
  }
  if (msg.starts_with("password for '") && msg.find("' changed by '") != kNpos) {
    classify(out, "iam", "change", "change_password", "success");
    set_if(out, "user.name", quoted(msg));
    return true;
  }
  if (msg.starts_with("group changed in ")) {
    // groupmod: "group changed in /etc/group (group tsg/1003, new name: dev)"
    const auto at = msg.find("(group ");
    if (at == kNpos) {
      return false;
    }
    classify(out, "iam", "change", "modify_group", "success");
    const auto name = token(msg, at + 7, "/,)");
    set_if(out, "group.name", name);
    if (at + 7 + name.size() < msg.size() && msg[at + 7 + name.size()] == '/') {
      set_id(out, "group.id", token(msg, at + 8 + name.size(), ",)"));
    }
    return true;
  }
  if (msg.starts_with("user ")) {
    // gpasswd: "user tsg added by root to group sudo", "user tsg removed by root from group sudo"
    const auto user = token(msg, 5);
    const auto verb_at = 5 + user.size() + 1;
    const bool added = msg.substr(std::min(verb_at, msg.size())).starts_with("added by ");
    const bool removed = msg.substr(std::min(verb_at, msg.size())).starts_with("removed by ");
    const auto group_at = msg.find(" group ", verb_at);
    if (user.empty() || (!added && !removed) || group_at == kNpos) {
      return false;
    }
    classify(out, "iam", "change", added ? "add_group_member" : "remove_group_member", "success");
    out.set("user.name", user);
    set_if(out, "group.name", token(msg, group_at + 7));
    return true;
  }
  return false;
}

auto logind_line(std::string_view msg, core::Event& out) -> bool {
  if (msg.starts_with("New session ")) {
    // "New session 3 of user alice."
    const auto id = token(msg, 12);
    const auto of = msg.find(" of user ", 12);
    if (id.empty() || of == kNpos) {
      return false;
    }
    auto user = token(msg, of + 9);
    if (user.ends_with('.')) {
      user.remove_suffix(1);
    }
    classify(out, "session", "start", "session_opened", "success");
    set_if(out, "user.name", user);
    out.set("systemd.logind.session_id", id);
    return true;
  }
  const bool removed = msg.starts_with("Removed session ");
  if (removed || (msg.starts_with("Session ") && msg.find(" logged out.") != kNpos)) {
    auto id = token(msg, removed ? 16 : 8);
    if (id.ends_with('.')) {
      id.remove_suffix(1);
    }
    if (id.empty()) {
      return false;
    }
    classify(out, "session", "end", removed ? "session_removed" : "session_logged_out", "");
    out.set("systemd.logind.session_id", id);
    return true;
  }
  return false;
}

auto strip_quotes(std::string_view s) -> std::string_view {
  if (s.size() >= 2 && s.front() == '\'' && s.back() == '\'') {
    return s.substr(1, s.size() - 2);
  }
  return s;
}

auto login_line(std::string_view msg, core::Event& out) -> bool {
  if (msg.starts_with("FAILED LOGIN ")) {
    // util-linux / shadow: "FAILED LOGIN 1 FROM tty1 FOR root, Authentication failure"
    const auto for_at = msg.find(" FOR ");
    if (for_at == kNpos) {
      return false;
    }
    classify(out, "authentication", "start", "login", "failure");
    set_if(out, "user.name", strip_quotes(token(msg, for_at + 5, ",")));
    const auto reason = msg.find(", ", for_at);
    if (reason != kNpos) {
      set_if(out, "event.reason", msg.substr(reason + 2));
    }
    return true;
  }
  if (msg.starts_with("ROOT LOGIN ")) {
    classify(out, "authentication", "start", "login", "success");
    out.set("user.name", "root");
    return true;
  }
  if (msg.starts_with("LOGIN ON ")) {
    // "LOGIN ON tty1 BY alice"
    const auto by = msg.find(" BY ");
    if (by == kNpos) {
      return false;
    }
    classify(out, "authentication", "start", "login", "success");
    set_if(out, "user.name", strip_quotes(token(msg, by + 4)));
    return true;
  }
  return false;
}

/// Parses Linux host authentication and account messages (linux/auth): sudo, su, PAM lines of
/// any service but sshd, shadow-utils (useradd, usermod, userdel, groupadd, groupdel,
/// groupmod, gpasswd, passwd, chpasswd, chage, chfn, chsh), systemd-logind sessions, login.
/// Requires a syslog header (the program name routes the message). Unknown messages of these
/// programs are rejected so that they stay generic syslog events. Stateless; owned by one
/// worker.
class LinuxAuthParser final : public FormatParser {
public:
  LinuxAuthParser()
      : info_{"linux/auth",
              "Linux authentication and account messages: sudo, su, PAM (non-sshd), "
              "useradd/usermod/userdel/groupadd/groupdel/gpasswd/passwd/chage, systemd-logind",
              "syslog program sudo, su, shadow-utils, systemd-logind, login, or a 'pam_*(' "
              "message of a program other than sshd",
              "stable",
              "Nov 27 01:02:03 web1 sudo:  alice : TTY=pts/0 ; PWD=/home/alice ; USER=root ; "
              "COMMAND=/bin/ls"} {}

  [[nodiscard]] auto info() const -> const FormatInfo& override { return info_; }

  [[nodiscard]] auto detect(const Input& in) const -> bool override {
    if (in.header.kind == SyslogKind::none) {
      return false;
    }
    const auto app = in.header.app_name;
    if (app.empty() || is_sshd(app)) {
      return false;
    }
    if (program_of(app) != Program::other) {
      return true;
    }
    return in.payload.starts_with("pam_") || app.ends_with("(pam_unix)");
  }

  auto parse(const Input& in, const ParseContext& /*ctx*/, core::Event& out)
      -> std::string_view override {
    if (in.header.kind == SyslogKind::none) {
      return "linux/auth needs a syslog header";
    }
    const auto app = in.header.app_name;
    const auto msg = trim(in.payload);
    // Old PAM writes "su(pam_unix)[23164]: authentication failure; ...".
    const bool old_pam = app.ends_with("(pam_unix)");
    const auto service = old_pam ? app.substr(0, app.size() - 10) : app;
    if (service.empty() || is_sshd(service)) {
      return "sshd messages are openssh/sshd";
    }
    bool ok = false;
    if (old_pam) {
      ok = pam_message(msg, out);
      if (ok) {
        out.set("system.auth.pam.module", "pam_unix");
      }
    } else if (msg.starts_with("pam_")) {
      ok = pam_line(msg, out);
    } else if (msg.starts_with("PAM ")) {
      ok = pam_message(msg, out);
    } else {
      switch (program_of(service)) {
        case Program::sudo:
          ok = sudo_line(msg, out);
          break;
        case Program::su:
          ok = su_line(msg, out);
          break;
        case Program::shadow:
          // A truncated account message without the account's name says nothing useful.
          ok = shadow_line(msg, out) && (out.has("user.name") || out.has("group.name"));
          break;
        case Program::logind:
          ok = logind_line(msg, out);
          break;
        case Program::login:
          ok = login_line(msg, out);
          break;
        case Program::other:
          break;
      }
    }
    if (!ok) {
      return "not a recognised linux/auth message";
    }
    if (!apply_syslog(in.header, out, true)) {
      out.set("error.message", "malformed RFC 5424 structured data");
    }
    if (old_pam) {
      out.set("process.name", service);
    }
    out.set("event.kind", "event");
    out.set("event.module", "system");
    out.set("event.dataset", "system.auth");
    return {};
  }

private:
  FormatInfo info_;
};

}  // namespace

auto make_linux_auth_parser() -> std::unique_ptr<FormatParser> {
  return std::make_unique<LinuxAuthParser>();
}

}  // namespace siem::parsers::detail
