#pragma once
// The chunk decoder of an OpenAI-style chat-completions stream: server-sent events, one
// chat.completion.chunk each, ending with `data: [DONE]`.
#include <optional>
#include <string>

#include "core/chat/backend.hpp"
#include "core/openai/tool_call_builder.hpp"
#include "core/sse/event_splitter.hpp"

namespace ochat::openai {

// Hands out a chunk for each event with content or thinking as it arrives. The final chunk
// (done) comes at `[DONE]`, or at the end of the body when a finish_reason was seen (servers
// may leave out [DONE]); it carries the turn's tool calls, joined and parsed, the done reason
// (the finish_reason, "stop" when none came) and the stats of the usage chunk, which servers
// send after the finish_reason. A body that ends with neither gives no final chunk, which the
// turn reports as a stream error. An {"error": ...} event gives a chunk with `error` set.
// Events whose data is blank are skipped; anything after [DONE] is not read. A body that
// held no event and looks like JSON or HTML (a server or proxy that ignored "stream": true)
// is a stream error that quotes it.
class StreamDecoder final : public chat::ChunkDecoder {
 public:
  explicit StreamDecoder(std::size_t max_event = sse::EventSplitter::kDefaultMaxEvent)
      : splitter_(max_event) {}

  void feed(std::string_view bytes, chat::ChunkHandler& handler) override;
  void finish(chat::ChunkHandler& handler) override;
  bool complete() const override { return done_ || finish_reason_.has_value(); }

 private:
  void on_event(std::string_view data, chat::ChunkHandler& handler);
  void emit_done(chat::ChunkHandler& handler);

  sse::EventSplitter splitter_;
  ToolCallBuilder tool_calls_;
  std::optional<std::string> finish_reason_;
  events::Stats stats_;
  bool done_ = false;
  bool saw_event_ = false;
  std::string head_;  // the first bytes of the body, for the error above
};

}  // namespace ochat::openai
