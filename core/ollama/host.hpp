#pragma once
// Turns an OLLAMA_HOST-style value into a base URL, following Ollama's own rules:
// scheme optional (http, with port 11434, when absent; http:// alone means port 80 and
// https:// port 443), a bare IPv6 address accepted, an invalid port replaced by the default
// (for OLLAMA_HOST; --host is strict),
// the path kept as a base path, and the bind-all addresses 0.0.0.0 and :: (or an empty host)
// mapped to loopback so that a client can connect.
#include <string>
#include <string_view>

namespace ochat::ollama {

inline constexpr std::string_view kDefaultHost = "http://127.0.0.1:11434";

// How an invalid port (not a number, or past 65535) is read.
enum class PortRule {
  fall_back,  // OLLAMA_HOST: the scheme's default port, as Ollama does; `note` says so
  strict,     // --host: a usage error (so is port 0, which nothing listens on)
};

// Returns e.g. "http://127.0.0.1:11434" or "https://example.com:443/ollama" (no trailing '/').
// An empty value gives kDefaultHost. Throws ochat::Error (usage) for a scheme other than
// http or https, and for an invalid port under PortRule::strict; `source` ("--host",
// "OLLAMA_HOST") names the value in messages. Under PortRule::fall_back, `note` (when given)
// receives a line saying which port was used instead of an invalid one.
std::string resolve_host(std::string_view value, PortRule rule = PortRule::fall_back,
                         std::string_view source = "OLLAMA_HOST", std::string* note = nullptr);

}  // namespace ochat::ollama
