#include "siem/core/raw_record.hpp"

#include "siem/core/json.hpp"

namespace siem::core {

auto RawRecord::to_json() const -> std::string {
  JsonWriter w;
  w.begin_object();
  w.field("seq", static_cast<std::int64_t>(seq));
  w.field("ref", ref());
  w.field("engagement", engagement);
  w.field("source", source);
  w.field("position", position);
  if (!peer.empty()) {
    w.field("peer", peer);
  }
  w.field("received_at", format_rfc3339(received_at));
  w.field("hash", hash);
  w.field("raw", bytes);
  w.end_object();
  return w.take();
}

}  // namespace siem::core

namespace siem::core {

auto parse_ref(std::string_view ref) -> std::optional<Ref> {
  const auto colon = ref.rfind(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 >= ref.size()
      || ref.size() - colon - 1 > 19) {
    return std::nullopt;
  }
  std::uint64_t seq = 0;
  for (std::size_t i = colon + 1; i < ref.size(); ++i) {
    if (ref[i] < '0' || ref[i] > '9') {
      return std::nullopt;
    }
    seq = seq * 10 + static_cast<std::uint64_t>(ref[i] - '0');
  }
  if (seq == 0) {
    return std::nullopt;
  }
  return Ref{std::string{ref.substr(0, colon)}, seq};
}

}  // namespace siem::core
