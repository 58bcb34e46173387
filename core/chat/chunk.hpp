#pragma once
// One parsed piece of a streamed reply, the same for every backend.
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/events/stats.hpp"

namespace ochat::chat {

struct ToolCall {
  std::string id;  // may be empty (older servers send none)
  std::string name;
  nlohmann::ordered_json arguments = nlohmann::ordered_json::object();  // always an object
  // The arguments exactly as the server sent them, when it sent them as text (the OpenAI
  // protocol does); sent back as they were, so that the history the model sees is unchanged.
  std::string arguments_text = {};
};

struct Chunk {
  std::string content;
  std::string thinking;
  std::vector<ToolCall> tool_calls;
  bool done = false;
  std::string done_reason;           // "stop", "length", ... (only when done)
  events::Stats stats;               // only meaningful when done
  std::optional<std::string> error;  // the server reported an error inside the stream
};

}  // namespace ochat::chat
