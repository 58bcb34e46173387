#pragma once
// The JSON body of an Ollama POST /api/chat request.
#include <string>

#include "core/chat/message.hpp"

namespace ochat::ollama {

// Fields in Ollama's own order; optional fields only when set. Tool call arguments are sent
// as JSON objects, with ids kept, as /api/chat requires. A message's images are its `images`,
// each written as chat::image_slot() for chat::set_body() to fill in with its base64.
nlohmann::ordered_json chat_body(const chat::ChatRequest& request);
// chat_body(request) as dump(-1, ' ', false, replace) writes it, byte for byte, without
// building the messages' DOM (a continued conversation may have thousands).
std::string chat_body_text(const chat::ChatRequest& request);

}  // namespace ochat::ollama
