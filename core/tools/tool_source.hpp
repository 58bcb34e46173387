#pragma once
// Where the user asked for tools: a -t PLUGIN, a --tools-dir DIR or an --mcp COMMAND.
#include <string>

namespace ochat::tools {

struct ToolSource {
  enum class Kind {
    plugin,       // -t: a plugin's path, or a name looked up in the plugin search path
    plugin_dir,   // --tools-dir: every plugin in a folder
    mcp_command,  // --mcp: the command line of an MCP server
  };
  Kind kind = Kind::plugin;
  std::string value;
};

}  // namespace ochat::tools
