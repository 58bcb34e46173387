#pragma once
// One answer of the model, recovered where that is safe and exact.
//
// A request that fails before any of the answer arrived (a busy server, a dropped connection,
// see retry_policy.hpp) is sent again after a wait. A stream that breaks after part of the
// answer was printed is continued: the request is sent again with the text so far as a final
// assistant message, the model's continuation is appended to what was printed, and a model
// that starts its answer again instead is caught (see continuation_guard.hpp). A stream that
// breaks during the thinking, before any answer text, is sent again from the start. Tool calls
// that arrived in a stream that broke are dropped (the model calls them again as it goes on),
// so no tool is ever run twice.
#include <functional>

#include "core/chat/retry_policy.hpp"
#include "core/chat/turn.hpp"
#include "core/sys/clock.hpp"

namespace ochat::chat {

struct RecoveryOptions {
  RetryPolicy policy;              // retries 0: every failure ends the answer, as run_turn
  sys::Clock* clock = nullptr;     // none: the system's clock
  std::function<double()> random;  // numbers in [0, 1) for the jitter; none: a seeded generator
};

// Runs one answer: at most policy.retries + 1 requests. The total timeout of context.timeouts
// bounds all of them and the waits between them. Returns how it ended (`retries` and
// `continued` set; `content` is the joined answer). Throws ochat::Error for the failure that
// ended it: the last one when no retry is left or allowed; a stream error when the model
// restarted instead of continuing, or when the server refused a continuation ("the answer
// could not be continued: ..."). A signal during a wait ends it as interrupted at once.
TurnResult run_recovering_turn(const TurnContext& context, const ChatRequest& request,
                               const RecoveryOptions& options);
// The same, into `turn` (a fresh TurnResult): when it throws, `turn` holds the answer as it
// was printed (the joined text and thinking; no tool calls), to keep a cut answer.
void run_recovering_turn(const TurnContext& context, const ChatRequest& request,
                         const RecoveryOptions& options, TurnResult& turn);

}  // namespace ochat::chat
