#include "common.hpp"

#include <arpa/inet.h>

#include <array>
#include <cstring>
#include <limits>

namespace siem::parsers::detail {

namespace {

// Dotted-quad IPv4 exactly as inet_pton(AF_INET) accepts it (four decimal octets 0-255, no
// leading zeros), without copying to a NUL-terminated buffer: most addresses are IPv4.
auto is_ipv4(std::string_view s) -> bool {
  std::size_t i = 0;
  for (int part = 1;; ++part) {
    const std::size_t start = i;
    unsigned v = 0;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
      v = v * 10 + static_cast<unsigned>(s[i] - '0');
      if (v > 255) {
        return false;
      }
      ++i;
    }
    if (i == start || (i - start > 1 && s[start] == '0')) {
      return false;
    }
    if (i == s.size()) {
      return part == 4;
    }
    if (s[i] != '.' || part == 4) {
      return false;
    }
    ++i;
  }
}

}  // namespace

auto is_ip(std::string_view s) -> bool {
  // Most addresses are IPv4: try that first, without a memchr call for ':'.
  if (is_ipv4(s)) {
    return true;
  }
  if (s.find(':') == std::string_view::npos) {
    return false;
  }
  // inet_pton needs a NUL-terminated string; the longest textual IPv6 address is 45 bytes.
  // An embedded NUL would end inet_pton's string early ("10.0.0.1\0junk" would pass).
  if (s.empty() || s.size() > 45 || s.find('\0') != std::string_view::npos) {
    return false;
  }
  std::array<char, 64> buf{};
  std::memcpy(buf.data(), s.data(), s.size());
  std::array<unsigned char, 16> addr{};
  // Link-local addresses may carry a zone ("fe80::1%eth0"); validate the address part.
  if (const auto pct = s.find('%'); pct != std::string_view::npos) {
    if (pct + 1 == s.size()) {
      return false;
    }
    buf[pct] = '\0';
  }
  return inet_pton(AF_INET6, buf.data(), addr.data()) == 1;
}

auto parse_int(std::string_view s) -> std::optional<std::int64_t> {
  bool neg = false;
  if (!s.empty() && s.front() == '-') {
    neg = true;
    s.remove_prefix(1);
  }
  if (s.empty() || s.size() > 19) {
    return std::nullopt;
  }
  std::uint64_t v = 0;
  for (const char c : s) {
    if (c < '0' || c > '9') {
      return std::nullopt;
    }
    v = v * 10 + static_cast<std::uint64_t>(c - '0');
  }
  if (v > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
    return std::nullopt;
  }
  const auto sv = static_cast<std::int64_t>(v);
  return neg ? -sv : sv;
}

auto parse_port(std::string_view s) -> std::optional<int> {
  if (s.empty() || s.size() > 5 || s.front() == '-') {
    return std::nullopt;
  }
  const auto v = parse_int(s);
  if (!v || *v > 65535) {
    return std::nullopt;
  }
  return static_cast<int>(*v);
}

auto set_ip(core::Event& out, core::FieldKey key, std::string_view value) -> bool {
  if (!is_ip(value)) {
    return false;
  }
  out.set(key, value);
  return true;
}

auto set_port(core::Event& out, core::FieldKey key, std::string_view value) -> bool {
  const auto port = parse_port(value);
  if (!port) {
    return false;
  }
  out.set_int(key, *port);
  return true;
}

void keep_invalid(core::Event& out, std::string_view key, std::string_view value) {
  if (value.empty() || value == "-") {
    return;
  }
  thread_local std::string name;
  if (key.ends_with(".ip")) {
    name.assign(key.substr(0, key.size() - 2)).append("address");
    if (out.get_string(name) == value) {
      return;
    }
  }
  name.assign("siem.invalid.").append(key);
  out.set(core::FieldKey{name}, value);
}

void set_ip_or_keep(core::Event& out, core::FieldKey key, std::string_view value) {
  if (!set_ip(out, key, value)) {
    keep_invalid(out, key.view(), value);
  }
}

void set_port_or_keep(core::Event& out, core::FieldKey key, std::string_view value) {
  if (!set_port(out, key, value)) {
    keep_invalid(out, key.view(), value);
  }
}

void set_unparsed(core::Event& out, std::string_view line, std::string_view reason) {
  out.set("event.kind", "unparsed");
  out.set("event.original", line);
  out.set("error.message", reason);
}

auto ltrim(std::string_view s) -> std::string_view {
  std::size_t i = 0;
  while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) {
    ++i;
  }
  return s.substr(i);
}

auto trim(std::string_view s) -> std::string_view {
  s = ltrim(s);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) {
    s.remove_suffix(1);
  }
  return s;
}

auto to_lower(std::string_view s, std::string& buf) -> std::string_view {
  buf.assign(s);
  for (auto& c : buf) {
    if (c >= 'A' && c <= 'Z') {
      c = static_cast<char>(c - 'A' + 'a');
    }
  }
  return buf;
}

auto transport_from_iana(std::int64_t proto) -> std::string_view {
  switch (proto) {
    case 1:
      return "icmp";
    case 2:
      return "igmp";
    case 6:
      return "tcp";
    case 17:
      return "udp";
    case 47:
      return "gre";
    case 50:
      return "esp";
    case 51:
      return "ah";
    case 58:
      return "ipv6-icmp";
    case 132:
      return "sctp";
    default:
      return {};
  }
}

void append_key_segment(std::string& out, std::string_view key) {
  if (key.empty()) {
    out.push_back('_');
    return;
  }
  for (const char c : key) {
    out.push_back(c == '.' ? '_' : c);
  }
}

}  // namespace siem::parsers::detail
