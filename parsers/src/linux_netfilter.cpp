// linux/netfilter: iptables / nftables LOG target lines.
#include "siem/core/ids.hpp"

#include "common.hpp"
#include "format.hpp"
#include "linux_formats.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace siem::parsers::detail {
namespace {

constexpr auto kNpos = std::string_view::npos;

// The kernel writes "IN=<dev> OUT=<dev> " (nf_log_dump_packet): "IN=" at the start of the
// payload or after a space or ']', its interface token, then " OUT=".
auto find_in(std::string_view s) -> std::size_t {
  std::size_t pos = 0;
  while ((pos = s.find("IN=", pos)) != kNpos) {
    if (pos == 0 || s[pos - 1] == ' ' || s[pos - 1] == ']') {
      const auto end = s.find(' ', pos + 3);
      if (end != kNpos && s.substr(end).starts_with(" OUT=")) {
        return pos;
      }
    }
    pos += 3;
  }
  return kNpos;
}

// A hexadecimal number with or without "0x" ("0x10", "08").
auto parse_hex(std::string_view s) -> std::optional<std::int64_t> {
  if (s.starts_with("0x") || s.starts_with("0X")) {
    s.remove_prefix(2);
  }
  if (s.empty() || s.size() > 15) {
    return std::nullopt;
  }
  std::int64_t v = 0;
  for (const char c : s) {
    const int d = core::hex_digit(c);
    if (d < 0) {
      return std::nullopt;
    }
    v = v * 16 + d;
  }
  return v;
}

void set_int_if(core::Event& out, std::string_view key, std::string_view value) {
  if (const auto v = parse_int(value); v && *v >= 0) {
    out.set_int(key, *v);
  }
}

void set_hex_if(core::Event& out, std::string_view key, std::string_view value) {
  if (const auto v = parse_hex(value)) {
    out.set_int(key, *v);
  }
}

// Case-insensitive search of an upper-case ASCII word.
auto contains_word(std::string_view s, std::string_view upper) -> bool {
  if (upper.size() > s.size()) {
    return false;
  }
  for (std::size_t i = 0; i + upper.size() <= s.size(); ++i) {
    std::size_t j = 0;
    while (j < upper.size()) {
      char c = s[i + j];
      if (c >= 'a' && c <= 'z') {
        c = static_cast<char>(c - 'a' + 'A');
      }
      if (c != upper[j]) {
        break;
      }
      ++j;
    }
    if (j == upper.size()) {
      return true;
    }
  }
  return false;
}

enum class Section : std::uint8_t { ip, tcp, udp, icmp, other };

/// Parses iptables / nftables `LOG` target lines (linux/netfilter): an optional kernel time
/// and log prefix, then `IN=eth0 OUT= MAC=... SRC=... DST=... LEN=... PROTO=TCP SPT= DPT=
/// ...`. Bracketed inner headers of ICMP errors are skipped. Keeps its scratch strings as
/// members (no allocation per line in steady state); owned by one worker.
class NetfilterParser final : public FormatParser {
public:
  NetfilterParser()
      : info_{"linux/netfilter", "iptables / nftables LOG target lines (kernel log)",
              "payload holding 'IN=<dev> OUT=' (at the start or after the log prefix)",
              "stable",
              "Nov 27 01:02:03 fw kernel: [UFW BLOCK] IN=eth0 OUT= "
              "MAC=00:11:22:33:44:55:66:77:88:99:aa:bb:08:00 SRC=203.0.113.9 DST=10.0.0.2 LEN=60 "
              "TOS=0x00 PREC=0x00 TTL=52 ID=4242 DF PROTO=TCP SPT=40222 DPT=22 WINDOW=64240 "
              "RES=0x00 SYN URGP=0"} {
    mac_.reserve(32);
    key_.reserve(64);
    flags_.reserve(64);
    tcp_flags_.reserve(64);
    lower_.reserve(64);
  }

  [[nodiscard]] auto info() const -> const FormatInfo& override { return info_; }

  [[nodiscard]] auto detect(const Input& in) const -> bool override {
    return find_in(in.payload) != kNpos;
  }

