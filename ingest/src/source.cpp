#include "siem/ingest/source.hpp"

#include "siem/core/thread_name.hpp"

#include "file_source.hpp"
#include "glob_source.hpp"
#include "kafka_source.hpp"
#include "relp_source.hpp"
#include "syslog_source.hpp"

#include <charconv>

namespace siem::ingest {

auto SourceOptions::validate() const -> core::Status {
  const std::string where = "sources[" + (name.empty() ? std::string{"?"} : name) + "]";
  if (name.empty()) {
    return core::invalid_argument(where + ".name: every source needs a name");
  }
  if (type == "file") {
    if (path.empty()) {
      return core::invalid_argument(where + ".path: a file source needs a path");
    }
  } else if (type == "syslog") {
    if (listen.empty()) {
      return core::invalid_argument(where + ".listen: a syslog source needs host:port");
    }
    if (auto hp = parse_host_port(listen, where + ".listen"); !hp) {
      return hp.error();
    }
    if (protocol != "udp" && protocol != "tcp" && protocol != "udp+tcp" && protocol != "tls"
        && protocol != "relp") {
      return core::invalid_argument(where + ".protocol: '" + protocol
                                    + "' is not one of udp, tcp, udp+tcp, tls, relp");
    }
    if (protocol == "tls" && (tls_cert.empty() || tls_key.empty())) {
      return core::invalid_argument(where + (tls_cert.empty() ? ".tls_cert" : ".tls_key")
                                    + ": protocol tls needs tls_cert and tls_key (PEM files)");
    }
    if (protocol != "tls" && (!tls_cert.empty() || !tls_key.empty() || !tls_ca.empty())) {
      return core::invalid_argument(
          where + ".protocol: tls_cert, tls_key and tls_ca are for protocol tls");
    }
  } else if (type == "kafka") {
    SIEM_TRY(detail::validate_kafka_options(*this, where));
  } else if (type != "stdin") {
    return core::invalid_argument(where + ".type: '" + type
                                  + "' is not one of stdin, file, syslog, kafka");
  }
  if (encoding != "utf-8" && encoding != "gbk" && encoding != "gb18030") {
    return core::invalid_argument(where + ".encoding: '" + encoding
                                  + "' is not one of utf-8, gbk, gb18030");
  }
  if (max_message_bytes < 64 || max_message_bytes > (64U << 20U)) {
    return core::invalid_argument(where + ".max_message_bytes: must be 64 B .. 64 MiB");
  }
  if (batch_records == 0 || batch_records > 1'000'000) {
    return core::invalid_argument(where + ".batch_records: must be 1 .. 1000000");
  }
  return core::Status::ok();
}

void Source::name_source_thread() const {
  core::name_this_thread("src:" + options_.name);
}

auto Source::new_batch(std::size_t reserve) const -> core::RawBatch {
  core::RawBatch b;
  b.source = options_.name;
  b.engagement = options_.engagement;
  b.format = options_.format;
  b.records.reserve(reserve);
  return b;
}

auto make_source(const SourceOptions& options, const core::Clock& clock)
    -> core::Result<std::unique_ptr<Source>> {
  SIEM_TRY(options.validate());
  if (options.type == "file" && detail::is_glob_path(options.path)) {
    return std::unique_ptr<Source>(new detail::GlobSource(options, clock));
  }
  if (options.type == "file" || options.type == "stdin") {
    return std::unique_ptr<Source>(new detail::FileSource(options, clock));
  }
  if (options.type == "kafka") {
    return std::unique_ptr<Source>(new detail::KafkaSource(options, clock));
  }
  if (options.protocol == "relp") {
    return std::unique_ptr<Source>(new detail::RelpSource(options, clock));
  }
  return std::unique_ptr<Source>(new detail::SyslogSource(options, clock));
}

auto parse_host_port(std::string_view text, std::string_view key)
    -> core::Result<std::pair<std::string, std::uint16_t>> {
  auto bad = [&](std::string_view why) {
    return core::invalid_argument(std::string{key} + ": '" + std::string{text} + "' " + std::string{why});
  };
  std::string host;
  std::string_view port_text;
  if (!text.empty() && text.front() == '[') {
    const auto close = text.find(']');
    if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':') {
      return bad("is not [ipv6]:port");
    }
    host = std::string{text.substr(1, close - 1)};
    port_text = text.substr(close + 2);
  } else {
    const auto colon = text.rfind(':');
    if (colon == std::string_view::npos) {
      return bad("is not host:port");
    }
    host = std::string{text.substr(0, colon)};
    port_text = text.substr(colon + 1);
  }
  unsigned port = 0;
  auto [ptr, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (ec != std::errc{} || ptr != port_text.data() + port_text.size() || port > 65535
      || port_text.empty()) {
    return bad("has no valid port (0-65535)");
  }
  if (host.empty()) {
    return bad("has no host");
  }
  return std::pair<std::string, std::uint16_t>{host, static_cast<std::uint16_t>(port)};
}

auto metrics_text(const std::vector<std::unique_ptr<Source>>& sources) -> std::string {
  std::string out;
  auto series = [&](std::string_view name, std::string_view help,
                    auto get) {
    out += "# HELP ";
    out += name;
    out += ' ';
    out += help;
    out += "\n# TYPE ";
    out += name;
    out += name.ends_with("_total") ? " counter\n" : " gauge\n";
    for (const auto& s : sources) {
      out += name;
      out += "{source=\"" + s->options().name + "\",engagement=\"" + s->options().engagement
             + "\",type=\"" + s->options().type + "\"} ";
      out += std::to_string(get(s->counters()));
      out += '\n';
    }
  };
  series("siem_source_received_records_total", "Records received by a source.",
         [](const SourceCounters& c) { return c.records.load(); });
  series("siem_source_received_bytes_total", "Bytes received by a source.",
         [](const SourceCounters& c) { return c.bytes.load(); });
  series("siem_source_oversize_total", "Messages cut at max_message_bytes.",
         [](const SourceCounters& c) { return c.oversize.load(); });
  series("siem_source_errors_total", "Framing and read errors.",
         [](const SourceCounters& c) { return c.errors.load(); });
  series("siem_source_connections_total", "TCP connections accepted.",
         [](const SourceCounters& c) { return c.connections.load(); });
  series("siem_source_redelivered_total", "Kafka records skipped as already stored.",
         [](const SourceCounters& c) { return c.redelivered.load(); });
  series("siem_source_pauses_total",
         "Times a source paused its input because the ledger queue stayed full (back-pressure).",
         [](const SourceCounters& c) { return c.pauses.load(); });
  series("siem_source_fetch_wakeups_total",
         "Times a Kafka source woke librdkafka's fetchers, idle after a full consumer queue.",
         [](const SourceCounters& c) { return c.fetch_wakeups.load(); });
  series("siem_source_udp_drops_total",
         "Datagrams the kernel dropped on a syslog source's full UDP receive buffer.",
         [](const SourceCounters& c) { return c.udp_drops.load(); });
  series("siem_source_last_seen_seconds", "Unix time of the last record.",
         [](const SourceCounters& c) { return c.last_seen_ms.load() / 1000; });
  out +=
      "# HELP siem_source_silent 1 while a source has sent nothing for longer than its "
      "silence_after.\n# TYPE siem_source_silent gauge\n";
  for (const auto& s : sources) {
    if (s->options().silence_after_ms > 0) {
      out += "siem_source_silent{source=\"" + s->options().name + "\",engagement=\""
             + s->options().engagement + "\",type=\"" + s->options().type + "\"} "
             + (s->silent() ? "1\n" : "0\n");
    }
  }
  std::string lags;
  for (const auto& s : sources) {
    for (const auto& l : s->partition_lags()) {
      lags += "siem_source_kafka_lag_records{source=\"" + s->options().name + "\",engagement=\""
              + s->options().engagement + "\",topic=\"" + l.topic + "\",partition=\""
              + std::to_string(l.partition) + "\"} " + std::to_string(l.lag) + "\n";
    }
  }
  if (!lags.empty()) {
    out +=
        "# HELP siem_source_kafka_lag_records Records between a Kafka source's next offset "
        "and the partition's high watermark, per assigned partition.\n"
        "# TYPE siem_source_kafka_lag_records gauge\n";
    out += lags;
  }
  return out;
}

}  // namespace siem::ingest
