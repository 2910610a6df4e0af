#pragma once

#include "siem/core/event.hpp"
#include "siem/parsers/normalizer.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace siem::parsers::detail {

/// Where a Windows event came from (sets event.dataset details and the time rules).
enum class WinShape : std::uint8_t { xml, evtx_json, winlogbeat, nxlog_json };

/// Outcome the audit keywords state (Security log: "Audit Success" / "Audit Failure").
enum class WinAudit : std::uint8_t { unknown, success, failure };

/// One Windows event, whatever its encoding (XML, EVTX-dump JSON, Winlogbeat, NXLog JSON).
/// Views point into the line or into the owner's scratch text and are valid during one
/// parse() only.
struct WinEvent {
  WinShape shape = WinShape::xml;
  std::string_view provider;
  std::string_view event_id;
  std::string_view computer;
  std::string_view channel;
  std::string_view time;  ///< RFC 3339 (SystemTime) or a zone-less "yyyy-mm-dd hh:mm:ss"
  std::string_view record_id;
  std::string_view process_id;  ///< Execution ProcessID: the process that logged the event
  std::string_view thread_id;
  std::string_view user_sid;  ///< System Security UserID
  std::string_view level;     ///< numeric Level, or a level name (NXLog Severity)
  std::string_view task;
  std::string_view opcode;
  std::string_view message;
  std::string_view account_name;    ///< NXLog AccountName (resolved UserID)
  std::string_view account_domain;  ///< NXLog Domain
  WinAudit audit = WinAudit::unknown;
  std::vector<std::pair<std::string_view, std::string_view>> data;  ///< EventData / UserData

  void clear();
  /// The EventData value of `key`, empty when absent or "-".
  [[nodiscard]] auto get(std::string_view key) const -> std::string_view;
};

/// Text storage for decoded values with stable views: reserve() once per line (capacity is
/// kept across lines), then add() appends while it fits and returns a view, else returns an
/// empty view. Views stay valid until the next reserve()/clear().
class StableText {
public:
  void reset(std::size_t need);
  auto add(std::string_view s) -> std::string_view;
  /// Appends one char to the value being built with begin()/finish().
  void begin() { start_ = buf_.size(); }
  auto push(char c) -> bool;
  auto finish() -> std::string_view;

private:
  std::string buf_;
  std::size_t start_ = 0;
};

/// Maps a WinEvent to ECS: event.code/action/category/type/outcome, host.*, user.*,
/// process.*, source.* for logons, file.*, registry.*, dns.*, winlog.* (every EventData field
/// under winlog.event_data.<Name>). `key` is scratch.
void map_windows(const WinEvent& w, const ParseContext& ctx, core::Event& out, std::string& key);

/// Scans one XML <Event> (Windows Event Forwarding, NXLog, Snare) into `w`, decoding entities
/// into `text`. Returns an empty view on success, else the reason.
auto scan_windows_xml(std::string_view xml, WinEvent& w, StableText& text) -> std::string_view;

}  // namespace siem::parsers::detail
