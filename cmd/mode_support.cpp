#include "cmd/mode_support.hpp"

namespace ochat::cmd {

config::Settings resolve(const config::Options& options, RunContext& context) {
  config::Settings settings = config::resolve_settings(options, context.getenv);
  context.secret = settings.api_key;
  for (const auto& warning : settings.warnings)
    context.err.append("ochat: warning: " + warning + "\n");
  if (!settings.warnings.empty()) context.err.flush();
  return settings;
}

tools::LoadedTools load_tools(const config::Options& options, const config::Settings& settings,
                              RunContext& context, tools::Registry& registry) {
  io::FdStream& err = context.err;
  tools::ToolLoadOptions load;
  load.no_default_config = options.no_mcp_config;
  load.listing = options.list_tools;
  load.config_files = options.mcp_configs;
  load.server_env = options.mcp_env;
  load.warn = [&err](const std::string& warning) {
    err.append("ochat: warning: " + warning + "\n");
    err.flush();
  };
  tools::ProcessLimits limits;
  limits.tool_timeout = settings.tool_timeout;
  limits.describe_timeout = settings.describe_timeout;
  limits.mcp_timeout = settings.mcp_timeout;
  if (settings.verbose) {
    limits.log = [&err](const std::string& line) {
      err.append(line + "\n");
      err.flush();
    };
  }
  const auto factory = tools::process_factory(std::move(limits), context.getenv);
  return tools::load_tools(options.tool_sources, load, context.getenv, *factory, context.cancel,
                           registry);
}

}  // namespace ochat::cmd
