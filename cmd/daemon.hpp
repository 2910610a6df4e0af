#pragma once

#include <string>

#include "config.hpp"

namespace siem::cmd {

/// Flags of `siem run` beyond the config.
struct RunFlags {
  bool demo = false;          ///< also ingest the bundled samples once
  std::string samples_dir;    ///< where the samples are (default: found next to the binary)
  bool once = false;          ///< exit when every file/stdin source is finished and stored
};

/// Runs the engine until SIGINT/SIGTERM (or, with `once`, until finite sources are done).
/// Returns the process exit code.
auto run_daemon(Config config, const RunFlags& flags) -> int;

/// "1234567" -> "1,234,567", for counts printed to people.
auto with_commas(std::uint64_t v) -> std::string;

}  // namespace siem::cmd
