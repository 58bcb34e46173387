#pragma once
// How the conversation loop runs the tools the model calls; tools::Registry implements it.
#include <chrono>
#include <string>

#include "core/chat/chunk.hpp"
#include "core/sys/cancel_token.hpp"

namespace ochat::chat {

struct ToolOutcome {
  std::string content;     // what the model is told (valid UTF-8)
  bool is_error = false;   // the call failed; `content` says why
  bool interrupted = false;  // the user interrupted while it ran
  std::chrono::milliseconds duration{0};
};

class ToolRunner {
 public:
  virtual ~ToolRunner() = default;
  // Runs one call. Failures of the tool are outcomes for the model, never exceptions.
  virtual ToolOutcome run(const ToolCall& call, const sys::CancelToken& cancel) = 0;
};

}  // namespace ochat::chat
