// libFuzzer target: the MCP configuration a user writes: an mcp.json file (parse_mcp_config) and
// an --mcp command (split_command), the input being both.
//
// Oracle: no crash, no sanitizer report, no exception other than ochat::Error; every server read
// has a non-empty command and a usable name; split_command gives at least one word, and words
// quoted back with '...' split into the same words.
#include <cctype>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "core/tools/mcp_config.hpp"

namespace {

void require(bool ok) {
  if (!ok) std::abort();
}

std::string quoted(const std::vector<std::string>& words) {
  std::string out;
  for (const auto& w : words) {
    out += out.empty() ? "'" : " '";
    for (char c : w) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    out += "'";
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  try {
    std::vector<std::string> warnings;
    std::vector<std::string> taken;
    for (const auto& server : ochat::tools::parse_mcp_config(in, "mcp.json", warnings)) {
      require(!server.argv.empty() && !server.argv[0].empty());
      require(!server.name.empty());
      for (char c : server.name)
        require(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-');
      ochat::tools::unique_server_name(server.name, taken);
      ochat::tools::server_environment(server.env, [](std::string_view) { return std::nullopt; });
    }
  } catch (const ochat::Error&) {
  }
  try {
    const auto words = ochat::tools::split_command(in);
    require(!words.empty());
    require(ochat::tools::split_command(quoted(words)) == words);
  } catch (const ochat::Error&) {
  }
  return 0;
}
