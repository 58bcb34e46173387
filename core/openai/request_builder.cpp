#include "core/openai/request_builder.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <optional>
#include <string_view>

#include "core/chat/image_slots.hpp"
#include "core/error.hpp"

namespace ochat::openai {
namespace {

using Json = nlohmann::ordered_json;

constexpr std::array<std::string_view, 5> kReserved = {"model", "messages", "tools", "stream",
                                                       "stream_options"};

std::string arguments_text(const chat::ToolCall& call) {
  if (!call.arguments_text.empty()) return call.arguments_text;
  return call.arguments.dump(-1, ' ', false, Json::error_handler_t::replace);
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
Json message_json(const chat::Message& m, std::size_t& next_image) {
  Json j = Json::object();
  j["role"] = m.role;
  if (m.role == "tool") j["tool_call_id"] = m.tool_call_id;
  const bool has_images = std::any_of(m.attachments.begin(), m.attachments.end(),
                                      [](const auto& a) { return a.is_image(); });
  if (has_images) {
    j["content"] = content_parts(m, next_image);
  } else {
    j["content"] = m.content;
  }
  if (!m.tool_calls.empty()) {
    Json calls = Json::array();
    for (const auto& call : m.tool_calls) {
      calls.push_back({{"id", call.id},
                       {"type", "function"},
                       {"function", {{"name", call.name}, {"arguments", arguments_text(call)}}}});
    }
    j["tool_calls"] = std::move(calls);
  }
  return j;
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

Json chat_body(const chat::ChatRequest& request) {
  Json body = Json::object();
  body["model"] = request.model;
  Json messages = Json::array();
  std::size_t next_image = 0;
  for (const auto& m : request.messages) messages.push_back(message_json(m, next_image));
  body["messages"] = std::move(messages);
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

}  // namespace ochat::openai
