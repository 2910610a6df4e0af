#pragma once

#include "siem/core/field_key.hpp"
#include "siem/core/json.hpp"
#include "siem/core/time.hpp"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace siem::core {

struct OutputLayout;  // event.cpp

/// Type of a field value.
enum class FieldType : std::uint8_t { string, integer, real, boolean };

/// A read-only view of one field. `key` and `str` view into the Event and are valid until the
/// Event is next modified or destroyed.
struct FieldView {
  std::string_view key;
  FieldType type = FieldType::string;
  std::string_view str;
  std::int64_t integer = 0;
  double real = 0;
  bool boolean = false;
};

/// A normalized event: ECS-named fields plus the reference to the raw record it came from.
///
/// Fields are kept flat under dotted names ("source.ip") and written as nested JSON objects
/// with sorted keys. A key given as a string literal is kept by pointer (see FieldKey); other
/// keys and string values are copied into one arena owned by the Event; `clear()`
/// keeps its capacity, so a worker that reuses its Events allocates nothing per event in
/// steady state. Setting a field appends it without a lookup (setting a key again supersedes
/// the earlier value: getters, for_each and the JSON see the latest); getters scan from the
/// end. Views returned by getters are valid until the Event is next modified.
/// Thread-compatible (const methods other than append_json/to_json may run concurrently).
class Event {
public:
  /// Sets (or replaces) a string field. `value` may view into this Event.
  void set(FieldKey key, std::string_view value);

  void set(FieldKey key, const char* value) { set(key, std::string_view{value}); }

  void set(FieldKey key, const std::string& value) { set(key, std::string_view{value}); }

  /// Sets a string field to a compile-time constant, kept by pointer (no copy, no escaping).
  void set_text(FieldKey key, StaticText value) {
    auto& s = slot_for(key);
    s.type = FieldType::string;
    s.literal = true;
    s.text = value.data();
    s.val_len = value.size();
    literal_bytes_ += value.size();
  }

  void set_int(FieldKey key, std::int64_t value) {
    auto& s = slot_for(key);
    s.type = FieldType::integer;
    s.integer = value;
  }
  void set_double(FieldKey key, double value);

  void set_bool(FieldKey key, bool value) {
    auto& s = slot_for(key);
    s.type = FieldType::boolean;
    s.integer = value ? 1 : 0;
  }
  /// Removes a field; no-op when absent.
  void erase(std::string_view key);

  /// The field, if present.
  [[nodiscard]] auto get(std::string_view key) const -> std::optional<FieldView>;
  /// The value when the field holds a string.
  [[nodiscard]] auto get_string(std::string_view key) const -> std::optional<std::string_view>;
  /// The value when the field holds an integer.
  [[nodiscard]] auto get_int(std::string_view key) const -> std::optional<std::int64_t>;
  [[nodiscard]] auto has(std::string_view key) const -> bool { return find(key) != nullptr; }
  /// Number of fields.
  [[nodiscard]] auto size() const -> std::size_t;

  /// Calls fn(FieldView) for each field in insertion order.
  template <class Fn>
  void for_each(Fn&& fn) const {
    for (std::size_t i = 0; i < slots_.size(); ++i) {
      if (live(i)) {
        fn(view(slots_[i]));
      }
    }
  }

  /// Clears fields, time and references, keeping capacity for reuse by a worker.
  void clear();

  /// Event time (`@timestamp`), UTC.
  std::optional<TimeMs> timestamp;
  /// "<engagement>:<seq>" of the raw record (and of this event) once stored; empty before.
  std::string ref;
  /// Hex chain hash of the raw record this event came from; empty before storing.
  std::string raw_hash;

