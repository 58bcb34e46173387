#include "core/openai/openai_backend.hpp"

#include <cctype>

#include <nlohmann/json.hpp>

#include <fmt/format.h>

#include "core/chat/image_slots.hpp"
#include "core/chat/vision_hint.hpp"
#include "core/http/status_text.hpp"
#include "core/openai/model_list.hpp"
#include "core/openai/request_builder.hpp"
#include "core/openai/stream_decoder.hpp"
#include "core/text/excerpt.hpp"

namespace ochat::openai {
namespace {

bool contains(std::string_view haystack, std::string_view needle) {
  return haystack.find(needle) != std::string_view::npos;
}

// {"error": {"message": ...}} as this protocol has it, {"error": "..."} as Ollama's native
// API (and some proxies) have it; empty when the body is neither.
std::string json_error_message(std::string_view body) {
  const auto j = nlohmann::json::parse(body, nullptr, false);
  if (!j.is_object() || !j.contains("error")) return {};
  const auto& e = j["error"];
  if (e.is_string()) return e.get<std::string>();
  if (e.is_object() && e.contains("message") && e["message"].is_string()) return e["message"].get<std::string>();
  return {};
}

std::string first_line(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) text.remove_prefix(1);
  if (auto nl = text.find('\n'); nl != std::string_view::npos) text = text.substr(0, nl);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.remove_suffix(1);
  return text::excerpt(text, 200);
}

}  // namespace

void OpenAiBackend::authorize(http::Request& request) const {
  if (!api_key_.empty()) request.headers.push_back("Authorization: Bearer " + api_key_);
}

http::Request OpenAiBackend::chat_request(const chat::ChatRequest& request) const {
  http::Request r;
  r.method = "POST";
  r.url = base_url_ + "/chat/completions";
  chat::set_body(
      r, chat_body(request).dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace),
      request);
  r.headers = {"Content-Type: application/json", "Accept: text/event-stream"};
  authorize(r);
  return r;
}

std::unique_ptr<chat::ChunkDecoder> OpenAiBackend::decoder() const { return std::make_unique<StreamDecoder>(); }

Error OpenAiBackend::http_error(long status, std::string_view body, const chat::ChatRequest& request) const {
  std::string server_message = json_error_message(body);
  const bool from_json = !server_message.empty();
  if (!from_json) server_message = first_line(body);

  const std::string_view reason = http::status_text(status);
  std::string message =
      fmt::format("the server refused the request (HTTP {}{}{})", status, reason.empty() ? "" : " ", reason);
  if (!server_message.empty()) message += ": " + server_message;

  std::string hint;
  if (status == 401 || status == 403) {
    hint = api_key_.empty() ? "the server may want an API key: set OCHAT_API_KEY or OPENAI_API_KEY, or use --api-key-file"
                            : "check the API key (--api-key-file, OCHAT_API_KEY or OPENAI_API_KEY)";
  } else if (status == 404 && from_json && !request.model.empty() && contains(server_message, request.model)) {
    hint = "check the model name; ochat --api openai --list-models lists the server's models";
  } else if (status == 404 || status == 405) {
    hint = fmt::format("is {} the base URL of an OpenAI-compatible server (it usually ends in /v1)? "
                       "Check --host or OPENAI_BASE_URL",
                       base_url_);
  } else if (status == 429 || status == 503) {
    hint = "the server is busy or the rate limit was reached; try again later";
  }
  if (hint.empty()) hint = chat::vision_hint(request, server_message);
  return Error(ErrorKind::http, std::move(message), std::move(hint));
}

std::string OpenAiBackend::connect_hint() const {
  return "is the server running? Check --host or OPENAI_BASE_URL";
}

http::Request OpenAiBackend::models_request() const {
  http::Request r;
  r.method = "GET";
  r.url = base_url_ + "/models";
  authorize(r);
  return r;
}

std::vector<std::string> OpenAiBackend::parse_models(std::string_view body) const {
  return parse_model_list(body);
}

}  // namespace ochat::openai
