#include "siem/ingest/peer_health.hpp"

#include "siem/ingest/parse_counters.hpp"

#include <algorithm>

namespace siem::ingest {

auto PeerHealth::host_of(std::string_view peer) -> std::string_view {
  if (peer.starts_with('[')) {
    const auto close = peer.find(']');
    return close == std::string_view::npos ? peer : peer.substr(1, close - 1);
  }
  const auto colon = peer.rfind(':');
  if (colon == std::string_view::npos || peer.find(':') != colon) {
    return peer;  // no port, or a bare IPv6 address
  }
  return peer.substr(0, colon);
}

void PeerHealth::add(std::string_view source, std::string_view peer, std::uint64_t records,
                     std::uint64_t unparsed, core::TimeMs last_seen) {
  if (peer.empty() || records == 0) {
    return;
  }
  std::string_view host = host_of(peer);
  std::lock_guard lock(mu_);
  auto it = rows_.find(std::pair{source, host});
  if (it == rows_.end()) {
    auto& n = hosts_per_source_[std::string{source}];
    if (n >= kMaxPeers) {
      host = "other";
      it = rows_.find(std::pair{source, host});
    }
    if (it == rows_.end()) {
      it = rows_.emplace(std::pair{std::string{source}, std::string{host}}, Row{}).first;
      ++n;
    }
  }
  it->second.records += records;
  it->second.unparsed += unparsed;
  it->second.last_seen = std::max(it->second.last_seen, last_seen);
}

auto PeerHealth::row(std::string_view source, std::string_view host) const -> Row {
  std::lock_guard lock(mu_);
  const auto it = rows_.find(std::pair{source, host});
  return it == rows_.end() ? Row{} : it->second;
}

auto PeerHealth::metrics_text() const -> std::string {
  std::lock_guard lock(mu_);
  std::string out;
  const auto series = [&](std::string_view name, std::string_view type, std::string_view help,
                          auto value) {
    out.append("# HELP ").append(name).append(" ").append(help).append("\n# TYPE ");
    out.append(name).append(" ").append(type).append("\n");
    for (const auto& [key, row] : rows_) {
      out.append(name).append("{");
      detail::append_label(out, "source", key.first);
      out.push_back(',');
      detail::append_label(out, "peer", key.second);
      out.append("} ").append(std::to_string(value(row))).append("\n");
    }
  };
  series("siem_peer_records_total", "counter", "Records normalized per source and sending host.",
         [](const Row& r) { return r.records; });
  series("siem_peer_unparsed_total", "counter",
         "Records per source and sending host that no parser understood (event.kind unparsed).",
         [](const Row& r) { return r.unparsed; });
  series("siem_peer_last_seen_seconds", "gauge",
         "Unix time of the latest record per source and sending host.",
         [](const Row& r) { return r.last_seen / 1000; });
  return out;
}

}  // namespace siem::ingest
