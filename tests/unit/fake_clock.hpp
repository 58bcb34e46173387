#pragma once
// A sys::Clock that never sleeps: sleep() records the wait and moves the time on.
#include <chrono>
#include <vector>

#include "core/sys/clock.hpp"

namespace ochat::test {

class FakeClock final : public sys::Clock {
 public:
  std::chrono::steady_clock::time_point steady{std::chrono::hours(1000)};
  std::chrono::system_clock::time_point wall =
      std::chrono::sys_days(std::chrono::year(2026) / std::chrono::October / 21) +
      std::chrono::hours(7);
  std::vector<std::chrono::milliseconds> sleeps;  // every wait asked for, in order
  int signal_on_sleep = 0;  // when set: the first sleep() ends at once with this signal

  std::chrono::steady_clock::time_point now() const override { return steady; }
  std::chrono::system_clock::time_point wall_now() const override { return wall; }
  int sleep(std::chrono::milliseconds duration, const sys::CancelToken&) override {
    sleeps.push_back(duration);
    if (signal_on_sleep != 0) return signal_on_sleep;
    advance(duration);
    return 0;
  }
  void advance(std::chrono::milliseconds d) {
    steady += d;
    wall += d;
  }
};

}  // namespace ochat::test
