#include "cmd/run.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <memory>
#include <sstream>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "cmd/cli.hpp"
#include "cmd/generate.hpp"
#include "cmd/parse_error.hpp"
#include "core/attach/user_message.hpp"
#include "core/chat/conversation.hpp"
#include "core/chat/model_list.hpp"
#include "core/config/settings.hpp"
#include "core/error.hpp"
#include "core/events/json_lines_sink.hpp"
#include "core/events/text_sink.hpp"
#include "core/http/curl_transport.hpp"
#include "core/io/fd_stream.hpp"
#include "core/io/stdin_reader.hpp"
#include "core/ollama/ollama_backend.hpp"
#include "core/openai/openai_backend.hpp"
#include "core/sys/signals.hpp"
#include "core/tools/confirming_runner.hpp"
#include "core/tools/executable_plugin.hpp"
#include "core/tools/mcp_config.hpp"
#include "core/tools/mcp_server.hpp"
#include "core/tools/plugin_search.hpp"
#include "core/tools/registry.hpp"

namespace ochat {
namespace {

// Writes the one line on stderr, and in --events mode the `error` and final `done` events.
int report(const Error& error, events::EventSink* sink, io::FdStream& err) {
  if (sink) {
    sink->error(error.kind(), error.what());
    sink->done({"error", {}});
  }
  const bool color = io::use_color(err);
  err.append(color ? "\x1b[1;31mochat: error:\x1b[0m " : "ochat: error: ");
  err.append(error.what());
  if (!error.hint().empty()) {
    err.append("; ");
    err.append(error.hint());
  }
  err.append("\n");
  err.flush();
  return exit_status(error.kind());
}

// The error with every copy of `secret` (the API key) masked, should a server quote it.
Error without_secret(const Error& error, const std::string& secret) {
  if (secret.empty()) return error;
  auto mask = [&](std::string text) {
    for (auto at = text.find(secret); at != std::string::npos; at = text.find(secret, at)) {
      text.replace(at, secret.size(), "[API key]");
    }
    return text;
  };
  return Error(error.kind(), mask(error.what()), mask(error.hint()));
}

std::unique_ptr<chat::Backend> make_backend(const config::Settings& settings) {
  switch (settings.api) {
    case config::Api::openai:
      return std::make_unique<openai::OpenAiBackend>(settings.host, settings.api_key);
    case config::Api::ollama:
      break;
  }
  return std::make_unique<ollama::OllamaBackend>(settings.host, settings.api_key);
}

bool wants_events(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--") == 0) break;
    if (std::strcmp(argv[i], "--events") == 0) return true;
  }
  return false;
}

std::string no_model_message(const chat::TurnContext& context) {
  std::string message = "no model given: use -m NAME or set OCHAT_MODEL";
  try {
    const auto names = chat::list_models(context);
    if (names.empty()) {
      message += fmt::format("; the server at {} has no models yet", context.backend.host());
    } else {
      message += fmt::format("; models on {}: {}", context.backend.host(), fmt::join(names, ", "));
    }
  } catch (const Error& e) {
    message += fmt::format(" (the server's models could not be listed: {})", e.what());
  }
  return message;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(ErrorKind::usage, fmt::format("cannot read the MCP configuration {}: {}", path, std::strerror(errno)));
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// The MCP servers to start: --mcp in command-line order (one per source), then those of the
// default configuration file, then those of each --mcp-config.
std::vector<tools::McpServerConfig> mcp_servers(const std::vector<config::ToolSource>& sources,
                                                const config::Options& options, const config::Getenv& getenv,
                                                io::FdStream& err) {
  std::vector<tools::McpServerConfig> servers;
  std::vector<std::string> names;
  for (const auto& source : sources) {
    if (!source.is_mcp) continue;
    tools::McpServerConfig server;
    server.argv = tools::split_command(source.value);
    server.name = tools::unique_server_name(tools::server_name_for(server.argv[0]), names);
    servers.push_back(std::move(server));
  }
  std::vector<std::string> files;
  if (!options.no_mcp_config) {
    const std::string path = tools::default_mcp_config_path(getenv);
    if (!path.empty() && ::access(path.c_str(), F_OK) == 0) files.push_back(path);
  }
  for (const auto& f : options.mcp_configs) {
    if (std::find(files.begin(), files.end(), f) == files.end()) files.push_back(f);
  }
  for (const auto& file : files) {
    std::vector<std::string> warnings;
    for (auto& server : tools::parse_mcp_config(read_file(file), file, warnings)) {
      server.name = tools::unique_server_name(server.name, names);
      servers.push_back(std::move(server));
    }
    for (const auto& w : warnings) err.append("ochat: warning: " + w + "\n");
    err.flush();
  }
  return servers;
}

// Loads every plugin named with -t or --tools-dir and starts every MCP server, before anything
// is sent, so that a broken one is reported first. The servers start at once; their tools are
// offered in command-line order (the configuration files' servers last).
void load_tools(const std::vector<config::ToolSource>& sources, const config::Options& options,
                const config::Settings& settings, const config::Getenv& getenv, const sys::CancelToken& cancel,
                tools::Registry& registry, io::FdStream& err) {
  tools::McpOptions mcp_options;
  mcp_options.startup_timeout = settings.mcp_timeout;
  mcp_options.call_timeout = settings.tool_timeout;
  if (settings.verbose) {
    mcp_options.log = [&err](const std::string& line) {
      err.append(line + "\n");
      err.flush();
    };
  }
  std::vector<std::unique_ptr<tools::McpServer>> servers;
  for (auto& server : mcp_servers(sources, options, getenv, err)) {
    servers.push_back(tools::McpServer::launch(server, tools::server_environment(server.env, getenv), mcp_options));
  }
  std::vector<std::unique_ptr<tools::ToolProvider>> providers;  // in order; MCP servers are added later
  std::size_t next_server = 0;
  for (const auto& source : sources) {
    if (source.is_mcp) {
      providers.push_back(nullptr);
      continue;
    }
    const std::vector<std::string> paths =
        source.is_dir ? tools::plugins_in_dir(source.value)
                      : std::vector<std::string>{tools::find_plugin(source.value, getenv)};
    for (const auto& path : paths) providers.push_back(tools::ExecutablePlugin::load(path, settings.tool_timeout, cancel));
  }
  const auto from_command_line = static_cast<std::size_t>(std::count(providers.begin(), providers.end(), nullptr));
  for (std::size_t i = from_command_line; i < servers.size(); ++i) providers.push_back(nullptr);  // config files' servers
  for (auto& provider : providers) {
    if (provider) {
      registry.add(std::move(provider));
    } else {
      auto& server = servers[next_server++];
      server->finish_startup(cancel);
      registry.add(std::move(server));
    }
  }
}

}  // namespace

int run(int argc, char** argv) {
  io::FdStream out(STDOUT_FILENO);
  io::FdStream err(STDERR_FILENO);
  config::Options options;
  auto app = cli::make_app(options);

  std::unique_ptr<events::EventSink> sink;
  sys::CancelToken cancel;
  std::string secret;  // the API key, once known: masked in every message
  auto make_sink = [&](bool events_mode) -> std::unique_ptr<events::EventSink> {
    if (events_mode) return std::make_unique<events::JsonLinesSink>(out);
    return std::make_unique<events::TextSink>(
        out, err, events::TextSinkOptions{options.hide_thinking, options.verbose, io::use_color(err)});
  };

  try {
    try {
      app->parse(argc, argv);
    } catch (const CLI::CallForHelp&) {
      out.append(app->help());
      out.flush();
      return kExitOk;
    } catch (const CLI::CallForVersion&) {
      out.append(app->version());
      out.append("\n");
      out.flush();
      return kExitOk;
    } catch (const CLI::ParseError& e) {
      sink = make_sink(wants_events(argc, argv));
      throw Error(ErrorKind::usage, cli::parse_error_message(*app, e), "see ochat --help");
    }
    if (const std::string document = cli::requested_document(*app); !document.empty()) {
      out.append(cli::generate(*app, document));
      out.flush();
      return kExitOk;
    }
    sink = make_sink(options.events);

    const config::Getenv getenv = config::process_environment();
    const config::Settings settings = config::resolve_settings(options, getenv);
    secret = settings.api_key;
    chat::Message user_message;  // read first: a file that cannot be sent is a usage error
    if (!options.list_tools && !options.list_models) {
      user_message = attach::user_message({options.attach, settings.prompt, settings.force_stdin,
                                           io::should_read_implicitly(STDIN_FILENO), STDIN_FILENO});
    }

    sys::SignalGuard signals;
    cancel = signals.token();
    if (options.list_models) {
      const std::unique_ptr<chat::Backend> backend = make_backend(settings);
      http::CurlTransport transport;
      for (const auto& name : chat::list_models({*backend, transport, *sink, settings.timeouts, cancel})) {
        out.append(name + "\n");
      }
      out.flush();
      return kExitOk;
    }
    tools::Registry registry;
    load_tools(cli::tool_sources(*app), options, settings, getenv, cancel, registry, err);
    if (options.list_tools) {
      for (const auto& e : registry.entries()) out.append(e.name + "\t" + e.provider->source() + "\n");
      out.flush();
      return kExitOk;
    }
    chat::ConversationOptions conversation{registry.empty() ? nullptr : &registry, settings.max_rounds};
    std::unique_ptr<tools::TtyConfirmer> confirmer;
    std::unique_ptr<tools::ConfirmingRunner> confirming;
    if (settings.confirm && conversation.tools) {
      confirmer = std::make_unique<tools::TtyConfirmer>();
      confirming = std::make_unique<tools::ConfirmingRunner>(registry, *confirmer);
      conversation.tools = confirming.get();
    }

    const std::unique_ptr<chat::Backend> backend = make_backend(settings);
    http::CurlTransport transport;
    const chat::TurnContext context{*backend, transport, *sink, settings.timeouts, signals.token()};

    if (settings.model.empty()) throw Error(ErrorKind::usage, no_model_message(context));

    chat::ChatRequest request = settings.request;
    request.model = settings.model;
    if (!settings.system.empty()) request.messages.push_back(chat::Message::text("system", settings.system));
    request.messages.push_back(std::move(user_message));
    request.tools = registry.definitions();

    const chat::ConversationResult result = chat::run_conversation(context, std::move(request), conversation);
    if (result.end == chat::TurnResult::End::interrupted) return 128 + result.signal;
    return kExitOk;
  } catch (const Error& e) {
    if (const int sig = cancel.requested(); sig != 0) {  // a failure caused by the interruption
      if (sink) sink->done({"interrupted", {}});
      return 128 + sig;
    }
    return report(without_secret(e, secret), sink.get(), err);
  } catch (const std::exception& e) {
    return report(without_secret(Error(ErrorKind::internal, e.what()), secret), sink.get(), err);
  }
}

}  // namespace ochat
