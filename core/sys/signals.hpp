#pragma once
// SIGINT and SIGTERM handling. The handler only records the signal and wakes poll() through
// a pipe; the code checks the CancelToken at defined points. A second signal exits at once
// with 128 + signal, killing the tracked child process groups (process_groups.hpp), unless the
// guard is patient (below). SIGPIPE is ignored, so a closed stdout shows up as EPIPE.
#include "core/sys/cancel_token.hpp"

namespace ochat::sys {

// What a signal does while an earlier one is being handled.
enum class SecondSignal {
  exit,     // leave at once: one-off runs and batches
  patient,  // the interactive mode: a second SIGINT only kills the tracked process groups (the
            // answer is being stopped and saved, the chat goes on); a third, or SIGTERM, leaves
};

class SignalGuard {
 public:
  explicit SignalGuard(SecondSignal second = SecondSignal::exit);  // installs the handlers
  ~SignalGuard();                                                  // restores the previous ones
  SignalGuard(const SignalGuard&) = delete;
  SignalGuard& operator=(const SignalGuard&) = delete;

  CancelToken token() const;

  // Forgets the signal received (and empties the wake-up pipe): the interactive mode goes on
  // after Ctrl-C, and the next one is a first one again.
  void clear();
};

}  // namespace ochat::sys
