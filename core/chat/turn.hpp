#pragma once
// One request to the model and its streamed reply: every piece goes to the EventSink as
// soon as it is decoded, and the sink is flushed after each network read.
#include "core/chat/backend.hpp"
#include "core/chat/text_buffer.hpp"
#include "core/events/event_sink.hpp"
#include "core/http/transport.hpp"

namespace ochat::chat {

struct TurnResult {
  enum class End { done, interrupted, output_closed };
  End end = End::done;
  int signal = 0;             // for End::interrupted: SIGINT or SIGTERM
  std::string done_reason;    // for End::done: "stop", "length", ...
  events::Stats stats;
  // What the model said so far. The text stays in blocks (it may be large, and most runs never
  // send it back); reply() copies it out when the conversation continues.
  TextBuffer content;
  TextBuffer thinking;
  std::vector<ToolCall> tool_calls;

  // The assistant message for the conversation history.
  Message reply() const;
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

}  // namespace ochat::chat
