#pragma once
// Checked settings for one run: the command line combined with the environment.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/chat/message.hpp"
#include "core/config/backend_table.hpp"
#include "core/config/options.hpp"
#include "core/conversation/saved_settings.hpp"
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
// `saved`: the settings of the conversation this run continues. Each one it records is used
// unless the command line gives it (environment variables do not replace it): the protocol,
// the server (also when the environment names another, unless --api changes the protocol),
// the model, and the -o options, to which this run's -o add or replace keys.
Settings resolve_settings(const Options& options, const sys::Getenv& getenv,
                          const conversation::SavedSettings& saved = {});

// What a conversation keeps of `settings` (all but the tools).
conversation::SavedSettings lasting_settings(const Settings& settings);

// The tools as a conversation keeps them, in command-line order (the --mcp-config files last):
// paths made absolute, so that a continuation from another directory finds them (a plugin
// given by name, to be looked up in the plugin path, and an MCP command line stay as given).
std::vector<conversation::ToolEntry> lasting_tools(const std::vector<tools::ToolSource>& sources,
                                                   const std::vector<std::string>& mcp_configs);
// The other way: the -t, --tools-dir and --mcp sources, and the --mcp-config files.
void tool_sources_of(const std::vector<conversation::ToolEntry>& tools,
                     std::vector<tools::ToolSource>& sources,
                     std::vector<std::string>& mcp_configs);

}  // namespace ochat::config
