#pragma once
// A reply that ended at the token limit (done reason "length") while it held tool calls. None
// of its calls is run: the model may not have finished them, even one whose arguments parse.
#include <vector>

#include "core/chat/chunk.hpp"
#include "core/error.hpp"

namespace ochat::chat {

// Reported like any Error (exit status 1: an `error` event, one line on stderr) that names the
// calls, their arguments as they came, readably, and how to raise the limit; the final `done`
// has the reason "length" and the run's statistics.
class CutToolCallsError final : public Error {
 public:
  CutToolCallsError(const std::vector<ToolCall>& calls, events::Stats stats);
  const events::Stats& stats() const noexcept { return stats_; }

 private:
  events::Stats stats_;
};

}  // namespace ochat::chat
