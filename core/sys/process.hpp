#pragma once
// A running child seen through its standard streams: what a long-lived tool provider (an MCP
// server) needs of it. sys::ChildProcess is the real one; tests drive McpServer with a scripted
// fake instead, the way ninja tests its build loop with a fake command runner.
#include <chrono>
#include <optional>
#include <string>

#include "core/sys/cancel_token.hpp"
#include "core/sys/io_pump.hpp"

namespace ochat::sys {

// How a child ended.
struct ExitStatus {
  int code = -1;   // its exit status; -1 when a signal ended it
  int signal = 0;  // the signal that ended it, or 0
  // "exited with status N" or "was killed by signal N".
  std::string describe() const;
};

class Process {
 public:
  virtual ~Process() = default;

  // One round of I/O, as sys::pump() describes: writes what its stdin takes of `input`, hands
  // what its stdout and stderr wrote to `sinks`, waiting up to `wait` for any of that (or for
  // `cancel`) to happen.
  virtual void pump(std::string& input, const OutputSinks& sinks, std::chrono::milliseconds wait,
                    const CancelToken& cancel) = 0;
  virtual bool stdin_open() const = 0;
  virtual bool stdout_open() const = 0;
  virtual bool stderr_open() const = 0;
  // End of file on its stdin: the polite request to stop.
  virtual void close_stdin() = 0;
  // How it ended, once it has (never blocks); nothing while it runs.
  virtual std::optional<ExitStatus> poll_exit() = 0;
  // Stops it and everything it started: closes its stdin, gives it `grace` to exit, then
  // SIGTERM to its process group, `grace` again, then SIGKILL; whatever is left in the group
  // is killed too. Idempotent.
  virtual void shutdown(std::chrono::milliseconds grace) = 0;
};

}  // namespace ochat::sys
