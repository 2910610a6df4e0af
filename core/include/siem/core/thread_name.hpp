#pragma once

#include <pthread.h>

#include <string>
#include <string_view>

namespace siem::core {

/// Names the calling thread as `top -H`, `ps -L`, perf and gdb show it. Linux keeps 15
/// bytes; a longer name is cut there.
inline void name_this_thread(std::string_view name) {
  std::string cut(name.substr(0, 15));
  static_cast<void>(pthread_setname_np(pthread_self(), cut.c_str()));
}

}  // namespace siem::core
