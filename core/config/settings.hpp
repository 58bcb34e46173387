#pragma once
// Checked settings for one run: the command line combined with the environment.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/chat/message.hpp"
#include "core/config/backend_table.hpp"
#include "core/config/options.hpp"
#include "core/http/transport.hpp"
#include "core/sys/environment.hpp"

namespace ochat::config {

inline constexpr int kMaxRetries = 100;

struct Settings {
  // Lines for stderr ("ochat: warning: ..."): a value read otherwise than given.
  std::vector<std::string> warnings;
  Api api = Api::ollama;
  std::string host;  // resolved base URL
  // Sent as "Authorization: Bearer KEY"; empty: none. Never shown anywhere: not in messages,
  // events or --verbose output.
  std::string api_key;
  std::string model;  // empty: none given (the caller lists the server's models)
  std::string system;
  chat::ChatRequest request;  // options, format, think, keep_alive; no model or messages yet
  http::Timeouts timeouts;
  int retries = 2;  // requests sent again per answer after a failure (0: none)
  Output output = Output::text;
  bool hide_thinking = false;
  bool verbose = false;
  std::chrono::milliseconds tool_timeout{60'000};
  std::chrono::milliseconds describe_timeout{10'000};
  int max_rounds = 10;
  bool confirm = false;
  std::chrono::milliseconds mcp_timeout{30'000};
  bool force_stdin = false;         // "-" was given
  bool no_stdin = false;            // --no-stdin: standard input is never read
  std::vector<std::string> prompt;  // the words, without "-"
};

// Throws ochat::Error (usage) for any value that cannot be used, naming the flag.
// The protocol is --api, else OCHAT_API, else ollama. The server is --host, else OLLAMA_HOST
// (ollama) or OPENAI_BASE_URL (openai). The API key is the first line of --api-key-file, else
// OCHAT_API_KEY, else (openai only, so that an OpenAI key never goes to an Ollama server)
// OPENAI_API_KEY; spaces around it are removed and an empty value counts as unset. The number
// of retries is --retries, else OCHAT_RETRIES, else 2 (0 to kMaxRetries).
Settings resolve_settings(const Options& options, const sys::Getenv& getenv);

}  // namespace ochat::config
