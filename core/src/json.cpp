#include "siem/core/json.hpp"

#include <array>
#include <bit>
#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

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

auto invalid_utf8_bytes(std::string_view s) -> std::size_t {
  std::size_t invalid = 0;
  for (std::size_t i = 0; i < s.size();) {
    const auto n = utf8_seq_len(s, i);
    invalid += n == 0 ? 1 : 0;
    i += n == 0 ? 1 : n;
  }
  return invalid;
}

auto repair_utf8(std::string_view s, std::string& out) -> std::size_t {
  out.clear();
  std::size_t replaced = 0;
  for (std::size_t i = 0; i < s.size();) {
    const auto n = utf8_seq_len(s, i);
    if (n == 0) {
      out.append("\xEF\xBF\xBD");  // U+FFFD
      ++replaced;
      ++i;
    } else {
      out.append(s.data() + i, n);
      i += n;
    }
  }
  return replaced;
}

namespace {

// Bytes that are copied verbatim: printable ASCII except '"' and '\\'.
constexpr auto make_plain_table() {
  std::array<bool, 256> t{};
  for (int c = 0x20; c < 0x80; ++c) {  // DEL (0x7F) is plain, as in the word-wise check
    t[static_cast<std::size_t>(c)] = c != '"' && c != '\\';
  }
  return t;
}

constexpr auto kPlain = make_plain_table();

constexpr std::uint64_t kOnes = 0x0101010101010101ULL;

// Bit 7 of each byte of the 8 bytes in `v` that is not plain (below 0x20, '"', '\\', 0x80 and
// above). The borrow of the subtractions can only flag bytes after a byte that is truly not
// plain, so the lowest flag is exact.
auto special_bytes(std::uint64_t v) -> std::uint64_t {
  constexpr std::uint64_t kHigh = 0x8080808080808080ULL;
  const std::uint64_t q = v ^ (kOnes * '"');
  const std::uint64_t b = v ^ (kOnes * '\\');
  return (((v - kOnes * 0x20U) & ~v) | ((q - kOnes) & ~q) | ((b - kOnes) & ~b) | v) & kHigh;
}

auto load8(const char* p) -> std::uint64_t {
  std::uint64_t v = 0;
  std::memcpy(&v, p, 8);
  return v;
}

// Length of the run of plain bytes at the start of p[0..n): eight bytes per step.
auto plain_run(const char* p, std::size_t n) -> std::size_t {
  if (n < 8) {
    std::size_t i = 0;
    while (i < n && kPlain[static_cast<unsigned char>(p[i])]) {
      ++i;
    }
    return i;
  }
  std::size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    if (const auto f = special_bytes(load8(p + i)); f != 0) {
      return i + (static_cast<std::size_t>(__builtin_ctzll(f)) >> 3U);
    }
  }
  // The tail as the last eight bytes: the ones already scanned are plain, so the first flag
  // is in the tail.
  if (i < n) {
    if (const auto f = special_bytes(load8(p + n - 8)); f != 0) {
      return n - 8 + (static_cast<std::size_t>(__builtin_ctzll(f)) >> 3U);
    }
  }
  return n;
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

// Escapes s[from..] and the closing quote (the caller has written the opening quote and
// s[0..from), which is plain).
template <class Sink>
auto escape_into(Sink& sink, std::string_view s, std::size_t from = 0) -> bool {
  static constexpr char kHex[] = "0123456789abcdef";
  bool valid = true;
  std::size_t i = from;
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
  sink.put('"');
  return escape_into(sink, s);
}

auto write_json_string(char* dst, std::string_view s) -> char* {
  // Most values are short and plain: copy them a word at a time while checking each word,
  // and fall back to escaping from the first word that holds a byte needing care.
  *dst = '"';
  char* out = dst + 1;
  const char* src = s.data();
  const std::size_t n = s.size();
  std::size_t i = 0;
  if (n >= 8) {
    for (; i + 8 <= n; i += 8) {
      const std::uint64_t w = load8(src + i);
      if (special_bytes(w) != 0) {
        break;
      }
      std::memcpy(out + i, &w, 8);
    }
    if (i + 8 > n) {  // all whole words were plain; the tail is the last 8 bytes
      const std::uint64_t w = load8(src + n - 8);
      if (special_bytes(w) == 0) {
        std::memcpy(out + n - 8, &w, 8);
        out[n] = '"';
        return out + n + 1;
      }
    }
  } else {
    while (i < n && kPlain[static_cast<unsigned char>(src[i])]) {
      out[i] = src[i];
      ++i;
    }
    if (i == n) {
      out[n] = '"';
      return out + n + 1;
    }
  }
  BufferSink sink{out + i};
  escape_into(sink, s, i);
  return sink.p;
}

auto write_json_string_padded(char* dst, std::string_view s) -> char* {
#if defined(__SSE2__)
  // 16 bytes a step, copied before they are checked: the over-read stays in the caller's
  // padding, the over-write in dst's room for escapes (or its padding).
  *dst = '"';
  char* out = dst + 1;
  const char* src = s.data();
  const std::size_t n = s.size();
  for (std::size_t i = 0; i < n; i += 16) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(src + i));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(out + i), v);
    // Below 0x20 as a signed byte: control characters and every byte >= 0x80.
    const __m128i special = _mm_or_si128(_mm_cmplt_epi8(v, _mm_set1_epi8(0x20)),
                                         _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('"')),
                                                      _mm_cmpeq_epi8(v, _mm_set1_epi8('\\'))));
    auto m = static_cast<unsigned>(_mm_movemask_epi8(special));
    if (n - i < 16) {
      m &= (1U << (n - i)) - 1U;
    }
    if (m != 0) {
      const std::size_t at = i + static_cast<std::size_t>(std::countr_zero(m));
      BufferSink sink{out + at};
      escape_into(sink, s, at);
      return sink.p;
    }
  }
  out[n] = '"';
  return out + n + 1;
#else
  return write_json_string(dst, s);
#endif
}

auto write_json_int(char* dst, std::int64_t v) -> char* {
  // Digit pairs from a table, the length found first from the bit width, instead of
  // to_chars' digit-counting loop: events carry a dozen integers each.
  static constexpr char kPairs[] =  // NOLINT(cppcoreguidelines-avoid-c-arrays)
      "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
      "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
      "8081828384858687888990919293949596979899";
  static constexpr std::array<std::uint64_t, 20> kPow10 = [] {
    std::array<std::uint64_t, 20> p{};
    std::uint64_t x = 1;
    for (auto& e : p) {
      e = x;
      x *= 10;
    }
    return p;
  }();
  std::uint64_t u = static_cast<std::uint64_t>(v);
  if (v < 0) {
    *dst++ = '-';
    u = 0 - u;  // also right for INT64_MIN
  }
  // floor(log10(w)) is (bit width * 1233) >> 12, or one less; w = u | 1 has u's digit count
  // and makes 0 count as one digit.
  const std::uint64_t w = u | 1U;
  const auto t = static_cast<std::size_t>((std::bit_width(w) * 1233U) >> 12U);
  const std::size_t len = t + 1 - (w < kPow10[t] ? 1U : 0U);
  char* const end = dst + len;
  char* p = end;
  while (u >= 100) {
    p -= 2;
    std::memcpy(p, kPairs + 2 * (u % 100), 2);
    u /= 100;
  }
  if (u >= 10) {
    std::memcpy(p - 2, kPairs + 2 * u, 2);
  } else {
    p[-1] = static_cast<char>('0' + u);
  }
  return end;
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
