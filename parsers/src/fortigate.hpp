#pragma once

#include "siem/core/event.hpp"
#include "siem/parsers/normalizer.hpp"

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace siem::parsers::detail {

/// FortiGate key=value log parser (`date=... time=... devname="..." logid="..." ...`).
///
/// Values are bare tokens or double-quoted strings that may contain spaces. Known keys are
/// mapped to ECS; every key is also kept under `fortinet.fortigate.<key>`. The pair vector
/// is reused across lines. Owned by one worker; not thread-safe.
class FortigateParser {
public:
  /// Cheap check used by `auto`: the payload starts with `key=` and carries a numeric
  /// `logid=` next to `devname=` or `devid=`, or a `devid=` holding a Fortinet serial (FG...,
  /// FW..., FOS...). `devid=` alone is not enough (Qi-Anxin NSG writes devid="3").
  [[nodiscard]] static auto looks_like(std::string_view payload) -> bool;

  /// Parses `payload`. Returns an empty view on success, else the reason.
  auto parse(std::string_view payload, const ParseContext& ctx, core::Event& out)
      -> std::string_view;

private:
  [[nodiscard]] auto value(std::string_view key) const -> std::string_view;

  std::vector<std::pair<std::string_view, std::string_view>> kv_;
  std::string key_;
  std::string tmp_;
};

}  // namespace siem::parsers::detail
