#pragma once

// Binary encoding helpers for store values: big-endian fixed 64 (keys sort numerically),
// LEB128 varints and length-prefixed strings.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace siem::store::detail {

inline void put_be64(std::string& out, std::uint64_t v) {
  for (int i = 7; i >= 0; --i) {
    out.push_back(static_cast<char>((v >> (static_cast<unsigned>(i) * 8U)) & 0xFFU));
  }
}

inline auto be64_key(std::uint64_t v) -> std::string {
  std::string k;
  put_be64(k, v);
  return k;
}

inline auto get_be64(std::string_view s) -> std::uint64_t {
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < 8 && i < s.size(); ++i) {
    v = (v << 8U) | static_cast<unsigned char>(s[i]);
  }
  return v;
}

inline void put_varint(std::string& out, std::uint64_t v) {
  while (v >= 0x80U) {
    out.push_back(static_cast<char>((v & 0x7FU) | 0x80U));
    v >>= 7U;
  }
  out.push_back(static_cast<char>(v));
}

inline void put_lp(std::string& out, std::string_view s) {
  put_varint(out, s.size());
  out.append(s);
}

/// Sequential reader over an encoded value; every getter fails softly (ok() turns false)
/// on truncated input so corrupted values are reported, never crash.
class Reader {
public:
  explicit Reader(std::string_view s) : s_(s) {}

  auto varint() -> std::uint64_t {
    std::uint64_t v = 0;
    unsigned shift = 0;
    while (ok_) {
      if (pos_ >= s_.size() || shift > 63) {
        ok_ = false;
        return 0;
      }
      const auto b = static_cast<unsigned char>(s_[pos_++]);
      v |= static_cast<std::uint64_t>(b & 0x7FU) << shift;
      if ((b & 0x80U) == 0) {
        return v;
      }
      shift += 7;
    }
    return 0;
  }

  auto lp() -> std::string_view {
    const auto n = varint();
    return bytes(n);
  }

  /// The next n bytes as they are.
  auto bytes(std::size_t n) -> std::string_view {
    if (!ok_ || n > s_.size() - pos_) {
      ok_ = false;
      return {};
    }
    auto v = s_.substr(pos_, n);
    pos_ += n;
    return v;
  }

  [[nodiscard]] auto ok() const -> bool { return ok_; }

  [[nodiscard]] auto done() const -> bool { return pos_ == s_.size(); }

  /// Bytes consumed so far.
  [[nodiscard]] auto position() const -> std::size_t { return pos_; }

private:
  std::string_view s_;
  std::size_t pos_ = 0;
  bool ok_ = true;
};

}  // namespace siem::store::detail