  /// Nested JSON object with keys sorted; `@timestamp` from `timestamp`, and
  /// `siem.raw_ref`/`siem.raw_hash` when the event is stored. Uses scratch space inside the
  /// Event: do not call concurrently on one Event.
  [[nodiscard]] auto to_json() const -> std::string;
  void append_json(std::string& out) const;

private:
  struct Slot {
    const char* static_key = nullptr;  ///< a literal's characters, else the key is in arena_
    std::uint32_t key_off = 0;
    std::uint32_t key_len = 0;
    std::uint32_t val_off = 0;
    std::uint32_t val_len = 0;
    /// FieldKey::signature() of the key (length included): find() compares it first.
    std::uint32_t sig = 0;
    FieldType type = FieldType::string;
    bool erased = false;
    bool literal = false;  ///< a string kept by pointer (set_text), in `text`

    union {
      std::int64_t integer = 0;
      double real;
      const char* text;
    };
  };

  [[nodiscard]] auto find(std::string_view key) const -> const Slot*;
  /// Slot i holds a current field: not erased and not set again later.
  [[nodiscard]] auto live(std::size_t i) const -> bool;

  /// Appends a slot for `key` (a key set again gets a new slot; the latest counts).
  /// Inline: it runs for every field set.
  [[gnu::always_inline]] auto slot_for(FieldKey key) -> Slot& {
    if (slots_.size() >= kCompactAt) [[unlikely]] {
      compact();
    }
    auto& s = slots_.emplace_back();
    s.key_len = key.size();
    s.sig = key.signature();
    if (key.is_static()) {
      s.static_key = key.data();
    } else {
      append_key(s, key);
    }
    shape_ = mix(shape_, key.signature());
    return s;
  }

  /// Drops superseded and erased slots (a line that repeats one key millions of times must
  /// not grow an event without bound).
  void compact();
  void append_key(Slot& s, FieldKey key);

  static constexpr std::size_t kCompactAt = 8192;

  static auto mix(std::uint64_t h, std::uint64_t v) -> std::uint64_t {
    constexpr std::uint64_t kMul = 0x9E3779B97F4A7C15ULL;
    h = (h ^ v) * kMul;
    return h ^ (h >> 31U);
  }
  [[nodiscard]] auto key_of(const Slot& s) const -> std::string_view {
    return {s.static_key != nullptr ? s.static_key : arena_.data() + s.key_off, s.key_len};
  }
  [[nodiscard]] auto view(const Slot& s) const -> FieldView;

  [[nodiscard]] auto str_of(const Slot& s) const -> std::string_view {
    return {s.literal ? s.text : arena_.data() + s.val_off, s.val_len};
  }

  /// A vector of a trivially copyable type whose appends are inline (std::vector's
  /// emplace_back is a call per field, its growth path is not inlined; std::string's append
  /// is a call and a memcpy call per value). Used for the slots and for the arena. `Slack`
  /// zeroed elements are allocated past the capacity: readable, never part of the contents.
  template <class T, std::size_t Slack = 0>
  class PodVector {
  public:
    static_assert(std::is_trivially_copyable_v<T>);

    PodVector() = default;

    PodVector(const PodVector& o) { *this = o; }

    PodVector(PodVector&&) noexcept = default;
    auto operator=(PodVector&&) noexcept -> PodVector& = default;
    ~PodVector() = default;

    auto operator=(const PodVector& o) -> PodVector& {
      if (this != &o) {
        size_ = 0;
        reserve(o.size_);
        std::copy(o.begin(), o.end(), data_.get());
        size_ = o.size_;
      }
      return *this;
    }

    [[nodiscard]] auto size() const -> std::size_t { return size_; }

    [[nodiscard]] auto data() const -> const T* { return data_.get(); }

    [[nodiscard]] auto operator[](std::size_t i) -> T& { return data_[i]; }

    [[nodiscard]] auto operator[](std::size_t i) const -> const T& { return data_[i]; }

    [[nodiscard]] auto begin() const -> const T* { return data_.get(); }

    [[nodiscard]] auto end() const -> const T* { return data_.get() + size_; }

    void clear() { size_ = 0; }

    /// Shrinks to n (n <= size()).
    void resize(std::size_t n) { size_ = n; }

