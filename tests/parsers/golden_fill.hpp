#pragma once
// Megabyte lines in golden files without megabytes in the repository.
//
// In a golden input line, "@@fill(N,C)@@" stands for N copies of the byte C (a printable
// ASCII character other than ')'). In the output, every run of kMinRun or more copies of one
// byte is written, and compared, as the same notation, so a 1 MiB value reads
// "@@fill(1048576,A)@@" in the expected file too.
#include <charconv>
#include <cstddef>
#include <string>
#include <string_view>

namespace siem::test {

inline constexpr std::size_t kMinRun = 4096;

/// `line` with each @@fill(N,C)@@ replaced by its bytes. A malformed marker is kept as is.
inline auto expand_fills(std::string_view line) -> std::string {
  constexpr std::string_view kOpen = "@@fill(";
  std::string out;
  std::size_t pos = 0;
  for (std::size_t at = line.find(kOpen); at != std::string_view::npos;
       at = line.find(kOpen, at + 1)) {
    const std::size_t num = at + kOpen.size();
    std::size_t n = 0;
    const auto [end, ec] = std::from_chars(line.data() + num, line.data() + line.size(), n);
    const auto comma = static_cast<std::size_t>(end - line.data());
    if (ec != std::errc{} || line.substr(comma).size() < 5 || line[comma] != ','
        || line.substr(comma + 2, 3) != ")@@") {
      continue;
    }
    out.append(line.substr(pos, at - pos));
    out.append(n, line[comma + 1]);
    pos = comma + 5;
    at = pos - 1;
  }
  out.append(line.substr(pos));
  return out;
}

/// `text` with each run of kMinRun or more copies of one byte written as @@fill(N,C)@@.
inline auto collapse_runs(std::string_view text) -> std::string {
  std::string out;
  for (std::size_t i = 0; i < text.size();) {
    std::size_t j = i + 1;
    while (j < text.size() && text[j] == text[i]) {
      ++j;
    }
    if (j - i >= kMinRun) {
      out.append("@@fill(").append(std::to_string(j - i)).push_back(',');
      out.push_back(text[i]);
      out.append(")@@");
    } else {
      out.append(text.substr(i, j - i));
    }
    i = j;
  }
  return out;
}

}  // namespace siem::test
