#pragma once
// A whole run: `start`, the model's turns, the tools it calls between them, and `done`.
// Failures are thrown as ochat::Error (the caller reports them and sends the final `done`).
#include "core/chat/tool_runner.hpp"
#include "core/chat/turn.hpp"

namespace ochat::chat {

struct ConversationOptions {
  ToolRunner* tools = nullptr;  // none: the model is offered no tools
  int max_rounds = 10;          // most requests sent to the model in one run
};

struct ConversationResult {
  TurnResult::End end = TurnResult::End::done;
  int signal = 0;  // for End::interrupted
};

// Sends the request; while the model answers with tool calls, runs them (in call order),
// sends the results back and streams the next answer. Throws ochat::Error (internal) when
// the model still calls tools after `max_rounds` requests.
ConversationResult run_conversation(const TurnContext& context, ChatRequest request,
                                    const ConversationOptions& options = {});


}  // namespace ochat::chat
