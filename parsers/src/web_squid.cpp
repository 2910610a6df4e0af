#include "common.hpp"
#include "web_common.hpp"

namespace siem::parsers::detail::web {
namespace {

auto next_field(std::string_view s, std::size_t& pos) -> std::string_view {
  while (pos < s.size() && s[pos] == ' ') {
    ++pos;
  }
  const std::size_t start = pos;
  while (pos < s.size() && s[pos] != ' ') {
    ++pos;
  }
  return s.substr(start, pos - start);
}

// "1642667037.129" -> epoch milliseconds.
auto parse_epoch_ms(std::string_view s) -> std::optional<core::TimeMs> {
  const auto dot = s.find('.');
  const auto secs = parse_int(s.substr(0, dot));
  if (!secs || *secs < 0 || *secs > 253'402'300'799) {
    return std::nullopt;
  }
  core::TimeMs ms = *secs * 1000;
  if (dot != std::string_view::npos) {
    const std::string_view frac = s.substr(dot + 1);
    if (frac.empty() || frac.size() > 9 || !parse_int(frac) || frac.front() == '-') {
      return std::nullopt;
    }
    const int n = frac.size() >= 3 ? digits_at(frac, 0, 3)
                                   : digits_at(frac, 0, frac.size()) * (frac.size() == 1 ? 100 : 10);
    ms += n;
  }
  return ms;
}

// Bytes before the '[' of a common/combined line that detection looks at: client, ident
// and user. Longer prefixes are not Squid access lines.
constexpr std::size_t kMaxNcsaPrefix = 512;

// A Squid result code (%Ss): "TCP_MISS", "UDP_HIT", "NONE", "NONE_NONE", ...
auto is_result_code(std::string_view code) -> bool {
  return code.starts_with("TCP_") || code.starts_with("UDP_") || code.starts_with("NONE");
}

// "%Ss:%Sh", the last field of Squid's common and combined logformats ("TCP_MISS:HIER_DIRECT";
// Squid 2 wrote "TCP_MISS:DIRECT"): the result code and hierarchy code, upper-case words.
auto split_status_hierarchy(std::string_view tok, std::string_view& code, std::string_view& hier)
    -> bool {
  const auto colon = tok.find(':');
  if (colon == std::string_view::npos || colon + 1 >= tok.size()) {
    return false;
  }
  code = tok.substr(0, colon);
  hier = tok.substr(colon + 1);
  if (!is_result_code(code)) {
    return false;
  }
  for (const char c : hier) {
    if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_')) {
      return false;
    }
  }
  return true;
}

// The time of a common/combined line, "[...]" content. Squid's %tl defaults to CLF
// ("dd/Mon/yyyy:hh:mm:ss +zzzz"), but takes any strftime format (%{fmt}tl), and sites pick
// numeric ones: "yyyy-mm-dd hh:mm:ss" or "nn/nn/yyyy hh:mm:ss". A numeric slashed date is read
// as the C locale's %D/%x order, month first, and day first only when the first number
// cannot be a month. Zone-less times are in the source's zone (`tz`).
auto parse_squid_local_time(std::string_view s, int tz) -> std::optional<core::TimeMs> {
  if (s.size() == 26) {
    if (const auto t = parse_clf_time(s)) {
      return t;
    }
  }
  if (s.size() != 19 || s[13] != ':' || s[16] != ':'
      || (s[10] != ' ' && s[10] != 'T' && s[10] != ':')) {
    return std::nullopt;
  }
  const int hour = digits_at(s, 11, 2);
  const int minute = digits_at(s, 14, 2);
  const int second = digits_at(s, 17, 2);
  int year = -1;
  int month = -1;
  int day = -1;
  if (s[4] == '-' && s[7] == '-') {
    year = digits_at(s, 0, 4);
    month = digits_at(s, 5, 2);
    day = digits_at(s, 8, 2);
  } else if (s[2] == '/' && s[5] == '/') {
    const int a = digits_at(s, 0, 2);
    const int b = digits_at(s, 3, 2);
    year = digits_at(s, 6, 4);
    month = a > 12 ? b : a;
    day = a > 12 ? a : b;
  }
  if (year < 0 || month < 1 || day < 1) {
    return std::nullopt;
  }
  return civil_to_utc(year, static_cast<unsigned>(month), static_cast<unsigned>(day), hour, minute,
                      second, 0, tz);
}

// The bracketed time of a common/combined line: offset of '[' and ']' in `p`, or npos.
struct Bracket {
  std::size_t open = std::string_view::npos;
  std::size_t close = std::string_view::npos;
};

auto find_time_bracket(std::string_view p) -> Bracket {
  const std::size_t open = p.find('[');
  if (open == std::string_view::npos || open == 0 || open > kMaxNcsaPrefix || p[open - 1] != ' ') {
    return {};
  }
  const std::size_t close = p.find(']', open);
  if (close == std::string_view::npos || close - open > 40) {
    return {};
  }
  return {open, close};
}

/// Parses Squid's access.log in its predefined logformats: the native `squid` one
/// (`time.ms elapsed client code/status bytes method url user hierarchy/peer type`, optionally
/// followed by more fields) and the NCSA-shaped `common` and `combined` ones
/// (`client ident user [time] "method url HTTP/v" status bytes ["referer" "agent"] code:hier`).
/// Owned by one worker.
class SquidAccessParser final : public FormatParser {
public:
  SquidAccessParser()
      : info_{"squid/access",
              "Squid access.log, logformats squid (native), common and combined: client, "
              "result code, status, bytes, method, URL, user, hierarchy/peer, content type, "
              "referrer, user agent",
              "epoch 'sssssssss.mmm' first, then a Squid result code (TCP_/UDP_/NONE) with "
              "'/status'; or 'client ident user [time] \"request\"' ending in a Squid "
              "'CODE:HIERARCHY', or with a non-CLF time and an absolute request URL",
              "experimental",
              "1642667037.129      0 10.0.4.4 TCP_DENIED/403 3868 CONNECT 1.2.3.4:80 - "
              "HIER_NONE/- text/html"} {}

