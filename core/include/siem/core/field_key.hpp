#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <type_traits>

namespace siem::core {

/// The name of an event field ("source.ip"), as passed to Event::set.
///
/// Built implicitly from a string literal, it is *static*: the characters have static storage
/// duration (the constructor is consteval, so only a constant expression can make one), and
/// an Event keeps the pointer instead of copying the name. Built from any other string it is
/// *dynamic*: the Event copies the name. Both kinds of one name are the same field.
///
///   out.set("source.ip", ip);   // static: no copy of the key
///   out.set(composed, value);   // std::string / std::string_view: copied into the event
///
/// A ternary of two literals decays to `const char*`, which has no conversion: use
/// pick_key(cond, "a", "b") (static; clang 14 crashes on a ternary of consteval-built keys).
class FieldKey {
public:
  template <std::size_t N>
  consteval FieldKey(const char (&literal)[N])  // NOLINT(google-explicit-constructor)
      : FieldKey(literal, std::char_traits<char>::length(literal), kStatic) {}

  FieldKey(std::string_view name)  // NOLINT(google-explicit-constructor)
      : FieldKey(name.data(), name.size(), 0) {}

  FieldKey(const std::string& name)  // NOLINT(google-explicit-constructor)
      : FieldKey(std::string_view{name}) {}

  [[nodiscard]] constexpr auto view() const -> std::string_view { return {data_, size()}; }

  [[nodiscard]] constexpr auto data() const -> const char* { return data_; }

  [[nodiscard]] constexpr auto size() const -> std::uint32_t { return size_ & ~kStatic; }

  /// The characters outlive every Event (a literal).
  [[nodiscard]] constexpr auto is_static() const -> bool { return (size_ & kStatic) != 0; }

  /// A hash of the name (length, first and last 8 bytes), computed at compile time for a
  /// literal. Equal names have equal signatures.
  [[nodiscard]] constexpr auto signature() const -> std::uint32_t { return sig_; }

  static constexpr auto signature_of(std::string_view s) -> std::uint32_t {
    constexpr std::uint64_t kMul = 0x9E3779B97F4A7C15ULL;
    const std::size_t n = s.size();
    std::uint64_t a = 0;
    std::uint64_t b = 0;
    if (n >= 8) {
      a = load(s.data(), 8);
      b = load(s.data() + n - 8, 8);
    } else if (n >= 4) {
      a = load(s.data(), 4);
      b = load(s.data() + n - 4, 4);
    } else if (n > 0) {
      a = byte(s[0]) | byte(s[n / 2]) << 8U | byte(s[n - 1]) << 16U;
    }
    return static_cast<std::uint32_t>((((a * kMul) ^ b) + (n << 56U)) >> 32U);
  }

private:
  static constexpr std::uint32_t kStatic = 1U << 31U;

  constexpr FieldKey(const char* p, std::size_t n, std::uint32_t flag)
      : data_(p)
      , size_(static_cast<std::uint32_t>(n) | flag)
      , sig_(signature_of(std::string_view{p, n})) {}

  static constexpr auto byte(char c) -> std::uint64_t { return static_cast<unsigned char>(c); }

  /// n (4 or 8) bytes at p, little-endian; one load at run time.
  static constexpr auto load(const char* p, std::size_t n) -> std::uint64_t {
    if (std::is_constant_evaluated()) {
      std::uint64_t v = 0;
      for (std::size_t i = n; i-- > 0;) {
        v = v << 8U | byte(p[i]);
      }
      return v;
    }
    if (n == 8) {
      std::uint64_t v = 0;
      std::memcpy(&v, p, 8);
      return v;
    }
    std::uint32_t v = 0;
    std::memcpy(&v, p, 4);
    return v;
  }

  const char* data_;
  std::uint32_t size_;  ///< length; bit 31: static
  std::uint32_t sig_;
};

/// A string value known at compile time that JSON writes as is: a string literal of printable
/// ASCII without '"' or '\\' (checked at compile time; anything else does not compile).
/// Event::set_text keeps it by pointer, so a constant field costs no copy and no escaping.
///
///   out.set_text("event.module", "suricata");
class StaticText {
public:
  template <std::size_t N>
  consteval StaticText(const char (&literal)[N])  // NOLINT(google-explicit-constructor)
      : data_(literal), size_(static_cast<std::uint32_t>(std::char_traits<char>::length(literal))) {
    for (std::size_t i = 0; i < size_; ++i) {
      const char c = literal[i];
      if (c < 0x20 || c > 0x7E || c == '"' || c == '\\') {
        throw "StaticText: not plain printable ASCII";  // a compile error in a consteval call
      }
    }
  }

  [[nodiscard]] constexpr auto view() const -> std::string_view { return {data_, size_}; }

  [[nodiscard]] constexpr auto data() const -> const char* { return data_; }

  [[nodiscard]] constexpr auto size() const -> std::uint32_t { return size_; }

private:
  const char* data_;
  std::uint32_t size_;
};

/// `first ? a : b` for keys (see FieldKey on why not a ternary).
constexpr auto pick_key(bool first, FieldKey a, FieldKey b) -> FieldKey {
  return first ? a : b;
}

}  // namespace siem::core
