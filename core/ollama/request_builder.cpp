#include "core/ollama/request_builder.hpp"

#include <algorithm>
#include <deque>
#include <utility>

#include "core/chat/image_slots.hpp"
#include "core/events/json_string.hpp"

namespace ochat::ollama {
namespace {

using Json = nlohmann::ordered_json;

// Ollama names the tool whose result a message is (tool_name). A result written in the OpenAI
// shape has only the call's id: the name is that of the call it answers (by id, else the
// oldest call not yet answered).
class CallNames {
 public:
  void calls(const chat::Message& m) {
    for (const auto& c : m.tool_calls) unanswered_.emplace_back(c.id, c.name);
  }
  std::string result(const chat::Message& m) {
    auto it = unanswered_.begin();
    if (!m.tool_call_id.empty()) {
      it = std::find_if(unanswered_.begin(), unanswered_.end(),
                        [&](const auto& c) { return c.first == m.tool_call_id; });
    }
    if (it == unanswered_.end()) return m.tool_name;
    std::string name = m.tool_name.empty() ? it->second : m.tool_name;
    unanswered_.erase(it);
    return name;
  }

 private:
  std::deque<std::pair<std::string, std::string>> unanswered_;  // id, name
};

// `next_image`: the index of the message's first image among the request's images.
Json message_json(const chat::Message& m, std::size_t& next_image, CallNames& names) {
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
  names.calls(m);
  if (m.role == "tool") {
    if (std::string name = names.result(m); !name.empty()) j["tool_name"] = std::move(name);
  } else if (!m.tool_name.empty()) {
    j["tool_name"] = m.tool_name;
  }
  if (!m.tool_call_id.empty()) j["tool_call_id"] = m.tool_call_id;
  return j;
}

// A message as message_json() dumps it, written directly (a long conversation has thousands);
// one with tool calls or images goes through the DOM.
void append_message(std::string& out, const chat::Message& m, std::size_t& next_image,
                    CallNames& names) {
  const bool images = std::any_of(m.attachments.begin(), m.attachments.end(),
                                  [](const auto& a) { return a.is_image(); });
  if (!m.tool_calls.empty() || images) {
    out += message_json(m, next_image, names).dump(-1, ' ', false, Json::error_handler_t::replace);
    return;
  }
  out += R"({"role":)";
  events::append_json_string(out, m.role);
  out += R"(,"content":)";
  events::append_json_string(out, m.content);
  if (!m.thinking.empty()) {
    out += R"(,"thinking":)";
    events::append_json_string(out, m.thinking);
  }
  const std::string name = m.role == "tool" ? names.result(m) : m.tool_name;
  if (!name.empty()) {
    out += R"(,"tool_name":)";
    events::append_json_string(out, name);
  }
  if (!m.tool_call_id.empty()) {
    out += R"(,"tool_call_id":)";
    events::append_json_string(out, m.tool_call_id);
  }
  out += '}';
}

// The members after "messages", in Ollama's order.
Json later_fields(const chat::ChatRequest& request) {
  Json body = Json::object();
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

}  // namespace

nlohmann::ordered_json chat_body(const chat::ChatRequest& request) {
  Json body = Json::object();
  body["model"] = request.model;
  Json messages = Json::array();
  std::size_t next_image = 0;
  CallNames names;
  for (const auto& m : request.messages) messages.push_back(message_json(m, next_image, names));
  body["messages"] = std::move(messages);
  const Json later = later_fields(request);
  for (auto it = later.begin(); it != later.end(); ++it) body[it.key()] = *it;
  return body;
}

std::string chat_body_text(const chat::ChatRequest& request) {
  std::string out = R"({"model":)";
  out.reserve(chat::text_size(request.messages));
  events::append_json_string(out, request.model);
  out += R"(,"messages":[)";
  std::size_t next_image = 0;
  CallNames names;
  for (std::size_t i = 0; i < request.messages.size(); ++i) {
    if (i > 0) out += ',';
    append_message(out, request.messages[i], next_image, names);
  }
  out += "],";
  const std::string later =
      later_fields(request).dump(-1, ' ', false, Json::error_handler_t::replace);
  out.append(later, 1);  // "stream" is always there: never "{}"
  return out;
}

}  // namespace ochat::ollama
