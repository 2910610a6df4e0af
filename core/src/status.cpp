#include "siem/core/status.hpp"

#include <cstdio>
#include <cstdlib>

namespace siem::core {

auto to_string(StatusCode code) -> std::string_view {
  switch (code) {
    case StatusCode::ok: return "ok";
    case StatusCode::invalid_argument: return "invalid_argument";
    case StatusCode::parse_error: return "parse_error";
    case StatusCode::not_found: return "not_found";
    case StatusCode::already_exists: return "already_exists";
    case StatusCode::unavailable: return "unavailable";
    case StatusCode::io_error: return "io_error";
    case StatusCode::corruption: return "corruption";
    case StatusCode::unauthenticated: return "unauthenticated";
    case StatusCode::permission_denied: return "permission_denied";
    case StatusCode::conflict: return "conflict";
    case StatusCode::internal: return "internal";
  }
  return "unknown";
}

Status::Status(StatusCode code, std::string message) {
  if (code != StatusCode::ok) {
    rep_ = std::make_shared<const Rep>(Rep{code, std::move(message)});
  }
}

auto Status::message() const -> std::string_view {
  return rep_ ? std::string_view{rep_->message} : std::string_view{};
}

auto Status::to_string() const -> std::string {
  if (!rep_) {
    return "ok";
  }
  std::string out{core::to_string(rep_->code)};
  out += ": ";
  out += rep_->message;
  return out;
}

namespace detail {
void assert_fail(const char* expr, const char* msg, const char* file, int line) {
  std::fprintf(stderr, "assertion failed at %s:%d: %s (%s)\n", file, line, expr, msg);
  std::abort();
}
}  // namespace detail

}  // namespace siem::core
