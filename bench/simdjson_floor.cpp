// The floor under `siem normalize` on a JSON file: how fast simdjson's DOM parser (the one the
// EVE parser uses, with the kernel libsimdjson picks at run time) gets through the file's
// lines with nothing else done. One thread; the file is mapped, lines are parsed in place.
// usage: simdjson_floor FILE
//   lines  find the lines only (the first pass also maps the file's pages)
//   parse  parse each line into the DOM
//   walk   parse, then visit every value (what a mapping that reads each field must do)
#include <simdjson.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <string_view>

namespace {

auto walk(simdjson::dom::element e) -> std::size_t {
  std::size_t n = 1;
  if (simdjson::dom::object o; e.get_object().get(o) == simdjson::SUCCESS) {
    for (const auto field : o) {
      n += walk(field.value);
    }
  } else if (simdjson::dom::array a; e.get_array().get(a) == simdjson::SUCCESS) {
    for (const auto v : a) {
      n += walk(v);
    }
  }
  return n;
}

}  // namespace

auto main(int argc, char** argv) -> int {
  if (argc != 2) {
    std::fprintf(stderr, "usage: simdjson_floor FILE\n");
    return 2;
  }
  const int fd = ::open(argv[1], O_RDONLY);
  struct stat st = {};
  if (fd < 0 || ::fstat(fd, &st) != 0 || st.st_size <= 0) {
    std::fprintf(stderr, "simdjson_floor: cannot read %s\n", argv[1]);
    return 1;
  }
  const auto size = static_cast<std::size_t>(st.st_size);
  // One page more than the file: simdjson may read SIMDJSON_PADDING bytes past the last line
  // (the bytes past the end of the file read as zeros up to its last page; beyond, the
  // extra page of the mapping would fault, so lines that end within 64 bytes of it are few
  // and are skipped rather than risked).
  const auto page = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
  const std::size_t mapped = (size + page - 1) / page * page;
  void* map = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
  if (map == MAP_FAILED) {
    std::fprintf(stderr, "simdjson_floor: cannot map %s\n", argv[1]);
    return 1;
  }
  const char* base = static_cast<const char*>(map);
  simdjson::dom::parser parser;
  std::printf("simdjson kernel: %s\n",
              std::string(simdjson::get_active_implementation()->name()).c_str());
  {
    std::size_t lines = 0;
    const auto t0 = std::chrono::steady_clock::now();
    for (std::size_t pos = 0; pos < size; ++lines) {
      const auto* nl = static_cast<const char*>(std::memchr(base + pos, '\n', size - pos));
      pos = nl != nullptr ? static_cast<std::size_t>(nl - base) + 1 : size;
    }
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::printf("lines  %zu lines in %.3f s\n", lines, s);
  }
  for (const bool visit : {false, true}) {
    std::size_t lines = 0;
    std::size_t failed = 0;
    std::size_t values = 0;
    const auto t0 = std::chrono::steady_clock::now();
    for (std::size_t pos = 0; pos < size;) {
      const auto* nl = static_cast<const char*>(std::memchr(base + pos, '\n', size - pos));
      const std::size_t end = nl != nullptr ? static_cast<std::size_t>(nl - base) : size;
      if (mapped - end >= simdjson::SIMDJSON_PADDING) {
        simdjson::dom::element doc;
        if (parser.parse(base + pos, end - pos, false).get(doc) == simdjson::SUCCESS) {
          values += visit ? walk(doc) : 1;
        } else {
          ++failed;
        }
        ++lines;
      }
      pos = end + 1;
    }
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::printf("%-6s %zu lines (%zu failed) in %.3f s: %.0f lines/s, %.3f us/line, %zu values\n",
                visit ? "walk" : "parse", lines, failed, s, static_cast<double>(lines) / s,
                s * 1e6 / static_cast<double>(lines), values);
  }
  ::munmap(map, size);
  ::close(fd);
  return 0;
}
