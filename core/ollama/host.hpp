#pragma once
// Turns an OLLAMA_HOST-style value into a base URL, following Ollama's own rules:
// scheme optional (http, with port 11434, when absent; http:// alone means port 80 and
// https:// port 443), a bare IPv6 address accepted, an invalid port replaced by the default,
// the path kept as a base path, and the bind-all addresses 0.0.0.0 and :: (or an empty host)
// mapped to loopback so that a client can connect.
#include <string>
#include <string_view>

namespace ochat::ollama {

inline constexpr std::string_view kDefaultHost = "http://127.0.0.1:11434";

// Returns e.g. "http://127.0.0.1:11434" or "https://example.com:443/ollama" (no trailing '/').
// An empty value gives kDefaultHost. Throws ochat::Error (usage) for a scheme other than
// http or https.
std::string resolve_host(std::string_view value);

}  // namespace ochat::ollama
