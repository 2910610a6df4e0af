#pragma once

#include "siem/core/event.hpp"
#include "siem/parsers/normalizer.hpp"

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace siem::parsers::detail {

/// event.category and event.type of a FortiOS record of `type` and `subtype` (traffic,
/// utm, event); nothing for other types. Shared with FortiGate's CEF form (net_cef.cpp).
void set_fortigate_category(std::string_view type, std::string_view subtype, core::Event& out);

/// A FortiOS eventtime (epoch seconds, ms, µs or ns by FortiOS version, told apart by length)
/// in ms; nullopt when it is not a positive number.
auto fortigate_eventtime(std::string_view s) -> std::optional<core::TimeMs>;

/// event.outcome of a FortiOS `action` and `status` ("success", "failure"), empty when they
/// say neither.
auto fortigate_outcome(std::string_view action, std::string_view status) -> std::string_view;

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
  /// Keys known to the parser are numbered by their place in kKeys (fortigate.cpp), at most
  /// kMaxKnown of them; any other key gets kKeys.size() (kUnknown there).
  static constexpr std::size_t kMaxKnown = 64;

  struct Pair {
    std::string_view key;
    std::string_view value;
    std::size_t id;  ///< index in kKeys, else kUnknown
  };

  /// Splits `payload` into kv_ (and first_/present_); returns the reason it is not a
  /// key=value record, else an empty view. `Careful`: quotes inside quoted values are
  /// told from closing ones by what follows (slower; for records the fast rule rejects).
  template <bool Careful>
  auto tokenize(std::string_view payload) -> std::string_view;
  /// The fields every record gets: constants, @timestamp, event.category/type.
  void map_header(const ParseContext& ctx, core::Event& out);
  /// One pair to ECS, or under fortinet.fortigate. when unmapped or invalid. `signature`:
  /// the record names an IPS/AV signature, which then is the rule instead of the policy.
  void map_pair(const Pair& pair, bool signature, core::Event& out);

  /// The value of the first pair with known key `id`, empty when absent.
  [[nodiscard]] auto value(std::size_t id) const -> std::string_view {
    return (present_ >> id & 1U) != 0 ? kv_[first_[id]].value : std::string_view{};
  }

  std::vector<Pair> kv_;
  std::array<std::uint32_t, kMaxKnown> first_{};  ///< kv_ index of known key i's first pair
  std::uint64_t present_ = 0;                     ///< bit i: known key i was seen
  std::string key_;
  std::string tmp_;
};

}  // namespace siem::parsers::detail
