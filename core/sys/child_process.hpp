#pragma once
// A long-lived child (an MCP server) with pipes on its stdin, stdout and stderr, in its own
// process group. Arguments go straight to exec (PATH is searched for argv[0]): never a shell.
// Destroying it shuts the whole process group down: close stdin, wait, SIGTERM, wait, SIGKILL.
#include <sys/types.h>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/sys/process_groups.hpp"

namespace ochat::sys {

class ChildProcess {
 public:
  // Starts argv with exactly `env` ("NAME=value") as its environment. Returns nullptr and sets
  // `error` when it cannot be started (e.g. no such program).
  static std::unique_ptr<ChildProcess> start(const std::vector<std::string>& argv, const std::vector<std::string>& env,
                                             std::string& error);
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  pid_t pid() const noexcept { return pid_; }
  int stdin_fd() const noexcept { return in_; }    // non-blocking; -1 once closed
  int stdout_fd() const noexcept { return out_; }  // non-blocking; -1 once closed
  int stderr_fd() const noexcept { return err_; }  // non-blocking; -1 once closed
  void close_stdin();
  void close_stdout();
  void close_stderr();

  // Reaps the child if it has exited (never blocks). Returns true once it is gone.
  bool exited();
  // "exited with status N", "was killed by signal N", or "is running".
  std::string describe_exit() const;

  // Closes stdin, gives the child `grace` to exit, then SIGTERM to its group, `grace` again,
  // then SIGKILL. Any process left in the group is killed too. Idempotent.
  void shutdown(std::chrono::milliseconds grace = std::chrono::milliseconds(2000));

 private:
  ChildProcess() = default;
  bool wait_for_exit(std::chrono::milliseconds limit);

  pid_t pid_ = -1;
  int in_ = -1;
  int out_ = -1;
  int err_ = -1;
  std::optional<int> status_;
  bool shut_down_ = false;
  TrackedProcessGroup group_;  // until shutdown() has killed what was left in it
};

}  // namespace ochat::sys
