#pragma once
// A whole run: `start`, the model's turns, and `done`. Failures are thrown as ochat::Error
// (the caller reports them and sends the final `done`).
#include "core/chat/turn.hpp"

namespace ochat::chat {

struct ConversationResult {
  TurnResult::End end = TurnResult::End::done;
  int signal = 0;  // for End::interrupted
};

ConversationResult run_conversation(const TurnContext& context, ChatRequest request);

// The server's model names, for the message shown when no model was given. Throws
// ochat::Error like run_turn does.
std::vector<std::string> list_models(const TurnContext& context);

}  // namespace ochat::chat
