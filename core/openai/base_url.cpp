#include "core/openai/base_url.hpp"

#include <fmt/format.h>

#include <cctype>

#include "core/error.hpp"

namespace ochat::openai {

std::string resolve_base_url(std::string_view value) {
  std::string_view v = value;
  while (!v.empty() && std::isspace(static_cast<unsigned char>(v.front()))) v.remove_prefix(1);
  while (!v.empty() && std::isspace(static_cast<unsigned char>(v.back()))) v.remove_suffix(1);
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
  return fmt::format("{}://{}", scheme, rest);
}

}  // namespace ochat::openai
