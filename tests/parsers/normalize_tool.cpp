// Throwaway driver: reads lines from stdin (or the files given) and prints one normalized
// event per line. Stands in for `siem normalize` while that command is being written.
#include "siem/core/event.hpp"
#include "siem/core/time.hpp"
#include "siem/parsers/normalizer.hpp"

#include <cstdio>
#include <fstream>
#include <iostream>
#include <string>

namespace {

void run(std::istream& in, siem::parsers::Normalizer& n) {
  siem::core::Event ev;
  std::string line;
  std::string out;
  while (std::getline(in, line)) {
    const siem::parsers::ParseContext ctx{siem::core::SystemClock::instance().now_ms(), 0};
    n.normalize(line, ctx, ev);
    out.clear();
    ev.append_json(out);
    out.push_back('\n');
    std::fwrite(out.data(), 1, out.size(), stdout);
  }
}

}  // namespace

auto main(int argc, char** argv) -> int {
  std::string format = "auto";
  int first = 1;
  if (argc > 2 && std::string{argv[1]} == "--format") {
    format = argv[2];
    first = 3;
  }
  auto n = siem::parsers::Normalizer::create(format);
  if (!n) {
    std::cerr << n.error().to_string() << '\n';
    return 2;
  }
  if (first >= argc) {
    run(std::cin, **n);
  }
  for (int i = first; i < argc; ++i) {
    std::ifstream f(argv[i], std::ios::binary);
    if (!f) {
      std::cerr << "cannot open " << argv[i] << '\n';
      return 1;
    }
    run(f, **n);
  }
  return 0;
}
