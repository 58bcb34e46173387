#pragma once
// Runs a program to its end (a plugin's --describe or --call): bytes on its stdin, stdout and
// stderr collected up to a cap, with a timeout and the cancel token. Started by ChildProcess
// (its own process group, never a shell) and fed by sys::pump(). Whatever happens, the whole
// process group is gone when run_subprocess() returns: no child outlives ochat.
#include <chrono>
#include <string>
#include <vector>

#include "core/sys/cancel_token.hpp"

namespace ochat::sys {

struct SubprocessOptions {
  std::vector<std::string> argv;  // argv[0] is the program's path
  std::string stdin_data;         // written, then stdin is closed
  std::chrono::milliseconds timeout{60'000};
  std::size_t output_cap = 1 << 20;  // bytes kept of stdout, and separately of stderr
  CancelToken cancel;
};

struct SubprocessResult {
  enum class End {
    exited,     // exit_code is set
    signaled,   // killed by `signal` (not by us)
    timed_out,  // we killed it at the timeout
    capped,     // we killed it: its output passed the cap (what was kept is in out/err)
    cancelled,  // we killed it: the user interrupted
    not_started,
  };
  End end = End::not_started;
  int exit_code = -1;
  int signal = 0;
  std::string out;
  std::string err;
  bool out_truncated = false;
  bool err_truncated = false;
  std::string error;  // why it could not start
  std::chrono::milliseconds duration{0};
};

SubprocessResult run_subprocess(const SubprocessOptions& options);

}  // namespace ochat::sys
