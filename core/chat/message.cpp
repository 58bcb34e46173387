#include "core/chat/message.hpp"

namespace ochat::chat {

std::size_t text_size(const std::vector<Message>& messages) {
  std::size_t size = 4096;
  for (const auto& m : messages) {
    size += m.content.size() + m.thinking.size() + m.tool_name.size() + m.tool_call_id.size() + 64;
    for (const auto& call : m.tool_calls)
      size += call.name.size() + call.arguments_text.size() + 128;
  }
  return size + size / 16;  // escapes
}

}  // namespace ochat::chat
