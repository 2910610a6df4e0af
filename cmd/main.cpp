// siem: the command-line interface and daemon. The only place that wires modules together.

#include "siem/api/accounts.hpp"
#include "siem/core/json.hpp"
#include "siem/core/time.hpp"
#include "siem/correlate/correlator.hpp"
#include "siem/ingest/parse_counters.hpp"
#include "siem/parsers/normalizer.hpp"
#include "siem/parsers/transcoder.hpp"
#include "siem/store/store.hpp"

#include "args.hpp"
#include "config.hpp"
#include "daemon.hpp"
#include <dlfcn.h>
#include <pwd.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <type_traits>
#include <vector>

namespace siem::cmd {
namespace {

constexpr const char* kVersion = "0.1.0";

constexpr const char* kUsage = R"(siem - log integration and incident recording engine

usage: siem <command> [options]

commands:
  run          start the engine (sources -> ledger -> normalize -> correlate -> API)
  normalize    normalize log lines to ECS JSON, one object per input line
  replay       run correlation rules over log files, print alerts and incidents (NDJSON)
  rules check  compile rule files and report each rule's status
  formats      list the log formats the normalizer knows
  raw          export the stored raw records (evidence), one JSON object per line
  events       search stored events by field, network, prefix and time, newest first
  stats        counts of what the store holds (JSON)
  verify       walk every engagement's hash chain; name the first broken record
  backup       back the store up (encrypted, incremental; engine stopped)
  restore      restore the latest backup into an empty data directory
  purge        destroy an engagement's key and data; write a signed certificate
  hold         put an engagement on legal hold (nothing expires) or release it
  user add     create a real-name account (engine stopped)
  version      versions, the active simdjson kernel and the malloc in use

'siem <command> --help' describes a command.
)";

void print(const char* text) { std::fputs(text, stdout); }

auto usage_error(const std::string& cmd, const std::string& msg) -> int {
  std::fprintf(stderr, "siem %s: %s (see 'siem %s --help')\n", cmd.c_str(), msg.c_str(),
               cmd.c_str());
  return 2;
}

// Who runs a CLI command that changes the store, for its audit entry: the operating-system
// account (the CLI has no login of its own).
auto os_user() -> std::string {
  if (const passwd* pw = ::getpwuid(::geteuid()); pw != nullptr && pw->pw_name != nullptr) {
    return std::string{"os:"} + pw->pw_name;
  }
  return "os:uid" + std::to_string(::geteuid());
}

auto open_store(const std::string& data, bool read_only) -> core::Result<std::unique_ptr<store::Store>> {
  store::StoreOptions o;
  o.data_dir = data;
  o.read_only = read_only;
  return store::Store::open(o);
}

// Calls fn(line) or, when fn takes it, fn(line, readable_after), with one trailing '\r'
// stripped from the line. `readable_after`: the bytes after `line` that may be read
// (ParseContext::readable_after).
template <class Fn>
void call_with_line(Fn& fn, std::string_view line, std::size_t readable_after) {
  if (!line.empty() && line.back() == '\r') {
    line.remove_suffix(1);
    ++readable_after;
  }
  if constexpr (std::is_invocable_v<Fn, std::string_view, std::size_t>) {
    fn(line, readable_after);
  } else {
    fn(line);
  }
}

// Reads lines ('\n'-separated; a last line without newline counts) and calls fn for each
// (call_with_line).
template <class Fn>
auto for_each_line(std::FILE* f, Fn&& fn) -> void {
  constexpr std::size_t kChunk = 1U << 20U;
  constexpr std::size_t kPadding = 64;  // past the last byte read, so every line has >= 64
  std::string buf(kChunk + kPadding, '\0');
  std::string pending;
  bool have_pending = false;
  while (true) {
    const std::size_t n = std::fread(buf.data(), 1, kChunk, f);
    if (n == 0) {
      break;
    }
    std::string_view chunk(buf.data(), n);
    while (!chunk.empty()) {
      const auto nl = chunk.find('\n');
      if (nl == std::string_view::npos) {
        pending.append(chunk);
        have_pending = true;
        break;
      }
      if (have_pending) {
        pending.append(chunk.substr(0, nl));
        call_with_line(fn, pending, 0);
      } else {
        call_with_line(fn, chunk.substr(0, nl),
                       buf.size() - nl - static_cast<std::size_t>(chunk.data() - buf.data()));
      }
      pending.clear();
      have_pending = false;
      chunk.remove_prefix(nl + 1);
    }
  }
  if (have_pending) {
    call_with_line(fn, pending, 0);
  }
}

// The file for_each_mapped_line is reading: a SIGBUS there means the file shrank under the
// mapping (truncated while being read), which ends the command with that message.
const char* g_mapped_path = nullptr;

extern "C" void on_mapped_file_sigbus(int /*sig*/) {
  constexpr std::string_view kMsg = "siem: input file shrank while being read: ";
  (void)!::write(STDERR_FILENO, kMsg.data(), kMsg.size());
  if (g_mapped_path != nullptr) {
    (void)!::write(STDERR_FILENO, g_mapped_path, std::strlen(g_mapped_path));
  }
  (void)!::write(STDERR_FILENO, "\n", 1);
  ::_exit(1);
}

// for_each_line over a regular file mapped into memory: lines are views into the page cache,
// so the kernel does not copy the file into a buffer first (5-7 % of `siem normalize`'s
// wall time on 1 M EVE or FortiGate lines). Returns false, having read nothing, when the file
// cannot be mapped (not a regular file, empty, or mmap refused); the caller then reads it.
template <class Fn>
auto for_each_mapped_line(const std::string& path, std::FILE* f, Fn&& fn) -> bool {
  struct stat st = {};
  if (::fstat(::fileno(f), &st) != 0 || !S_ISREG(st.st_mode) || st.st_size <= 0) {
    return false;
  }
  const auto size = static_cast<std::size_t>(st.st_size);
  void* map = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, ::fileno(f), 0);
  if (map == MAP_FAILED) {
    return false;
  }
  ::madvise(map, size, MADV_SEQUENTIAL);
  g_mapped_path = path.c_str();

