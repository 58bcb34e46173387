#pragma once
// The command line's values as given, before checking. cmd/cli.cpp fills it; settings.cpp
// checks it and combines it with the environment.
#include <optional>
#include <string>
#include <vector>

namespace ochat::config {

// A -t PLUGIN, a --tools-dir DIR or an --mcp COMMAND, in command-line order.
struct ToolSource {
  bool is_dir = false;
  std::string value;
  bool is_mcp = false;  // `value` is an MCP server's command line
};

struct Options {
  std::vector<std::string> prompt;  // words of the prompt; "-" asks for standard input
  std::vector<std::string> attach;  // -a FILE, in order; "-" is standard input
  std::string host;                 // empty: not given
  std::string api;                  // --api: "ollama", "openai"; empty: not given
  std::string api_key_file;         // --api-key-file; empty: not given
  std::string model;
  std::string system;
  std::vector<std::string> option_pairs;  // KEY=VALUE
  std::string format;                     // "json" or a schema file
  std::optional<std::string> think;       // "" for a bare --think
  bool no_think = false;
  std::string keep_alive;
  bool events = false;
  bool hide_thinking = false;
  bool verbose = false;
  double connect_timeout = 10;
  double idle_timeout = 600;
  double timeout = 0;  // 0: none
  std::vector<std::string> tool_names;  // -t (their order among --tools-dir: cli::tool_sources)
  std::vector<std::string> tool_dirs;
  int max_rounds = 10;
  double tool_timeout = 60;
  bool confirm = false;
  std::vector<std::string> mcp_commands;  // --mcp (their order among -t: cli::tool_sources)
  std::vector<std::string> mcp_configs;   // --mcp-config FILE
  bool no_mcp_config = false;
  double mcp_timeout = 30;
  bool list_tools = false;
  bool list_models = false;
};

}  // namespace ochat::config
