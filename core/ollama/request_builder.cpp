#include "core/ollama/request_builder.hpp"

#include "core/chat/image_slots.hpp"

namespace ochat::ollama {
namespace {

using Json = nlohmann::ordered_json;

// `next_image`: the index of the message's first image among the request's images.
Json message_json(const chat::Message& m, std::size_t& next_image) {
  Json j = Json::object();
  j["role"] = m.role;
  j["content"] = m.content;
  if (!m.thinking.empty()) j["thinking"] = m.thinking;
  Json images = Json::array();
  for (const auto& a : m.attachments) {
    if (a.is_image()) images.push_back(chat::image_slot(next_image++));
  }
  if (!images.empty()) j["images"] = std::move(images);
  if (!m.tool_calls.empty()) {
    Json calls = Json::array();
    int index = 0;
    for (const auto& call : m.tool_calls) {
      Json c = Json::object();
      if (!call.id.empty()) c["id"] = call.id;
      c["function"] = {{"index", index++}, {"name", call.name}, {"arguments", call.arguments}};
      calls.push_back(std::move(c));
    }
    j["tool_calls"] = std::move(calls);
  }
  if (!m.tool_name.empty()) j["tool_name"] = m.tool_name;
  if (!m.tool_call_id.empty()) j["tool_call_id"] = m.tool_call_id;
  return j;
}

}  // namespace

nlohmann::ordered_json chat_body(const chat::ChatRequest& request) {
  Json body = Json::object();
  body["model"] = request.model;
  Json messages = Json::array();
  std::size_t next_image = 0;
  for (const auto& m : request.messages) messages.push_back(message_json(m, next_image));
  body["messages"] = std::move(messages);
  if (!request.tools.empty()) body["tools"] = request.tools;
  body["stream"] = true;
  if (request.format) body["format"] = *request.format;
  if (request.think) {
    std::visit([&](const auto& v) { body["think"] = v; }, *request.think);
  }
  if (!request.options.empty()) body["options"] = request.options;
  if (request.keep_alive) body["keep_alive"] = *request.keep_alive;
  return body;
}

}  // namespace ochat::ollama
