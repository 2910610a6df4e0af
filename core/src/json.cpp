#include "siem/core/json.hpp"

#include <array>
#include <charconv>
#include <cmath>
#include <cstring>

namespace siem::core {
namespace {

// Length of the valid UTF-8 sequence at s[i], or 0 when it is invalid (RFC 3629: no
// overlongs, no surrogates, nothing above U+10FFFF).
auto utf8_seq_len(std::string_view s, std::size_t i) -> std::size_t {
  const auto b0 = static_cast<unsigned char>(s[i]);
  auto cont = [&](std::size_t k) {
    return i + k < s.size() && (static_cast<unsigned char>(s[i + k]) & 0xC0U) == 0x80U;
  };
  if (b0 < 0x80U) {
    return 1;
  }
  if (b0 >= 0xC2U && b0 <= 0xDFU) {
    return cont(1) ? 2 : 0;
  }
  if (b0 >= 0xE0U && b0 <= 0xEFU) {
    if (!cont(1) || !cont(2)) {
      return 0;
    }
    const auto b1 = static_cast<unsigned char>(s[i + 1]);
    if (b0 == 0xE0U && b1 < 0xA0U) {
      return 0;
    }
    if (b0 == 0xEDU && b1 >= 0xA0U) {
      return 0;
    }
    return 3;
  }
  if (b0 >= 0xF0U && b0 <= 0xF4U) {
    if (!cont(1) || !cont(2) || !cont(3)) {
      return 0;
    }
    const auto b1 = static_cast<unsigned char>(s[i + 1]);
    if (b0 == 0xF0U && b1 < 0x90U) {
      return 0;
    }
    if (b0 == 0xF4U && b1 >= 0x90U) {
      return 0;
    }
    return 4;
  }
  return 0;
}

}  // namespace

auto is_valid_utf8(std::string_view s) -> bool {
  for (std::size_t i = 0; i < s.size();) {
    const auto n = utf8_seq_len(s, i);
    if (n == 0) {
      return false;
    }
    i += n;
  }
  return true;
}

namespace {

// Bytes that are copied verbatim: printable ASCII except '"' and '\\'.
constexpr auto make_plain_table() {
  std::array<bool, 256> t{};
  for (int c = 0x20; c < 0x7F; ++c) {
    t[static_cast<std::size_t>(c)] = c != '"' && c != '\\';
  }
  return t;
}

constexpr auto kPlain = make_plain_table();

// Length of the run of plain bytes at the start of p[0..n): eight bytes per step. A byte is
// not plain when it is below 0x20, '"', '\\' or 0x80 and above. The borrow of the subtractions
// can only flag bytes after a byte that is truly not plain, so the lowest flag is exact.
auto plain_run(const char* p, std::size_t n) -> std::size_t {
  constexpr std::uint64_t kOnes = 0x0101010101010101ULL;
  constexpr std::uint64_t kHigh = 0x8080808080808080ULL;
  std::size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    std::uint64_t v = 0;
    std::memcpy(&v, p + i, 8);
    const std::uint64_t q = v ^ (kOnes * '"');
    const std::uint64_t b = v ^ (kOnes * '\\');
    const std::uint64_t flags =
        (((v - kOnes * 0x20U) & ~v) | ((q - kOnes) & ~q) | ((b - kOnes) & ~b) | v) & kHigh;
    if (flags != 0) {
      return i + (static_cast<std::size_t>(__builtin_ctzll(flags)) >> 3U);
    }
  }
  while (i < n && kPlain[static_cast<unsigned char>(p[i])]) {
    ++i;
  }
  return i;
}

}  // namespace

