#include "core/ollama/ollama_backend.hpp"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "core/chat/image_slots.hpp"
#include "core/chat/vision_hint.hpp"
#include "core/http/error_body.hpp"
#include "core/ndjson/line_splitter.hpp"
#include "core/ollama/chunk_parser.hpp"
#include "core/ollama/model_list.hpp"
#include "core/ollama/request_builder.hpp"

namespace ochat::ollama {
namespace {

class NdjsonDecoder final : public chat::ChunkDecoder {
 public:
  void feed(std::string_view bytes, chat::ChunkHandler& handler) override {
    splitter_.feed(bytes, [&](std::string_view line) { deliver(line, handler); });
  }
  void finish(chat::ChunkHandler& handler) override {
    splitter_.finish([&](std::string_view line) { deliver(line, handler); });
  }

 private:
  // The done chunk ends the reply: whatever follows it is not read.
  void deliver(std::string_view line, chat::ChunkHandler& handler) {
    if (done_) return;
    chat::Chunk chunk = parse_chunk(line);
    done_ = chunk.done;
    handler.on_chunk(chunk);
  }
  ndjson::LineSplitter splitter_;
  bool done_ = false;
};

bool contains(std::string_view haystack, std::string_view needle) {
  return haystack.find(needle) != std::string_view::npos;
}

}  // namespace

http::Request OllamaBackend::chat_request(const chat::ChatRequest& request) const {
  http::Request r;
  r.method = "POST";
  r.url = host_ + "/api/chat";
  chat::set_body(r, chat_body_text(request), request);
  r.headers = {"Content-Type: application/json", "Accept: application/x-ndjson"};
  authorize(r);
  return r;
}

void OllamaBackend::authorize(http::Request& request) const {
  if (!api_key_.empty()) request.headers.push_back("Authorization: Bearer " + api_key_);
}

std::string OllamaBackend::connect_hint(http::NetFailure failure) const {
  if (failure == http::NetFailure::resolve) {
    return "the name did not resolve (DNS); check its spelling in --host or OLLAMA_HOST (or a "
           "proxy variable)";
  }
  return "is Ollama running? Start it with: ollama serve";
}

std::unique_ptr<chat::ChunkDecoder> OllamaBackend::decoder() const {
  return std::make_unique<NdjsonDecoder>();
}

Error OllamaBackend::http_error(long status, std::string_view body,
                                const chat::ChatRequest& request) const {
  // Ollama answers {"error": "..."}; proxies and unknown paths answer plain text or HTML.
  const auto [server_message, from_json] = http::server_message(body);
  std::string message = http::refusal_message(status, server_message);

  std::string hint;
  if (missing_model(status, {server_message, from_json}, request)) {
    hint = fmt::format("try: ollama pull {}", request.model);
  } else if (status == 404 || status == 405) {
    hint = fmt::format("is {} an Ollama server? Check --host or OLLAMA_HOST", host_);
  } else if (status == 400 && contains(server_message, "does not support thinking")) {
    hint = "run without --think";
  } else if (status == 400 && contains(server_message, "does not support tools")) {
    hint = chat::kToolsRefusedHint;
  } else if (status == 403 && server_message.empty()) {
    hint = "the server refused this client; check for a proxy or the server's allowed hosts";
  } else if (status == 503 || status == 429) {
    hint = "the server is busy; try again later";
  }
  if (hint.empty()) hint = chat::vision_hint(request, server_message);
  return Error(ErrorKind::http, std::move(message), std::move(hint));
}

std::optional<chat::ProtocolProbe> OllamaBackend::protocol_probe(
    long status, std::string_view body, const chat::ChatRequest& request) const {
  if ((status != 404 && status != 405) ||
      missing_model(status, http::server_message(body), request)) {
    return std::nullopt;
  }
  // An OpenAI-only server (llama.cpp's) has no /api/chat; given its /v1 base URL, ochat asked
  // for /v1/api/chat.
  const bool is_base_url = host_.ends_with("/v1");
  const std::string base = is_base_url ? host_ : host_ + "/v1";
  chat::ProtocolProbe probe;
  probe.request.method = "GET";
  probe.request.url = base + "/models";
  authorize(probe.request);
  probe.confirms = [](std::string_view reply) {
    const auto j = nlohmann::json::parse(reply, nullptr, false);
    return j.is_object() && j.contains("data") && j["data"].is_array();
  };
  probe.hint = is_base_url
                   ? fmt::format("{} speaks the OpenAI protocol: try --api openai", host_)
                   : fmt::format(
                         "the server speaks the OpenAI protocol (its {}/models answers): try --api "
                         "openai --host {}",
                         base, base);
  return probe;
}

bool OllamaBackend::missing_model(long status, const http::ServerMessage& message,
                                  const chat::ChatRequest& request) {
  return status == 404 && message.from_json && !request.model.empty() &&
         contains(message.text, "not found");
}

http::Request OllamaBackend::models_request() const {
  http::Request r;
  r.method = "GET";
  r.url = host_ + "/api/tags";
  authorize(r);
  return r;
}

std::vector<std::string> OllamaBackend::parse_models(std::string_view body) const {
  return parse_model_list(body);
}

}  // namespace ochat::ollama
