#pragma once

#include <cstdlib>
#include <filesystem>
#include <string>

namespace siem::test {

/// A fresh directory under /tmp, removed when the object dies.
class TempDir {
public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "siem-test-XXXXXX").string();
    if (mkdtemp(tmpl.data()) == nullptr) {
      std::abort();
    }
    path_ = tmpl;
  }

  TempDir(const TempDir&) = delete;
  auto operator=(const TempDir&) -> TempDir& = delete;
  TempDir(TempDir&&) = delete;
  auto operator=(TempDir&&) -> TempDir& = delete;

  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }

  [[nodiscard]] auto path() const -> const std::string& { return path_; }

private:
  std::string path_;
};

}  // namespace siem::test
