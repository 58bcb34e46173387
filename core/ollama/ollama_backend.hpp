#pragma once
// The Ollama native protocol: POST {host}/api/chat, NDJSON replies.
#include "core/chat/backend.hpp"

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
  std::string connect_hint() const override;
  http::Request models_request() const override;
  std::vector<std::string> parse_models(std::string_view body) const override;

 private:
  void authorize(http::Request& request) const;

  std::string host_;
  std::string api_key_;
};

}  // namespace ochat::ollama
