#pragma once
// The conversation and the request settings, independent of the wire format.
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "core/chat/attachment.hpp"
#include "core/chat/chunk.hpp"

namespace ochat::chat {

struct Message {
  std::string role;  // "system", "user", "assistant", "tool"
  std::string content;
  std::string thinking;
  std::vector<ToolCall> tool_calls;     // assistant turns
  std::string tool_name;                // tool results
  std::string tool_call_id;             // tool results
  std::vector<Attachment> attachments;  // user turns: images and text files, in command-line order

  static Message text(std::string role, std::string content) {
    Message m;
    m.role = std::move(role);
    m.content = std::move(content);
    return m;
  }
};

// About the size of `messages` written as JSON (the text, and some room for the rest), to
// reserve a request body at once.
std::size_t text_size(const std::vector<Message>& messages);

// `think`: absent (server decides), true/false, or a level such as "high".
using Think = std::variant<bool, std::string>;

struct ChatRequest {
  std::string model;
  std::vector<Message> messages;
  nlohmann::ordered_json options = nlohmann::ordered_json::object();  // typed KEY=VALUE pairs
  std::optional<nlohmann::ordered_json> format;                       // "json" or a schema
  std::optional<Think> think;
  std::optional<nlohmann::ordered_json> keep_alive;  // a duration string or a number of seconds
  nlohmann::ordered_json tools = nlohmann::ordered_json::array();
  // The last message is the assistant's answer so far, cut by a broken stream: the model is to
  // continue it rather than answer anew (see chat::run_recovering_turn).
  bool continue_answer = false;

  // True when a message carries an image (the server may refuse it: see vision_hint.hpp).
  bool has_images() const {
    for (const auto& m : messages) {
      for (const auto& a : m.attachments) {
        if (a.is_image()) return true;
      }
    }
    return false;
  }
};

}  // namespace ochat::chat
