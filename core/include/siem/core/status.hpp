#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace siem::core {

/// Error classes shared by every module. Modules map their library errors onto these at
/// their edge (for example RocksDB's Status::Corruption -> corruption).
enum class StatusCode : std::uint8_t {
  ok,
  invalid_argument,
  parse_error,
  not_found,
  already_exists,
  unavailable,
  io_error,
  corruption,
  unauthenticated,
  permission_denied,
  conflict,
  internal,
};

/// Name of a status code ("invalid_argument", ...).
auto to_string(StatusCode code) -> std::string_view;

/// Outcome of an operation. The ok state holds no allocation (like rocksdb::Status).
/// Thread-compatible.
class [[nodiscard]] Status {
public:
  Status() = default;

  Status(StatusCode code, std::string message);

  static auto ok() -> Status { return {}; }

  [[nodiscard]] auto is_ok() const -> bool { return rep_ == nullptr; }

  explicit operator bool() const { return is_ok(); }

  [[nodiscard]] auto code() const -> StatusCode { return rep_ ? rep_->code : StatusCode::ok; }

  /// The message; empty for ok.
  [[nodiscard]] auto message() const -> std::string_view;

  /// "code: message" or "ok".
  [[nodiscard]] auto to_string() const -> std::string;

private:
  struct Rep {
    StatusCode code;
    std::string message;
  };

  std::shared_ptr<const Rep> rep_;
};

inline auto invalid_argument(std::string msg) -> Status {
  return {StatusCode::invalid_argument, std::move(msg)};
}

inline auto not_found(std::string msg) -> Status { return {StatusCode::not_found, std::move(msg)}; }

inline auto io_error(std::string msg) -> Status { return {StatusCode::io_error, std::move(msg)}; }

inline auto internal_error(std::string msg) -> Status {
  return {StatusCode::internal, std::move(msg)};
}

/// A value or a non-ok Status. Member names follow std::expected so that moving to C++23
/// later is a typedef.
template <class T>
class [[nodiscard]] Result {
public:
  Result(T value) : v_(std::move(value)) {}  // NOLINT(google-explicit-constructor)

  Result(Status status) : v_(std::move(status)) {}  // NOLINT(google-explicit-constructor)

  [[nodiscard]] auto has_value() const -> bool { return v_.index() == 0; }

  explicit operator bool() const { return has_value(); }

  auto value() & -> T& { return std::get<0>(v_); }

  auto value() const& -> const T& { return std::get<0>(v_); }

  auto value() && -> T&& { return std::get<0>(std::move(v_)); }

  auto operator*() & -> T& { return value(); }

  auto operator*() const& -> const T& { return value(); }

  auto operator*() && -> T&& { return std::move(*this).value(); }

  auto operator->() -> T* { return &value(); }

  auto operator->() const -> const T* { return &value(); }

  /// The error; Status::ok() when a value is held.
  [[nodiscard]] auto error() const -> Status {
    return has_value() ? Status::ok() : std::get<1>(v_);
  }

private:
  std::variant<T, Status> v_;
};

}  // namespace siem::core

#define SIEM_CONCAT_INNER(a, b) a##b
#define SIEM_CONCAT(a, b) SIEM_CONCAT_INNER(a, b)

/// Returns the Status of `expr` from the enclosing function when it is not ok.
#define SIEM_TRY(expr)                                                   \
  do {                                                                   \
    if (::siem::core::Status siem_try_status_ = (expr); !siem_try_status_) { \
      return siem_try_status_;                                           \
    }                                                                    \
  } while (false)

/// `SIEM_TRY_ASSIGN(auto x, make_x());` declares x from a Result or returns its error.
#define SIEM_TRY_ASSIGN(lhs, expr) SIEM_TRY_ASSIGN_IMPL(SIEM_CONCAT(siem_try_r_, __LINE__), lhs, expr)
#define SIEM_TRY_ASSIGN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                         \
  if (!tmp.has_value()) {                    \
    return tmp.error();                      \
  }                                          \
  lhs = std::move(tmp).value()

/// Always-on assertion: logs file, line and expression, then aborts.
#define SIEM_ASSERT(cond, msg)                                          \
  do {                                                                  \
    if (!(cond)) {                                                      \
      ::siem::core::detail::assert_fail(#cond, msg, __FILE__, __LINE__); \
    }                                                                   \
  } while (false)

namespace siem::core::detail {
[[noreturn]] void assert_fail(const char* expr, const char* msg, const char* file, int line);
}  // namespace siem::core::detail
