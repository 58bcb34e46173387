#pragma once
// Steps that several modes share.
#include "cmd/modes.hpp"
#include "core/config/settings.hpp"
#include "core/sys/cancel_token.hpp"
#include "core/tools/registry.hpp"
#include "core/tools/tool_loader.hpp"

namespace ochat::cmd {

// The checked settings; records the API key in context.secret and prints the settings' warnings.
config::Settings resolve(const config::Options& options, RunContext& context);

// Loads the tools the command line (and the MCP configuration files) name into `registry`;
// warnings, and with -v the MCP servers' log lines, go to stderr.
tools::LoadedTools load_tools(const config::Options& options, const config::Settings& settings,
                              RunContext& context, tools::Registry& registry);

}  // namespace ochat::cmd