  auto parse(const Input& in, const ParseContext& /*ctx*/, core::Event& out)
      -> std::string_view override {
    const std::string_view payload = in.payload;
    const auto at = find_in(payload);
    if (at == kNpos) {
      return "not a netfilter log line (no IN= ... OUT=)";
    }
    if (in.header.kind != SyslogKind::none) {
      if (!apply_syslog(in.header, out, true)) {
        out.set("error.message", "malformed RFC 5424 structured data");
      }
    } else {
      apply_syslog_origin(in.header, out);
      out.set("message", payload);
    }
    out.set("event.kind", "event");
    out.set("event.category", "network");
    out.set("event.module", "iptables");
    out.set("event.dataset", "iptables.log");
    out.set("observer.vendor", "Linux");
    out.set("observer.product", "Netfilter");
    out.set("observer.type", "firewall");

    prefix(trim(payload.substr(0, at)), out);
    fields(payload.substr(at), out);
    return {};
  }

private:
  // "[ 1234.567890] [UFW BLOCK] " → log prefix "[UFW BLOCK]", action from its words.
  static void prefix(std::string_view p, core::Event& out) {
    if (p.size() > 2 && p.front() == '[') {
      const auto close = p.find(']');
      const auto inner = trim(p.substr(1, close == kNpos ? 0 : close - 1));
      if (close != kNpos && !inner.empty()
          && inner.find_first_not_of("0123456789.") == kNpos) {
        p = trim(p.substr(close + 1));  // kernel time since boot
      }
    }
    if (p.empty()) {
      out.set("event.type", "info");
      return;
    }
    out.set("iptables.log_prefix", p);
    // The prefix is free text chosen by the administrator; only an unambiguous verdict word
    // becomes event.action.
    const bool accept = contains_word(p, "ACCEPT") || contains_word(p, "ALLOW");
    const bool drop = contains_word(p, "DROP");
    const bool reject = contains_word(p, "REJECT");
    const bool block = contains_word(p, "BLOCK") || contains_word(p, "DENY");
    const int verdicts = int{accept} + int{drop} + int{reject} + int{block};
    if (verdicts != 1) {
      out.set("event.type", "info");
      return;
    }
    if (accept) {
      out.set("event.action", contains_word(p, "ACCEPT") ? "accept" : "allow");
      out.set("event.type", "allowed");
    } else {
      const bool blocked = contains_word(p, "BLOCK");
      out.set("event.action", drop ? "drop" : (reject ? "reject" : (blocked ? "block" : "deny")));
      out.set("event.type", "denied");
    }
    // The firewall applied its rule: the logged action itself succeeded.
    out.set("event.outcome", "success");
  }

  void set_mac(core::Event& out, std::string_view mac) {
    // Ethernet: 6 bytes destination, 6 bytes source, 2 bytes EtherType, ':'-separated.
    if (mac.size() != 41) {
      out.set("iptables.mac", mac);
      return;
    }
    for (std::size_t i = 2; i < mac.size(); i += 3) {
      if (mac[i] != ':') {
        out.set("iptables.mac", mac);
        return;
      }
    }
    for (std::size_t i = 0; i < mac.size(); i += 3) {
      if (!parse_hex(mac.substr(i, 2))) {
        out.set("iptables.mac", mac);
        return;
      }
    }
    auto put = [&](std::string_view key, std::size_t from) {
      mac_.clear();
      for (std::size_t i = 0; i < 6; ++i) {
        if (i != 0) {
          mac_ += '-';
        }
        for (const char c : mac.substr(from + i * 3, 2)) {
          mac_ += (c >= 'a' && c <= 'f') ? static_cast<char>(c - 'a' + 'A') : c;
        }
      }
      out.set(key, mac_);
    };
    put("destination.mac", 0);
    put("source.mac", 18);
    const auto hi = parse_hex(mac.substr(36, 2));
    const auto lo = parse_hex(mac.substr(39, 2));
    if (hi && lo) {
      out.set_int("iptables.ether_type", *hi * 256 + *lo);
    }
  }

  void transport(core::Event& out, std::string_view proto) {
    if (const auto n = parse_int(proto)) {
      const auto t = transport_from_iana(*n);
      if (!t.empty()) {
        out.set("network.transport", t);
      }
      out.set_int("network.iana_number", *n);
      return;
    }
    if (proto == "ICMPv6") {
      out.set("network.transport", "ipv6-icmp");
      return;
    }
    if (!proto.empty() && proto.size() <= 16) {
      out.set("network.transport", to_lower(proto, lower_));
    }
  }

  void generic(core::Event& out, std::string_view key, std::string_view value) {
    key_.assign("iptables.");
    append_key_segment(key_, to_lower(key, lower_));
    out.set(key_, value);
  }

