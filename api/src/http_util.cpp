#include "http_util.hpp"

#include "siem/core/ids.hpp"

#include <openssl/evp.h>
#include <sodium.h>

#include <algorithm>
#include <array>
#include <charconv>

namespace siem::api::detail {
auto percent_decode(std::string_view s, bool plus_is_space) -> std::optional<std::string> {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (c == '%') {
      if (i + 2 >= s.size()) {
        return std::nullopt;
      }
      const int hi = core::hex_digit(s[i + 1]);
      const int lo = core::hex_digit(s[i + 2]);
      if (hi < 0 || lo < 0 || (hi == 0 && lo == 0)) {
        return std::nullopt;
      }
      out.push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out.push_back(' ');
    } else {
      out.push_back(c);
    }
  }
  return out;
}

auto split_target(std::string_view target) -> std::pair<std::string_view, std::string_view> {
  const auto q = target.find('?');
  if (q == std::string_view::npos) {
    return {target, {}};
  }
  return {target.substr(0, q), target.substr(q + 1)};
}

auto parse_query(std::string_view query) -> std::vector<std::pair<std::string, std::string>> {
  std::vector<std::pair<std::string, std::string>> out;
  while (!query.empty()) {
    const auto amp = query.find('&');
    const auto part = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
    if (part.empty()) {
      continue;
    }
    const auto eq = part.find('=');
    auto key = percent_decode(part.substr(0, eq), true);
    auto value = percent_decode(
        eq == std::string_view::npos ? std::string_view{} : part.substr(eq + 1), true);
    if (key && value) {
      out.emplace_back(std::move(*key), std::move(*value));
    }
  }
  return out;
}

auto query_value(const std::vector<std::pair<std::string, std::string>>& q, std::string_view key)
    -> std::optional<std::string> {
  std::optional<std::string> out;
  for (const auto& [k, v] : q) {
    if (k == key) {
      out = v;
    }
  }
  return out;
}

auto parse_listen(std::string_view s, std::string& why) -> std::optional<ListenAddress> {
  ListenAddress out;
  std::string_view port_text;
  if (!s.empty() && s.front() == '[') {
    const auto close = s.find(']');
    if (close == std::string_view::npos || close + 1 >= s.size() || s[close + 1] != ':') {
      why = "expected \"[v6-address]:port\"";
      return std::nullopt;
    }
    out.host = std::string{s.substr(1, close - 1)};
    port_text = s.substr(close + 2);
  } else {
    const auto colon = s.rfind(':');
    if (colon == std::string_view::npos) {
      why = "expected \"host:port\"";
      return std::nullopt;
    }
    out.host = std::string{s.substr(0, colon)};
    port_text = s.substr(colon + 1);
    if (out.host.find(':') != std::string::npos) {
      why = "IPv6 addresses must be written \"[address]:port\"";
      return std::nullopt;
    }
  }
  if (out.host.empty()) {
    why = "the host is empty";
    return std::nullopt;
  }
  unsigned port = 0;
  const auto* end = port_text.data() + port_text.size();
  const auto [ptr, ec] = std::from_chars(port_text.data(), end, port);
  if (port_text.empty() || ec != std::errc{} || ptr != end || port > 65535) {
    why = "the port must be a number from 0 to 65535";
    return std::nullopt;
  }
  out.port = static_cast<std::uint16_t>(port);
  return out;
}

auto sha256_hex(std::string_view data) -> std::string {
  std::array<unsigned char, EVP_MAX_MD_SIZE> md{};
  unsigned int len = 0;
  if (EVP_Digest(data.data(), data.size(), md.data(), &len, EVP_sha256(), nullptr) != 1) {
    return {};
  }
  return core::to_hex(std::string_view{reinterpret_cast<const char*>(md.data()), len});
}

auto random_token() -> std::string {
  std::array<unsigned char, 32> bytes{};
  randombytes_buf(bytes.data(), bytes.size());
  return core::to_hex(std::string_view{reinterpret_cast<const char*>(bytes.data()), bytes.size()});
}

auto looks_like_token(std::string_view s) -> bool {
  return s.size() == 64
         && std::all_of(s.begin(), s.end(), [](char c) { return core::hex_digit(c) >= 0; });
}

auto prom_label(std::string_view s) -> std::string {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    if (c == '\\' || c == '"') {
      out.push_back('\\');
      out.push_back(c);
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out.push_back(c);
    }
  }
  return out;
}

}  // namespace siem::api::detail
