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

/// Parses Squid's native access.log: `time.ms elapsed client code/status bytes method url
/// user hierarchy/peer type` (Squid's "squid" logformat), optionally followed by more fields.
class SquidAccessParser final : public FormatParser {
public:
  SquidAccessParser()
      : info_{"squid/access",
              "Squid native access.log (logformat squid): client, result code, status, bytes, "
              "method, URL, user, hierarchy/peer, content type",
              "epoch 'sssssssss.mmm' first, then a Squid result code (TCP_/UDP_/NONE) with "
              "'/status'",
              "experimental",
              "1642667037.129      0 10.0.4.4 TCP_DENIED/403 3868 CONNECT 1.2.3.4:80 - "
              "HIER_NONE/- text/html"} {}

  [[nodiscard]] auto info() const -> const FormatInfo& override { return info_; }

  [[nodiscard]] auto detect(const Input& in) const -> bool override {
    const std::string_view p = in.payload;
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

  auto parse(const Input& in, const ParseContext& /*ctx*/, core::Event& out)
      -> std::string_view override {
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
    if (!(code.starts_with("TCP_") || code.starts_with("UDP_") || code.starts_with("NONE"))) {
      return "no Squid result code/status";
    }
    if (in.has_envelope) {
      apply_syslog(in.header, out, false);
    }
    out.timestamp = *ts;
    out.set("event.kind", "event");
    out.set("event.category", "web");
    out.set("event.type", "access");
    out.set("event.module", "squid");
    out.set("event.dataset", "squid.access");
    out.set("observer.vendor", "Squid");
    out.set("observer.product", "Squid");
    out.set("observer.type", "proxy");
    out.set("event.action", lower(code, buf_));
    out.set("squid.access.result_code", code);
    if (code.starts_with("TCP_")) {
      out.set("network.transport", "tcp");
    } else if (code.starts_with("UDP_")) {
      out.set("network.transport", "udp");
    }
    if (const auto ms = parse_int(elapsed); ms && *ms >= 0) {
      out.set_int("event.duration", *ms * 1'000'000);  // ECS: nanoseconds
    }
    if (!client.empty() && client != "-") {
      out.set("source.address", client);
      if (!set_ip(out, "source.ip", client) && is_hostname(client)) {
        out.set("source.domain", client);
      }
    }
    const std::string_view status = code_status.substr(slash + 1);
    set_http_status(out, status);
    if (code.find("DENIED") != std::string_view::npos) {
      out.set("event.outcome", "failure");
    }
    if (const auto b = parse_int(bytes); b && *b >= 0) {
      out.set_int("http.response.bytes", *b);
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
          set_ip(out, "destination.ip", peer);
        }
      }
    }
    if (!mime.empty() && mime != "-" && mime.find('/') != std::string_view::npos) {
      out.set("http.response.mime_type", mime);
    }
    return {};
  }

private:
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
