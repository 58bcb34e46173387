#pragma once
// How the conversation loop runs the tools the model calls; tools::Registry implements it.
#include <chrono>
#include <optional>
#include <string>

#include "core/chat/chunk.hpp"
#include "core/sys/cancel_token.hpp"

namespace ochat::chat {

struct ToolOutcome {
  std::string content;       // what the model is told (valid UTF-8)
  bool is_error = false;     // the call failed; `content` says why
  bool interrupted = false;  // the user interrupted while it ran
  std::chrono::milliseconds duration{0};
};

class ToolRunner {
 public:
  virtual ~ToolRunner() = default;
  // Before the call is announced (the `tool_call` event, the progress line on stderr): may ask
  // the user (--confirm). Nothing: run it. An outcome: do not run it, tell the model this
  // (declined), or, when the outcome is `interrupted`, end the run.
  virtual std::optional<ToolOutcome> approve(const ToolCall& /*call*/,
                                             const sys::CancelToken& /*cancel*/) {
    return std::nullopt;
  }
  // Runs one call. Failures of the tool are outcomes for the model, never exceptions.
  virtual ToolOutcome run(const ToolCall& call, const sys::CancelToken& cancel) = 0;
};

}  // namespace ochat::chat
