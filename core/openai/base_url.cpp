#include "core/openai/base_url.hpp"

#include <fmt/format.h>

#include <cctype>
#include <charconv>

#include "core/error.hpp"
#include "core/text/trim.hpp"

namespace ochat::openai {

std::string resolve_base_url(std::string_view value, std::string_view source) {
  const std::string_view v = text::trim(value);
  if (v.empty()) return std::string(kDefaultBaseUrl);

  std::string scheme = "http";
  std::string_view rest = v;
  if (const auto sep = v.find("://"); sep != std::string_view::npos) {
    scheme = std::string(v.substr(0, sep));
    for (auto& c : scheme) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    rest = v.substr(sep + 3);
    if (scheme != "http" && scheme != "https") {
      throw Error(ErrorKind::usage,
                  fmt::format("unsupported scheme '{}' in server address '{}'", scheme, v),
                  "use http:// or https://");
    }
  }
  while (!rest.empty() && rest.back() == '/') rest.remove_suffix(1);
  if (rest.empty() || rest.front() == '/') {
    throw Error(ErrorKind::usage, fmt::format("no host in server address '{}'", v),
                "for example: --host http://127.0.0.1:8080/v1");
  }
  // The port, if any: after the last ':' of the authority, outside an IPv6 address's brackets.
  const std::string_view authority = rest.substr(0, rest.find('/'));
  const auto colon = authority.rfind(':');
  if (colon != std::string_view::npos && authority.find(']', colon) == std::string_view::npos &&
      (authority.front() == '[' || authority.find(':') == colon)) {
    const std::string_view port = authority.substr(colon + 1);
    unsigned number = 0;
    const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), number);
    if (port.empty() || ec != std::errc() || end != port.data() + port.size() || number < 1 ||
        number > 65535) {
      throw Error(ErrorKind::usage, fmt::format("{}: invalid port '{}' in '{}'", source, port, v),
                  "a port is a number from 1 to 65535");
    }
  }
  return fmt::format("{}://{}", scheme, rest);
}

}  // namespace ochat::openai
