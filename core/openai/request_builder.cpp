#include "core/openai/request_builder.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <deque>
#include <optional>
#include <string_view>

#include "core/chat/image_slots.hpp"
#include "core/error.hpp"
#include "core/events/json_string.hpp"

namespace ochat::openai {
namespace {

using Json = nlohmann::ordered_json;

constexpr std::array<std::string_view, 5> kReserved = {"model", "messages", "tools", "stream",
                                                       "stream_options"};

std::string arguments_text(const chat::ToolCall& call) {
  if (!call.arguments_text.empty()) return call.arguments_text;
  return call.arguments.dump(-1, ' ', false, Json::error_handler_t::replace);
}

// The protocol pairs each tool result with its call by id. Ollama may send calls without one
// (a conversation begun there has none): such a call gets "ochat_call_N", N counting the calls of
// the conversation, and a result without an id answers the oldest call not yet answered.
class CallIds {
 public:
  std::string call(const chat::ToolCall& c) {
    ++count_;
    std::string id = c.id.empty() ? fmt::format("ochat_call_{}", count_) : c.id;
    unanswered_.push_back(id);
    return id;
  }
  std::string result(const chat::Message& m) {
    std::string id = m.tool_call_id;
    const auto it =
        id.empty() ? unanswered_.begin() : std::find(unanswered_.begin(), unanswered_.end(), id);
    if (it != unanswered_.end()) {
      if (id.empty()) id = *it;
      unanswered_.erase(it);
    }
    return id;
  }

 private:
  int count_ = 0;
  std::deque<std::string> unanswered_;
};

bool has_images(const chat::Message& m) {
  return std::any_of(m.attachments.begin(), m.attachments.end(),
                     [](const auto& a) { return a.is_image(); });
}

// A message with images: its content as parts, the images first (in order), then the text.
Json content_parts(const chat::Message& m, std::size_t& next_image) {
  Json parts = Json::array();
  for (const auto& a : m.attachments) {
    if (!a.is_image()) continue;
    const std::string url =
        fmt::format("data:{};base64,{}", a.media_type, chat::image_slot(next_image++));
    parts.push_back({{"type", "image_url"}, {"image_url", {{"url", url}}}});
  }
  if (!m.content.empty()) parts.push_back({{"type", "text"}, {"text", m.content}});
  return parts;
}

// `next_image`: the index of the message's first image among the request's images.
Json message_json(const chat::Message& m, std::size_t& next_image, CallIds& ids) {
  Json j = Json::object();
  j["role"] = m.role;
  if (m.role == "tool") j["tool_call_id"] = ids.result(m);
  if (has_images(m)) {
    j["content"] = content_parts(m, next_image);
  } else {
    j["content"] = m.content;
  }
  if (!m.tool_calls.empty()) {
    Json calls = Json::array();
    for (const auto& call : m.tool_calls) {
      calls.push_back({{"id", ids.call(call)},
                       {"type", "function"},
                       {"function", {{"name", call.name}, {"arguments", arguments_text(call)}}}});
    }
    j["tool_calls"] = std::move(calls);
  }
  return j;
}

// A message as message_json() dumps it, written directly (a long conversation has thousands);
// one with tool calls or images goes through the DOM.
void append_message(std::string& out, const chat::Message& m, std::size_t& next_image,
                    CallIds& ids) {
  if (!m.tool_calls.empty() || has_images(m)) {
    out += message_json(m, next_image, ids).dump(-1, ' ', false, Json::error_handler_t::replace);
    return;
  }
  out += R"({"role":)";
  events::append_json_string(out, m.role);
  if (m.role == "tool") {
    out += R"(,"tool_call_id":)";
    events::append_json_string(out, ids.result(m));
  }
  out += R"(,"content":)";
  events::append_json_string(out, m.content);
  out += '}';
}

Json response_format(const Json& format) {
  if (format.is_string() && format.get<std::string>() == "json") return {{"type", "json_object"}};
  return {{"type", "json_schema"}, {"json_schema", {{"name", "response"}, {"schema", format}}}};
}

std::optional<std::string> reasoning_effort(const chat::Think& think) {
  if (const bool* on = std::get_if<bool>(&think)) {
    if (*on) return std::nullopt;
    return "none";
  }
  const std::string& level = std::get<std::string>(think);
  return level == "max" ? "high" : level;
}

}  // namespace

Json top_level_options(const Json& options) {
  Json out = Json::object();
  for (auto it = options.begin(); it != options.end(); ++it) {
    const std::string& key = it.key();
    for (std::string_view reserved : kReserved) {
      if (key == reserved) {
        throw Error(ErrorKind::usage,
                    fmt::format("-o {}=... cannot be used: ochat sets '{}' itself", key, key));
      }
    }
    if (key == "num_predict") {
      if (options.contains("max_tokens")) {
        throw Error(ErrorKind::usage,
                    "-o num_predict and -o max_tokens mean the same with --api openai; give one");
      }
      if (it->is_number() && it->get<double>() < 0) continue;  // Ollama's "no limit"
      out["max_tokens"] = *it;
      continue;
    }
    out[key] = *it;
  }
  return out;
}

namespace {

// The members after "messages", in order.
Json later_fields(const chat::ChatRequest& request) {
  Json body = Json::object();
  if (!request.tools.empty()) body["tools"] = request.tools;
  body["stream"] = true;
  body["stream_options"] = {{"include_usage", true}};
  const Json options = top_level_options(request.options);
  for (auto it = options.begin(); it != options.end(); ++it) body[it.key()] = *it;
  if (request.format) body["response_format"] = response_format(*request.format);
  if (request.think) {
    if (auto effort = reasoning_effort(*request.think)) body["reasoning_effort"] = *effort;
  }
  if (request.continue_answer) {
    // vLLM continues a final assistant message only when asked; llama.cpp's server does it
    // anyway and reads no further.
    body["continue_final_message"] = true;
    body["add_generation_prompt"] = false;
  }
  return body;
}

}  // namespace

Json chat_body(const chat::ChatRequest& request) {
  Json body = Json::object();
  body["model"] = request.model;
  Json messages = Json::array();
  std::size_t next_image = 0;
  CallIds ids;
  for (const auto& m : request.messages) messages.push_back(message_json(m, next_image, ids));
  body["messages"] = std::move(messages);
  const Json later = later_fields(request);
  for (auto it = later.begin(); it != later.end(); ++it) body[it.key()] = *it;
  return body;
}

std::string chat_body_text(const chat::ChatRequest& request) {
  const std::string later =
      later_fields(request).dump(-1, ' ', false, Json::error_handler_t::replace);
  std::string out = R"({"model":)";
  out.reserve(chat::text_size(request.messages));
  events::append_json_string(out, request.model);
  out += R"(,"messages":[)";
  std::size_t next_image = 0;
  CallIds ids;
  for (std::size_t i = 0; i < request.messages.size(); ++i) {
    if (i > 0) out += ',';
    append_message(out, request.messages[i], next_image, ids);
  }
  out += "],";
  out.append(later, 1);  // "stream" is always there: never "{}"
  return out;
}

}  // namespace ochat::openai
