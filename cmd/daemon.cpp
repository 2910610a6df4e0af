#include "daemon.hpp"

#include "siem/api/accounts.hpp"
#include "siem/api/server.hpp"
#include "siem/core/bounded_queue.hpp"
#include "siem/core/ids.hpp"
#include "siem/core/thread_name.hpp"
#include "siem/correlate/correlator.hpp"
#include "siem/correlate/source_silence.hpp"
#include "siem/ingest/kafka_publisher.hpp"
#include "siem/ingest/parse_counters.hpp"
#include "siem/ingest/peer_health.hpp"
#include "siem/ingest/source.hpp"
#include "siem/parsers/normalizer.hpp"
#include "siem/parsers/transcoder.hpp"
#include "siem/store/store.hpp"

#include <pthread.h>
#include <sched.h>

#include <algorithm>
#include <array>
#include <condition_variable>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <span>
#include <thread>
#include <unordered_map>

namespace siem::cmd {
namespace {

namespace fs = std::filesystem;

std::atomic<bool> g_stop{false};

void on_signal(int /*sig*/) { g_stop = true; }

/// A ledger batch that is fsynced and ready for normalization and correlation.
struct Committed {
  std::string engagement;
  std::uint64_t first_seq = 0;
  std::vector<core::RawInput> records;
  std::vector<std::array<unsigned char, 32>> hashes;  ///< chain link per record
  std::string source;
};

/// Per-source parsing settings, looked up by the source name stored in the ledger.
struct ParseSettings {
  std::string format = "auto";
  int tz_offset_minutes = 0;
  std::string encoding = "utf-8";
  std::size_t counter_row = 0;  ///< the source's row in ingest::ParseCounters
};

/// sinks.kafka: where incident versions and alerts are published once stored (null: off).
/// At least once: a replay after a crash publishes its versions again, under the same keys.
struct Sinks {
  ingest::KafkaPublisher* incidents = nullptr;
  ingest::KafkaPublisher* alerts = nullptr;

  void incident(const core::Incident& inc) const {
    if (incidents != nullptr) {
      incidents->publish(inc.id, inc.to_json());
    }
  }

  void alert(const store::AlertRecord& a) const {
    if (alerts != nullptr) {
      alerts->publish(a.id, a.json);
    }
  }
};

/// Normalizes and correlates committed batches. Owned by the processing thread (recovery
/// runs it on the main thread before that thread starts). Borrows the store and the counters.
class Processor {
public:
  Processor(store::Store& store, correlate::RuleSet rules, const core::Clock& clock,
            std::map<std::string, ParseSettings, std::less<>> settings,
            ingest::ParseCounters& counters, ingest::PeerHealth& peers, Sinks sinks)
      : store_(store)
      , peers_(peers)
      , sinks_(sinks)
      , rules_(std::move(rules))
      , clock_(clock)
      , settings_(std::move(settings))
      , counters_(counters) {
    // Records of sources no longer configured (replayed from the ledger) parse as auto.
    unconfigured_.counter_row = counters_.unconfigured_row();
  }

