#include "siem/parsers/normalizer.hpp"

#include "siem/core/json.hpp"

#include "common.hpp"
#include "eve.hpp"
#include "format.hpp"
#include "fortigate.hpp"
#include "sshd.hpp"
#include "syslog.hpp"
#include <simdjson.h>

#include <array>
#include <exception>
#include <string>

namespace siem::parsers {
namespace {

using detail::SyslogHeader;
using detail::SyslogKind;

enum class Mode : std::uint8_t { auto_detect, rfc3164, rfc5424, sshd, eve, fortigate, registry };

struct ModeName {
  std::string_view name;
  Mode mode;
};

constexpr std::array<ModeName, 6> kModes = {{
    {"auto", Mode::auto_detect},
    {"syslog/rfc3164", Mode::rfc3164},
    {"syslog/rfc5424", Mode::rfc5424},
    {"openssh/sshd", Mode::sshd},
    {"suricata/eve", Mode::eve},
    {"fortinet/fortigate", Mode::fortigate},
}};

// Lines beyond this are not parsed (a runaway record must not make a worker allocate without
// bound); they are kept as unparsed events.
constexpr std::size_t kMaxLineBytes = 8U << 20U;

auto is_sshd(std::string_view process) -> bool {
  // OpenSSH 9.8 moved authentication logging into the "sshd-session" binary.
  return process == "sshd" || process == "sshd-session";
}

void set_sshd_origin(core::Event& out) {
  out.set("event.module", "openssh");
  out.set("event.dataset", "openssh.sshd");
  out.set("observer.vendor", "OpenBSD Project");
  out.set("observer.product", "OpenSSH");
}

}  // namespace

struct Normalizer::Impl {
  std::string name;
  Mode mode = Mode::auto_detect;
  detail::SshdParser sshd;
  detail::EveParser eve;
  detail::FortigateParser fortigate;
  detail::FormatList text;            ///< registry formats, in detection order
  detail::FormatParser* forced = nullptr;  ///< Mode::registry: the one format to use
  SyslogHeader header;
  /// try_text's first format that recognised a line it then failed to parse, and why; for
  /// the reason of a line no format takes.
  const detail::FormatParser* near_miss = nullptr;
  std::string_view near_miss_reason;
  std::string reason_buf;