  [[nodiscard]] auto info() const -> const FormatInfo& override { return info_; }

  [[nodiscard]] auto detect(const Input& in) const -> bool override {
    return detect_native(in.payload) || detect_ncsa(in.payload);
  }

  auto parse(const Input& in, const ParseContext& ctx, core::Event& out)
      -> std::string_view override {
    if (in.payload.empty() || in.payload[0] < '0' || in.payload[0] > '9'
        || !parse_epoch_ms(in.payload.substr(0, in.payload.find(' ')))) {
      return parse_ncsa(in, ctx, out);
    }
    return parse_native(in, out);
  }

private:
  static auto detect_native(std::string_view p) -> bool {
    // "1642667037.129 " then, within the next fields, a result code.
    if (p.size() < 30 || p[0] < '0' || p[0] > '9') {
      return false;
    }
    const auto sp = p.find(' ');
    if (sp == std::string_view::npos || sp < 12 || p[sp - 4] != '.') {
      return false;
    }
    const std::string_view head = p.substr(sp, 120);
    return head.find(" TCP_") != std::string_view::npos
           || head.find(" UDP_") != std::string_view::npos
           || head.find(" NONE") != std::string_view::npos;
  }

  // Squid's common/combined shape. Apache and nginx write the same NCSA shape, so a line is
  // taken only with a Squid trait: the "%Ss:%Sh" last field, or (a time no web server
  // writes by default) a non-CLF time with a proxy's absolute request URL. An absolute URL
  // alone is not enough: web servers log them for proxy probes.
  static auto detect_ncsa(std::string_view p) -> bool {
    const Bracket b = find_time_bracket(p);
    if (b.open == std::string_view::npos || p.size() < b.close + 3 || p[b.close + 1] != ' '
        || p[b.close + 2] != '"') {
      return false;
    }
    const std::string_view t = trim(p);
    const auto last_sp = t.rfind(' ');
    std::string_view code;
    std::string_view hier;
    if (last_sp != std::string_view::npos && last_sp > b.close
        && split_status_hierarchy(t.substr(last_sp + 1), code, hier)) {
      return true;
    }
    const std::string_view time = p.substr(b.open + 1, b.close - b.open - 1);
    if (time.size() == 26 && parse_clf_time(time)) {
      return false;
    }
    if (!parse_squid_local_time(time, 0)) {
      return false;
    }
    const std::string_view req = p.substr(b.close + 3, 200);
    const auto sp = req.find(' ');
    if (sp == std::string_view::npos) {
      return false;
    }
    const std::string_view target = req.substr(sp + 1);
    return req.starts_with("CONNECT ") || target.starts_with("http://")
           || target.starts_with("https://") || target.starts_with("ftp://");
  }