  auto process(const Committed& c) -> core::Status {
    // Batches vary in size (a full 2048, then a short one): events_ never shrinks, so each
    // Event keeps its grown buffers and a short batch does not free what the next one needs.
    if (events_.size() < c.records.size()) {
      events_.resize(c.records.size());
    }
    const std::span<core::Event> events{events_.data(), c.records.size()};
    // Per sending host: counted once per run of records from one source and peer.
    std::size_t run_start = 0;
    std::uint64_t run_unparsed = 0;
    core::TimeMs run_last = 0;
    const auto source_of = [&](std::size_t i) -> const std::string& {
      return c.records[i].source.empty() ? c.source : c.records[i].source;
    };
    const auto end_run = [&](std::size_t end) {
      peers_.add(source_of(run_start), c.records[run_start].peer, end - run_start, run_unparsed,
                 run_last);
      run_start = end;
      run_unparsed = 0;
      run_last = 0;
    };
    for (std::size_t i = 0; i < c.records.size(); ++i) {
      if (i > run_start
          && (c.records[i].peer != c.records[run_start].peer
              || source_of(i) != source_of(run_start))) {
        end_run(i);
      }
      const auto& rec = c.records[i];
      const std::string& source = rec.source.empty() ? c.source : rec.source;
      const ParseSettings* found = &unconfigured_;
      if (auto it = settings_.find(source); it != settings_.end()) {
        found = &it->second;
      }
      const ParseSettings& ps = *found;
      SIEM_TRY_ASSIGN(auto* normalizer, normalizer_for(ps.format));
      auto& ev = events[i];
      std::string_view text = rec.bytes;
      std::size_t replaced = 0;
      if (ps.encoding != "utf-8") {
        // The ledger keeps the original bytes; the parsers see UTF-8.
        SIEM_TRY_ASSIGN(auto* transcoder, transcoder_for(ps.encoding));
        replaced = transcoder->to_utf8(rec.bytes, utf8_);
        text = utf8_;
      }
      normalizer->normalize(text, {rec.received_at, ps.tz_offset_minutes}, ev);
      if (ps.encoding != "utf-8") {
        ev.set("siem.source_encoding", ps.encoding);
        if (replaced > 0) {
          ev.set_int("siem.encoding_errors", static_cast<std::int64_t>(replaced));
        }
      }
      // Written into the event's own strings: no allocation per event once they have grown.
      ev.ref.clear();
      core::append_ref(ev.ref, c.engagement, c.first_seq + i);
      ev.raw_hash.clear();
      if (i < c.hashes.size()) {
        store::append_link_hex(ev.raw_hash, c.hashes[i]);
      }
      ev.set("siem.source", source);
      run_unparsed += counters_.count(ps.counter_row, ev) ? 1 : 0;
      run_last = std::max(run_last, rec.received_at);
    }
    if (!c.records.empty()) {
      end_run(c.records.size());
    }
    const std::uint64_t last = c.first_seq + c.records.size() - 1;
    SIEM_TRY(store_.put_events(c.engagement, events, last));
    // Stored: a later failure (an incident write) must not make these events be read back.
    done_through_[c.engagement] = last;
    auto& corr = correlator_for(c.engagement);
    out_.clear();
    corr.process_batch(c.engagement, events, out_);
    for (const auto& inc : out_.incidents) {
      SIEM_TRY(store_.put_incident(inc));
      sinks_.incident(inc);
    }
    alert_records_.clear();
    for (const auto& a : out_.alerts) {
      // Keyed by the raising record's receive time, so that a replay overwrites, not adds
      // (an alert raised by a record of an earlier batch: its event time, as deterministic).
      core::TimeMs at = a.time;
      if (const auto ref = core::parse_ref(a.event_ref);
          ref && ref->seq >= c.first_seq && ref->seq <= last) {
        at = c.records[ref->seq - c.first_seq].received_at;
      }
      alert_records_.push_back({a.id, at, a.to_json()});
    }
    SIEM_TRY(store_.put_alerts(c.engagement, alert_records_));
    for (const auto& a : alert_records_) {
      sinks_.alert(a);
    }
    alerts_ += out_.alerts.size();
    events_done_ += c.records.size();
    return core::Status::ok();
  }

  /// Last ledger sequence of `engagement` this processor handled (0: none since start).
  [[nodiscard]] auto done_through(const std::string& engagement) const -> std::uint64_t {
    const auto it = done_through_.find(engagement);
    return it == done_through_.end() ? 0 : it->second;
  }

  [[nodiscard]] auto alerts() const -> std::uint64_t { return alerts_.load(); }

  [[nodiscard]] auto events_done() const -> std::uint64_t { return events_done_.load(); }

private:
  auto normalizer_for(const std::string& format) -> core::Result<parsers::Normalizer*> {
    auto it = normalizers_.find(format);
    if (it == normalizers_.end()) {
      SIEM_TRY_ASSIGN(auto n, parsers::Normalizer::create(format));
      it = normalizers_.emplace(format, std::move(n)).first;
    }
    return it->second.get();
  }

  auto transcoder_for(const std::string& encoding) -> core::Result<parsers::Transcoder*> {
    auto it = transcoders_.find(encoding);
    if (it == transcoders_.end()) {
      SIEM_TRY_ASSIGN(auto t, parsers::Transcoder::create(encoding));
      it = transcoders_.emplace(encoding, std::move(t)).first;
    }
    return it->second.get();
  }

  auto correlator_for(const std::string& engagement) -> correlate::Correlator& {
    auto it = correlators_.find(engagement);
    if (it == correlators_.end()) {
      it = correlators_
               .emplace(engagement, std::make_unique<correlate::Correlator>(rules_, clock_))
               .first;
    }
    return *it->second;
  }