  void run(std::string_view line, const ParseContext& ctx, core::Event& out);
  auto syslog_event(const ParseContext& ctx, core::Event& out) -> bool;
  void syslog_envelope(core::Event& out);
  void sshd_fields(std::string_view msg, core::Event& out);
  auto try_text(const detail::Input& in, const ParseContext& ctx, core::Event& out) -> bool;
};

// Runs the registry formats whose detect() accepts the line; the first that parses wins.
auto Normalizer::Impl::try_text(const detail::Input& in, const ParseContext& ctx,
                                core::Event& out) -> bool {
  near_miss = nullptr;
  for (auto& f : text) {
    if (!f->detect(in)) {
      continue;
    }
    const auto reason = f->parse(in, ctx, out);
    if (reason.empty()) {
      if (!out.timestamp && header.timestamp) {
        out.timestamp = header.timestamp;
      }
      return true;
    }
    if (near_miss == nullptr) {
      near_miss = f.get();
      near_miss_reason = reason;
    }
    out.clear();
  }
  return false;
}

// Generic syslog event from the envelope; deeper parsers add to it.
void Normalizer::Impl::syslog_envelope(core::Event& out) {
  out.set("event.kind", "event");
  out.set("event.dataset", "syslog");
  if (!detail::apply_syslog(header, out, true)) {
    out.set("error.message", "malformed RFC 5424 structured data");
  }
}

auto Normalizer::Impl::syslog_event(const ParseContext& /*ctx*/, core::Event& out) -> bool {
  syslog_envelope(out);
  if (is_sshd(header.app_name)) {
    sshd_fields(header.message, out);
  }
  return true;
}

void Normalizer::Impl::sshd_fields(std::string_view msg, core::Event& out) {
  set_sshd_origin(out);
  sshd.parse(msg, out);
}

void Normalizer::Impl::run(std::string_view line, const ParseContext& ctx, core::Event& out) {
  const bool has_envelope = detail::parse_syslog(line, ctx, header);
  const bool has_header = header.kind != SyslogKind::none;
  const std::string_view payload = detail::ltrim(header.message);
  std::string_view reason;

  switch (mode) {
    case Mode::rfc3164:
    case Mode::rfc5424: {
      const SyslogKind want = mode == Mode::rfc3164 ? SyslogKind::rfc3164 : SyslogKind::rfc5424;
      if (header.kind != want) {
        detail::set_unparsed(
            out, line,
            mode == Mode::rfc3164 ? "not an RFC 3164 syslog line" : "not an RFC 5424 syslog line");
        return;
      }
      syslog_event(ctx, out);
      return;
    }
    case Mode::sshd:
      if (has_header && is_sshd(header.app_name)) {
        syslog_event(ctx, out);
        return;
      }
      if (!has_header && sshd.parse(payload, out)) {
        out.set("event.kind", "event");
        out.set("process.name", "sshd");
        set_sshd_origin(out);
        out.set("message", payload);
        detail::apply_syslog_origin(header, out);
        return;
      }
      out.clear();
      detail::set_unparsed(out, line, "not an sshd message");
      return;
    case Mode::eve:
      if (payload.empty() || payload.front() != '{') {
        detail::set_unparsed(out, line, "not a JSON object");
        return;
      }
      reason = eve.parse(payload, ctx, out, true);
      if (!reason.empty()) {
        out.clear();
        detail::set_unparsed(out, line, reason);
        return;
      }
      detail::apply_syslog_origin(header, out);
      return;
    case Mode::fortigate:
      reason = fortigate.parse(payload, ctx, out);
      if (!reason.empty()) {
        out.clear();
        detail::set_unparsed(out, line, reason);
        return;
      }
      detail::apply_syslog_origin(header, out);
      return;
    case Mode::registry: {
      const detail::Input in{line, header, payload, has_envelope};
      reason = forced->parse(in, ctx, out);
      if (!reason.empty()) {
        out.clear();
        detail::set_unparsed(out, line, reason);
        return;
      }
      if (!out.timestamp && header.timestamp) {
        out.timestamp = header.timestamp;
      }
      return;
    }
    case Mode::auto_detect:
      break;
  }

  // auto: envelope stripped above; detect the payload by content.
  if (!payload.empty() && payload.front() == '{') {
    reason = eve.parse(payload, ctx, out, false);
    if (reason.empty()) {
      detail::apply_syslog_origin(header, out);
      if (!out.timestamp && header.timestamp) {
        out.timestamp = header.timestamp;
      }
      return;
    }
    out.clear();
    if (!has_header) {
      detail::set_unparsed(out, line, reason);
      return;
    }
    // A syslog message that merely starts with '{' is still a syslog event.
    syslog_event(ctx, out);
    out.set("error.message", reason);
    return;
  }
  // A message the sshd parser knows needs no detectors (linux/auth defers sshd lines to it;
  // other sshd messages, such as Junos' SSHD_LOGIN_FAILED, go through them below).
  if (has_header && is_sshd(header.app_name) && sshd.parse(header.message, out)) {
    syslog_envelope(out);
    set_sshd_origin(out);
    return;
  }
  if (detail::FortigateParser::looks_like(payload)) {
    reason = fortigate.parse(payload, ctx, out);
    if (reason.empty()) {
      detail::apply_syslog_origin(header, out);
      if (!out.timestamp && header.timestamp) {
        out.timestamp = header.timestamp;
      }
      return;
    }
    out.clear();
    if (!has_envelope) {
      detail::set_unparsed(out, line, reason);
      return;
    }
  }
  if (try_text({line, header, payload, has_envelope}, ctx, out)) {
    return;
  }
  if (has_envelope && (has_header || !payload.empty())) {
    syslog_event(ctx, out);
    return;
  }
  // A bare sshd message without syslog header (journal exports, agents that strip it).
  if (sshd.parse(payload, out)) {
    out.set("event.kind", "event");
    out.set("process.name", "sshd");
    set_sshd_origin(out);
    out.set("message", payload);
    return;
  }
  out.clear();
  if (has_envelope) {
    detail::set_unparsed(out, line, "empty syslog message");
  } else if (near_miss != nullptr) {
    // Say which format came closest: "unrecognized format (nginx/access: no status)".
    reason_buf.assign("unrecognized format (");
    reason_buf.append(near_miss->info().name);
    reason_buf.append(": ");
    reason_buf.append(near_miss_reason);
    reason_buf.push_back(')');
    detail::set_unparsed(out, line, reason_buf);
  } else {
    detail::set_unparsed(out, line, "unrecognized format");
  }
}

Normalizer::Normalizer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Normalizer::~Normalizer() = default;

auto Normalizer::create(std::string_view format) -> core::Result<std::unique_ptr<Normalizer>> {
  auto impl = std::make_unique<Impl>();
  if (!impl->sshd.ok()) {
    return core::internal_error("sshd patterns failed to compile");
  }
  impl->text = detail::make_text_formats();
  for (const auto& m : kModes) {
    if (m.name == format) {
      impl->name = std::string{m.name};
      impl->mode = m.mode;
      return std::unique_ptr<Normalizer>(new Normalizer(std::move(impl)));
    }
  }
  for (auto& f : impl->text) {
    if (f->info().name == format) {
      impl->name = std::string{format};
      impl->mode = Mode::registry;
      impl->forced = f.get();
      return std::unique_ptr<Normalizer>(new Normalizer(std::move(impl)));
    }
  }
  std::string known;
  for (const auto& m : kModes) {
    known += known.empty() ? "" : ", ";
    known += m.name;
  }
  for (const auto& f : impl->text) {
    known += ", ";
    known += f->info().name;
  }
  return core::invalid_argument("unknown format '" + std::string{format} + "' (known: " + known
                                + ")");
}

auto Normalizer::format() const -> std::string_view {
  return impl_->name;
}

void Normalizer::normalize(std::string_view line, const ParseContext& ctx, core::Event& out) {
  out.clear();
  // Line ends, and the NULs that devices sending C strings put after a record (the raw
  // record keeps them).
  while (!line.empty() && (line.back() == '\r' || line.back() == '\n' || line.back() == '\0')) {
    line.remove_suffix(1);
  }
  // Invalid UTF-8 is counted in siem.encoding_errors (the writer replaces it with U+FFFD; the
  // ledger keeps the original bytes). Parsers read the bytes as they are, so that keys made
  // from them stay distinct; the JSON parser repairs a copy (EveParser::parse_shape).
  const bool valid =
      line.size() > kMaxLineBytes || simdjson::validate_utf8(line.data(), line.size());
  try {
    if (detail::trim(line).empty()) {
      detail::set_unparsed(out, line, "empty line");
    } else if (line.size() > kMaxLineBytes) {
      detail::set_unparsed(out, line.substr(0, kMaxLineBytes), "line longer than 8 MiB");
    } else {
      impl_->run(line, ctx, out);
    }
    if (!valid) {
      out.set_int("siem.encoding_errors",
                  static_cast<std::int64_t>(core::invalid_utf8_bytes(line)));
    }
  } catch (const std::exception& e) {
    // Only allocation failure can throw here; never let it escape a worker.
    out.clear();
    try {
      detail::set_unparsed(out, line.substr(0, 4096), std::string{"internal error: "} + e.what());
    } catch (...) {  // NOLINT(bugprone-empty-catch): out of memory twice; leave the event empty
    }
  }
  if (!out.timestamp) {
    out.timestamp = ctx.received_at;
  }
}

auto formats() -> std::vector<FormatInfo> {
  std::vector<FormatInfo> out = {
      {"syslog/rfc3164", "BSD syslog: [<PRI>]Mmm dd hh:mm:ss host tag[pid]: msg",
       "'Mmm dd hh:mm:ss' (or an RFC 3339 time) after an optional <PRI>", "stable",
       "<38>Nov 27 01:02:03 web1 sshd[42]: Accepted password for alice from 10.0.0.5 port "
       "50000 ssh2"},
      {"syslog/rfc5424", "IETF syslog with structured data",
       "<PRI>1 followed by an RFC 3339 time or '-'", "stable",
       "<165>1 2026-11-27T01:02:03.000Z host app 42 ID47 [origin ip=\"10.0.0.1\"] message"},
      {"openssh/sshd", "OpenSSH server authentication and session messages",
       "syslog process name 'sshd', or a bare sshd message such as 'Failed password for'", "stable",
       "Nov 27 01:02:03 bastion sshd[4242]: Failed password for root from 203.0.113.9 port "
       "40222 ssh2"},
      {"suricata/eve", "Suricata EVE JSON (alert, flow, dns, http, tls, fileinfo, anomaly, ...)",
       "a JSON object (optionally in a syslog envelope) with \"event_type\"", "stable",
       R"({"timestamp":"2026-11-27T01:02:03.000000+0000","event_type":"alert","src_ip":"10.0.0.1",)"
       R"("src_port":4444,"dest_ip":"10.0.0.2","dest_port":80,"proto":"TCP","alert":{"signature_id":1,"signature":"x"}})"},
      {"fortinet/fortigate", "FortiGate key=value logs (traffic, utm, event)",
       "key=value payload with a numeric logid= next to devname=/devid=, or a devid= "
       "holding a Fortinet serial (FG/FW/FOS...)",
       "stable",
       R"(date=2026-11-27 time=01:02:03 devname="FGT60F" devid="FGT60FTK1" logid="0000000013" )"
       R"(type="traffic" subtype="forward" srcip=10.1.1.2 srcport=51234 dstip=8.8.8.8 dstport=53 proto=17 action="accept")"},
  };
  for (const auto& f : detail::make_text_formats()) {
    out.push_back(f->info());
  }
  return out;
}

auto simdjson_implementation() -> std::string {
  return std::string{simdjson::get_active_implementation()->name()};
}

}  // namespace siem::parsers