  // The fields every Squid access event carries.
  void set_base(const Input& in, core::Event& out) {
    if (in.has_envelope) {
      apply_syslog(in.header, out, false);
    }
    out.set("event.kind", "event");
    out.set("event.category", "web");
    out.set("event.type", "access");
    out.set("event.module", "squid");
    out.set("event.dataset", "squid.access");
    out.set("observer.vendor", "Squid");
    out.set("observer.product", "Squid");
    out.set("observer.type", "proxy");
  }

  // %Ss: event.action, transport, and a failure outcome for denials.
  void set_result_code(std::string_view code, core::Event& out) {
    out.set("event.action", lower(code, buf_));
    out.set("squid.access.result_code", code);
    if (code.starts_with("TCP_")) {
      out.set("network.transport", "tcp");
    } else if (code.starts_with("UDP_")) {
      out.set("network.transport", "udp");
    }
    if (code.find("DENIED") != std::string_view::npos) {
      out.set("event.outcome", "failure");
    }
  }

  static void set_client(std::string_view client, core::Event& out) {
    if (!client.empty() && client != "-") {
      out.set("source.address", client);
      if (!set_ip(out, "source.ip", client) && is_hostname(client)) {
        out.set("source.domain", client);
      }
    }
  }

  auto parse_native(const Input& in, core::Event& out) -> std::string_view {
    const std::string_view p = in.payload;
    std::size_t pos = 0;
    const std::string_view time = next_field(p, pos);
    const std::string_view elapsed = next_field(p, pos);
    const std::string_view client = next_field(p, pos);
    const std::string_view code_status = next_field(p, pos);
    const std::string_view bytes = next_field(p, pos);
    const std::string_view method = next_field(p, pos);
    const std::string_view url = next_field(p, pos);
    const std::string_view user = next_field(p, pos);
    const std::string_view hier_peer = next_field(p, pos);
    const std::string_view mime = next_field(p, pos);
    const auto ts = parse_epoch_ms(time);
    if (!ts) {
      return "no epoch time first";
    }
    if (hier_peer.find('/') == std::string_view::npos || mime.empty()) {
      return "fewer than the 10 fields of Squid's native format";
    }
    const auto slash = code_status.find('/');
    if (slash == std::string_view::npos || slash == 0) {
      return "no Squid result code/status";
    }
    const std::string_view code = code_status.substr(0, slash);
    if (!is_result_code(code)) {
      return "no Squid result code/status";
    }
    set_base(in, out);
    out.timestamp = *ts;
    set_result_code(code, out);
    if (const auto ms = parse_int(elapsed); ms && *ms >= 0 && *ms < 1'000'000'000'000) {
      out.set_int("event.duration", *ms * 1'000'000);  // ECS: nanoseconds
    } else {
      keep_invalid(out, "event.duration", elapsed);
    }
    set_client(client, out);
    const std::string_view status = code_status.substr(slash + 1);
    set_http_status(out, status);
    if (code.find("DENIED") != std::string_view::npos) {
      out.set("event.outcome", "failure");
    }
    if (const auto b = parse_int(bytes); b && *b >= 0) {
      out.set_int("http.response.bytes", *b);
    } else {
      keep_invalid(out, "http.response.bytes", bytes);
    }
    if (!method.empty() && method != "-" && method != "NONE") {
      out.set("http.request.method", method);
    }
    set_destination(method == "CONNECT", url, out);
    if (!user.empty() && user != "-") {
      out.set("user.name", user);
    }
    if (const auto hs = hier_peer.find('/'); hs != std::string_view::npos) {
      const std::string_view hier = hier_peer.substr(0, hs);
      const std::string_view peer = hier_peer.substr(hs + 1);
      out.set("squid.access.hierarchy_code", hier);
      if (!peer.empty() && peer != "-") {
        out.set("squid.access.peer", peer);
        // HIER_DIRECT: the peer is the origin server itself.
        if (hier == "HIER_DIRECT" && !out.has("destination.ip")) {
          set_ip_if_valid(out, "destination.ip", peer);  // a host name: kept as the peer
        }
      }
    }
    if (!mime.empty() && mime != "-" && mime.find('/') != std::string_view::npos) {
      out.set("http.response.mime_type", mime);
    }
    return {};
  }

