#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace siem::core {

/// Appends `s` as a JSON string literal (with quotes) to `out`. Invalid UTF-8 sequences are
/// replaced by U+FFFD so that the output is always valid JSON; control bytes (NUL included)
/// are escaped. Returns true when `s` was valid UTF-8.
auto append_json_string(std::string& out, std::string_view s) -> bool;

/// True when `s` is well-formed UTF-8.
auto is_valid_utf8(std::string_view s) -> bool;

/// `s` with every byte that is not part of a well-formed UTF-8 sequence replaced by U+FFFD,
/// as append_json_string writes it, into `out` (cleared first). Returns how many bytes were
/// replaced.
auto repair_utf8(std::string_view s, std::string& out) -> std::size_t;

/// How many bytes of `s` are not part of a well-formed UTF-8 sequence (what repair_utf8 and
/// the writers replace).
auto invalid_utf8_bytes(std::string_view s) -> std::size_t;

/// Appends a decimal integer.
void append_json_int(std::string& out, std::int64_t v);

/// Appends a finite double in shortest round-trip form (non-finite values become null).
void append_json_double(std::string& out, double v);

/// Raw-buffer forms, for writers that size one buffer for a whole object: `dst` must have room
/// for json_string_bound(s.size()) bytes (strings) or kJsonNumberBound bytes (numbers). Each
/// returns the end of what it wrote.
constexpr auto json_string_bound(std::size_t n) -> std::size_t { return 6 * n + 2; }
constexpr std::size_t kJsonNumberBound = 32;
auto write_json_string(char* dst, std::string_view s) -> char*;
/// write_json_string for a string followed by kJsonPadding readable bytes (read, not used),
/// into a `dst` with room for json_string_bound(s.size()) + kJsonPadding bytes: faster for
/// the short strings events are made of.
constexpr std::size_t kJsonPadding = 16;
auto write_json_string_padded(char* dst, std::string_view s) -> char*;
auto write_json_int(char* dst, std::int64_t v) -> char*;
auto write_json_double(char* dst, double v) -> char*;

/// Small streaming JSON writer for objects built field by field. It inserts commas itself;
/// the caller is responsible for balanced begin/end calls. Thread-compatible.
class JsonWriter {
public:
  void begin_object();
  void end_object();
  void begin_array();
  void end_array();
  /// Writes `"key":` inside an object.
  void key(std::string_view k);
  void value(std::string_view s);
  void value(const char* s) { value(std::string_view{s}); }
  void value(const std::string& s) { value(std::string_view{s}); }
  void value(std::int64_t v);
  void value(int v) { value(static_cast<std::int64_t>(v)); }
  void value(double v);
  void value(bool b);
  void null();
  /// Inserts an already serialized JSON value verbatim.
  void raw(std::string_view json);

  /// key + value in one call.
  template <class T>
  void field(std::string_view k, const T& v) {
    key(k);
    value(v);
  }

  [[nodiscard]] auto str() const -> const std::string& { return out_; }

  auto take() -> std::string { return std::move(out_); }

private:
  void separator();

  std::string out_;
  bool need_comma_ = false;
};

}  // namespace siem::core
