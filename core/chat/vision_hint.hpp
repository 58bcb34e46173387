#pragma once
// The hint for a server that refused a request because the model cannot read images.
#include <string>
#include <string_view>

#include "core/chat/message.hpp"

namespace ochat::chat {

// When `request` carries an image and the server's message speaks of images (Ollama: "this
// model is missing data required for image input"; llama-server: "image input is not
// supported"; others: "vision", "multimodal"), a hint that the model cannot read images;
// otherwise empty.
std::string vision_hint(const ChatRequest& request, std::string_view server_message);

}  // namespace ochat::chat
