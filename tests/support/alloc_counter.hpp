#pragma once

// Counting replacements of every global allocation function, for tests that prove a warm
// normalizer allocates nothing per line. Include in exactly one translation unit of a test
// executable. All forms are replaced (nothrow and array ones too): simdjson allocates with
// nothrow new inside its shared library, and a partial set would pair the sanitizer's
// allocator with the free() below.

#include <atomic>
#include <cstddef>
#include <cstdlib>
#include <new>

// The replacements pair malloc with free; g++ sees through them when inlined and would flag
// every delete in the including file.
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"

namespace siem::test {
/// Heap allocations made through operator new since the process started.
inline std::atomic<std::size_t> g_allocations{0};
}  // namespace siem::test

// NOLINTBEGIN(cppcoreguidelines-no-malloc, hicpp-no-malloc)
auto operator new(std::size_t n) -> void* {
  siem::test::g_allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(n == 0 ? 1 : n)) {
    return p;
  }
  throw std::bad_alloc{};
}

auto operator new(std::size_t n, const std::nothrow_t& /*tag*/) noexcept -> void* {
  siem::test::g_allocations.fetch_add(1, std::memory_order_relaxed);
  return std::malloc(n == 0 ? 1 : n);
}

auto operator new[](std::size_t n) -> void* { return ::operator new(n); }

auto operator new[](std::size_t n, const std::nothrow_t& tag) noexcept -> void* {
  return ::operator new(n, tag);
}

void operator delete(void* p) noexcept { std::free(p); }

void operator delete(void* p, std::size_t /*n*/) noexcept { std::free(p); }

void operator delete(void* p, const std::nothrow_t& /*tag*/) noexcept { std::free(p); }

void operator delete[](void* p) noexcept { std::free(p); }

void operator delete[](void* p, std::size_t /*n*/) noexcept { std::free(p); }

void operator delete[](void* p, const std::nothrow_t& /*tag*/) noexcept { std::free(p); }
// NOLINTEND(cppcoreguidelines-no-malloc, hicpp-no-malloc)
