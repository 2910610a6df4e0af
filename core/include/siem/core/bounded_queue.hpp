#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <mutex>
#include <optional>

namespace siem::core {

/// A bounded multi-producer multi-consumer queue of batches. `push` blocks while the queue
/// is full (this is the back-pressure that makes sources stop reading) until space frees or
/// the queue is closed. Thread-safe.
template <class T>
class BoundedQueue {
public:
  explicit BoundedQueue(std::size_t capacity) : capacity_(capacity == 0 ? 1 : capacity) {}

  /// Blocks until there is room; returns false (dropping `v`) when the queue is closed.
  auto push(T v) -> bool {
    std::unique_lock lock(mu_);
    not_full_.wait(lock, [&] { return closed_ || items_.size() < capacity_; });
    if (closed_) {
      return false;
    }
    items_.push_back(std::move(v));
    not_empty_.notify_one();
    return true;
  }

  /// Non-blocking push; false when full or closed.
  auto try_push(T& v) -> bool {
    std::lock_guard lock(mu_);
    if (closed_ || items_.size() >= capacity_) {
      return false;
    }
    items_.push_back(std::move(v));
    not_empty_.notify_one();
    return true;
  }

  /// Waits up to `timeout` for room; false (keeping `v`) when still full, or closed.
  auto try_push_for(T& v, std::chrono::milliseconds timeout) -> bool {
    std::unique_lock lock(mu_);
    if (!not_full_.wait_for(lock, timeout, [&] { return closed_ || items_.size() < capacity_; })
        || closed_) {
      return false;
    }
    items_.push_back(std::move(v));
    not_empty_.notify_one();
    return true;
  }

  /// Waits up to `timeout` for an item. Returns nullopt on timeout, or when the queue is
  /// closed and drained.
  auto pop(std::chrono::milliseconds timeout) -> std::optional<T> {
    std::unique_lock lock(mu_);
    if (!not_empty_.wait_for(lock, timeout, [&] { return closed_ || !items_.empty(); })) {
      return std::nullopt;
    }
    if (items_.empty()) {
      return std::nullopt;
    }
    T v = std::move(items_.front());
    items_.pop_front();
    not_full_.notify_one();
    return v;
  }

  /// Wakes every waiter; later pushes fail, pops drain what is left.
  void close() {
    std::lock_guard lock(mu_);
    closed_ = true;
    not_full_.notify_all();
    not_empty_.notify_all();
  }

  [[nodiscard]] auto closed() const -> bool {
    std::lock_guard lock(mu_);
    return closed_;
  }

  [[nodiscard]] auto size() const -> std::size_t {
    std::lock_guard lock(mu_);
    return items_.size();
  }

private:
  mutable std::mutex mu_;
  std::condition_variable not_full_;
  std::condition_variable not_empty_;
  std::deque<T> items_;
  std::size_t capacity_;
  bool closed_ = false;
};

}  // namespace siem::core
