#pragma once
// A whole run: `start`, the model's turns, the tools it calls between them, and `done`.
// Failures are thrown as ochat::Error (the caller reports them and sends the final `done`).
#include <cstddef>
#include <functional>
#include <string>

#include "core/chat/message_log.hpp"
#include "core/chat/recovery.hpp"
#include "core/chat/tool_runner.hpp"
#include "core/chat/turn.hpp"

namespace ochat::chat {

struct ConversationOptions {
  ToolRunner* tools = nullptr;    // none: the model is offered no tools
  int max_rounds = 10;            // most answers asked of the model in one run
  RecoveryOptions recovery = {};  // retries and continuations of each answer (none by default)
  // Where each reply and tool result goes once complete (a cut answer too, with the reason);
  // none: nothing is kept.
  MessageLog* log = nullptr;
  // For the `start` event: the conversation's file (empty: none) and how many of the
  // request's messages came from it.
  std::string conversation = {};
  std::size_t earlier_messages = 0;
  // Told when a cut answer could not be kept (the run ends with its own error or signal).
  std::function<void(const std::string&)> warn = {};
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
// With a log, every reply is appended once it ends, before `done`: complete, or cut (by a
// signal, a closed stdout or an error, which is then rethrown), unless the model said nothing;
// then each tool's result. A call that was never run (interrupted, --max-rounds) gets a result
// saying so, so that a continued conversation answers every call. A failed append throws
// (after an interruption: it is passed to `warn` instead, and the run still ends interrupted).
ConversationResult run_conversation(const TurnContext& context, ChatRequest request,
                                    const ConversationOptions& options = {});

}  // namespace ochat::chat
