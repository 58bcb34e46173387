#include "core/ollama/host.hpp"

#include <fmt/format.h>

#include <charconv>

#include "core/error.hpp"
#include "core/text/trim.hpp"

namespace ochat::ollama {
namespace {

// White space and quotes a shell or a .env file left around the address.
std::string_view trim(std::string_view s) { return text::trim(s, " \t\r\n\"'"); }

bool valid_port(std::string_view p, unsigned lowest) {
  unsigned value = 0;
  auto [end, ec] = std::from_chars(p.data(), p.data() + p.size(), value);
  return !p.empty() && ec == std::errc() && end == p.data() + p.size() && value >= lowest &&
         value <= 65535;
}

// Splits "host:port" or "[v6]:port"; returns false when there is no port part (Go's
// net.SplitHostPort fails: no colon, too many colons, or brackets without a port).
bool split_host_port(std::string_view hp, std::string_view& host, std::string_view& port) {
  if (!hp.empty() && hp.front() == '[') {
    const auto close = hp.find(']');
    if (close == std::string_view::npos || close + 1 >= hp.size() || hp[close + 1] != ':')
      return false;
    host = hp.substr(1, close - 1);
    port = hp.substr(close + 2);
    return true;
  }
  const auto colon = hp.find(':');
  if (colon == std::string_view::npos || hp.find(':', colon + 1) != std::string_view::npos)
    return false;
  host = hp.substr(0, colon);
  port = hp.substr(colon + 1);
  return true;
}

}  // namespace

std::string resolve_host(std::string_view value, PortRule rule, std::string_view source,
                         std::string* note) {
  std::string_view rest = trim(value);
  if (rest.empty()) return std::string(kDefaultHost);

  std::string scheme = "http";
  std::string_view default_port = "11434";
  if (const auto sep = rest.find("://"); sep != std::string_view::npos) {
    scheme = std::string(rest.substr(0, sep));
    for (auto& c : scheme) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    rest.remove_prefix(sep + 3);
    if (scheme == "http") {
      default_port = "80";
    } else if (scheme == "https") {
      default_port = "443";
    } else {
      throw Error(
          ErrorKind::usage,
          fmt::format("unsupported scheme '{}' in server address '{}'", scheme, trim(value)),
          "use http:// or https://");
    }
  } else if (rest == "ollama.com") {
    return "https://ollama.com:443";
  }

  std::string_view hostport = rest;
  std::string_view path;
  if (const auto slash = rest.find('/'); slash != std::string_view::npos) {
    hostport = rest.substr(0, slash);
    path = rest.substr(slash);
  }
  while (path.size() > 1 && path.back() == '/') path.remove_suffix(1);
  if (path == "/") path = {};

  std::string_view host;
  std::string_view port;
  if (!split_host_port(hostport, host, port)) {
    host = hostport;
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
      host = host.substr(1, host.size() - 2);
    port = default_port;
  }
  if (rule == PortRule::strict && !valid_port(port, 1)) {
    throw Error(ErrorKind::usage,
                fmt::format("{}: invalid port '{}' in '{}'", source, port, trim(value)),
                "a port is a number from 1 to 65535");
  }
  if (!valid_port(port, 0)) {
    if (note) {
      *note = fmt::format("{}: invalid port '{}' in '{}'; using port {}, as Ollama does", source,
                          port, trim(value), default_port);
    }
    port = default_port;
  }

  std::string h(host);
  if (h.empty() || h == "0.0.0.0") h = "127.0.0.1";
  if (h == "::" || h == "0:0:0:0:0:0:0:0") h = "::1";
  const bool v6 = h.find(':') != std::string::npos;
  return fmt::format("{}://{}{}{}:{}{}", scheme, v6 ? "[" : "", h, v6 ? "]" : "", port, path);
}

}  // namespace ochat::ollama
