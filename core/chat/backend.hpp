#pragma once
// What a wire protocol provides to the conversation loop: how to build a request, how to
// decode the streamed reply into Chunks, and how to word an HTTP error. Nothing above this
// interface knows which protocol is in use.
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/chat/chunk.hpp"
#include "core/chat/message.hpp"
#include "core/error.hpp"
#include "core/http/transport.hpp"

namespace ochat::chat {

class ChunkHandler {
 public:
  virtual ~ChunkHandler() = default;
  virtual void on_chunk(Chunk& chunk) = 0;
};

// Turns response bytes, read in any pieces, into chunks. Throws ochat::Error (stream) on
// bytes that do not make a valid stream.
class ChunkDecoder {
 public:
  virtual ~ChunkDecoder() = default;
  virtual void feed(std::string_view bytes, ChunkHandler& handler) = 0;
  // End of the body: decodes whatever was held back.
  virtual void finish(ChunkHandler& handler) = 0;
  // True once the bytes so far make a whole reply even though its end marker may still be to
  // come (OpenAI: a finish_reason before [DONE]); finish() then completes it.
  virtual bool complete() const { return false; }
};

// The hint of an http_error when the model (or server) refused the tools it was offered; the
// caller may add where the tools came from.
inline constexpr std::string_view kToolsRefusedHint =
    "pick a model that supports tools, or run without tools";

class Backend {
 public:
  virtual ~Backend() = default;
  // The base URL requests go to, as shown to the user.
  virtual const std::string& host() const = 0;
  virtual http::Request chat_request(const ChatRequest& request) const = 0;
  virtual std::unique_ptr<ChunkDecoder> decoder() const = 0;
  // The error for a reply with HTTP status >= 400 and this body: the server's own message,
  // with a hint where one helps.
  virtual Error http_error(long status, std::string_view body,
                           const ChatRequest& request) const = 0;
  // What to suggest when no connection can be made ("is Ollama running? ...").
  virtual std::string connect_hint() const = 0;
  // Listing the server's models (for the "no model given" message).
  virtual http::Request models_request() const = 0;
  // Throws ochat::Error (stream) when the body is not a model list.
  virtual std::vector<std::string> parse_models(std::string_view body) const = 0;
};

}  // namespace ochat::chat