namespace {

// The escaping, for a std::string and for a raw buffer sized in advance.
struct StringSink {
  std::string& out;
  void put(char c) { out.push_back(c); }
  void put(const char* p, std::size_t n) { out.append(p, n); }
};

struct BufferSink {
  char* p;
  void put(char c) { *p++ = c; }
  void put(const char* src, std::size_t n) {
    std::memcpy(p, src, n);
    p += n;
  }
};

template <class Sink>
auto escape_into(Sink& sink, std::string_view s) -> bool {
  static constexpr char kHex[] = "0123456789abcdef";
  bool valid = true;
  sink.put('"');
  std::size_t i = 0;
  while (i < s.size()) {
    // Copy the longest run of plain bytes at once: most values are plain ASCII.
    const std::size_t j = i + plain_run(s.data() + i, s.size() - i);
    if (j > i) {
      sink.put(s.data() + i, j - i);
      i = j;
      if (i == s.size()) {
        break;
      }
    }
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x80U) {
      const auto n = utf8_seq_len(s, i);
      if (n == 0) {
        sink.put("\xEF\xBF\xBD", 3);  // U+FFFD
        valid = false;
        ++i;
      } else {
        sink.put(s.data() + i, n);
        i += n;
      }
      continue;
    }
    switch (c) {
      case '"': sink.put("\\\"", 2); break;
      case '\\': sink.put("\\\\", 2); break;
      case '\n': sink.put("\\n", 2); break;
      case '\r': sink.put("\\r", 2); break;
      case '\t': sink.put("\\t", 2); break;
      case '\b': sink.put("\\b", 2); break;
      case '\f': sink.put("\\f", 2); break;
      default: {
        const char esc[6] = {'\\', 'u', '0', '0', kHex[c >> 4U], kHex[c & 0xFU]};
        sink.put(esc, 6);
      }
    }
    ++i;
  }
  sink.put('"');
  return valid;
}

}  // namespace

auto append_json_string(std::string& out, std::string_view s) -> bool {
  StringSink sink{out};
  return escape_into(sink, s);
}

auto write_json_string(char* dst, std::string_view s) -> char* {
  BufferSink sink{dst};
  escape_into(sink, s);
  return sink.p;
}

auto write_json_int(char* dst, std::int64_t v) -> char* {
  return std::to_chars(dst, dst + kJsonNumberBound, v).ptr;
}

auto write_json_double(char* dst, double v) -> char* {
  if (!std::isfinite(v)) {
    std::memcpy(dst, "null", 4);
    return dst + 4;
  }
  return std::to_chars(dst, dst + kJsonNumberBound, v).ptr;
}

void append_json_int(std::string& out, std::int64_t v) {
  char buf[kJsonNumberBound];
  out.append(buf, static_cast<std::size_t>(write_json_int(buf, v) - buf));
}

void append_json_double(std::string& out, double v) {
  char buf[kJsonNumberBound];
  out.append(buf, static_cast<std::size_t>(write_json_double(buf, v) - buf));
}

void JsonWriter::separator() {
  if (need_comma_) {
    out_.push_back(',');
  }
  need_comma_ = true;
}

void JsonWriter::begin_object() {
  separator();
  out_.push_back('{');
  need_comma_ = false;
}

void JsonWriter::end_object() {
  out_.push_back('}');
  need_comma_ = true;
}

void JsonWriter::begin_array() {
  separator();
  out_.push_back('[');
  need_comma_ = false;
}

void JsonWriter::end_array() {
  out_.push_back(']');
  need_comma_ = true;
}

void JsonWriter::key(std::string_view k) {
  separator();
  append_json_string(out_, k);
  out_.push_back(':');
  need_comma_ = false;
}

void JsonWriter::value(std::string_view s) {
  separator();
  append_json_string(out_, s);
}

void JsonWriter::value(std::int64_t v) {
  separator();
  append_json_int(out_, v);
}

void JsonWriter::value(double v) {
  separator();
  append_json_double(out_, v);
}

void JsonWriter::value(bool b) {
  separator();
  out_ += b ? "true" : "false";
}

void JsonWriter::null() {
  separator();
  out_ += "null";
}

void JsonWriter::raw(std::string_view json) {
  separator();
  out_.append(json);
}

}  // namespace siem::core