  store::Store& store_;
  ingest::PeerHealth& peers_;
  Sinks sinks_;
  correlate::RuleSet rules_;
  const core::Clock& clock_;
  std::map<std::string, ParseSettings, std::less<>> settings_;
  ParseSettings unconfigured_;
  ingest::ParseCounters& counters_;
  std::unordered_map<std::string, std::unique_ptr<parsers::Normalizer>> normalizers_;
  std::unordered_map<std::string, std::unique_ptr<correlate::Correlator>> correlators_;
  std::unordered_map<std::string, std::unique_ptr<parsers::Transcoder>> transcoders_;
  std::string utf8_;
  std::vector<core::Event> events_;
  correlate::CorrelationOutput out_;
  std::vector<store::AlertRecord> alert_records_;
  std::map<std::string, std::uint64_t, std::less<>> done_through_;
  std::atomic<std::uint64_t> alerts_{0};
  std::atomic<std::uint64_t> events_done_{0};
};

/// Normalizes and correlates ledger records [from, to] of an engagement, read back from the
/// store: recovery after a crash, and the processing stage catching up on batches the writer
/// did not hand over because the stage was behind.
auto catch_up(store::Store& store, Processor& processor, const std::string& eng, std::uint64_t from,
              std::uint64_t to) -> core::Status {
  constexpr std::size_t kChunk = 2048;
  Committed c;
  c.engagement = eng;
  c.first_seq = from;
  // Records [0, n) of c are this chunk's; a full chunk's records are refilled in place by
  // the next one (their strings keep their room: no allocation per record).
  std::size_t n = 0;
  core::Status failed;
  auto flush = [&] {
    if (n == 0) {
      return;
    }
    c.records.resize(n);
    c.hashes.resize(n);
    if (auto st = processor.process(c); !st) {
      failed = st;
    }
    c.first_seq += n;
    n = 0;
  };
  auto st = store.scan_raw(eng, from, [&](const core::RawRecord& r) {
    if (r.seq > to) {
      return false;
    }
    // Records come in ledger order; should the first be past `from` (expired meanwhile),
    // a chunk starts at the record actually read so that each event keeps its own seq.
    if (r.seq != c.first_seq + n) {
      flush();
      c.first_seq = r.seq;
    }
    if (n == c.records.size()) {
      c.records.emplace_back();
      c.hashes.emplace_back();
    }
    auto& in = c.records[n];
    in.bytes.assign(r.bytes);
    in.source.assign(r.source);
    in.position.assign(r.position);
    in.peer.assign(r.peer);
    in.received_at = r.received_at;
    if (!core::from_hex(r.hash, c.hashes[n])) {
      c.hashes[n] = {};
    }
    if (++n == kChunk) {
      flush();
    }
    return failed.is_ok();
  });
  flush();
  return !st ? st : failed;
}

/// The health check of sources with a silence_after: a source that sends nothing for longer
/// raises a silence alert and an FF incident, once per silence; when it sends again the
/// incident gets its next version. Runs on the daemon's main thread.
class SilenceWatch {
public:
  SilenceWatch(store::Store& store, const core::Clock& clock,
               const std::vector<std::unique_ptr<ingest::Source>>& sources, Sinks sinks)
      : store_(store)
      , sinks_(sinks)
      , clock_(clock)
      , sources_(sources)
      , started_(clock.now_ms())
      , open_(sources.size())
      , detected_(sources.size(), 0) {}

