#pragma once
// The time conversations are stamped and named with; tests pass a fixed clock.
#include <chrono>
#include <string>

namespace ochat::conversation {

using TimePoint = std::chrono::system_clock::time_point;

class Clock {
 public:
  virtual ~Clock() = default;
  virtual TimePoint now() const = 0;
};

class SystemClock final : public Clock {
 public:
  TimePoint now() const override { return std::chrono::system_clock::now(); }
};

// ISO 8601 in UTC with milliseconds: "2026-05-01T10:00:00.123Z".
std::string iso_time(TimePoint t);
// ISO 8601 in UTC to the second: "2026-05-01T10:00:00Z".
std::string iso_time_seconds(TimePoint t);

}  // namespace ochat::conversation
