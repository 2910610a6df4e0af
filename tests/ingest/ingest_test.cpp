#define BOOST_TEST_MODULE ingest
#include "siem/ingest/source.hpp"

#include "fingerprint.hpp"
#include "glob_source.hpp"
#include "temp_dir.hpp"
#include <arpa/inet.h>
#include <boost/test/unit_test.hpp>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <thread>

using namespace siem;  // NOLINT(google-build-using-namespace)
using namespace std::chrono_literals;

namespace {

core::ManualClock g_clock(1'700'000'000'000);

/// Pops batches until `n` records arrived or 5 s passed.
auto collect(ingest::BatchQueue& q, std::size_t n) -> std::vector<core::RawBatch> {
  std::vector<core::RawBatch> out;
  std::size_t got = 0;
  const auto deadline = std::chrono::steady_clock::now() + 5s;
  while (got < n && std::chrono::steady_clock::now() < deadline) {
    if (auto b = q.pop(50ms)) {
      got += b->records.size();
      out.push_back(std::move(*b));
    }
  }
  return out;
}

auto lines_of(const std::vector<core::RawBatch>& bs) -> std::vector<std::string> {
  std::vector<std::string> out;
  for (const auto& b : bs) {
    for (const auto& r : b.records) {
      out.push_back(r.bytes);
    }
  }
  return out;
}

auto file_options(const std::string& path, bool follow) -> ingest::SourceOptions {
  ingest::SourceOptions o;
  o.name = "f";
  o.type = "file";
  o.path = path;
  o.follow = follow;
  return o;
}

auto send_tcp(std::uint16_t port, std::string_view data) -> void {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  BOOST_REQUIRE(::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
  BOOST_REQUIRE(::send(fd, data.data(), data.size(), 0) == static_cast<ssize_t>(data.size()));
  ::close(fd);
}

auto send_udp(std::uint16_t port, std::string_view data) -> void {
  const int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::sendto(fd, data.data(), data.size(), 0, reinterpret_cast<sockaddr*>(&a), sizeof a);
  ::close(fd);
}

auto port_of(const ingest::Source& s) -> std::uint16_t {
  const auto addr = s.bound_address();
  return static_cast<std::uint16_t>(std::stoi(addr.substr(addr.rfind(':') + 1)));
}

}  // namespace

BOOST_AUTO_TEST_CASE(options_validation_names_the_key) {
  ingest::SourceOptions o;
  o.name = "x";
  o.type = "syslog";
  o.listen = "127.0.0.1:99999";
  BOOST_TEST(std::string{o.validate().message()}.find("sources[x].listen") != std::string::npos);
  o.type = "carrier-pigeon";
  BOOST_TEST(std::string{o.validate().message()}.find("sources[x].type") != std::string::npos);
  o = file_options("", true);
  BOOST_TEST(std::string{o.validate().message()}.find("sources[f].path") != std::string::npos);
  auto hp = ingest::parse_host_port("[::1]:514", "k");
  BOOST_REQUIRE(hp.has_value());
  BOOST_TEST(hp->first == "::1");
  BOOST_TEST(hp->second == 514);
  BOOST_TEST(!ingest::parse_host_port("nohost", "k").has_value());
}

BOOST_AUTO_TEST_CASE(file_read_once_with_positions_and_resume) {
  test::TempDir tmp;
  const std::string path = tmp.path() + "/a.log";
  std::ofstream(path) << "one\r\ntwo\n\nthree-no-newline";
  ingest::BatchQueue q(16);
  {
    auto src = ingest::make_source(file_options(path, false), g_clock);
    BOOST_REQUIRE(src.has_value());
    BOOST_REQUIRE((*src)->start(q, "").is_ok());
    auto got = lines_of(collect(q, 4));
    BOOST_TEST((got == std::vector<std::string>{"one", "two", "", "three-no-newline"}));
    for (int i = 0; i < 50 && !(*src)->finished(); ++i) {
      std::this_thread::sleep_for(10ms);
    }
    BOOST_TEST((*src)->finished());
    BOOST_TEST((*src)->counters().records.load() == 4U);
  }
  // Resume after "two\n" (offset 9): only the rest is read again.
  struct stat st {};
  ::stat(path.c_str(), &st);
  auto src = ingest::make_source(file_options(path, false), g_clock);
  BOOST_REQUIRE((*src)->start(q, std::to_string(st.st_ino) + ":9").is_ok());
  auto batches = collect(q, 2);
  BOOST_TEST((lines_of(batches) == std::vector<std::string>{"", "three-no-newline"}));
  BOOST_TEST(batches.back().durable_position);
  // The position carries the fingerprint of the 26 bytes read: a resume checks them.
  const int fd = ::open(path.c_str(), O_RDONLY);
  const auto fp = ingest::detail::Fingerprint::of(fd, 26);
  ::close(fd);
  BOOST_REQUIRE(fp.has_value());
  const std::string stored = batches.back().position;
  BOOST_TEST(stored == std::to_string(st.st_ino) + ":26:" + fp->encode());
  // A position for another inode (the file was replaced) starts from the beginning.
  auto again = ingest::make_source(file_options(path, false), g_clock);
  BOOST_REQUIRE((*again)->start(q, "1:9").is_ok());
  BOOST_TEST(lines_of(collect(q, 4)).size() == 4U);
  again->reset();
  // The same inode written again from the start while stopped (copytruncate during
  // downtime, or a reused inode), now longer than the stored offset: the stored fingerprint
  // no longer matches, so every line is new. Before fingerprints, the first 26 bytes were
  // skipped.
  std::ofstream(path, std::ios::trunc) << "NEW-1 a longer first line\nNEW-2\nNEW-3\n";
  ::stat(path.c_str(), &st);
  BOOST_REQUIRE(stored.starts_with(std::to_string(st.st_ino) + ":"));
  auto rewritten = ingest::make_source(file_options(path, false), g_clock);
  BOOST_REQUIRE((*rewritten)->start(q, stored).is_ok());
  BOOST_TEST((lines_of(collect(q, 3))
              == std::vector<std::string>{"NEW-1 a longer first line", "NEW-2", "NEW-3"}));
  rewritten->reset();
  // The unchanged file under the same position resumes after it.
  std::ofstream(path, std::ios::trunc) << "one\r\ntwo\n\nthree-no-newline\nfour\n";
  auto same = ingest::make_source(file_options(path, false), g_clock);
  BOOST_REQUIRE((*same)->start(q, stored).is_ok());
  BOOST_TEST((lines_of(collect(q, 2)) == std::vector<std::string>{"", "four"}));
  BOOST_TEST((ingest::detail::Fingerprint::decode(fp->encode()) == fp));
  BOOST_TEST(!ingest::detail::Fingerprint::decode("26-12").has_value());
  BOOST_TEST(!ingest::detail::Fingerprint::decode("2000-0123456789abcdef").has_value());
}

BOOST_AUTO_TEST_CASE(file_tail_follows_growth_and_rotation) {
  test::TempDir tmp;
  const std::string path = tmp.path() + "/t.log";
  std::ofstream(path) << "first\n";
  ingest::BatchQueue q(16);
  auto src = ingest::make_source(file_options(path, true), g_clock);
  BOOST_REQUIRE((*src)->start(q, "").is_ok());
  BOOST_TEST((lines_of(collect(q, 1)) == std::vector<std::string>{"first"}));
  std::ofstream(path, std::ios::app) << "second\npart";
  BOOST_TEST((lines_of(collect(q, 1)) == std::vector<std::string>{"second"}));
  std::ofstream(path, std::ios::app) << "ial\n";
  BOOST_TEST((lines_of(collect(q, 1)) == std::vector<std::string>{"partial"}));
  std::rename(path.c_str(), (path + ".1").c_str());
  std::ofstream(path) << "after-rotation\n";
  BOOST_TEST((lines_of(collect(q, 1)) == std::vector<std::string>{"after-rotation"}));
  (*src)->stop();
}

BOOST_AUTO_TEST_CASE(oversize_lines_are_cut_and_counted) {
  test::TempDir tmp;
  const std::string path = tmp.path() + "/big.log";
  std::ofstream(path) << std::string(300, 'x') << "\nok\n";
  auto o = file_options(path, false);
  o.max_message_bytes = 100;
  ingest::BatchQueue q(16);
  auto src = ingest::make_source(o, g_clock);
  BOOST_REQUIRE((*src)->start(q, "").is_ok());
  auto got = lines_of(collect(q, 2));
  BOOST_REQUIRE(got.size() == 2U);
  BOOST_TEST(got[0] == std::string(100, 'x'));
  BOOST_TEST(got[1] == "ok");
  BOOST_TEST((*src)->counters().oversize.load() == 1U);
}

BOOST_AUTO_TEST_CASE(syslog_tcp_lf_octet_counting_and_udp) {
  ingest::SourceOptions o;
  o.name = "sys";
  o.type = "syslog";
  o.listen = "127.0.0.1:0";
  ingest::BatchQueue q(16);
  auto src = ingest::make_source(o, g_clock);
  BOOST_REQUIRE(src.has_value());
  BOOST_REQUIRE((*src)->start(q, "").is_ok());
  const auto port = port_of(**src);
  BOOST_TEST(port != 0);
  // LF framing, octet counting (with an embedded newline) and a final unterminated message.
  send_tcp(port, "<13>lf one\n<13>lf two\n17 <13>octet\ncounted9 <13>third<13>unterminated");
  auto got = lines_of(collect(q, 5));
  BOOST_TEST((got == std::vector<std::string>{"<13>lf one", "<13>lf two", "<13>octet\ncounted",
                                              "<13>third", "<13>unterminated"}));
  send_udp(port, "<14>over udp\n");
  auto udp = collect(q, 1);
  BOOST_REQUIRE(!udp.empty());
  BOOST_TEST(udp[0].records[0].bytes == "<14>over udp");
  BOOST_TEST(udp[0].records[0].peer.starts_with("127.0.0.1:"));
  BOOST_TEST(udp[0].records[0].position.starts_with("udp://"));
  BOOST_TEST(!udp[0].durable_position);
  BOOST_TEST((*src)->counters().connections.load() == 1U);
  BOOST_TEST((*src)->counters().records.load() == 6U);
  const auto m = ingest::metrics_text({});
  BOOST_TEST(m.find("siem_source_received_records_total") != std::string::npos);
}

// While the pipeline holds the source back (a full queue), the kernel's UDP buffer fills and
// drops datagrams; the source reads the kernel's drop count (SO_RXQ_OVFL) and reports it.
BOOST_AUTO_TEST_CASE(udp_drops_in_the_kernel_are_counted) {
  ingest::SourceOptions o;
  o.name = "udp";
  o.type = "syslog";
  o.protocol = "udp";
  o.listen = "127.0.0.1:0";
  o.batch_records = 1;
  ingest::BatchQueue q(1);
  auto src = ingest::make_source(o, g_clock);
  BOOST_REQUIRE(src.has_value());
  BOOST_REQUIRE((*src)->start(q, "").is_ok());
  const auto port = port_of(**src);
  // The queue takes one batch, the source blocks on the second: the rest waits in the kernel.
  const std::string line(1000, 'u');
  const int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(port);
  to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  constexpr int kSent = 20000;  // 20 MB: more than the receive buffer the kernel allows
  for (int i = 0; i < kSent; ++i) {
    static_cast<void>(::sendto(fd, line.data(), line.size(), 0,
                               reinterpret_cast<const sockaddr*>(&to), sizeof to));
  }
  // Drain; datagrams queued after the drops carry the count, so a few more follow once the
  // buffer has room (as live traffic would).
  std::size_t got = 0;
  const auto deadline = std::chrono::steady_clock::now() + 60s;
  bool more_sent = false;
  while (std::chrono::steady_clock::now() < deadline) {
    if (auto b = q.pop(1000ms)) {  // generous: the source thread may wait for a busy CPU
      got += b->records.size();
    } else if (!more_sent) {
      for (int i = 0; i < 10; ++i) {
        static_cast<void>(::sendto(fd, line.data(), line.size(), 0,
                                   reinterpret_cast<const sockaddr*>(&to), sizeof to));
      }
      more_sent = true;
    } else {
      break;
    }
  }
  ::close(fd);
  const auto drops = (*src)->counters().udp_drops.load();
  BOOST_TEST_MESSAGE("received " << got << ", kernel drops " << drops);
  BOOST_TEST(got > 0U);
  BOOST_TEST(got < static_cast<std::size_t>(kSent));
  BOOST_TEST(drops > 0U);
  // Every datagram was either read or dropped.
  BOOST_TEST(got + drops == static_cast<std::size_t>(kSent + 10));
  std::vector<std::unique_ptr<ingest::Source>> sources;
  sources.push_back(std::move(src).value());
  BOOST_TEST(ingest::metrics_text(sources).find("siem_source_udp_drops_total{source=\"udp\"")
             != std::string::npos);
  sources.front()->stop();
}

BOOST_AUTO_TEST_CASE(full_queue_applies_back_pressure) {
  test::TempDir tmp;
  const std::string path = tmp.path() + "/bp.log";
  {
    std::ofstream f(path);
    for (int i = 0; i < 10000; ++i) {
      f << "line " << i << "\n";
    }
  }
  auto o = file_options(path, false);
  o.batch_records = 10;
  ingest::BatchQueue q(2);
  auto src = ingest::make_source(o, g_clock);
  BOOST_REQUIRE((*src)->start(q, "").is_ok());
  std::this_thread::sleep_for(200ms);
  // The reader is blocked on the full queue: at most queue + one batch in flight.
  BOOST_TEST(q.size() == 2U);
  BOOST_TEST((*src)->counters().records.load() <= 40U);
  BOOST_TEST(!(*src)->finished());
  auto all = lines_of(collect(q, 10000));
  BOOST_TEST(all.size() == 10000U);
  BOOST_TEST(all.back() == "line 9999");
}

namespace {

void write_file(const std::string& path, std::string_view text) {
  std::ofstream f(path, std::ios::binary | std::ios::app);
  f << text;
}

void write_gzip(const std::string& path, std::string_view text) {
  gzFile gz = gzopen(path.c_str(), "wb");
  BOOST_REQUIRE(gz != nullptr);
  BOOST_REQUIRE(gzwrite(gz, text.data(), static_cast<unsigned>(text.size()))
                == static_cast<int>(text.size()));
  gzclose(gz);
}

auto inode_of(const std::string& path) -> std::uint64_t {
  struct stat st {};

  BOOST_REQUIRE(::stat(path.c_str(), &st) == 0);
  return st.st_ino;
}

auto sorted(std::vector<std::string> v) -> std::vector<std::string> {
  std::sort(v.begin(), v.end());
  return v;
}

}  // namespace

// A glob reads every file it matches (a gzip file through zlib), one position covering them
// all; read once it finishes; restarted from a stored position it reads only what is after it.
BOOST_AUTO_TEST_CASE(glob_reads_every_match_gzip_once_and_resumes) {
  test::TempDir tmp;
  const std::string dir = tmp.path();
  write_file(dir + "/a.log", "a1\na2\na3\n");
  write_file(dir + "/b.log", "b1\nb2\nb3-unterminated");
  write_gzip(dir + "/c.log.gz", "c1\nc2\r\nc3\nc4\n");
  write_file(dir + "/d.txt", "not matched\n");
  const std::vector<std::string> all{"a1", "a2", "a3", "b1", "b2", "b3-unterminated",
                                     "c1", "c2", "c3", "c4"};
  auto o = file_options(dir + "/*.log*", false);
  o.batch_records = 2;
  std::string last_position;
  {
    ingest::BatchQueue q(64);
    auto src = ingest::make_source(o, g_clock);
    BOOST_REQUIRE(src.has_value());
    BOOST_REQUIRE((*src)->start(q, "").is_ok());
    auto batches = collect(q, all.size());
    BOOST_TEST(sorted(lines_of(batches)) == all, boost::test_tools::per_element());
    const auto deadline = std::chrono::steady_clock::now() + 5s;
    while (!(*src)->finished() && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(20ms);
    }
    BOOST_TEST((*src)->finished());
    // A file that ends sends its state even without records (a position-only batch).
    while (auto b = q.pop(10ms)) {
      BOOST_TEST(b->records.empty());
      batches.push_back(std::move(*b));
    }
    for (const auto& b : batches) {
      BOOST_TEST(b.durable_position);
      BOOST_TEST(b.position.starts_with("glob;"));
      if (b.records.empty()) {
        continue;
      }
      // Each batch holds lines of one file.
      const auto inode = b.records.front().position.substr(0, b.records.front().position.find(':'));
      for (const auto& r : b.records) {
        BOOST_TEST(r.position.starts_with(inode + ":"));
      }
    }
    last_position = batches.back().position;
  }
  const auto decoded = ingest::detail::GlobSource::decode_position(last_position);
  BOOST_REQUIRE(decoded.has_value());
  BOOST_TEST(decoded->at(inode_of(dir + "/c.log.gz")).offset == ingest::detail::GlobSource::kDone);
  BOOST_TEST(decoded->at(inode_of(dir + "/a.log")).offset == 9U);
  BOOST_TEST(decoded->at(inode_of(dir + "/b.log")).offset == 21U);  // the unterminated line too
  BOOST_TEST(decoded->at(inode_of(dir + "/a.log")).fp.length == 9U);
  BOOST_TEST(decoded->at(inode_of(dir + "/b.log")).fp.length == 21U);
  BOOST_TEST(ingest::detail::GlobSource::encode_position(*decoded) == last_position);
  BOOST_TEST(!ingest::detail::GlobSource::decode_position("123:45").has_value());
  BOOST_TEST(!ingest::detail::GlobSource::decode_position("glob;x:1").has_value());

  // From the final position: nothing again. From a position after a1 and inside the gzip
  // file (after c2): the rest only.
  auto rerun = [&](const std::string& position) {
    ingest::BatchQueue q(64);
    auto src = ingest::make_source(o, g_clock);
    BOOST_REQUIRE((*src)->start(q, position).is_ok());
    const auto deadline = std::chrono::steady_clock::now() + 5s;
    while (!(*src)->finished() && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(20ms);
    }
    BOOST_TEST((*src)->finished());
    std::vector<core::RawBatch> got;
    while (auto b = q.pop(10ms)) {
      got.push_back(std::move(*b));
    }
    return sorted(lines_of(got));
  };
  BOOST_TEST(rerun(last_position).empty());
  const std::string middle = "glob;" + std::to_string(inode_of(dir + "/a.log")) + ":3;"
                             + std::to_string(inode_of(dir + "/c.log.gz")) + ":7";
  BOOST_TEST(
      rerun(middle)
          == (std::vector<std::string>{"a2", "a3", "b1", "b2", "b3-unterminated", "c3", "c4"}),
      boost::test_tools::per_element());
  // a.log written again from the start under its inode, and c.log.gz replaced by another
  // gzip file that got the inode of the old one (simulated by rewriting it in place): the
  // final position's fingerprints no longer match, so both are read from the beginning.
  std::filesystem::resize_file(dir + "/a.log", 0);
  write_file(dir + "/a.log", "A1 rewritten\nA2 rewritten\n");
  {
    std::ofstream(dir + "/c.log.gz", std::ios::trunc).flush();
    write_gzip(dir + "/c.log.gz", "C1 another archive\n");
  }
  BOOST_TEST(
      rerun(last_position)
          == (std::vector<std::string>{"A1 rewritten", "A2 rewritten", "C1 another archive"}),
      boost::test_tools::per_element());
}

// Following a glob: growth of a matched file, a new file that starts to match, and a gzip
// file that appears are all read; a file renamed out of the pattern is read to its end.
BOOST_AUTO_TEST_CASE(glob_follows_growth_new_files_and_rotation) {
  test::TempDir tmp;
  const std::string dir = tmp.path();
  write_file(dir + "/app.log", "first\n");
  auto o = file_options(dir + "/*.log*", true);
  ingest::BatchQueue q(64);
  auto src = ingest::make_source(o, g_clock);
  BOOST_REQUIRE((*src)->start(q, "").is_ok());
  BOOST_TEST(lines_of(collect(q, 1)) == std::vector<std::string>{"first"});
  write_file(dir + "/app.log", "grown\n");
  BOOST_TEST(lines_of(collect(q, 1)) == std::vector<std::string>{"grown"});
  // Rotation: app.log renamed away (out of the pattern) after one more line, a new app.log.
  write_file(dir + "/app.log", "last of the old file\n");
  std::filesystem::rename(dir + "/app.log", dir + "/app.old");
  write_file(dir + "/app.log", "new file\n");
  write_gzip(dir + "/archive.log.gz", "from gzip\n");
  BOOST_TEST(sorted(lines_of(collect(q, 3)))
                 == (std::vector<std::string>{"from gzip", "last of the old file", "new file"}),
             boost::test_tools::per_element());
  BOOST_TEST(lines_of(collect(q, 1)).empty());  // nothing read twice
  (*src)->stop();
}

// A gzip file picked up while still being written (its stream ends early) is read again from
// its last complete line once it is whole: every line once.
BOOST_AUTO_TEST_CASE(glob_rereads_a_gzip_file_still_being_written) {
  test::TempDir tmp;
  const std::string dir = tmp.path();
  std::string text;
  for (int i = 0; i < 3000; ++i) {
    text += "gz line " + std::to_string(i) + " "
            + std::string(static_cast<std::size_t>(i % 37), 'z') + "\n";
  }
  write_gzip(dir + "/whole.gz.tmp", text);
  std::string bytes;
  {
    std::ifstream f(dir + "/whole.gz.tmp", std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(f), {});
  }
  const std::size_t cut = bytes.size() * 6 / 10;
  write_file(dir + "/rotated.log.gz", std::string_view(bytes).substr(0, cut));
  auto o = file_options(dir + "/*.log.gz", true);
  ingest::BatchQueue q(64);
  auto src = ingest::make_source(o, g_clock);
  BOOST_REQUIRE((*src)->start(q, "").is_ok());
  std::this_thread::sleep_for(1500ms);
  write_file(dir + "/rotated.log.gz", std::string_view(bytes).substr(cut));  // same inode
  auto got = lines_of(collect(q, 3000));
  std::vector<std::string> want;
  for (int i = 0; i < 3000; ++i) {
    want.push_back("gz line " + std::to_string(i) + " "
                   + std::string(static_cast<std::size_t>(i % 37), 'z'));
  }
  BOOST_TEST(got.size() == want.size());
  BOOST_TEST(got == want);
  BOOST_TEST(lines_of(collect(q, 1)).empty());
  (*src)->stop();
}
