#pragma once
// The process groups of the programs ochat runs (tool plugins, MCP servers), kept where a
// signal handler can reach them: a second Ctrl-C exits at once, and must not leave them running.
#include <sys/types.h>

namespace ochat::sys {

// Adds `pgid` (a child that leads its own group) for as long as the object lives.
class TrackedProcessGroup {
 public:
  TrackedProcessGroup() = default;
  explicit TrackedProcessGroup(pid_t pgid);
  ~TrackedProcessGroup();
  TrackedProcessGroup(TrackedProcessGroup&& other) noexcept;
  TrackedProcessGroup& operator=(TrackedProcessGroup&& other) noexcept;
  TrackedProcessGroup(const TrackedProcessGroup&) = delete;
  TrackedProcessGroup& operator=(const TrackedProcessGroup&) = delete;

  // Forgets the group early (once it has been killed and reaped).
  void release() noexcept;

 private:
  pid_t pgid_ = 0;
};

// Sends SIGKILL to every tracked group. Async-signal-safe.
void kill_tracked_process_groups() noexcept;

}  // namespace ochat::sys
