#pragma once
// The base URL of an OpenAI-compatible server, as --host or OPENAI_BASE_URL give it: the
// part before /chat/completions, usually ending in /v1 (https://api.openai.com/v1,
// http://127.0.0.1:8080/v1, Ollama's http://127.0.0.1:11434/v1). Unlike OLLAMA_HOST, no path
// or port is added: the value is used as given.
#include <string>
#include <string_view>

namespace ochat::openai {

inline constexpr std::string_view kDefaultBaseUrl = "http://127.0.0.1:11434/v1";

// Surrounding spaces and trailing slashes are removed; without a scheme, http:// is
// assumed. An empty value gives kDefaultBaseUrl. Throws ochat::Error (usage) for a scheme
// other than http or https, no host, or a port that is not a number from 1 to 65535; `source`
// ("--host", "OPENAI_BASE_URL") names the value in that message.
std::string resolve_base_url(std::string_view value, std::string_view source = "--host");

}  // namespace ochat::openai