  void fields(std::string_view s, core::Event& out) {
    Section section = Section::ip;
    flags_.clear();
    tcp_flags_.clear();
    std::size_t pos = 0;
    while (pos < s.size()) {
      if (s[pos] == ' ') {
        ++pos;
        continue;
      }
      if (s[pos] == '[') {
        // The inner header of an ICMP error ("[SRC=... DST=... ]") is not this packet.
        const auto close = s.find(']', pos);
        pos = close == kNpos ? s.size() : close + 1;
        continue;
      }
      auto end = s.find(' ', pos);
      if (end == kNpos) {
        end = s.size();
      }
      const auto tok = s.substr(pos, end - pos);
      pos = end;
      const auto eq = tok.find('=');
      if (eq == kNpos) {
        flag(section, tok);
        continue;
      }
      const auto key = tok.substr(0, eq);
      const auto value = tok.substr(eq + 1);
      if (key == "PROTO") {
        transport(out, value);
        section = value == "TCP"    ? Section::tcp
                  : value == "UDP" || value == "UDPLITE" ? Section::udp
                  : value == "ICMP" || value == "ICMPv6" ? Section::icmp
                                                          : Section::other;
        continue;
      }
      if (value.empty()) {
        continue;  // "OUT=" on input, "PHYSIN=" ...
      }
      if (key == "IN") {
        out.set("observer.ingress.interface.name", value);
      } else if (key == "OUT") {
        out.set("observer.egress.interface.name", value);
      } else if (key == "MAC") {
        set_mac(out, value);
      } else if (key == "SRC") {
        if (set_ip(out, "source.ip", value)) {
          out.set("network.type", value.find(':') == kNpos ? "ipv4" : "ipv6");
        }
      } else if (key == "DST") {
        set_ip_or_keep(out, "destination.ip", value);
      } else if (key == "SPT") {
        set_port_or_keep(out, "source.port", value);
      } else if (key == "DPT") {
        set_port_or_keep(out, "destination.port", value);
      } else if (key == "LEN") {
        set_int_if(out, section == Section::ip ? "iptables.length" : "iptables.udp.length",
                   value);
      } else if (key == "TOS" || key == "TC") {
        set_hex_if(out, "iptables.tos", value);
      } else if (key == "PREC") {
        set_hex_if(out, "iptables.precedence_bits", value);
      } else if (key == "TTL" || key == "HOPLIMIT") {
        set_int_if(out, "iptables.ttl", value);
      } else if (key == "FLOWLBL") {
        set_int_if(out, "iptables.flow_label", value);
      } else if (key == "FRAG") {
        set_int_if(out, "iptables.fragment_offset", value);
      } else if (key == "ID") {
        set_int_if(out, section == Section::icmp ? "iptables.icmp.id" : "iptables.id", value);
      } else if (key == "SEQ") {
        set_int_if(out, section == Section::icmp ? "iptables.icmp.seq" : "iptables.tcp.seq",
                   value);
      } else if (key == "ACK") {
        set_int_if(out, "iptables.tcp.ack", value);
      } else if (key == "WINDOW") {
        set_int_if(out, "iptables.tcp.window", value);
      } else if (key == "RES") {
        set_hex_if(out, "iptables.tcp.reserved_bits", value);
      } else if (key == "URGP") {
        set_int_if(out, "iptables.tcp.urgent_pointer", value);
      } else if (key == "TYPE" && section == Section::icmp) {
        set_int_if(out, "iptables.icmp.type", value);
      } else if (key == "CODE" && section == Section::icmp) {
        set_int_if(out, "iptables.icmp.code", value);
      } else if (key == "UID") {
        set_int_if(out, "iptables.uid", value);
      } else if (key == "GID") {
        set_int_if(out, "iptables.gid", value);
      } else if (!key.empty() && key.size() <= 32
                 && key.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_") == kNpos) {
        generic(out, key, value);
      }
    }
    if (!flags_.empty()) {
      out.set("iptables.fragment_flags", flags_);
    }
    if (!tcp_flags_.empty()) {
      out.set("iptables.tcp.flags", tcp_flags_);
    }
  }

  void flag(Section section, std::string_view tok) {
    std::string* dst = nullptr;
    if (section == Section::ip && (tok == "CE" || tok == "DF" || tok == "MF")) {
      dst = &flags_;
    } else if (section == Section::tcp
               && (tok == "CWR" || tok == "ECE" || tok == "URG" || tok == "ACK" || tok == "PSH"
                   || tok == "RST" || tok == "SYN" || tok == "FIN")) {
      dst = &tcp_flags_;
    }
    if (dst != nullptr) {
      if (!dst->empty()) {
        *dst += ' ';
      }
      *dst += tok;
    }
  }

  FormatInfo info_;
  std::string mac_;
  std::string key_;
  std::string flags_;
  std::string tcp_flags_;
  std::string lower_;
};

}  // namespace

auto make_linux_netfilter_parser() -> std::unique_ptr<FormatParser> {
  return std::make_unique<NetfilterParser>();
}

}  // namespace siem::parsers::detail
