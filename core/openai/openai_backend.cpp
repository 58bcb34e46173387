#include "core/openai/openai_backend.hpp"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "core/chat/image_slots.hpp"
#include "core/chat/vision_hint.hpp"
#include "core/http/error_body.hpp"
#include "core/openai/model_list.hpp"
#include "core/openai/request_builder.hpp"
#include "core/openai/stream_decoder.hpp"

namespace ochat::openai {
namespace {

bool contains(std::string_view haystack, std::string_view needle) {
  return haystack.find(needle) != std::string_view::npos;
}

}  // namespace

void OpenAiBackend::authorize(http::Request& request) const {
  if (!api_key_.empty()) request.headers.push_back("Authorization: Bearer " + api_key_);
}

http::Request OpenAiBackend::chat_request(const chat::ChatRequest& request) const {
  http::Request r;
  r.method = "POST";
  r.url = base_url_ + "/chat/completions";
  chat::set_body(r, chat_body_text(request), request);
  r.headers = {"Content-Type: application/json", "Accept: text/event-stream"};
  authorize(r);
  return r;
}

std::unique_ptr<chat::ChunkDecoder> OpenAiBackend::decoder() const {
  return std::make_unique<StreamDecoder>();
}

Error OpenAiBackend::http_error(long status, std::string_view body,
                                const chat::ChatRequest& request) const {
  const auto [server_message, from_json] = http::server_message(body);

  std::string message = http::refusal_message(status, server_message);

  std::string hint;
  if (status == 401 || status == 403) {
    hint = api_key_.empty() ? "the server may want an API key: set OCHAT_API_KEY or "
                              "OPENAI_API_KEY, or use --api-key-file"
                            : "check the API key (--api-key-file, OCHAT_API_KEY or OPENAI_API_KEY)";
  } else if (status == 404 && from_json && !request.model.empty() &&
             contains(server_message, request.model)) {
    hint = "check the model name; ochat --api openai --list-models lists the server's models";
  } else if (status == 404 || status == 405) {
    hint = fmt::format(
        "is {} the base URL of an OpenAI-compatible server (it usually ends in /v1)? "
        "Check --host or OPENAI_BASE_URL",
        base_url_);
  } else if (contains(server_message, "does not support tools")) {
    hint = chat::kToolsRefusedHint;  // Ollama's /v1
  } else if (contains(server_message, "tools param requires --jinja")) {
    hint = "start llama-server with --jinja, or run without tools";
  } else if (status == 429 || status == 503) {
    hint = "the server is busy or the rate limit was reached; try again later";
  }
  if (hint.empty()) hint = chat::vision_hint(request, server_message);
  return Error(ErrorKind::http, std::move(message), std::move(hint));
}

std::string OpenAiBackend::connect_hint(http::NetFailure failure) const {
  if (failure == http::NetFailure::resolve) {
    return "the name did not resolve (DNS); check its spelling in --host or OPENAI_BASE_URL (or a "
           "proxy variable)";
  }
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
