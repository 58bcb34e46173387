#include "core/sys/process_groups.hpp"

#include <signal.h>

#include <atomic>
#include <utility>

namespace ochat::sys {
namespace {

// Lock-free slots (0: free), so a signal handler may read them at any moment. More groups
// than slots at once is not expected (one per MCP server, plus a running plugin); any excess
// is simply not tracked.
constexpr int kSlots = 64;
std::atomic<pid_t> g_groups[kSlots];
static_assert(std::atomic<pid_t>::is_always_lock_free);

void add(pid_t pgid) {
  for (auto& slot : g_groups) {
    pid_t expected = 0;
    if (slot.compare_exchange_strong(expected, pgid)) return;
  }
}

void remove(pid_t pgid) {
  for (auto& slot : g_groups) {
    pid_t expected = pgid;
    if (slot.compare_exchange_strong(expected, 0)) return;
  }
}

}  // namespace

TrackedProcessGroup::TrackedProcessGroup(pid_t pgid) : pgid_(pgid) {
  if (pgid_ > 0) add(pgid_);
}

TrackedProcessGroup::~TrackedProcessGroup() { release(); }

TrackedProcessGroup::TrackedProcessGroup(TrackedProcessGroup&& other) noexcept
    : pgid_(std::exchange(other.pgid_, 0)) {}

TrackedProcessGroup& TrackedProcessGroup::operator=(TrackedProcessGroup&& other) noexcept {
  if (this != &other) {
    release();
    pgid_ = std::exchange(other.pgid_, 0);
  }
  return *this;
}

void TrackedProcessGroup::release() noexcept {
  if (pgid_ > 0) remove(pgid_);
  pgid_ = 0;
}

void kill_tracked_process_groups() noexcept {
  for (auto& slot : g_groups) {
    const pid_t pgid = slot.load();
    if (pgid > 0) ::kill(-pgid, SIGKILL);
  }
}

}  // namespace ochat::sys
