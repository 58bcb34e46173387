#pragma once
// What long waits check to learn that the user asked to stop (SIGINT, SIGTERM).
#include <atomic>

namespace ochat::sys {

struct CancelToken {
  const std::atomic<int>* signal = nullptr;  // the signal number that asked to stop, or 0
  int wake_fd = -1;                          // readable once a stop was asked (for poll())

  int requested() const noexcept { return signal ? signal->load(std::memory_order_relaxed) : 0; }
};

}  // namespace ochat::sys
