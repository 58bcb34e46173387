#pragma once
// What a batch says about its progress on a terminal, and its summary (-v).
#include <chrono>
#include <string>

#include "core/batch/batch_runner.hpp"
#include "core/io/fd_stream.hpp"
#include "core/sys/clock.hpp"

namespace ochat::batch {

// One status line without a newline: "12/100 items, 1 failed, 35.2 tokens/s, 0:07, ETA 0:51".
// The total and the ETA only once the whole input has been read (`counts.input_done`); the
// failures only when there are some; the rate only once tokens were counted.
std::string progress_line(const BatchCounts& counts, std::chrono::milliseconds elapsed);

// "ochat: 100 items: 98 succeeded, 2 failed, 0 skipped, 0 interrupted; 2000 tokens in
// 12.3 s (162.6 tokens/s)" (a line, for -v).
std::string summary_line(const BatchCounts& counts, std::chrono::milliseconds elapsed);

// "m:ss", or "h:mm:ss" from an hour on.
std::string clock_text(std::chrono::milliseconds duration);

// The status line of a batch on stderr, only when stderr is a terminal (else every call does
// nothing): redrawn at most ten times a second, erased (overwritten with spaces) at the end and
// before any other line is written to the terminal.
class ProgressDisplay {
 public:
  ProgressDisplay(io::FdStream& err, const sys::Clock& clock);
  // Redraws the line with `counts` unless it was drawn less than 100 ms ago.
  void update(const BatchCounts& counts);
  // Removes the line (the next update draws it again).
  void erase();
  std::chrono::milliseconds elapsed() const;

 private:
  io::FdStream& err_;
  const sys::Clock& clock_;
  bool enabled_;
  bool shown_ = false;
  std::size_t width_ = 0;  // of the line shown
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_{};
};

}  // namespace ochat::batch
