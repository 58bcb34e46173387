#pragma once
// Time and waiting, behind an interface so that tests run without sleeping.
#include <chrono>

#include "core/sys/cancel_token.hpp"

namespace ochat::sys {

class Clock {
 public:
  virtual ~Clock() = default;
  // For deadlines and durations.
  virtual std::chrono::steady_clock::time_point now() const = 0;
  // For dates a server sends (an HTTP Retry-After date).
  virtual std::chrono::system_clock::time_point wall_now() const = 0;
  // Waits `duration`, returning early when `cancel` fires. Returns the signal that ended the
  // wait early, 0 after the whole wait.
  virtual int sleep(std::chrono::milliseconds duration, const CancelToken& cancel) = 0;
};

// The real clocks; sleep() polls the cancel token's wake-up pipe, so a signal ends it at once.
class SystemClock final : public Clock {
 public:
  std::chrono::steady_clock::time_point now() const override;
  std::chrono::system_clock::time_point wall_now() const override;
  int sleep(std::chrono::milliseconds duration, const CancelToken& cancel) override;
};

}  // namespace ochat::sys
