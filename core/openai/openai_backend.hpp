#pragma once
// The OpenAI chat-completions protocol, as llama.cpp's llama-server, vLLM, LM Studio,
// Ollama's /v1 and hosted APIs speak it: POST {base}/chat/completions with "stream": true,
// server-sent events back. See request_builder.hpp for how ochat's settings map onto it and
// stream_decoder.hpp for how the stream is read.
#include "core/chat/backend.hpp"

namespace ochat::openai {

class OpenAiBackend final : public chat::Backend {
 public:
  // `base_url` as resolve_base_url() returns it. A non-empty `api_key` is sent as
  // "Authorization: Bearer KEY" and nowhere else.
  OpenAiBackend(std::string base_url, std::string api_key)
      : base_url_(std::move(base_url)), api_key_(std::move(api_key)) {}

  const std::string& host() const override { return base_url_; }
  http::Request chat_request(const chat::ChatRequest& request) const override;
  std::unique_ptr<chat::ChunkDecoder> decoder() const override;
  // The server's message from {"error": {"message": ...}} (or Ollama's {"error": "..."}, or
  // the first line of a text body), with a hint for the usual causes (key, base URL, model).
  Error http_error(long status, std::string_view body,
                   const chat::ChatRequest& request) const override;
  std::string connect_hint() const override;
  http::Request models_request() const override;
  std::vector<std::string> parse_models(std::string_view body) const override;

 private:
  void authorize(http::Request& request) const;

  std::string base_url_;
  std::string api_key_;
};

}  // namespace ochat::openai
