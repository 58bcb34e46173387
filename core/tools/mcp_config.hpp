#pragma once
// Which MCP servers to start: --mcp 'COMMAND [ARGS...]' and the mcp.json configuration file
// ({"mcpServers": {"NAME": {"command": ..., "args": [...], "env": {...}}}}, the format other
// MCP hosts use).
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/sys/environment.hpp"

namespace ochat::tools {

struct McpServerConfig {
  std::string name;                        // unique among the servers of one run
  std::vector<std::string> argv;           // argv[0] is looked up in PATH
  std::map<std::string, std::string> env;  // added to the default environment
};

// Splits a command the way a POSIX shell splits words (blanks separate; '...' is literal;
// "..." keeps its text, with \" \\ \$ \` escaped; a backslash outside quotes escapes the next
// character), without expanding anything and without running a shell. Throws ochat::Error
// (usage) for an unterminated quote or an empty command.
std::vector<std::string> split_command(std::string_view command);

// The name of a server given with --mcp: its command's file name ("npx", "node"), reduced to
// letters, digits, '_' and '-'.
std::string server_name_for(const std::string& command);

// Reads a configuration file's servers in file order. Servers with "disabled": true are left
// out; a server without "command" (an HTTP server: "url") is left out with a line in
// `warnings`, and so is a file without "mcpServers" (such as VS Code's {"servers": ...}).
// Throws ochat::Error (usage) naming the file for bad JSON (with the line and column) or a bad
// entry.
std::vector<McpServerConfig> parse_mcp_config(std::string_view text, const std::string& file,
                                              std::vector<std::string>& warnings);

// The default configuration file: $XDG_CONFIG_HOME/ochat/mcp.json, else ~/.config/ochat/mcp.json;
// empty when neither variable is set.
std::string default_mcp_config_path(const sys::Getenv& getenv);

// Makes `name` unique among `taken` by appending -2, -3, ...; adds the result to `taken`.
std::string unique_server_name(std::string name, std::vector<std::string>& taken);

// The variables --mcp-env gives every server: "NAME=VALUE" as written; a bare "NAME" with
// ochat's own value, or not at all (with a line in `warnings`) when NAME is not set. The last
// of a name given twice counts. Throws ochat::Error (usage) for a NAME that is not a variable
// name (letters, digits and '_', not starting with a digit).
std::map<std::string, std::string> passed_environment(const std::vector<std::string>& specs,
                                                      const sys::Getenv& getenv,
                                                      std::vector<std::string>& warnings);

// The environment a server starts with: HOME, LOGNAME, PATH, SHELL, TERM and USER from ours
// (like the MCP SDK: the rest may hold secrets), then `extra`.
std::vector<std::string> server_environment(const std::map<std::string, std::string>& extra,
                                            const sys::Getenv& getenv);

}  // namespace ochat::tools
