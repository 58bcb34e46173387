#include "core/tools/tool_loader.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "core/error.hpp"
#include "core/tools/executable_plugin.hpp"
#include "core/tools/mcp_server.hpp"
#include "core/tools/plugin_search.hpp"

namespace ochat::tools {
namespace {

std::string read_config(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw Error(ErrorKind::usage, fmt::format("cannot read the MCP configuration {}: {}", path,
                                              std::strerror(errno)));
  }
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

class ProcessFactory final : public ProviderFactory {
 public:
  ProcessFactory(ProcessLimits limits, sys::Getenv getenv)
      : limits_(std::move(limits)), getenv_(std::move(getenv)) {}

  std::unique_ptr<ToolProvider> load_plugin(const std::string& path,
                                            const sys::CancelToken& cancel) override {
    return ExecutablePlugin::load(path, {limits_.describe_timeout, limits_.tool_timeout}, cancel);
  }

  std::unique_ptr<ToolProvider> launch_server(const McpServerConfig& config) override {
    McpOptions options;
    options.startup_timeout = limits_.mcp_timeout;
    options.call_timeout = limits_.tool_timeout;
    options.log = limits_.log;
    return McpServer::launch(config, server_environment(config.env, getenv_), std::move(options));
  }

  void finish_startup(ToolProvider& server, const sys::CancelToken& cancel) override {
    static_cast<McpServer&>(server).finish_startup(cancel);  // launch_server() made it
  }

 private:
  ProcessLimits limits_;
  sys::Getenv getenv_;
};

}  // namespace

bool default_config_applies(const std::vector<ToolSource>& sources,
                            const ToolLoadOptions& options) {
  if (options.no_default_config) return false;
  return options.listing || !sources.empty() || !options.config_files.empty();
}

std::vector<McpServerConfig> mcp_servers(const std::vector<ToolSource>& sources,
                                         const ToolLoadOptions& options, const sys::Getenv& getenv,
                                         LoadedTools* loaded) {
  std::vector<McpServerConfig> servers;
  std::vector<std::string> names;
  for (const auto& source : sources) {
    if (source.kind != ToolSource::Kind::mcp_command) continue;
    McpServerConfig server;
    server.argv = split_command(source.value);
    server.name = unique_server_name(server_name_for(server.argv[0]), names);
    servers.push_back(std::move(server));
  }
  std::vector<std::string> files;
  if (default_config_applies(sources, options)) {
    const std::string path = default_mcp_config_path(getenv);
    if (!path.empty() && ::access(path.c_str(), F_OK) == 0) {
      files.push_back(path);
      if (loaded) loaded->default_config = path;
    }
  }
  for (const auto& f : options.config_files) {
    if (std::find(files.begin(), files.end(), f) == files.end()) files.push_back(f);
  }
  for (const auto& file : files) {
    std::vector<std::string> warnings;
    for (auto& server : parse_mcp_config(read_config(file), file, warnings)) {
      server.name = unique_server_name(server.name, names);
      servers.push_back(std::move(server));
    }
    if (options.warn) {
      for (const auto& w : warnings) options.warn(w);
    }
  }
  std::vector<std::string> warnings;
  const auto passed = passed_environment(options.server_env, getenv, warnings);
  if (options.warn) {
    for (const auto& w : warnings) options.warn(w);
  }
  for (auto& server : servers) {
    for (const auto& [name, value] : passed) server.env[name] = value;
  }
  return servers;
}

LoadedTools load_tools(const std::vector<ToolSource>& sources, const ToolLoadOptions& options,
                       const sys::Getenv& getenv, ProviderFactory& factory,
                       const sys::CancelToken& cancel, Registry& registry) {
  LoadedTools loaded;
  // Every server starts now; each is waited for when its turn in the order comes.
  std::vector<std::unique_ptr<ToolProvider>> servers;
  std::vector<std::unique_ptr<ToolProvider>> providers;  // in order; nullptr: the next server
  try {
    for (const auto& server : mcp_servers(sources, options, getenv, &loaded))
      servers.push_back(factory.launch_server(server));

    for (const auto& source : sources) {
      switch (source.kind) {
        case ToolSource::Kind::mcp_command:
          providers.push_back(nullptr);
          break;
        case ToolSource::Kind::plugin:
          providers.push_back(factory.load_plugin(find_plugin(source.value, getenv), cancel));
          break;
        case ToolSource::Kind::plugin_dir:
          // A folder may hold other programs: one that is not a plugin is skipped, with a word.
          for (const auto& path : plugins_in_dir(source.value)) {
            try {
              providers.push_back(factory.load_plugin(path, cancel));
            } catch (const Error& e) {
              if (e.kind() == ErrorKind::interrupted) throw;
              if (options.warn) {
                options.warn(fmt::format("--tools-dir {}: {}; skipped as not a plugin",
                                         source.value, e.what()));
              }
            }
          }
          break;
      }
    }
    const auto from_command_line =
        static_cast<std::size_t>(std::count(providers.begin(), providers.end(), nullptr));
    for (std::size_t i = from_command_line; i < servers.size(); ++i)
      providers.push_back(nullptr);  // the files' servers

    std::size_t next_server = 0;
    for (auto& provider : providers) {
      if (!provider) {
        provider = std::move(servers[next_server++]);
        factory.finish_startup(*provider, cancel);
      }
      registry.add(std::move(provider));
    }
  } catch (...) {
    // The servers not yet in the registry stop together, not one after the other.
    for (auto* list : {&servers, &providers}) {
      for (auto& p : *list) {
        if (p) p->begin_shutdown();
      }
    }
    throw;
  }
  return loaded;
}

std::unique_ptr<ProviderFactory> process_factory(ProcessLimits limits, sys::Getenv getenv) {
  return std::make_unique<ProcessFactory>(std::move(limits), std::move(getenv));
}

}  // namespace ochat::tools
