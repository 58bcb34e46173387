#pragma once
// Parses the data of one server-sent event of an OpenAI-style chat-completions stream
// (`chat.completion.chunk`), as llama.cpp's llama-server, vLLM, LM Studio, Ollama's /v1 and
// hosted APIs send it. Only choice 0 is read (ochat never asks for more than one).
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/chat/chunk.hpp"

namespace ochat::openai {

// One piece of a streamed tool call. The first piece of a call carries its id and whole
// name; the later ones only a fragment of the arguments text.
struct ToolCallDelta {
  std::size_t index = 0;  // which call of the turn (the position in the array when absent)
  std::string id;
  std::string name;
  std::string arguments;  // a fragment of a JSON text
};

struct StreamEvent {
  bool done_marker = false;  // `data: [DONE]`
  std::string content;       // choices[0].delta.content
  std::string thinking;      // delta.reasoning_content, else delta.reasoning
  std::vector<ToolCallDelta> tool_calls;
  std::optional<std::string> finish_reason;  // "stop", "length", "tool_calls", ...
  std::optional<events::Stats> usage;        // from `usage` (and llama.cpp's `timings`)
  std::optional<std::string> error;          // {"error": ...} inside the stream
};

// Throws ochat::Error (stream) when the data is neither [DONE] nor a JSON object, or a known
// field has the wrong type; the message quotes the start of the data.
StreamEvent parse_event(std::string_view data);

}  // namespace ochat::openai
