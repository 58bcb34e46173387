#pragma once
// The Ollama native protocol: POST {host}/api/chat, NDJSON replies.
#include "core/chat/backend.hpp"

namespace ochat::ollama {

class OllamaBackend final : public chat::Backend {
 public:
  // `host` is a base URL as resolve_host() returns it.
  explicit OllamaBackend(std::string host) : host_(std::move(host)) {}

  const std::string& host() const override { return host_; }
  http::Request chat_request(const chat::ChatRequest& request) const override;
  std::unique_ptr<chat::ChunkDecoder> decoder() const override;
  Error http_error(long status, std::string_view body, const chat::ChatRequest& request) const override;
  http::Request models_request() const override;
  std::vector<std::string> parse_models(std::string_view body) const override;

 private:
  std::string host_;
};

}  // namespace ochat::ollama