  // `%>a %[ui %[un [%tl] "%rm %ru HTTP/%rv" %>Hs %<st ["%{Referer}>h" "%{User-Agent}>h"]
  // %Ss:%Sh`. Sites append or drop fields; a field that is not there is not mapped.
  auto parse_ncsa(const Input& in, const ParseContext& ctx, core::Event& out) -> std::string_view {
    const std::string_view p = in.payload;
    const Bracket b = find_time_bracket(p);
    if (b.open == std::string_view::npos) {
      return "no [time] after 'client ident user'";
    }
    std::size_t pos = 0;
    const std::string_view client = next_field(p, pos);
    const std::string_view ident = next_field(p, pos);
    const std::string_view user = next_field(p, pos);
    if (user.empty() || pos > b.open) {
      return "missing client, ident or user before the time";
    }
    const auto ts =
        parse_squid_local_time(p.substr(b.open + 1, b.close - b.open - 1), ctx.tz_offset_minutes);
    if (!ts) {
      return "unrecognized time";
    }
    pos = b.close + 1;
    while (pos < p.size() && p[pos] == ' ') {
      ++pos;
    }
    if (pos >= p.size() || p[pos] != '"') {
      return "no quoted request after the time";
    }
    const auto request = quoted_at(p, pos);
    if (!request) {
      return "unterminated quoted request";
    }
    std::string_view method;
    std::string_view target;
    std::string_view version;
    if (!split_request(*request, method, target, version)) {
      return "no 'METHOD url' request";
    }
    const std::string_view status = next_field(p, pos);
    const std::string_view bytes = next_field(p, pos);
    set_base(in, out);
    out.timestamp = *ts;
    set_client(client, out);
    if (!ident.empty() && ident != "-") {
      out.set("squid.access.identity", ident);
    }
    if (user != "-") {
      out.set("user.name", user);
    }
    out.set("http.request.method", method);
    if (!version.empty()) {
      out.set("http.version", version);
    }
    set_destination(method == "CONNECT", target, out);
    set_http_status(out, status);
    if (const auto n = parse_int(bytes); n && *n >= 0) {
      out.set_int("http.response.bytes", *n);
    } else {
      keep_invalid(out, "http.response.bytes", bytes);
    }
    set_ncsa_tail(p.substr(pos < p.size() ? pos : p.size()), out);
    return {};
  }

  // After the bytes: combined's quoted referrer and user agent, then "%Ss:%Sh" last.
  void set_ncsa_tail(std::string_view tail, core::Event& out) {
    std::size_t pos = 0;
    while (pos < tail.size() && tail[pos] == ' ') {
      ++pos;
    }
    if (pos < tail.size() && tail[pos] == '"') {
      if (const auto ref = quoted_at(tail, pos); ref && !ref->empty() && *ref != "-") {
        out.set("http.request.referrer", *ref);
      }
      while (pos < tail.size() && tail[pos] == ' ') {
        ++pos;
      }
      if (pos < tail.size() && tail[pos] == '"') {
        if (const auto ua = quoted_at(tail, pos); ua && !ua->empty() && *ua != "-") {
          out.set("user_agent.original", *ua);
        }
      }
    }
    const std::string_view t = trim(tail.substr(pos < tail.size() ? pos : tail.size()));
    const auto sp = t.rfind(' ');
    const std::string_view last = sp == std::string_view::npos ? t : t.substr(sp + 1);
    std::string_view code;
    std::string_view hier;
    if (split_status_hierarchy(last, code, hier)) {
      set_result_code(code, out);
      out.set("squid.access.hierarchy_code", hier);
    }
  }

  void set_destination(bool connect, std::string_view url, core::Event& out) {
    if (url.empty() || url == "-") {
      return;
    }
    const UrlHost dest = set_url(out, url, connect, buf_);
    if (dest.host.empty()) {
      return;
    }
    if (!set_ip(out, "destination.ip", dest.host)) {
      out.set("destination.domain", dest.host);
    }
    if (dest.port >= 0) {
      out.set_int("destination.port", dest.port);
    }
  }

  FormatInfo info_;
  std::string buf_;
};

}  // namespace

auto make_squid_access() -> std::unique_ptr<FormatParser> {
  return std::make_unique<SquidAccessParser>();
}

}  // namespace siem::parsers::detail::web