  void check() {
    const core::TimeMs now = clock_.now_ms();
    for (std::size_t i = 0; i < sources_.size(); ++i) {
      auto& src = *sources_[i];
      const auto& o = src.options();
      if (o.silence_after_ms <= 0) {
        continue;
      }
      const core::TimeMs last = src.counters().last_seen_ms.load(std::memory_order_relaxed);
      auto& open = open_[i];
      if (!open) {
        const core::TimeMs since = last > 0 ? last : started_;
        if (now - since <= o.silence_after_ms) {
          continue;
        }
        // A retry after a failed write keeps the first detection time: the same alert key.
        auto& detected = detected_[i];
        if (detected == 0 || detected < since) {
          detected = now;
        }
        correlate::Silence silence{o.engagement,       o.name,  o.type, {}, since, last == 0,
                                   o.silence_after_ms, detected};
        auto [alert, incident] = correlate::silence_raised(silence);
        const std::vector<store::AlertRecord> alerts{{alert.id, detected, alert.to_json()}};
        auto st = store_.put_alerts(o.engagement, alerts);
        if (st) {
          st = store_.put_incident(incident);
        }
        if (!st) {
          std::fprintf(stderr, "siem: cannot store the silence alert of source %s: %s\n",
                       o.name.c_str(), st.to_string().c_str());
          continue;  // tried again at the next check
        }
        std::fprintf(stderr, "siem: source %s silent: %s (incident %s)\n", o.name.c_str(),
                     alert.description.c_str(), incident.id.c_str());
        sinks_.alert(alerts.front());
        sinks_.incident(incident);
        ++raised_;
        src.set_silent(true);
        open = std::move(incident);
      } else if (last > open->times.first_seen) {
        correlate::silence_ended(*open, last);
        if (auto st = store_.put_incident(*open); !st) {
          std::fprintf(stderr, "siem: cannot update incident %s: %s\n", open->id.c_str(),
                       st.to_string().c_str());
        } else {
          sinks_.incident(*open);
        }
        std::fprintf(stderr, "siem: source %s sends again (incident %s)\n", o.name.c_str(),
                     open->id.c_str());
        src.set_silent(false);
        open.reset();
      }
    }
  }

  [[nodiscard]] auto raised() const -> std::uint64_t { return raised_.load(); }

private:
  store::Store& store_;
  Sinks sinks_;
  const core::Clock& clock_;
  const std::vector<std::unique_ptr<ingest::Source>>& sources_;
  core::TimeMs started_;
  std::vector<std::optional<core::Incident>> open_;  // per source: its open silence
  std::vector<core::TimeMs> detected_;               // per source: when it was found silent
  std::atomic<std::uint64_t> raised_{0};
};

auto find_samples_dir(const RunFlags& flags) -> std::string {
  if (!flags.samples_dir.empty()) {
    return flags.samples_dir;
  }
  std::error_code ec;
  const auto exe = fs::read_symlink("/proc/self/exe", ec);
  for (const auto& candidate : {exe.parent_path().parent_path() / "samples", fs::path("samples")}) {
    if (fs::is_directory(candidate, ec)) {
      return candidate.string();
    }
  }
  return "samples";
}

}  // namespace

auto with_commas(std::uint64_t v) -> std::string {
  const std::string digits = std::to_string(v);
  std::string s;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) {
      s.push_back(',');
    }
    s.push_back(digits[i]);
  }
  return s;
}

