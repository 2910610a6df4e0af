#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "siem/core/time.hpp"

namespace siem::core {

/// A typed field value: strings, integers (ports, counts, pids), doubles and booleans.
using FieldValue = std::variant<std::string, std::int64_t, double, bool>;

/// One field of an event under its dotted ECS name ("source.ip").
struct Field {
  std::string key;
  FieldValue value;
};

/// A normalized event: ECS-named fields plus the reference to the raw record it came from.
///
/// Fields are kept flat under dotted names and written as nested JSON objects with sorted
/// keys. An Event owns its strings, so it may outlive the batch it was parsed from.
/// Thread-compatible.
class Event {
public:
  /// Sets (or replaces) a string field.
  void set(std::string_view key, std::string_view value);
  void set(std::string_view key, const char* value) { set(key, std::string_view{value}); }
  void set(std::string_view key, const std::string& value) { set(key, std::string_view{value}); }
  void set_int(std::string_view key, std::int64_t value);
  void set_double(std::string_view key, double value);
  void set_bool(std::string_view key, bool value);
  /// Removes a field; no-op when absent.
  void erase(std::string_view key);

  /// The field's value, or nullptr.
  [[nodiscard]] auto get(std::string_view key) const -> const FieldValue*;
  /// The value when the field holds a string.
  [[nodiscard]] auto get_string(std::string_view key) const -> std::optional<std::string_view>;
  /// The value when the field holds an integer.
  [[nodiscard]] auto get_int(std::string_view key) const -> std::optional<std::int64_t>;
  [[nodiscard]] auto has(std::string_view key) const -> bool { return get(key) != nullptr; }

  [[nodiscard]] auto fields() const -> const std::vector<Field>& { return fields_; }

  /// Clears fields, time and references, keeping capacity for reuse by a worker.
  void clear();

  /// Event time (`@timestamp`), UTC.
  std::optional<TimeMs> timestamp;
  /// "<engagement>:<seq>" of the raw record (and of this event) once stored; empty before.
  std::string ref;
  /// Hex chain hash of the raw record this event came from; empty before storing.
  std::string raw_hash;

  /// Nested JSON object with keys sorted; `@timestamp` from `timestamp`, and
  /// `siem.raw_ref`/`siem.raw_hash` when the event is stored.
  [[nodiscard]] auto to_json() const -> std::string;
  void append_json(std::string& out) const;

private:
  auto find(std::string_view key) -> FieldValue*;

  std::vector<Field> fields_;
};

}  // namespace siem::core
