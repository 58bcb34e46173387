#include "core/sys/clock.hpp"

#include <poll.h>

#include <algorithm>

namespace ochat::sys {

using std::chrono::milliseconds;

std::chrono::steady_clock::time_point SystemClock::now() const {
  return std::chrono::steady_clock::now();
}

std::chrono::system_clock::time_point SystemClock::wall_now() const {
  return std::chrono::system_clock::now();
}

int SystemClock::sleep(milliseconds duration, const CancelToken& cancel) {
  const auto end = now() + duration;
  for (;;) {
    if (const int signal = cancel.requested(); signal != 0) return signal;
    const auto left = std::chrono::duration_cast<milliseconds>(end - now());
    if (left <= milliseconds(0)) return 0;
    // Slices of at most a second: a token without a wake-up pipe is still seen in time.
    const int slice = static_cast<int>(std::min<long long>(left.count() + 1, 1000));
    pollfd fd{cancel.wake_fd, POLLIN, 0};
    ::poll(&fd, cancel.wake_fd >= 0 ? 1 : 0, slice);
  }
}

}  // namespace ochat::sys