auto run_daemon(Config config, const RunFlags& flags) -> int {
  const auto& clock = core::SystemClock::instance();
  if (flags.demo) {
    const auto dir = find_samples_dir(flags);
    std::error_code ec;
    std::vector<fs::path> files;
    for (const auto& e : fs::directory_iterator(dir, ec)) {
      if (e.is_regular_file() && e.path().extension() == ".log") {
        files.push_back(e.path());
      }
    }
    std::sort(files.begin(), files.end());
    if (files.empty()) {
      std::fprintf(stderr, "siem: --demo: no sample logs (*.log) in %s\n", dir.c_str());
      return 2;
    }
    for (const auto& f : files) {
      ingest::SourceOptions s;
      s.name = "demo-" + f.stem().string();
      s.type = "file";
      s.path = fs::absolute(f).string();
      s.follow = false;
      s.engagement = config.engagement;
      config.sources.push_back(s);
    }
  }
  if (auto st = config.validate(); !st) {
    std::fprintf(stderr, "siem: %s\n", st.to_string().c_str());
    return 2;
  }
  correlate::RuleSet rules = correlate::builtin_rules();
  if (!config.rules.empty()) {
    auto loaded = correlate::load_rules(config.rules);
    if (!loaded) {
      std::fprintf(stderr, "siem: rules: %s\n", loaded.error().to_string().c_str());
      return 2;
    }
    rules = std::move(loaded).value();
  }
  config.store.data_dir = config.data;
  // Declared before the store: the store publishes its last heads when it closes.
  std::unique_ptr<ingest::KafkaPublisher> anchors;
  if (!config.anchor_kafka.brokers.empty()) {
    auto p = ingest::KafkaPublisher::create(config.anchor_kafka);
    if (!p) {
      std::fprintf(stderr, "siem: %s\n", p.error().to_string().c_str());
      return 2;
    }
    anchors = std::move(p).value();
    config.store.anchor_sink = [pub = anchors.get()](std::string_view engagement,
                                                     std::string_view line) {
      pub->publish(engagement, line);
    };
  }
  // sinks.kafka: incident versions and alerts, published once stored.
  std::unique_ptr<ingest::KafkaPublisher> incident_sink;
  std::unique_ptr<ingest::KafkaPublisher> alert_sink;
  for (auto [options, out] : {std::pair{&config.incidents_kafka, &incident_sink},
                              std::pair{&config.alerts_kafka, &alert_sink}}) {
    if (options->brokers.empty()) {
      continue;
    }
    auto p = ingest::KafkaPublisher::create(*options);
    if (!p) {
      std::fprintf(stderr, "siem: %s\n", p.error().to_string().c_str());
      return 2;
    }
    *out = std::move(p).value();
  }
  const Sinks sinks{incident_sink.get(), alert_sink.get()};
  auto opened = store::Store::open(config.store);
  if (!opened) {
    std::fprintf(stderr, "siem: cannot open the store: %s\n", opened.error().to_string().c_str());
    return 1;
  }
  auto& store = **opened;

  // Normalization outcome counters for /metrics: one pre-created row per source, so the
  // processing stage counts without allocating.
  std::vector<ingest::ParseCounterSource> counter_rows;
  counter_rows.reserve(config.sources.size());
  for (const auto& s : config.sources) {
    counter_rows.push_back({s.name, s.format});
  }
  ingest::ParseCounters parse_counters(std::move(counter_rows));
  std::map<std::string, ParseSettings, std::less<>> settings;
  for (const auto& s : config.sources) {
    settings[s.name] = {s.format, s.tz_offset_minutes, s.encoding, parse_counters.row(s.name)};
  }
  for (const auto& s : config.sources) {
    if (auto n = parsers::Normalizer::create(s.format); !n) {
      std::fprintf(stderr, "siem: sources[%s].format: %s\n", s.name.c_str(),
                   n.error().to_string().c_str());
      return 2;
    }
  }
  ingest::PeerHealth peer_health;
  Processor processor(store, rules, clock, settings, parse_counters, peer_health, sinks);

  // Recovery: normalize and correlate what the ledger holds beyond the processed checkpoint
  // (a crash between the ledger commit and event storage leaves such a tail).
  for (const auto& eng : store.engagements()) {
    const auto from = store.processed_seq(eng) + 1;
    const auto last = store.last_seq(eng);
    if (from > last) {
      continue;
    }
    std::fprintf(stderr, "siem: recovering engagement %s: processing ledger records %llu..%llu\n",
                 eng.c_str(), static_cast<unsigned long long>(from),
                 static_cast<unsigned long long>(last));
    auto st = catch_up(store, processor, eng, from, last);
    if (!st) {
      std::fprintf(stderr, "siem: recovery failed: %s\n", st.to_string().c_str());
      return 1;
    }
  }
  if (auto st = store.sync(); !st) {
    std::fprintf(stderr, "siem: %s\n", st.to_string().c_str());
    return 1;
  }

  // Accounts: the first start creates the initial administrator.
  auto admin = api::ensure_initial_admin(store, config.data, clock);
  if (!admin) {
    std::fprintf(stderr, "siem: cannot create the initial administrator: %s\n",
                 admin.error().to_string().c_str());
    return 1;
  }

  // Sources are created before the writer, which acknowledges fsynced positions to them by
  // name, and started after it.
  std::vector<std::unique_ptr<ingest::Source>> sources;
  std::map<std::string, ingest::Source*, std::less<>> source_by_name;
  const auto read_once = [](const ingest::SourceOptions& o) {
    return o.type == "file" || o.type == "stdin";
  };
  for (auto so : config.sources) {
    if (flags.once && so.type == "file") {
      so.follow = false;  // --once: each file is read to its end, then the run can finish
    }
    auto src = ingest::make_source(so, clock);
    if (!src) {
      std::fprintf(stderr, "siem: %s\n", src.error().to_string().c_str());
      return 2;
    }
    source_by_name[so.name] = src->get();
    sources.push_back(std::move(src).value());
  }

  core::BoundedQueue<core::RawBatch> raw_q(config.pipeline.queue_batches);
  core::BoundedQueue<Committed> commit_q(config.pipeline.queue_batches);
  std::atomic<bool> writer_failed{false};
  // When the processing stage is behind, the writer does not wait for it: committed batches
  // it cannot hand over are noted here (per engagement, the last such sequence) and the stage
  // reads them back from the ledger when it gets to them. Ingestion runs at the ledger's pace;
  // events follow, in ledger order.
  std::mutex behind_mu;
  std::map<std::string, std::uint64_t, std::less<>> behind_through;
  std::atomic<std::uint64_t> deferred_records{0};

  // Writer: ledger append + group commit. A batch is handed on, and its durable position
  // acknowledged to its source (Kafka commits its offsets), only after the fsync that covers it.
  std::jthread writer([&] {
    core::name_this_thread("ledger-writer");
    std::vector<Committed> pending;
    std::vector<std::pair<ingest::Source*, std::string>> acks;  // positions in `pending`
    auto first_pending = std::chrono::steady_clock::now();
    auto commit = [&] {
      if (pending.empty()) {
        return true;
      }
      if (auto st = store.sync(); !st) {
        std::fprintf(stderr, "siem: group commit failed: %s\n", st.to_string().c_str());
        return false;
      }
      for (auto& [src, position] : acks) {
        src->acknowledge(position);
      }
      acks.clear();
      for (auto& c : pending) {
        if (!commit_q.try_push(c)) {
          std::lock_guard lock(behind_mu);
          auto& through = behind_through[c.engagement];
          through = std::max<std::uint64_t>(through, c.first_seq + c.records.size() - 1);
          deferred_records += c.records.size();
        }
      }
      pending.clear();
      return true;
    };
    while (true) {
      auto b = raw_q.pop(std::chrono::milliseconds(config.pipeline.sync_interval_ms));
      if (b) {
        auto r = store.append(*b);
        if (!r) {
          std::fprintf(stderr, "siem: ledger append failed: %s\n", r.error().to_string().c_str());
          writer_failed = true;
          break;
        }
        if (r->count > 0) {
          if (pending.empty()) {
            first_pending = std::chrono::steady_clock::now();
          }
          pending.push_back({b->engagement, r->first_seq, std::move(b->records),
                             std::move(r->hashes), b->source});
          if (auto it = source_by_name.find(b->source);
              b->durable_position && it != source_by_name.end()) {
            acks.emplace_back(it->second, std::move(b->position));
          }
        }
      } else if (raw_q.closed()) {
        break;
      }
      const bool due = std::chrono::steady_clock::now() - first_pending
                       >= std::chrono::milliseconds(config.pipeline.sync_interval_ms);
      if (!pending.empty()
          && (pending.size() >= config.pipeline.sync_batches || due || raw_q.size() == 0)) {
        if (!commit()) {
          writer_failed = true;
          break;
        }
      }
    }
    if (!writer_failed) {
      static_cast<void>(commit());
    }
    commit_q.close();
  });

  std::jthread worker([&] {
    core::name_this_thread("processing");
    if (config.pipeline.processing_background) {
      // Ingestion first: the idle class weighs this thread at 3 against a normal thread's
      // 1024, so when the CPUs are busy the sources and the ledger get them first and events
      // lag (the idle class still gets a share, so the stage never stops entirely).
      sched_param idle{};
      if (const int e = pthread_setschedparam(pthread_self(), SCHED_IDLE, &idle); e != 0) {
        std::fprintf(stderr, "siem: pipeline.processing_priority: background: %s\n",
                     std::strerror(e));
      }
    }
    const auto done_through = [&](const std::string& eng) {
      const auto done = processor.done_through(eng);
      return done > 0 ? done : store.processed_seq(eng);
    };
    const auto report = [](const core::Status& st) {
      if (!st) {
        std::fprintf(stderr, "siem: processing failed: %s\n", st.to_string().c_str());
      }
    };
    // Batches the writer could not hand over, read back from the ledger.
    const auto catch_up_deferred = [&] {
      std::map<std::string, std::uint64_t, std::less<>> behind;
      {
        std::lock_guard lock(behind_mu);
        behind.swap(behind_through);
      }
      for (const auto& [eng, through] : behind) {
        if (const auto done = done_through(eng); through > done) {
          report(catch_up(store, processor, eng, done + 1, through));
        }
      }
    };
    std::size_t pops = 0;
    while (true) {
      auto c = commit_q.pop(std::chrono::milliseconds(100));
      if (!c) {
        catch_up_deferred();
        if (commit_q.closed() && commit_q.size() == 0) {
          catch_up_deferred();  // what the writer deferred while the last read-back ran
          break;
        }
        continue;
      }
      // Other engagements' deferred batches are not left waiting behind a busy one.
      if (++pops % 64 == 0) {
        catch_up_deferred();
      }
      const auto last = c->first_seq + c->records.size() - 1;
      const auto done = done_through(c->engagement);
      if (last <= done) {
        continue;  // already read back from the ledger
      }
      if (c->first_seq > done + 1) {
        if (auto st = catch_up(store, processor, c->engagement, done + 1, c->first_seq - 1); !st) {
          // Leave the gap and this batch to a later read-back rather than skip past the gap.
          report(st);
          std::lock_guard lock(behind_mu);
          auto& through = behind_through[c->engagement];
          through = std::max<std::uint64_t>(through, last);
          continue;
        }
      }
      report(processor.process(*c));
    }
  });

  // Sources.
  for (auto& src : sources) {
    const auto& so = src->options();
    auto pos = store.source_position(so.engagement, so.name);
    const std::string resume = pos && pos->has_value() ? **pos : std::string{};
    // The records are hashed for the ledger on the source's thread, not the writer's.
    src->set_batch_hook(
        [&store](core::RawBatch& batch, std::size_t first) { store.digest(batch, first); });
    if (auto st = src->start(raw_q, resume); !st) {
      std::fprintf(stderr, "siem: %s\n", st.to_string().c_str());
      for (auto& s : sources) {
        s->stop();
      }
      raw_q.close();
      return 1;
    }
  }

  // Retention (store.retention_days): at start, then hourly, on a thread of its own, so that
  // reading an hour of expired ledger blocks never holds up the ledger writer.
  std::jthread retention([&](const std::stop_token& stop) {
    core::name_this_thread("retention");
    std::mutex mu;
    std::condition_variable_any wake;
    while (!stop.stop_requested()) {
      if (auto expired = store.expire(clock.now_ms(), stop); !expired) {
        std::fprintf(stderr, "siem: retention: %s\n", expired.error().to_string().c_str());
      } else {
        for (const auto& [eng, through] : *expired) {
          std::fprintf(stderr, "siem: retention: engagement %s: records through %llu expired\n",
                       eng.c_str(), static_cast<unsigned long long>(through));
        }
      }
      std::unique_lock lock(mu);
      wake.wait_for(lock, stop, std::chrono::hours(1), [] { return false; });
    }
  });

  SilenceWatch silence(store, clock, sources, sinks);
  api::Server server(config.api, store, clock);
  server.set_metrics_source([&] {
    std::string m = ingest::metrics_text(sources);
    for (const auto* pub : {anchors.get(), incident_sink.get(), alert_sink.get()}) {
      if (pub != nullptr) {
        m += pub->metrics_text();
      }
    }
    m += parse_counters.metrics_text();
    m += peer_health.metrics_text();
    m += "# HELP siem_pipeline_queue_batches Batches waiting between stages.\n";
    m += "# TYPE siem_pipeline_queue_batches gauge\n";
    m += "siem_pipeline_queue_batches{stage=\"ledger\"} " + std::to_string(raw_q.size()) + "\n";
    m += "siem_pipeline_queue_batches{stage=\"normalize\"} " + std::to_string(commit_q.size())
         + "\n";
    m += "# HELP siem_pipeline_deferred_records_total Committed records the processing stage "
         "read back from the ledger because it was behind the writer.\n";
    m += "# TYPE siem_pipeline_deferred_records_total counter\n";
    m += "siem_pipeline_deferred_records_total " + std::to_string(deferred_records.load()) + "\n";
    m += "# HELP siem_alerts_raised_total Alerts raised since start.\n";
    m += "# TYPE siem_alerts_raised_total counter\n";
    m += "siem_alerts_raised_total " + std::to_string(processor.alerts() + silence.raised()) + "\n";
    return m;
  });
  if (auto st = server.start(); !st) {
    std::fprintf(stderr, "siem: api.listen: %s\n", st.to_string().c_str());
    for (auto& s : sources) {
      s->stop();
    }
    raw_q.close();
    return 1;
  }

  // Banner: where to look and how to log in.
  const std::string api_url = "http://127.0.0.1:" + std::to_string(server.port());
  std::fprintf(stderr, "siem %s started\n", "0.1.0");
  std::fprintf(stderr, "  data directory : %s\n", fs::absolute(config.data).c_str());
  std::fprintf(stderr, "  API            : http://%s (bound port %u)\n", config.api.listen.c_str(),
               server.port());
  for (const auto& s : sources) {
    const auto& o = s->options();
    std::string from = o.path;
    if (o.type == "syslog") {
      from = s->bound_address() + " " + o.protocol;
    } else if (o.type == "kafka") {
      from = o.brokers + " group " + o.group_id + " topics";
      for (const auto& t : o.topics) {
        from += " " + t;
      }
    }
    std::fprintf(stderr, "  source %-14s: %s %s (format %s, engagement %s)\n", o.name.c_str(),
                 o.type.c_str(), from.c_str(), o.format.c_str(), o.engagement.c_str());
  }
  if (admin->has_value()) {
    std::fprintf(stderr,
                 "\n  First start: created the administrator account 'admin' with password\n"
                 "      %s\n"
                 "  (also saved in %s/initial-admin-password, mode 0600). Log in with\n"
                 "      curl -s -X POST %s/api/v1/auth/login -d "
                 "'{\"username\":\"admin\",\"password\":\"...\"}'\n"
                 "  then create real-name accounts (POST /api/v1/users) for your handlers.\n\n",
                 (**admin).c_str(), config.data.c_str(), api_url.c_str());
  } else {
    std::fprintf(stderr,
                 "  accounts       : log in with POST %s/api/v1/auth/login (first admin password: "
                 "%s/initial-admin-password)\n",
                 api_url.c_str(), config.data.c_str());
  }
  std::fprintf(stderr, "  incidents      : curl -H 'Authorization: Bearer TOKEN' %s/api/v1/incidents\n",
               api_url.c_str());
  std::fprintf(stderr, "  health, metrics: %s/healthz  %s/metrics\n", api_url.c_str(),
               api_url.c_str());

  // A peer that resets a connection while OpenSSL writes to it (handshake, alerts) must not
  // kill the engine: OpenSSL's socket BIO writes without MSG_NOSIGNAL.
  std::signal(SIGPIPE, SIG_IGN);
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
  auto last_progress = std::chrono::steady_clock::now();
  std::uint64_t last_events = processor.events_done();
  while (!g_stop && !writer_failed) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    silence.check();
    const auto now = std::chrono::steady_clock::now();
    const auto elapsed = now - last_progress;
    if (elapsed >= std::chrono::milliseconds(config.pipeline.progress_interval_ms)) {
      const auto done = processor.events_done();
      const double secs = std::chrono::duration<double>(elapsed).count();
      auto st = store.stats();
      if (st) {
        std::fprintf(
            stderr,
            "siem: %s events/s | stored: %s raw records, %s events (%s unparsed), %s "
            "incidents | alerts %s | queues %zu/%zu\n",
            with_commas(static_cast<std::uint64_t>((done - last_events) / secs)).c_str(),
            with_commas(st->totals.raw_records).c_str(), with_commas(st->totals.events).c_str(),
            with_commas(st->totals.unparsed).c_str(), with_commas(st->totals.incidents).c_str(),
            with_commas(processor.alerts() + silence.raised()).c_str(), raw_q.size(),
            commit_q.size());
      }
      last_progress = now;
      last_events = done;
    }
    if (flags.once) {
      // Listeners (syslog, RELP) and Kafka never finish: --once waits for files and stdin.
      const bool all_done = std::all_of(sources.begin(), sources.end(), [&](const auto& s) {
        return !read_once(s->options()) || s->finished();
      });
      if (all_done && raw_q.size() == 0) {
        break;
      }
    }
  }
  std::fprintf(stderr, "siem: stopping\n");
  for (auto& s : sources) {
    s->stop();
  }
  retention.request_stop();
  retention.join();
  raw_q.close();
  writer.join();
  worker.join();
  server.stop();
  auto st = store.stats();
  if (st) {
    std::fprintf(stderr, "siem: stopped; stored %s raw records, %s events, %s incidents\n",
                 with_commas(st->totals.raw_records).c_str(),
                 with_commas(st->totals.events).c_str(),
                 with_commas(st->totals.incidents).c_str());
  }
  return writer_failed ? 1 : 0;
}

}  // namespace siem::cmd
