#include "siem/core/ids.hpp"

#include <cstring>

namespace siem::core {
namespace {

auto rol(std::uint32_t x, unsigned n) -> std::uint32_t { return (x << n) | (x >> (32U - n)); }

// The engine's UUID namespace: UUIDv5(URL namespace, "urn:siem:incident") computed once and
// fixed here so ids never change between versions.
constexpr std::array<std::uint8_t, 16> kNamespace = {0x6b, 0x3e, 0x1f, 0x5a, 0x0c, 0x2d,
                                                     0x5e, 0x8f, 0x9a, 0x41, 0x3b, 0x77,
                                                     0xc2, 0x10, 0xd4, 0x65};

}  // namespace

auto sha1(std::string_view data) -> std::array<std::uint8_t, 20> {
  std::uint32_t h[5] = {0x67452301U, 0xEFCDAB89U, 0x98BADCFEU, 0x10325476U, 0xC3D2E1F0U};
  std::string msg{data};
  const std::uint64_t bit_len = static_cast<std::uint64_t>(data.size()) * 8U;
  msg.push_back(static_cast<char>(0x80));
  while (msg.size() % 64 != 56) {
    msg.push_back('\0');
  }
  for (int i = 7; i >= 0; --i) {
    msg.push_back(static_cast<char>((bit_len >> (static_cast<unsigned>(i) * 8U)) & 0xFFU));
  }
  for (std::size_t chunk = 0; chunk < msg.size(); chunk += 64) {
    std::uint32_t w[80];
    for (std::size_t i = 0; i < 16; ++i) {
      const auto* p = reinterpret_cast<const unsigned char*>(msg.data() + chunk + i * 4);
      w[i] = (std::uint32_t{p[0]} << 24U) | (std::uint32_t{p[1]} << 16U)
             | (std::uint32_t{p[2]} << 8U) | std::uint32_t{p[3]};
    }
    for (std::size_t i = 16; i < 80; ++i) {
      w[i] = rol(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1);
    }
    std::uint32_t a = h[0];
    std::uint32_t b = h[1];
    std::uint32_t c = h[2];
    std::uint32_t d = h[3];
    std::uint32_t e = h[4];
    for (std::size_t i = 0; i < 80; ++i) {
      std::uint32_t f = 0;
      std::uint32_t k = 0;
      if (i < 20) {
        f = (b & c) | (~b & d);
        k = 0x5A827999U;
      } else if (i < 40) {
        f = b ^ c ^ d;
        k = 0x6ED9EBA1U;
      } else if (i < 60) {
        f = (b & c) | (b & d) | (c & d);
        k = 0x8F1BBCDCU;
      } else {
        f = b ^ c ^ d;
        k = 0xCA62C1D6U;
      }
      const std::uint32_t t = rol(a, 5) + f + e + k + w[i];
      e = d;
      d = c;
      c = rol(b, 30);
      b = a;
      a = t;
    }
    h[0] += a;
    h[1] += b;
    h[2] += c;
    h[3] += d;
    h[4] += e;
  }
  std::array<std::uint8_t, 20> out{};
  for (std::size_t i = 0; i < 5; ++i) {
    out[i * 4] = static_cast<std::uint8_t>(h[i] >> 24U);
    out[i * 4 + 1] = static_cast<std::uint8_t>(h[i] >> 16U);
    out[i * 4 + 2] = static_cast<std::uint8_t>(h[i] >> 8U);
    out[i * 4 + 3] = static_cast<std::uint8_t>(h[i]);
  }
  return out;
}

void append_hex(std::string& out, std::string_view bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  const auto at = out.size();
  out.resize(at + bytes.size() * 2);
  char* p = out.data() + at;
  for (const char ch : bytes) {
    const auto c = static_cast<unsigned char>(ch);
    *p++ = kHex[c >> 4U];
    *p++ = kHex[c & 0xFU];
  }
}

auto to_hex(std::string_view bytes) -> std::string {
  std::string out;
  append_hex(out, bytes);
  return out;
}

auto hex_digit(char c) -> int {
  if (c >= '0' && c <= '9') {
    return c - '0';
  }
  if (c >= 'a' && c <= 'f') {
    return c - 'a' + 10;
  }
  if (c >= 'A' && c <= 'F') {
    return c - 'A' + 10;
  }
  return -1;
}

auto from_hex(std::string_view hex, std::span<unsigned char> out) -> bool {
  if (hex.size() != 2 * out.size()) {
    return false;
  }
  for (std::size_t i = 0; i < out.size(); ++i) {
    const int hi = hex_digit(hex[2 * i]);
    const int lo = hex_digit(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) {
      return false;
    }
    out[i] = static_cast<unsigned char>(hi << 4 | lo);
  }
  return true;
}

auto from_hex(std::string_view hex) -> std::optional<std::string> {
  if (hex.size() % 2 != 0) {
    return std::nullopt;
  }
  std::string out(hex.size() / 2, '\0');
  if (!from_hex(hex, {reinterpret_cast<unsigned char*>(out.data()), out.size()})) {
    return std::nullopt;
  }
  return out;
}

auto uuid_v5(std::string_view name) -> std::string {
  std::string input(reinterpret_cast<const char*>(kNamespace.data()), kNamespace.size());
  input.append(name);
  auto digest = sha1(input);
  digest[6] = static_cast<std::uint8_t>((digest[6] & 0x0FU) | 0x50U);
  digest[8] = static_cast<std::uint8_t>((digest[8] & 0x3FU) | 0x80U);
  const std::string hex =
      to_hex(std::string_view(reinterpret_cast<const char*>(digest.data()), 16));
  return hex.substr(0, 8) + "-" + hex.substr(8, 4) + "-" + hex.substr(12, 4) + "-"
         + hex.substr(16, 4) + "-" + hex.substr(20, 12);
}

auto incident_id(std::string_view engagement, std::string_view rule_id, std::string_view group_key,
                 std::uint64_t first_seq) -> std::string {
  std::string name;
  name.append(engagement).push_back('\x1f');
  name.append(rule_id).push_back('\x1f');
  name.append(group_key).push_back('\x1f');
  name.append(std::to_string(first_seq));
  return uuid_v5(name);
}

}  // namespace siem::core
