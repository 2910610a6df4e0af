#include "fingerprint.hpp"

#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <charconv>
#include <cstdio>

namespace siem::ingest::detail {

auto Fingerprint::of(int fd, std::uint64_t length) -> std::optional<Fingerprint> {
  std::array<char, kBytes> buf{};
  length = std::min(length, kBytes);
  std::uint64_t got = 0;
  while (got < length) {
    const ssize_t n = ::pread(fd, buf.data() + got, length - got, static_cast<off_t>(got));
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n <= 0) {
      return std::nullopt;  // shorter than `length`, or unreadable
    }
    got += static_cast<std::uint64_t>(n);
  }
  Fingerprint fp{length, 0xcbf29ce484222325ULL};
  for (std::uint64_t i = 0; i < length; ++i) {
    fp.hash = (fp.hash ^ static_cast<unsigned char>(buf[i])) * 0x100000001b3ULL;
  }
  return fp;
}

void Fingerprint::cover(int fd, std::uint64_t offset) {
  const std::uint64_t want = std::min(offset, kBytes);
  if (length < want) {
    if (auto fp = of(fd, want)) {
      *this = *fp;
    }
  }
}

auto Fingerprint::matches(int fd) const -> bool {
  if (length == 0) {
    return true;
  }
  const auto now = of(fd, length);
  return now && *now == *this;
}

auto Fingerprint::encode() const -> std::string {
  std::array<char, 48> buf{};
  const int n =
      std::snprintf(buf.data(), buf.size(), "%llu-%016llx",
                    static_cast<unsigned long long>(length),  // NOLINT(google-runtime-int)
                    static_cast<unsigned long long>(hash));   // NOLINT(google-runtime-int)
  return {buf.data(), static_cast<std::size_t>(n)};
}

void Fingerprint::append_to(std::string& position) const {
  if (length > 0) {
    position += ':';
    position += encode();
  }
}

auto Fingerprint::split(std::string_view text)
    -> std::optional<std::pair<std::string_view, Fingerprint>> {
  const auto colon = text.find(':');
  if (colon == std::string_view::npos) {
    return std::pair{text, Fingerprint{}};
  }
  const auto fp = decode(text.substr(colon + 1));
  if (!fp) {
    return std::nullopt;
  }
  return std::pair{text.substr(0, colon), *fp};
}

auto parse_u64(std::string_view text, std::uint64_t& out) -> bool {
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc{} && ptr == text.data() + text.size() && !text.empty();
}

auto Fingerprint::decode(std::string_view text) -> std::optional<Fingerprint> {
  const auto dash = text.find('-');
  if (dash == std::string_view::npos || text.size() - dash - 1 != 16) {
    return std::nullopt;
  }
  Fingerprint fp;
  const auto num = [](std::string_view s, std::uint64_t& v, int base) {
    const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v, base);
    return ec == std::errc{} && ptr == s.data() + s.size() && !s.empty();
  };
  if (!num(text.substr(0, dash), fp.length, 10) || !num(text.substr(dash + 1), fp.hash, 16)
      || fp.length > kBytes) {
    return std::nullopt;
  }
  return fp;
}

}  // namespace siem::ingest::detail
