#include "core/chat/vision_hint.hpp"

#include <fmt/format.h>

#include <array>
#include <cctype>

namespace ochat::chat {

std::string vision_hint(const ChatRequest& request, std::string_view server_message) {
  if (!request.has_images()) return {};
  std::string lower(server_message);
  for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  constexpr std::array<std::string_view, 4> kWords = {"image", "vision", "multimodal", "mmproj"};
  for (std::string_view word : kWords) {
    if (lower.find(word) != std::string::npos) {
      return fmt::format(
          "{} may not be able to read images: use a vision model (such as gemma3, "
          "qwen2.5vl or llava), or leave out the image",
          request.model.empty() ? "the model" : request.model);
    }
  }
  return {};
}

}  // namespace ochat::chat
