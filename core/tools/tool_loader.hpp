#pragma once
// Loading the tools of one run: every plugin named with -t or --tools-dir and every MCP server
// (--mcp, the default configuration file, --mcp-config), before anything is sent to the model,
// so that a broken one is reported first.
//
// Order: the tools are offered in command-line order (-t, --tools-dir and --mcp as given), then
// those of the configuration files' servers (the default file first, then each --mcp-config).
// Every MCP server starts before any plugin is asked for its description, so that they start
// at the same time.
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/sys/cancel_token.hpp"
#include "core/sys/environment.hpp"
#include "core/tools/mcp_config.hpp"
#include "core/tools/registry.hpp"
#include "core/tools/tool_source.hpp"

namespace ochat::tools {

// Makes the providers. The real one (process_factory) runs plugins and starts servers; tests
// pass fakes.
class ProviderFactory {
 public:
  virtual ~ProviderFactory() = default;
  // The plugin at `path`, once it described its tools. Throws ochat::Error naming it.
  virtual std::unique_ptr<ToolProvider> load_plugin(const std::string& path,
                                                    const sys::CancelToken& cancel) = 0;
  // Starts an MCP server without waiting for it. Throws ochat::Error naming it.
  virtual std::unique_ptr<ToolProvider> launch_server(const McpServerConfig& config) = 0;
  // Waits until a server that launch_server() returned has listed its tools.
  virtual void finish_startup(ToolProvider& server, const sys::CancelToken& cancel) = 0;
};

struct ToolLoadOptions {
  // The default configuration file, $XDG_CONFIG_HOME/ochat/mcp.json (see default_config_applies).
  bool no_default_config = false;         // --no-mcp-config
  bool listing = false;                   // --list-tools
  std::vector<std::string> config_files;  // --mcp-config, in order
  std::vector<std::string> server_env;    // --mcp-env NAME[=VALUE], for every server
  // A message for stderr ("ochat: warning: ..." is added by the caller's `warn`).
  std::function<void(const std::string&)> warn;
};

// Whether the servers of the default configuration file are started: only when the run asks for
// tools (a source, an --mcp-config, or --list-tools) and not --no-mcp-config, so that a plain
// prompt starts nothing and works with any model.
bool default_config_applies(const std::vector<ToolSource>& sources, const ToolLoadOptions& options);

// What load_tools() did that the caller may need to explain.
struct LoadedTools {
  std::string default_config;  // the default configuration file, when its servers were started
};

// The MCP servers to start, in the order their tools are offered: --mcp in command-line order,
// then those of the default configuration file, then those of each --mcp-config (a file given
// twice is read once). Names are made unique. Each server's env is its configured "env" with
// `options.server_env` over it. Throws ochat::Error (usage) for a file that
// cannot be read or parsed.
std::vector<McpServerConfig> mcp_servers(const std::vector<ToolSource>& sources,
                                         const ToolLoadOptions& options, const sys::Getenv& getenv);

// Loads every source into `registry`, in the order above. Throws ochat::Error for the first
// plugin or server that fails, and for a clash of tool names (see Registry::add); an entry of a
// --tools-dir folder that fails to load is not a plugin: it is skipped with a line in `warn`.
// Hidden files (.name) of a folder are never looked at. On an error, the servers not yet in
// the registry are asked to stop (begin_shutdown) all at once.
LoadedTools load_tools(const std::vector<ToolSource>& sources, const ToolLoadOptions& options,
                       const sys::Getenv& getenv, ProviderFactory& factory,
                       const sys::CancelToken& cancel, Registry& registry);

// The real providers: ExecutablePlugin and McpServer with these bounds.
struct ProcessLimits {
  std::chrono::milliseconds describe_timeout{10'000};  // a plugin's --describe
  std::chrono::milliseconds tool_timeout{60'000};      // every tool call
  std::chrono::milliseconds mcp_timeout{30'000};       // an MCP server's start-up
  std::function<void(const std::string&)> log;         // MCP servers' verbose lines; may be empty
};
std::unique_ptr<ProviderFactory> process_factory(ProcessLimits limits, sys::Getenv getenv);

}  // namespace ochat::tools
