#pragma once
// A whole run: `start`, the model's turns, the tools it calls between them, and `done`.
// Failures are thrown as ochat::Error (the caller reports them and sends the final `done`).
#include "core/chat/recovery.hpp"
#include "core/chat/tool_runner.hpp"
#include "core/chat/turn.hpp"

namespace ochat::chat {

struct ConversationOptions {
  ToolRunner* tools = nullptr;    // none: the model is offered no tools
  int max_rounds = 10;            // most answers asked of the model in one run
  RecoveryOptions recovery = {};  // retries and continuations of each answer (none by default)
};

struct ConversationResult {
  TurnResult::End end = TurnResult::End::done;
  int signal = 0;  // for End::interrupted
};

// Sends the request; while the model answers with tool calls, runs them (in call order),
// sends the results back and streams the next answer. Each answer is run by
// run_recovering_turn: a broken one is retried or continued as `recovery` allows, and only the
// calls of an answer that completed are run. Throws ochat::Error (internal) when
// the model still calls tools after `max_rounds` requests.
ConversationResult run_conversation(const TurnContext& context, ChatRequest request,
                                    const ConversationOptions& options = {});

}  // namespace ochat::chat