    [[gnu::always_inline]] auto emplace_back() -> T& {
      if (size_ == capacity_) [[unlikely]] {
        grow(size_ + 1);
      }
      T& s = data_[size_++];
      s = T{};
      return s;
    }

    /// Appends n elements from p, which must not point into this vector.
    [[gnu::always_inline]] void append(const T* p, std::size_t n) {
      if (capacity_ - size_ < n) [[unlikely]] {
        grow(size_ + n);
      }
      T* dst = data_.get() + size_;
      if constexpr (sizeof(T) == 1) {
        copy_short(dst, p, n);
      } else {
        std::copy(p, p + n, dst);
      }
      size_ += n;
    }

    /// Room for n elements without another allocation.
    void reserve(std::size_t n) {
      if (n > capacity_) {
        grow(n);
      }
    }

  private:
    [[gnu::noinline]] void grow(std::size_t n) {
      std::size_t cap = capacity_ == 0 ? 64 : capacity_ * 2;
      while (cap < n) {
        cap *= 2;
      }
      auto bigger = std::make_unique<T[]>(cap + Slack);  // NOLINT(*-avoid-c-arrays)
      std::copy(data_.get(), data_.get() + size_, bigger.get());
      data_ = std::move(bigger);
      capacity_ = cap;
    }

    /// memcpy, with values of up to 16 bytes (most) copied by two overlapping loads and
    /// stores instead of a call.
    static void copy_short(T* dst, const T* src, std::size_t n) {
      const auto copy = [&](auto word) {
        std::memcpy(&word, src, sizeof word);
        std::memcpy(dst, &word, sizeof word);
        std::memcpy(&word, src + n - sizeof word, sizeof word);
        std::memcpy(dst + n - sizeof word, &word, sizeof word);
      };
      if (n > 16) {
        std::memcpy(dst, src, n);
      } else if (n >= 8) {
        copy(std::uint64_t{});
      } else if (n >= 4) {
        copy(std::uint32_t{});
      } else {
        for (std::size_t i = 0; i < n; ++i) {
          dst[i] = src[i];
        }
      }
    }

    std::unique_ptr<T[]> data_;  // NOLINT(cppcoreguidelines-avoid-c-arrays)
    std::size_t size_ = 0;
    std::size_t capacity_ = 0;
  };

  PodVector<char, kJsonPadding> arena_;  ///< padded for write_json_string_padded
  PodVector<Slot> slots_;
  std::size_t literal_bytes_ = 0;  ///< total length of set_text values (not in arena_)
  std::uint32_t irregular_ = 0;    ///< slots with a dynamic key, plus erasures
  struct SortItem {
    std::uint64_t prefix;  ///< first 8 bytes of the sort key, big-endian
    std::uint32_t off;  ///< sort key in sort_keys_: the key with '.' as '\0'
    std::uint32_t len;
    std::uint32_t index;
    std::uint32_t dot_first;  ///< first of this key's dot positions in dots_
    std::uint32_t dot_count;
  };

  /// Writes the object the slow way (sort, nest, escape keys); when `layout` is set, records
  /// the structural bytes between values so that events of the same key sequence can reuse
  /// them (see event.cpp, "Output layouts").
  void append_json_sorted(std::string& out, OutputLayout* layout) const;
  void append_value(std::string& out, std::uint32_t item) const;
  /// Bytes write_value may need for output item `item`.
  [[nodiscard]] auto value_bound(std::uint32_t item) const -> std::size_t;
  auto write_value(char* p, std::uint32_t item) const -> char*;

  /// Hash of the key sequence (slots in order, erasures included): events with the same
  /// sequence share one output layout.
  std::uint64_t shape_ = 0;
  mutable std::vector<SortItem> order_;  // scratch for append_json
  mutable std::string sort_keys_;        // scratch for append_json
  mutable std::vector<std::uint32_t> dots_;  // scratch for append_json
};

}  // namespace siem::core
