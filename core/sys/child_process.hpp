#pragma once
// The one way ochat starts a program (a tool plugin, an MCP server): posix_spawn with pipes on
// its stdin, stdout and stderr, in a process group of its own (Ctrl-C on the terminal reaches
// only ochat, and the whole group can be killed), the default signal dispositions and an empty
// signal mask (not ochat's ignored SIGPIPE), and no descriptor of ochat's but the three pipes
// (with glibc 2.34 or later also those opened without O_CLOEXEC).
// Arguments go straight to exec: never through a shell. While it lives, the process group is
// tracked (process_groups.hpp): a second Ctrl-C kills it on the way out.
#include <sys/types.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/sys/process.hpp"
#include "core/sys/process_groups.hpp"

namespace ochat::sys {

struct SpawnOptions {
  std::vector<std::string> argv;  // argv[0]: the program
  // Exactly these "NAME=value" as its environment; nothing: ochat's own environment.
  std::optional<std::vector<std::string>> env;
  // Look argv[0] up in PATH when it holds no '/'; otherwise it is a path.
  bool search_path = false;
};

class ChildProcess final : public Process {
 public:
  // Starts the program. Returns nullptr and sets `error` (e.g. "No such file or directory")
  // when it cannot be started.
  static std::unique_ptr<ChildProcess> spawn(const SpawnOptions& options, std::string& error);
  // Kills the process group (SIGKILL) unless shutdown() did, and reaps the child.
  ~ChildProcess() override;
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  pid_t pid() const noexcept { return pid_; }

  void pump(std::string& input, const OutputSinks& sinks, std::chrono::milliseconds wait,
            const CancelToken& cancel) override;
  bool stdin_open() const override { return pipes_.in >= 0; }
  bool stdout_open() const override { return pipes_.out >= 0; }
  bool stderr_open() const override { return pipes_.err >= 0; }
  void close_stdin() override;
  void close_output();  // closes our ends of its stdout and stderr
  std::optional<ExitStatus> poll_exit() override;
  // Blocks until it has exited.
  ExitStatus wait();
  // Sends `sig` to its whole process group (the child and what it started), even after the
  // child itself has exited: helpers it left behind must not hold its pipes open.
  void kill_group(int sig) noexcept;
  void shutdown(std::chrono::milliseconds grace) override;

 private:
  ChildProcess() = default;
  // poll_exit(), waiting up to `limit` while reading (and dropping) its output, so that a
  // child blocked writing to a full pipe can still exit.
  std::optional<ExitStatus> wait_exit(std::chrono::milliseconds limit);

  pid_t pid_ = -1;
  Pipes pipes_;
  std::optional<ExitStatus> status_;
  bool shut_down_ = false;
  TrackedProcessGroup group_;  // until the group has been killed and the child reaped
};

}  // namespace ochat::sys