  struct sigaction sa = {};
  struct sigaction old = {};
  sa.sa_handler = on_mapped_file_sigbus;
  ::sigaction(SIGBUS, &sa, &old);
  // Bytes past the file's end up to the end of its last page read as zeros.
  const auto page = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
  const std::size_t mapped = (size + page - 1) / page * page;
  const char* base = static_cast<const char*>(map);
  std::size_t pos = 0;
  while (pos < size) {
    const auto* nl = static_cast<const char*>(std::memchr(base + pos, '\n', size - pos));
    const std::size_t end = nl != nullptr ? static_cast<std::size_t>(nl - base) : size;
    call_with_line(fn, std::string_view(base + pos, end - pos), mapped - end);
    pos = end + 1;
  }
  ::sigaction(SIGBUS, &old, nullptr);
  g_mapped_path = nullptr;
  ::munmap(map, size);
  return true;
}

template <class Fn>
auto for_each_input_line(const std::vector<std::string>& files, Fn&& fn) -> int {
  std::vector<std::string> inputs = files;
  if (inputs.empty()) {
    inputs.emplace_back("-");
  }
  for (const auto& path : inputs) {
    std::FILE* f = path == "-" ? stdin : std::fopen(path.c_str(), "rb");
    if (f == nullptr) {
      std::fprintf(stderr, "siem: cannot open %s\n", path.c_str());
      return 1;
    }
    if (f == stdin || !for_each_mapped_line(path, f, fn)) {
      for_each_line(f, fn);
    }
    if (f != stdin) {
      std::fclose(f);
    }
  }
  return 0;
}

// --- run ------------------------------------------------------------------------------------

