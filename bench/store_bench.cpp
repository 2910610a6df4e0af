// Store throughput: appends N raw records of ~500 bytes in ledger batches with the default
// group commit, stores one normalized event per record, then verifies the chain. One thread,
// as the daemon's writer. usage: store_bench DIR PROFILE [RECORDS]
//   PROFILE: performance (SHA-256 chain, AES-256-CTR at rest) | compliance (SM3, SM4-CTR)
#include "siem/core/bounded_queue.hpp"
#include "siem/core/event.hpp"
#include "siem/core/raw_record.hpp"
#include "siem/store/store.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <filesystem>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

auto seconds_since(Clock::time_point t) -> double {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

auto dir_bytes(const std::filesystem::path& p) -> std::uintmax_t {
  std::uintmax_t total = 0;
  for (const auto& e : std::filesystem::recursive_directory_iterator(p)) {
    if (e.is_regular_file()) {
      total += e.file_size();
    }
  }
  return total;
}

// A FortiGate-like line of about 500 bytes; fields vary per record so compression and
// hashing see realistic input.
auto record(std::uint64_t i) -> std::string {
  char buf[640];
  const int n = std::snprintf(
      buf, sizeof buf,
      "<189>date=2026-11-27 time=08:%02llu:%02llu devname=FGT-DC-%llu devid=FG100E%010llu "
      "logid=0000000013 type=traffic subtype=forward level=notice vd=root srcip=10.%llu.%llu.%llu "
      "srcport=%llu srcintf=port1 dstip=203.0.113.%llu dstport=443 dstintf=wan1 sessionid=%llu "
      "proto=6 action=accept policyid=%llu service=HTTPS dstcountry=China srccountry=Reserved "
      "trandisp=snat transip=198.51.100.7 transport=%llu duration=%llu sentbyte=%llu "
      "rcvdbyte=%llu sentpkt=%llu rcvdpkt=%llu appcat=unscanned user=u%llu",
      static_cast<unsigned long long>(i / 60 % 60), static_cast<unsigned long long>(i % 60),
      static_cast<unsigned long long>(i % 7), static_cast<unsigned long long>(i * 7919 % 1000000),
      static_cast<unsigned long long>(i % 200), static_cast<unsigned long long>(i / 7 % 250),
      static_cast<unsigned long long>(i % 251), static_cast<unsigned long long>(1024 + i % 60000),
      static_cast<unsigned long long>(i % 254), static_cast<unsigned long long>(i * 31),
      static_cast<unsigned long long>(i % 90), static_cast<unsigned long long>(2000 + i % 50000),
      static_cast<unsigned long long>(i % 3600), static_cast<unsigned long long>(i * 13 % 900000),
      static_cast<unsigned long long>(i * 17 % 9000000), static_cast<unsigned long long>(i % 900),
      static_cast<unsigned long long>(i % 1200), static_cast<unsigned long long>(i % 5000));
  return {buf, static_cast<std::size_t>(n)};
}

// Records done+1 .. done+n as one ledger batch; adds their size to raw_bytes.
auto make_batch(std::uint64_t done, std::size_t n, std::uint64_t& raw_bytes)
    -> siem::core::RawBatch {
  siem::core::RawBatch b;
  b.source = "fw";
  b.engagement = "bench";
  for (std::size_t i = 0; i < n; ++i) {
    auto line = record(done + i);
    raw_bytes += line.size();
    b.records.push_back({std::move(line), "fw", "10.0.0.1", "",
                         1'795'000'000'000 + static_cast<std::int64_t>(done + i)});
  }
  return b;
}

// The normalized events (~15 fields) of records done+1 .. done+n, stored from first_seq on.
void fill_events(std::vector<siem::core::Event>& events, std::size_t n, std::uint64_t done,
                 std::uint64_t first_seq) {
  for (std::size_t i = 0; i < n; ++i) {
    auto& ev = events[i];
    ev.clear();
    ev.timestamp = 1'795'000'000'000 + static_cast<std::int64_t>(done + i);
    ev.ref = "bench:" + std::to_string(first_seq + i);
    ev.set("event.kind", "event");
    ev.set("event.dataset", "fortinet.firewall");
    ev.set("event.action", "accept");
    ev.set("observer.vendor", "Fortinet");
    ev.set("observer.product", "FortiGate");
    const auto g = done + i;  // the record's global number
    const std::string src = "10." + std::to_string(g % 200) + "." + std::to_string(g / 7 % 250)
                            + "." + std::to_string(g % 251);
    ev.set("source.ip", src);
    ev.set("host.name", "FGT-DC-" + std::to_string(g % 7));
    ev.set_int("source.port", static_cast<std::int64_t>(1024 + i));
    ev.set("destination.ip", "203.0.113.9");
    ev.set_int("destination.port", 443);
    ev.set("network.transport", "tcp");
    ev.set_int("source.bytes", static_cast<std::int64_t>(i * 13));
    ev.set_int("destination.bytes", static_cast<std::int64_t>(i * 17));
    ev.set("user.name", "u" + std::to_string(g % 5000));
    ev.set("rule.id", std::to_string(g % 90));
  }
}

// The engine's shape: a source thread builds each batch and hashes its records
// (Store::digest(), as the engine's sources do); a writer thread appends and group-commits; a
// worker thread takes each committed batch, builds its events (standing in for the normalizer)
// and stores them with put_events(). Returns the wall time until the last batch's events are
// stored.
auto run_pipelined(siem::store::Store& store, std::uint64_t total, std::size_t batch,
                   std::size_t sync_batches, std::uint64_t& raw_bytes) -> double {
  struct Item {
    std::uint64_t first_seq;
    std::size_t n;
    std::uint64_t done;
  };

  std::mutex mu;
  std::condition_variable cv;
  std::deque<Item> committed;
  bool finished = false;
  std::atomic<bool> failed{false};
  const auto start = Clock::now();
  std::thread worker([&] {
    std::vector<siem::core::Event> events(batch);
    for (;;) {
      Item it{};
      {
        std::unique_lock lock(mu);
        cv.wait(lock, [&] { return !committed.empty() || finished; });
        if (committed.empty()) {
          return;
        }
        it = committed.front();
        committed.pop_front();
      }
      cv.notify_all();
      fill_events(events, it.n, it.done, it.first_seq);
      if (const auto st = store.put_events("bench", {events.data(), it.n}, it.first_seq + it.n - 1);
          !st) {
        std::fprintf(stderr, "%s\n", st.to_string().c_str());
        failed = true;
        return;
      }
    }
  });
  siem::core::BoundedQueue<siem::core::RawBatch> ready(8);
  std::thread source([&] {
    for (std::uint64_t made = 0; made < total && !failed;) {
      const std::size_t n = std::min<std::uint64_t>(batch, total - made);
      auto b = make_batch(made, n, raw_bytes);
      store.digest(b);
      made += n;
      if (!ready.push(std::move(b))) {
        return;
      }
    }
  });
  std::vector<Item> pending;
  std::uint64_t done = 0;
  while (done < total && !failed) {
    auto b = ready.pop(std::chrono::milliseconds(1000));
    if (!b) {
      continue;
    }
    const std::size_t n = b->records.size();
    const auto r = store.append(*b);
    if (!r) {
      std::fprintf(stderr, "%s\n", r.error().to_string().c_str());
      failed = true;
      break;
    }
    pending.push_back({r->first_seq, n, done});
    done += n;
    if (pending.size() == sync_batches || done == total) {
      if (const auto st = store.sync(); !st) {
        std::fprintf(stderr, "%s\n", st.to_string().c_str());
        failed = true;
        break;
      }
      std::unique_lock lock(mu);  // acknowledged: hand over, with back-pressure
      cv.wait(lock, [&] { return committed.size() < 4 * sync_batches; });
      committed.insert(committed.end(), pending.begin(), pending.end());
      pending.clear();
      cv.notify_all();
    }
  }
  {
    std::lock_guard lock(mu);
    finished = true;
  }
  cv.notify_all();
  ready.close();
  source.join();
  worker.join();
  return failed ? -1 : seconds_since(start);
}

}  // namespace

