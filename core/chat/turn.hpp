#pragma once
// One request to the model and its streamed reply: every piece goes to the EventSink as
// soon as it is decoded, and the sink is flushed after each network read.
#include <optional>
#include <string>

#include "core/chat/backend.hpp"
#include "core/chat/continuation_guard.hpp"
#include "core/chat/text_buffer.hpp"
#include "core/events/event_sink.hpp"
#include "core/http/transport.hpp"

namespace ochat::chat {

struct TurnResult {
  enum class End { done, interrupted, output_closed };
  End end = End::done;
  int signal = 0;           // for End::interrupted: SIGINT or SIGTERM
  std::string done_reason;  // for End::done: "stop", "length", ...
  events::Stats stats;
  // What the model said so far. The text stays in blocks (it may be large, and most runs never
  // send it back); reply() copies it out when the conversation continues.
  TextBuffer content;
  TextBuffer thinking;
  std::vector<ToolCall> tool_calls;
  // Requests sent again for this answer (see run_recovering_turn), and whether one of them
  // continued an answer that had broken off: `content` is then the joined answer.
  int retries = 0;
  bool continued = false;

  // The assistant message for the conversation history.
  Message reply() const;
  // True when the model said nothing at all (no text, thinking or tool call).
  bool empty() const noexcept { return content.empty() && thinking.empty() && tool_calls.empty(); }
};

struct TurnContext {
  const Backend& backend;
  http::Transport& transport;
  events::EventSink& sink;
  http::Timeouts timeouts;
  sys::CancelToken cancel;
};

// Sends `request` and streams the reply. Returns how it ended; throws ochat::Error for
// every failure (connect, http, stream, timeout), after flushing what already arrived.
TurnResult run_turn(const TurnContext& context, const ChatRequest& request);

// How one request of a turn failed (see run_attempt).
struct AttemptFailure {
  Error error;
  // Why it may be tried again ("server busy (HTTP 503)"); empty when it must not be.
  std::string retry_reason;
  std::string retry_after;     // the Retry-After header of a busy reply, as sent
  bool reply_started = false;  // some of the reply's text or thinking had arrived
};

struct AttemptOptions {
  http::Timeouts timeouts;  // for this request (context.timeouts are the ones the user set)
  // When the request continues an answer: what the reply's text goes through before it is
  // printed and kept. A restart it recognises is a failure that must not be tried again.
  ContinuationGuard* guard = nullptr;
};

// Sends `request` and streams the reply into `into`: text and thinking are appended to what
// it holds, tool calls added, and the done reason and stats set when the reply is whole (`end`
// says how it ended). Returns the failure instead of throwing it, after flushing what arrived;
// `into` then holds the text that was printed. Throws only for failures of the output.
std::optional<AttemptFailure> run_attempt(const TurnContext& context, const ChatRequest& request,
                                          TurnResult& into, const AttemptOptions& options);

}  // namespace ochat::chat