auto cmd_run(const std::vector<std::string>& argv) -> int {
  Args a(argv, {"--config", "--data", "--api", "--syslog", "--samples", "--engagement"},
         {"--demo", "--once"});
  if (a.has("--help")) {
    print(R"(usage: siem run [--config FILE] [--data DIR] [--api HOST:PORT] [--syslog HOST:PORT|off]
                [--engagement NAME] [--demo [--samples DIR]] [--once]

Starts the engine: sources -> raw ledger (fsynced) -> normalize -> correlate -> incidents,
with the HTTP API. Built-in defaults < config file < these flags.

  --config FILE      YAML configuration (see README: every key, with its default)
  --data DIR         data directory (default ./var/siem)
  --api HOST:PORT    API listen address (default 127.0.0.1:8080)
  --syslog HOST:PORT listen address of the built-in syslog source (UDP+TCP, default
                     127.0.0.1:5514); 'off' disables it. With a config file that has
                     'sources:', adds a source named 'syslog' unless one exists.
  --engagement NAME  engagement for sources that name none (default 'default')
  --demo             also ingest the bundled sample logs (samples/*.log) once
  --samples DIR      where the sample logs are (default: samples/ beside the binary's folder)
  --once             exit when every file/stdin source has been read and stored (files are
                     read to their end, not followed; other sources do not hold it up)
)");
    return 0;
  }
  if (!a.error().empty()) {
    return usage_error("run", a.error());
  }
  Config config = default_config();
  if (auto path = a.get("--config")) {
    if (auto st = load_config(*path, config); !st) {
      std::fprintf(stderr, "siem: %s\n", st.to_string().c_str());
      return 2;
    }
  }
  if (auto v = a.get("--data")) {
    config.data = *v;
  }
  if (auto v = a.get("--api")) {
    config.api.listen = *v;
  }
  if (auto v = a.get("--engagement")) {
    config.engagement = *v;
  }
  if (!config.sources_from_file) {
    for (auto& s : config.sources) {
      s.engagement = config.engagement;
    }
  }
  if (auto v = a.get("--syslog")) {
    auto it = std::find_if(config.sources.begin(), config.sources.end(),
                           [](const auto& s) { return s.name == "syslog"; });
    if (*v == "off") {
      if (it != config.sources.end()) {
        config.sources.erase(it);
      }
    } else if (it != config.sources.end()) {
      it->listen = *v;
    } else {
      ingest::SourceOptions s;
      s.name = "syslog";
      s.type = "syslog";
      s.listen = *v;
      s.engagement = config.engagement;
      config.sources.push_back(s);
    }
  }
  RunFlags flags;
  flags.demo = a.has("--demo");
  flags.once = a.has("--once");
  flags.samples_dir = a.get_or("--samples", "");
  return run_daemon(std::move(config), flags);
}

// --- normalize ------------------------------------------------------------------------------

// The --stats summary: lines and rate, then the counts, largest first.
void print_normalize_stats(const ingest::ParseCounters& counters, std::uint64_t lines,
                           std::uint64_t invalid_utf8, double seconds) {
  auto counts = counters.counts(0);
  std::stable_sort(counts.begin(), counts.end(),
                   [](const auto& x, const auto& y) { return x.n > y.n; });
  std::uint64_t unparsed = 0;
  for (const auto& c : counts) {
    unparsed += c.unparsed ? c.n : 0;
  }
  std::fprintf(stderr, "siem normalize: %s lines in %.2f s (%s lines/s), %s parsed, %s unparsed\n",
               with_commas(lines).c_str(), seconds,
               with_commas(seconds > 0 ? static_cast<std::uint64_t>(lines / seconds) : 0).c_str(),
               with_commas(lines - unparsed).c_str(), with_commas(unparsed).c_str());
  for (const auto& c : counts) {
    std::fprintf(stderr, "  %-8s %14s  %.*s\n", c.unparsed ? "unparsed" : "parsed",
                 with_commas(c.n).c_str(), static_cast<int>(c.label.size()), c.label.data());
  }
  if (invalid_utf8 > 0) {
    std::fprintf(stderr, "  %s lines held invalid UTF-8 (siem.encoding_errors)\n",
                 with_commas(invalid_utf8).c_str());
  }
}

auto cmd_normalize(const std::vector<std::string>& argv) -> int {
  Args a(argv, {"--format", "--timezone", "--encoding"}, {"--stats"});
  if (a.has("--help")) {
    print(R"(usage: siem normalize [--format NAME|auto] [--timezone TZ] [--encoding ENC] [--stats]
                      [FILE...]

Prints exactly one JSON object (ECS fields as nested objects) per input line, in order.
Lines no parser understands become event.kind "unparsed" events keeping the original text.
No FILE, or '-', reads standard input. --timezone (UTC, +08:00, ...) applies to timestamps
without a zone (default UTC). --encoding (utf-8, gbk, gb18030; default utf-8) is the input's
character set: other sets are converted to UTF-8 before parsing, invalid bytes become U+FFFD.
--stats prints to stderr, at the end, the lines read, the time taken, how many lines
became events of each event.dataset, how many stayed unparsed for each reason, and how many
held invalid UTF-8.
'siem formats' lists the format names.
)");
    return 0;
  }
  if (!a.error().empty()) {
    return usage_error("normalize", a.error());
  }
  auto n = parsers::Normalizer::create(a.get_or("--format", "auto"));
  if (!n) {
    return usage_error("normalize", std::string{n.error().message()});
  }
  int tz = 0;
  if (auto v = a.get("--timezone")) {
    auto r = parse_tz_offset(*v, "--timezone");
    if (!r) {
      return usage_error("normalize", std::string{r.error().message()});
    }
    tz = *r;
  }
  auto transcoder = parsers::Transcoder::create(a.get_or("--encoding", "utf-8"));
  if (!transcoder) {
    return usage_error("normalize", std::string{transcoder.error().message()});
  }
  const auto& clock = core::SystemClock::instance();
  core::Event ev;
  std::string out;
  std::string utf8;
  out.reserve(1U << 20U);
  parsers::ParseContext ctx{clock.now_ms(), tz};
  const bool stats = a.has("--stats");
  ingest::ParseCounters counters({{"normalize", std::string{(*n)->format()}}});
  std::uint64_t lines = 0;
  std::uint64_t invalid_utf8 = 0;
  const auto started = std::chrono::steady_clock::now();
  const int rc =
      for_each_input_line(a.positionals(), [&](std::string_view line, std::size_t readable_after) {
        // The receive time of each line, from the coarse clock (a few ms of resolution; a
        // load from the vDSO page rather than a clock read).
        timespec ts{};
        clock_gettime(CLOCK_REALTIME_COARSE, &ts);
        ctx.received_at = static_cast<core::TimeMs>(ts.tv_sec) * 1000 + ts.tv_nsec / 1'000'000;
        ctx.readable_after = readable_after;
        if (!(*transcoder)->is_identity()) {
          (*transcoder)->to_utf8(line, utf8);
          line = utf8;
          ctx.readable_after = 0;
        }
        (*n)->normalize(line, ctx, ev);
        if (stats) {
          ++lines;
          counters.count(0, ev);
          invalid_utf8 += ev.has("siem.encoding_errors") ? 1 : 0;
        }
        ev.append_json(out);
        out.push_back('\n');
        if (out.size() > (1U << 20U)) {
          std::fwrite(out.data(), 1, out.size(), stdout);
          out.clear();
        }
      });
  std::fwrite(out.data(), 1, out.size(), stdout);
  if (stats) {
    std::fflush(stdout);
    print_normalize_stats(
        counters, lines, invalid_utf8,
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
  }
  return rc;
}

// --- replay ---------------------------------------------------------------------------------

auto cmd_replay(const std::vector<std::string>& argv) -> int {
  Args a(argv, {"--rules", "--format", "--timezone", "--engagement"}, {});
  if (a.has("--help")) {
    print(R"(usage: siem replay --rules PATH|builtin [--format NAME|auto] [--timezone TZ] FILE...

Normalizes the files' lines and runs the rules over them in order, with the clock following
event time, so the output is deterministic. Prints NDJSON: {"type":"alert",...} lines as
alerts are raised, then one {"type":"incident",...} line per incident (its last version).
Events are referenced as "<engagement>:<line number>" (engagement default "replay").
)");
    return 0;
  }
  if (!a.error().empty()) {
    return usage_error("replay", a.error());
  }
  const auto rules_path = a.get("--rules");
  if (!rules_path) {
    return usage_error("replay", "--rules PATH is required ('builtin' for the built-in pack)");
  }
  correlate::RuleSet rules = correlate::builtin_rules();
  if (*rules_path != "builtin") {
    auto r = correlate::load_rules(*rules_path);
    if (!r) {
      std::fprintf(stderr, "siem replay: %s\n", r.error().to_string().c_str());
      return 2;
    }
    rules = std::move(r).value();
  }
  auto n = parsers::Normalizer::create(a.get_or("--format", "auto"));
  if (!n) {
    return usage_error("replay", std::string{n.error().message()});
  }
  int tz = 0;
  if (auto v = a.get("--timezone")) {
    auto r = parse_tz_offset(*v, "--timezone");
    if (!r) {
      return usage_error("replay", std::string{r.error().message()});
    }
    tz = *r;
  }
  const std::string engagement = a.get_or("--engagement", "replay");
  core::ManualClock clock(0);
  correlate::Correlator corr(rules, clock);
  correlate::CorrelationOutput out;
  std::map<std::string, std::string> incidents;  // id -> last version JSON
  std::vector<std::string> order;
  std::vector<core::Event> one(1);
  std::uint64_t line_no = 0;
  const int rc = for_each_input_line(a.positionals(), [&](std::string_view line) {
    ++line_no;
    auto& ev = one[0];
    (*n)->normalize(line, {clock.now_ms(), tz}, ev);
    if (ev.timestamp && *ev.timestamp > clock.now_ms()) {
      clock.set(*ev.timestamp);
    }
    ev.ref = core::make_ref(engagement, line_no);
    out.clear();
    corr.process_batch(engagement, one, out);
    for (const auto& al : out.alerts) {
      std::printf("%s\n", al.to_json().c_str());
    }
    for (const auto& inc : out.incidents) {
      if (!incidents.contains(inc.id)) {
        order.push_back(inc.id);
      }
      incidents[inc.id] = inc.to_json();
    }
  });
  for (const auto& id : order) {
    const auto& j = incidents[id];
    std::printf("{\"type\":\"incident\",%s\n", j.substr(1).c_str());
  }
  return rc;
}

// --- rules check ----------------------------------------------------------------------------

auto cmd_rules(const std::vector<std::string>& argv) -> int {
  if (argv.empty() || argv[0] != "check") {
    if (!argv.empty() && (argv[0] == "--help" || argv[0] == "-h")) {
      print("usage: siem rules check PATH\n");
      return 0;
    }
    return usage_error("rules", "expected 'siem rules check PATH'");
  }
  Args a(std::vector<std::string>(argv.begin() + 1, argv.end()), {}, {});
  if (a.has("--help")) {
    print(R"(usage: siem rules check PATH

Loads a rule file or a directory of *.yml/*.yaml rule files and prints one line per rule:
  <status> <id> <file>: <message>
status is compiled, unsupported (understood but not yet executable, e.g. Sigma rules) or
error. The last line is 'N compiled, M unsupported, K errors'. Exit code 1 when K > 0.
)");
    return 0;
  }
  if (!a.error().empty() || a.positionals().size() != 1) {
    return usage_error("rules check", a.error().empty() ? "expected one PATH" : a.error());
  }
  const auto report = correlate::check_rules(a.positionals()[0]);
  for (const auto& e : report.entries) {
    std::printf("%-11s %s %s%s%s\n", e.status.c_str(), e.id.empty() ? "-" : e.id.c_str(),
                e.file.c_str(), e.message.empty() ? "" : ": ", e.message.c_str());
  }
  std::printf("%zu compiled, %zu unsupported, %zu errors\n", report.compiled, report.unsupported,
              report.errors);
  return report.errors > 0 ? 1 : 0;
}

// --- formats --------------------------------------------------------------------------------

auto cmd_formats(const std::vector<std::string>& argv) -> int {
  Args a(argv, {}, {});
  if (a.has("--help")) {
    print("usage: siem formats\n\nLists each format: name, status, how it is detected, an example line.\n");
    return 0;
  }
  if (!a.error().empty()) {
    return usage_error("formats", a.error());
  }
  for (const auto& f : parsers::formats()) {
    std::printf("%s [%s]\n  %s\n  detected by: %s\n  example: %s\n\n", f.name.c_str(),
                f.status.c_str(), f.description.c_str(), f.detection.c_str(), f.example.c_str());
  }
  return 0;
}

// --- raw / stats / verify -------------------------------------------------------------------

auto cmd_raw(const std::vector<std::string>& argv) -> int {
  Args a(argv, {"--data", "--engagement", "--from", "--limit"}, {});
  if (a.has("--help")) {
    print(R"(usage: siem raw --data DIR [--engagement E] [--from SEQ] [--limit N]

Exports stored raw records, one JSON object per line, in ledger order: seq, ref, engagement,
source, position, received_at, hash (chain hash), raw (the record as received). Without
--engagement, every engagement in turn. Safe beside a running engine.
)");
    return 0;
  }
  if (!a.error().empty()) {
    return usage_error("raw", a.error());
  }
  auto st = open_store(a.get_or("--data", "./var/siem"), true);
  if (!st) {
    std::fprintf(stderr, "siem raw: %s\n", st.error().to_string().c_str());
    return 1;
  }
  std::uint64_t from = 1;
  std::uint64_t limit = UINT64_MAX;
  try {
    from = std::stoull(a.get_or("--from", "1"));
    if (auto l = a.get("--limit")) {
      limit = std::stoull(*l);
    }
  } catch (const std::exception&) {
    return usage_error("raw", "--from and --limit take numbers");
  }
  std::vector<std::string> engs;
  if (auto e = a.get("--engagement")) {
    engs.push_back(*e);
  } else {
    engs = (*st)->engagements();
  }
  std::string out;
  std::uint64_t n = 0;
  for (const auto& eng : engs) {
    auto s = (*st)->scan_raw(eng, from, [&](const core::RawRecord& r) {
      out += r.to_json();
      out.push_back('\n');
      if (out.size() > (1U << 20U)) {
        std::fwrite(out.data(), 1, out.size(), stdout);
        out.clear();
      }
      return ++n < limit;
    });
    if (!s) {
      std::fwrite(out.data(), 1, out.size(), stdout);
      std::fprintf(stderr, "siem raw: %s\n", s.to_string().c_str());
      return 1;
    }
  }
  std::fwrite(out.data(), 1, out.size(), stdout);
  return 0;
}

auto cmd_events(const std::vector<std::string>& argv) -> int {
  Args a(argv, {"--data", "--engagement", "--from", "--to", "--limit", "--cursor"}, {});
  if (a.has("--help")) {
    print(R"(usage: siem events --data DIR [--engagement E] [--from TIME] [--to TIME]
                   [--limit N] [--cursor C] [FIELD=VALUE ...]

Searches an engagement's stored events (default engagement: default) and prints them newest
first, one JSON object per line. Every FIELD=VALUE condition must hold:
  source.ip=10.0.0.0/8     a network, for fields holding IP addresses (*.ip)
  user.name=adm*           a prefix, when the value ends in '*'
  event.action=logon       otherwise the exact value (any element of an array)
source.ip, destination.ip, user.name, host.name and rule.id are indexed; other fields are
checked on each event read, so a search on them alone reads every event (in the time range).
--from/--to (RFC 3339) select @timestamp in [from, to). --limit N stops after N events and
prints the cursor to continue with on standard error. Safe beside a running engine.
)");
    return 0;
  }
  if (!a.error().empty()) {
    return usage_error("events", a.error());
  }
  store::EventQuery q;
  q.engagement = a.get_or("--engagement", "default");
  q.cursor = a.get_or("--cursor", "");
  for (const char* opt : {"--from", "--to"}) {
    if (auto text = a.get(opt)) {
      const auto t = core::parse_rfc3339(*text);
      if (!t) {
        return usage_error(
            "events", std::string{opt} + " takes an RFC 3339 time such as 2026-11-27T08:00:00Z");
      }
      (std::string_view{opt} == "--from" ? q.from : q.to) = *t;
    }
  }
  std::uint64_t limit = UINT64_MAX;
  if (auto l = a.get("--limit")) {
    const auto* end = l->data() + l->size();
    if (std::from_chars(l->data(), end, limit).ptr != end || limit == 0) {
      return usage_error("events", "--limit takes a positive number");
    }
  }
  for (const auto& p : a.positionals()) {
    const auto eq = p.find('=');
    if (eq == std::string::npos || eq == 0) {
      return usage_error("events", "expected FIELD=VALUE, got '" + p + "'");
    }
    auto c = store::EventCondition::parse(std::string_view{p}.substr(0, eq),
                                          std::string_view{p}.substr(eq + 1));
    if (!c) {
      return usage_error("events", std::string{c.error().message()});
    }
    q.where.push_back(std::move(c).value());
  }
  auto st = open_store(a.get_or("--data", "./var/siem"), true);
  if (!st) {
    std::fprintf(stderr, "siem events: %s\n", st.error().to_string().c_str());
    return 1;
  }
  std::uint64_t printed = 0;
  std::uint64_t examined = 0;
  std::string out;
  for (;;) {
    q.limit = static_cast<std::size_t>(std::min<std::uint64_t>(limit - printed, 1000));
    auto page = (*st)->query_events(q);
    if (!page) {
      std::fprintf(stderr, "siem events: %s\n", page.error().to_string().c_str());
      return 1;
    }
    examined += page->examined;
    for (const auto& item : page->items) {
      out += item;
      out.push_back('\n');
    }
    std::fwrite(out.data(), 1, out.size(), stdout);
    out.clear();
    printed += page->items.size();
    if (!page->next) {
      break;
    }
    q.cursor = *page->next;
    if (printed >= limit) {
      std::fprintf(stderr, "siem events: more events: continue with --cursor %s\n",
                   q.cursor.c_str());
      break;
    }
  }
  std::fflush(stdout);
  std::fprintf(stderr, "siem events: %llu events (%llu examined)\n",
               static_cast<unsigned long long>(printed), static_cast<unsigned long long>(examined));
  return 0;
}

auto cmd_stats(const std::vector<std::string>& argv) -> int {
  Args a(argv, {"--data"}, {});
  if (a.has("--help")) {
    print(R"(usage: siem stats --data DIR

Prints JSON: totals raw_records, events, unparsed, incidents, and the same per engagement
with its ledger head (last_seq), processing checkpoint and records per source.
)");
    return 0;
  }
  if (!a.error().empty()) {
    return usage_error("stats", a.error());
  }
  auto st = open_store(a.get_or("--data", "./var/siem"), true);
  if (!st) {
    std::fprintf(stderr, "siem stats: %s\n", st.error().to_string().c_str());
    return 1;
  }
  auto s = (*st)->stats();
  if (!s) {
    std::fprintf(stderr, "siem stats: %s\n", s.error().to_string().c_str());
    return 1;
  }
  core::JsonWriter w;
  auto counts = [&](const store::Counts& c) {
    w.field("raw_records", static_cast<std::int64_t>(c.raw_records));
    w.field("events", static_cast<std::int64_t>(c.events));
    w.field("unparsed", static_cast<std::int64_t>(c.unparsed));
    w.field("incidents", static_cast<std::int64_t>(c.incidents));
  };
  w.begin_object();
  counts(s->totals);
  w.key("engagements");
  w.begin_object();
  for (const auto& e : s->engagements) {
    w.key(e.engagement);
    w.begin_object();
    counts(e.counts);
    w.field("last_seq", static_cast<std::int64_t>(e.last_seq));
    w.field("processed_seq", static_cast<std::int64_t>(e.processed_seq));
    w.key("sources");
    w.begin_object();
    for (const auto& [name, n] : e.sources) {
      w.field(name, static_cast<std::int64_t>(n));
    }
    w.end_object();
    w.end_object();
  }
  w.end_object();
  w.end_object();
  std::printf("%s\n", w.str().c_str());
  return 0;
}

auto cmd_verify(const std::vector<std::string>& argv) -> int {
  Args a(argv, {"--data", "--engagement", "--anchor", "--certificate", "--signer"}, {});
  if (a.has("--help")) {
    print(R"(usage: siem verify --data DIR [--engagement E] [--anchor FILE]
       siem verify --certificate FILE [--signer PUBLIC_KEY_HEX]

Walks each engagement's raw-ledger hash chain from the first record, recomputing every link,
checks the signed checkpoints stored with it, and compares the end with the recorded chain
head. With --anchor, also checks every head published to FILE (store.anchor_file, default
DIR/anchors.jsonl; keep a copy off the host): a rewrite re-chained and re-signed with the
engagement's own key still fails there. Exit 0 when every engagement is intact; exit 1
naming the first altered, missing, reordered or truncated record otherwise.

With --certificate, checks the Ed25519 signature of a purge certificate (and, with --signer,
that it was signed by that key); exit 0 when it is intact.
)");
    return 0;
  }
  if (!a.error().empty()) {
    return usage_error("verify", a.error());
  }
  if (const auto file = a.get("--certificate")) {
    std::ifstream in(*file);
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (!in.good() && !in.eof()) {
      std::fprintf(stderr, "siem verify: cannot read %s\n", file->c_str());
      return 1;
    }
    const auto signer = store::Store::verify_certificate(text, a.get_or("--signer", ""));
    if (!signer) {
      std::printf("certificate %s: NOT VALID: %s\n", file->c_str(),
                  std::string{signer.error().message()}.c_str());
      return 1;
    }
    std::printf("certificate %s: signature valid, signed by %s\n", file->c_str(),
                signer->c_str());
    return 0;
  }
  auto st = open_store(a.get_or("--data", "./var/siem"), true);
  if (!st) {
    std::fprintf(stderr, "siem verify: %s\n", st.error().to_string().c_str());
    return 1;
  }
  auto reps = (*st)->verify(a.get_or("--engagement", ""), a.get_or("--anchor", ""));
  if (!reps) {
    std::fprintf(stderr, "siem verify: %s\n", reps.error().to_string().c_str());
    return 1;
  }
  bool ok = true;
  for (const auto& r : *reps) {
    if (r.ok) {
      std::printf("engagement %s: intact, %llu records verified, %llu signed checkpoints, %llu "
                  "published anchors",
                  r.engagement.c_str(), static_cast<unsigned long long>(r.records_checked),
                  static_cast<unsigned long long>(r.checkpoints_checked),
                  static_cast<unsigned long long>(r.anchors_checked));
      if (r.expired_through > 0) {
        std::printf("; records 1..%llu expired (signed expiry checkpoint)",
                    static_cast<unsigned long long>(r.expired_through));
      }
      std::printf("\n");
    } else {
      ok = false;
      std::printf("engagement %s: BROKEN at record %s:%llu: %s (%llu records verified before it)\n",
                  r.engagement.c_str(), r.engagement.c_str(),
                  static_cast<unsigned long long>(r.first_bad_seq), r.problem.c_str(),
                  static_cast<unsigned long long>(r.records_checked));
    }
  }
  if (reps->empty()) {
    std::printf("no engagements in the store\n");
  }
  return ok ? 0 : 1;
}

// --- user add -------------------------------------------------------------------------------

auto cmd_backup(const std::vector<std::string>& argv) -> int {
  Args a(argv, {"--data", "--to"}, {});
  if (a.has("--help")) {
    print(R"(usage: siem backup --data DIR --to BACKUP_DIR

Backs up the system instance and every engagement into BACKUP_DIR (RocksDB BackupEngine,
one sub-directory per instance; a later backup into the same directory is incremental).
Backup files are encrypted under each instance's own data key, which is not copied: keep
the key directory (store.key_dir, SIEM_KEY_DIR) backed up separately. Stop the engine first.
Prints one line per instance with its backup id and record count.
)");
    return 0;
  }
  if (!a.error().empty()) {
    return usage_error("backup", a.error());
  }
  const auto to = a.get("--to");
  if (!to) {
    return usage_error("backup", "--to is required");
  }
  auto st = open_store(a.get_or("--data", "./var/siem"), false);
  if (!st) {
    std::fprintf(stderr, "siem backup: %s\n", st.error().to_string().c_str());
    return 1;
  }
  const auto written = (*st)->backup(*to, os_user());
  if (!written) {
    std::fprintf(stderr, "siem backup: %s\n", written.error().to_string().c_str());
    return 1;
  }
  for (const auto& b : *written) {
    std::printf("%s: backup %u, %llu raw records\n", b.instance.c_str(), b.backup_id,
                static_cast<unsigned long long>(b.records));
  }
  return 0;
}

auto cmd_restore(const std::vector<std::string>& argv) -> int {
  Args a(argv, {"--from", "--data"}, {});
  if (a.has("--help")) {
    print(R"(usage: siem restore --from BACKUP_DIR --data DIR

Restores the latest backup in BACKUP_DIR (written by 'siem backup') into DIR, which must not
hold a store yet. Encrypted instances need their data keys: SIEM_KEY_DIR (default DIR/keys)
or SIEM_KEY_<NAME>; a key that is not the one the backup was made with is refused by its id.
Run 'siem verify --data DIR' afterwards.
)");
    return 0;
  }
  if (!a.error().empty()) {
    return usage_error("restore", a.error());
  }
  const auto from = a.get("--from");
  const auto data = a.get("--data");
  if (!from || !data) {
    return usage_error("restore", "--from and --data are required");
  }
  store::StoreOptions o;
  o.data_dir = *data;
  if (const auto st = store::Store::restore(*from, o, os_user()); !st.is_ok()) {
    std::fprintf(stderr, "siem restore: %s\n", st.to_string().c_str());
    return 1;
  }
  std::printf("restored %s into %s\n", from->c_str(), data->c_str());
  return 0;
}

auto cmd_purge(const std::vector<std::string>& argv) -> int {
  Args a(argv, {"--data", "--engagement", "--operator"}, {"--yes"});
  if (a.has("--help")) {
    print(R"(usage: siem purge --data DIR --engagement E --operator NAME --yes

Ends an engagement (GB/T 32914 5.3.5 c, 5.9 g): overwrites and deletes its data key, so that
the data and every backup of it become unreadable, then deletes its RocksDB instance. Writes
a destruction certificate (counts, last sequence, final chain head, key id, time, operator)
signed with the installation's Ed25519 key to DIR/certificates/ and prints it; the purge is
recorded in the audit trail. Irreversible: --yes is required. Stop the engine first.
Check a certificate with 'siem verify --certificate FILE'.
)");
    return 0;
  }
  if (!a.error().empty()) {
    return usage_error("purge", a.error());
  }
  const auto engagement = a.get("--engagement");
  const auto op = a.get("--operator");
  if (!engagement || !op) {
    return usage_error("purge", "--engagement and --operator are required");
  }
  if (!a.has("--yes")) {
    return usage_error("purge", "purging destroys the engagement for good; add --yes");
  }
  auto st = open_store(a.get_or("--data", "./var/siem"), false);
  if (!st) {
    std::fprintf(stderr, "siem purge: %s\n", st.error().to_string().c_str());
    return 1;
  }
  const auto cert = (*st)->purge(*engagement, *op);
  if (!cert) {
    std::fprintf(stderr, "siem purge: %s\n", cert.error().to_string().c_str());
    return 1;
  }
  std::fprintf(stderr, "engagement %s destroyed; certificate: %s\n", engagement->c_str(),
               cert->path.c_str());
  std::printf("%s\n", cert->json.c_str());
  return 0;
}

auto cmd_hold(const std::vector<std::string>& argv) -> int {
  Args a(argv, {"--data", "--engagement", "--operator", "--reason"}, {"--on", "--off"});
  if (a.has("--help")) {
    print(R"(usage: siem hold --data DIR --engagement E --on|--off --operator NAME [--reason TEXT]

Legal hold: while on, nothing of the engagement expires (store.retention_days, default 1825
days by receive time; the engine expires whole old ledger blocks hourly after a signed expiry
checkpoint). Audited with the operator and reason. Stop the engine first.
)");
    return 0;
  }
  if (!a.error().empty()) {
    return usage_error("hold", a.error());
  }
  const auto engagement = a.get("--engagement");
  const auto op = a.get("--operator");
  if (!engagement || !op || a.has("--on") == a.has("--off")) {
    return usage_error("hold", "--engagement, --operator and one of --on / --off are required");
  }
  auto st = open_store(a.get_or("--data", "./var/siem"), false);
  if (!st) {
    std::fprintf(stderr, "siem hold: %s\n", st.error().to_string().c_str());
    return 1;
  }
  if (const auto s = (*st)->set_legal_hold(*engagement, a.has("--on"), *op, a.get_or("--reason", ""));
      !s.is_ok()) {
    std::fprintf(stderr, "siem hold: %s\n", s.to_string().c_str());
    return 1;
  }
  std::printf("engagement %s: legal hold %s\n", engagement->c_str(), a.has("--on") ? "on" : "off");
  return 0;
}

auto cmd_user(const std::vector<std::string>& argv) -> int {
  if (argv.empty() || argv[0] != "add") {
    if (!argv.empty() && (argv[0] == "--help" || argv[0] == "-h")) {
      print("usage: siem user add --data DIR --username U --real-name NAME --role ROLE --password-stdin\n");
      return 0;
    }
    return usage_error("user", "expected 'siem user add ...'");
  }
  Args a(std::vector<std::string>(argv.begin() + 1, argv.end()),
         {"--data", "--username", "--real-name", "--role"}, {"--password-stdin"});
  if (a.has("--help")) {
    print(R"(usage: siem user add --data DIR --username U --real-name NAME --role ROLE --password-stdin

Creates a real-name account in the data directory's system store. Works on a stopped engine
(a running engine takes account changes through POST /api/v1/users). The password is read
from the first line of standard input: at least 12 characters of at least 3 kinds (lower
case, upper case, digits, other); it is stored as an Argon2id hash.
Roles: admin, handler, analyst, auditor.
)");
    return 0;
  }
  if (!a.error().empty()) {
    return usage_error("user add", a.error());
  }
  for (const char* req : {"--username", "--real-name", "--role"}) {
    if (!a.get(req)) {
      return usage_error("user add", std::string{req} + " is required");
    }
  }
  if (!a.has("--password-stdin")) {
    return usage_error("user add", "--password-stdin is required (passwords never go on the command line)");
  }
  std::string password;
  std::getline(std::cin, password);
  if (!password.empty() && password.back() == '\r') {
    password.pop_back();
  }
  auto st = open_store(a.get_or("--data", "./var/siem"), false);
  if (!st) {
    std::fprintf(stderr, "siem user add: %s\n", st.error().to_string().c_str());
    return 1;
  }
  const auto& clock = core::SystemClock::instance();
  if (auto s = api::create_user(**st, *a.get("--username"), *a.get("--real-name"), *a.get("--role"),
                                password, clock);
      !s) {
    std::fprintf(stderr, "siem user add: %s\n", std::string{s.message()}.c_str());
    return 1;
  }
  static_cast<void>((*st)->append_audit({clock.now_ms(), "cli:" + std::to_string(getuid()), "local",
                                         "user add", *a.get("--username"), 0,
                                         "role " + *a.get("--role")}));
  std::printf("account '%s' (%s, role %s) created\n", a.get("--username")->c_str(),
              a.get("--real-name")->c_str(), a.get("--role")->c_str());
  return 0;
}

/// The malloc that every library of the process binds to, read from the symbols the dynamic
/// linker resolved (not from the build settings): the file that defines the bound `malloc`
/// ("libc.so.6", an LD_PRELOADed allocator, ...), with gperftools' version when it is
/// tcmalloc's, as SIEM_ALLOCATOR links it.
auto malloc_in_use() -> std::string {
  void* bound = dlsym(RTLD_DEFAULT, "malloc");
  Dl_info info{};
  std::string file = "unknown";
  if (bound != nullptr && dladdr(bound, &info) != 0 && info.dli_fname != nullptr) {
    file = std::filesystem::path(info.dli_fname).filename().string();
  }
  if (bound == nullptr || bound != dlsym(RTLD_DEFAULT, "tc_malloc")) {
    return file;
  }
  using TcVersion = const char* (*)(int*, int*, const char**);
  const auto tc_version = reinterpret_cast<TcVersion>(dlsym(RTLD_DEFAULT, "tc_version"));
  return std::string{tc_version != nullptr ? tc_version(nullptr, nullptr, nullptr) : "gperftools"}
         + " (tcmalloc, " + file + ")";
}

auto cmd_version(const std::vector<std::string>& argv) -> int {
  if (!argv.empty() && (argv[0] == "--help" || argv[0] == "-h")) {
    print(
        "usage: siem version\n\nPrints the version, the active simdjson kernel, the malloc in "
        "use\nand library versions.\n");
    return 0;
  }
  std::printf("siem %s\nsimdjson kernel: %s\nmalloc: %s\n%s\n", kVersion,
              parsers::simdjson_implementation().c_str(), malloc_in_use().c_str(),
              store::library_versions().c_str());
  return 0;
}

}  // namespace
}  // namespace siem::cmd

auto main(int argc, char** argv) -> int {
  using namespace siem::cmd;  // NOLINT(google-build-using-namespace)
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
    print(kUsage);
    return args.empty() ? 2 : 0;
  }
  const std::string cmd = args[0];
  const std::vector<std::string> rest(args.begin() + 1, args.end());
  if (cmd == "run") {
    return cmd_run(rest);
  }
  if (cmd == "normalize") {
    return cmd_normalize(rest);
  }
  if (cmd == "replay") {
    return cmd_replay(rest);
  }
  if (cmd == "rules") {
    return cmd_rules(rest);
  }
  if (cmd == "formats") {
    return cmd_formats(rest);
  }
  if (cmd == "raw") {
    return cmd_raw(rest);
  }
  if (cmd == "events") {
    return cmd_events(rest);
  }
  if (cmd == "stats") {
    return cmd_stats(rest);
  }
  if (cmd == "verify") {
    return cmd_verify(rest);
  }
  if (cmd == "user") {
    return cmd_user(rest);
  }
  if (cmd == "backup") {
    return cmd_backup(rest);
  }
  if (cmd == "restore") {
    return cmd_restore(rest);
  }
  if (cmd == "purge") {
    return cmd_purge(rest);
  }
  if (cmd == "hold") {
    return cmd_hold(rest);
  }
  if (cmd == "version" || cmd == "--version") {
    return cmd_version(rest);
  }
  std::fprintf(stderr, "siem: unknown command '%s'\n\n%s", cmd.c_str(), kUsage);
  return 2;
}