auto main(int argc, char** argv) -> int {
  if (argc < 3) {
    std::fprintf(stderr, "usage: store_bench DIR performance|compliance [RECORDS] [pipelined]\n");
    return 2;
  }
  const std::string dir = argv[1];
  const std::string profile = argv[2];
  const std::uint64_t total = argc > 3 ? std::strtoull(argv[3], nullptr, 10) : 1'000'000;
  const bool pipelined = argc > 4 && std::string_view{argv[4]} == "pipelined";
  constexpr std::size_t kBatch = 512;       // records per ledger batch (a source's batch)
  constexpr std::size_t kSyncBatches = 16;  // pipeline.sync_batches default
  siem::store::StoreOptions o;
  o.data_dir = dir;
  if (profile == "performance") {
    o.hash = siem::store::HashAlgorithm::sha256;
    o.encryption = siem::store::Cipher::aes_256_ctr;
  } else if (profile == "compliance") {
    o.hash = siem::store::HashAlgorithm::sm3;
    o.encryption = siem::store::Cipher::sm4_ctr;
  } else {
    std::fprintf(stderr, "profile must be performance or compliance\n");
    return 2;
  }
  std::filesystem::remove_all(dir);
  std::uint64_t raw_bytes = 0;
  double append_s = 0;
  double events_s = 0;
  {
    auto opened = siem::store::Store::open(o);
    if (!opened) {
      std::fprintf(stderr, "%s\n", opened.error().to_string().c_str());
      return 1;
    }
    auto& store = **opened;
    if (pipelined) {
      const double wall = run_pipelined(store, total, kBatch, kSyncBatches, raw_bytes);
      if (wall < 0) {
        return 1;
      }
      std::printf(
          "profile %s, pipelined (writer thread: append + group commit; worker thread: "
          "events built and stored): %llu records of %.0f B: raw + event %.0f records/s "
          "(%.2f s)\n",
          profile.c_str(), static_cast<unsigned long long>(total),
          static_cast<double>(raw_bytes) / static_cast<double>(total),
          static_cast<double>(total) / wall, wall);
    }
    std::vector<siem::core::Event> events(kBatch);
    const auto start = Clock::now();
    std::uint64_t done = 0;
    std::size_t unsynced = 0;
    while (!pipelined && done < total) {
      const std::size_t n = std::min<std::uint64_t>(kBatch, total - done);
      const auto b = make_batch(done, n, raw_bytes);
      const auto t0 = Clock::now();
      const auto r = store.append(b);
      if (!r) {
        std::fprintf(stderr, "%s\n", r.error().to_string().c_str());
        return 1;
      }
      if (++unsynced == kSyncBatches) {
        if (const auto st = store.sync(); !st) {
          std::fprintf(stderr, "%s\n", st.to_string().c_str());
          return 1;
        }
        unsynced = 0;
      }
      append_s += seconds_since(t0);
      fill_events(events, n, done, r->first_seq);
      const auto t1 = Clock::now();  // the events come from the normalizer: not timed here
      if (const auto st = store.put_events("bench", {events.data(), n}, r->first_seq + n - 1);
          !st) {
        std::fprintf(stderr, "%s\n", st.to_string().c_str());
        return 1;
      }
      events_s += seconds_since(t1);
      done += n;
    }
    if (const auto st = store.sync(); !st) {
      std::fprintf(stderr, "%s\n", st.to_string().c_str());
      return 1;
    }
    const double wall = seconds_since(start);
    if (!pipelined) {
      std::printf(
          "profile %s: %llu records of %.0f B: raw ledger %.0f records/s, raw + event %.0f "
          "records/s (%.2f s)\n",
          profile.c_str(), static_cast<unsigned long long>(total),
          static_cast<double>(raw_bytes) / static_cast<double>(total),
          static_cast<double>(total) / append_s, static_cast<double>(total) / (append_s + events_s),
          wall);
    }
  }
  o.read_only = false;
  auto reopened = siem::store::Store::open(o);
  if (!reopened) {
    std::fprintf(stderr, "%s\n", reopened.error().to_string().c_str());
    return 1;
  }
  const auto t = Clock::now();
  const auto reports = (*reopened)->verify("bench");
  const double verify_s = seconds_since(t);
  if (!reports || !reports->at(0).ok) {
    std::fprintf(stderr, "verify failed\n");
    return 1;
  }

  // Searches over the stored events: the first page of 100 (the first run after open, then
  // the median of 9 more), and the whole result when it is small.
  struct Search {
    const char* label;
    const char* field;
    const char* value;
  };

  for (const Search q : {Search{"user.name (1 in 5000)", "user.name", "u1234"},
                         Search{"rule.id (1 in 90)", "rule.id", "7"},
                         Search{"source.ip (1 in 50,200)", "source.ip", "10.17.2.17"},
                         Search{"source.ip in a /16 (1 in 200)", "source.ip", "10.42.0.0/16"},
                         Search{"host.name (1 in 7)", "host.name", "FGT-DC-3"}}) {
    siem::store::EventQuery eq;
    eq.engagement = "bench";
    eq.limit = 100;
    auto c = siem::store::EventCondition::parse(q.field, q.value);
    if (!c) {
      std::fprintf(stderr, "%s\n", c.error().to_string().c_str());
      return 1;
    }
    eq.where.push_back(*c);
    std::vector<double> ms;
    std::size_t hits = 0;
    for (int run = 0; run < 10; ++run) {
      const auto t0 = Clock::now();
      const auto page = (*reopened)->query_events(eq);
      ms.push_back(seconds_since(t0) * 1000);
      if (!page) {
        std::fprintf(stderr, "%s\n", page.error().to_string().c_str());
        return 1;
      }
      hits = page->items.size();
    }
    const double first = ms[0];
    std::sort(ms.begin() + 1, ms.end());
    std::printf("search %-32s first 100 hits: %zu events, %.2f ms first run, %.2f ms median\n",
                q.label, hits, first, ms[5]);
  }
  reopened->reset();
  const auto bytes = dir_bytes(std::filesystem::path(dir) / "engagements" / "bench");
  std::printf("verify %.0f records/s; on disk %.0f bytes per record (raw + event, %s)\n",
              static_cast<double>(total) / verify_s,
              static_cast<double>(bytes) / static_cast<double>(total),
              profile == "performance" ? "AES-256-CTR, zstd" : "SM4-CTR, zstd");
  return 0;
}
