#pragma once
// The Ollama native protocol: POST {host}/api/chat, NDJSON replies.
#include "core/chat/backend.hpp"
#include "core/http/error_body.hpp"

namespace ochat::ollama {

class OllamaBackend final : public chat::Backend {
 public:
  // `host` is a base URL as resolve_host() returns it. A non-empty `api_key` is sent as
  // "Authorization: Bearer KEY" with every request (for an Ollama behind an auth proxy).
  explicit OllamaBackend(std::string host, std::string api_key = {})
      : host_(std::move(host)), api_key_(std::move(api_key)) {}

  const std::string& host() const override { return host_; }
  http::Request chat_request(const chat::ChatRequest& request) const override;
  std::unique_ptr<chat::ChunkDecoder> decoder() const override;
  Error http_error(long status, std::string_view body,
                   const chat::ChatRequest& request) const override;
  std::string connect_hint(http::NetFailure failure) const override;
  // After a 404 or 405 that is not a missing model: GET /v1/models (or, when the host is already a
  // /v1 base URL, /models), which an OpenAI-only server answers.
  std::optional<chat::ProtocolProbe> protocol_probe(
      long status, std::string_view body, const chat::ChatRequest& request) const override;
  http::Request models_request() const override;
  std::vector<std::string> parse_models(std::string_view body) const override;

 private:
  void authorize(http::Request& request) const;
  // A 404 whose message says the model is not there ("try: ollama pull").
  static bool missing_model(long status, const http::ServerMessage& message,
                            const chat::ChatRequest& request);

  std::string host_;
  std::string api_key_;
};

}  // namespace ochat::ollama
