#include "cmd/run.hpp"

#include <unistd.h>

#include <cstring>
#include <memory>

#include <fmt/format.h>

#include "cmd/cli.hpp"
#include "cmd/generate.hpp"
#include "core/chat/conversation.hpp"
#include "core/chat/prompt.hpp"
#include "core/config/settings.hpp"
#include "core/error.hpp"
#include "core/events/json_lines_sink.hpp"
#include "core/events/text_sink.hpp"
#include "core/http/curl_transport.hpp"
#include "core/io/fd_stream.hpp"
#include "core/io/stdin_reader.hpp"
#include "core/ollama/ollama_backend.hpp"
#include "core/sys/signals.hpp"
#include "core/tools/confirming_runner.hpp"
#include "core/tools/executable_plugin.hpp"
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

// Loads every plugin named with -t or --tools-dir, in command-line order, before anything is
// sent, so that a broken plugin is reported first.
void load_tools(const std::vector<config::ToolSource>& sources, const config::Settings& settings,
                const config::Getenv& getenv, const sys::CancelToken& cancel, tools::Registry& registry) {
  for (const auto& source : sources) {
    const std::vector<std::string> paths =
        source.is_dir ? tools::plugins_in_dir(source.value)
                      : std::vector<std::string>{tools::find_plugin(source.value, getenv)};
    for (const auto& path : paths) registry.add(tools::ExecutablePlugin::load(path, settings.tool_timeout, cancel));
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
      throw Error(ErrorKind::usage, e.what(), "see ochat --help");
    }
    if (const std::string document = cli::requested_document(*app); !document.empty()) {
      out.append(cli::generate(*app, document));
      out.flush();
      return kExitOk;
    }
    sink = make_sink(options.events);

    const config::Getenv getenv = config::process_environment();
    const config::Settings settings = config::resolve_settings(options, getenv);
    std::optional<std::string> stdin_text;
    if (settings.force_stdin || io::should_read_implicitly(STDIN_FILENO)) stdin_text = io::read_all(STDIN_FILENO);
    const std::string prompt = chat::compose_prompt(settings.prompt, stdin_text);

    sys::SignalGuard signals;
    cancel = signals.token();
    tools::Registry registry;
    load_tools(cli::tool_sources(*app), settings, getenv, cancel, registry);
    chat::ConversationOptions conversation{registry.empty() ? nullptr : &registry, settings.max_rounds};
    std::unique_ptr<tools::TtyConfirmer> confirmer;
    std::unique_ptr<tools::ConfirmingRunner> confirming;
    if (settings.confirm && conversation.tools) {
      confirmer = std::make_unique<tools::TtyConfirmer>();
      confirming = std::make_unique<tools::ConfirmingRunner>(registry, *confirmer);
      conversation.tools = confirming.get();
    }

    ollama::OllamaBackend backend(settings.host);
    http::CurlTransport transport;
    const chat::TurnContext context{backend, transport, *sink, settings.timeouts, signals.token()};

    if (settings.model.empty()) throw Error(ErrorKind::usage, no_model_message(context));

    chat::ChatRequest request = settings.request;
    request.model = settings.model;
    if (!settings.system.empty()) request.messages.push_back(chat::Message::text("system", settings.system));
    request.messages.push_back(chat::Message::text("user", prompt));
    request.tools = registry.definitions();

    const chat::ConversationResult result = chat::run_conversation(context, std::move(request), conversation);
    if (result.end == chat::TurnResult::End::interrupted) return 128 + result.signal;
    return kExitOk;
  } catch (const Error& e) {
    if (const int sig = cancel.requested(); sig != 0) {  // a failure caused by the interruption
      if (sink) sink->done({"interrupted", {}});
      return 128 + sig;
    }
    return report(e, sink.get(), err);
  } catch (const std::exception& e) {
    return report(Error(ErrorKind::internal, e.what()), sink.get(), err);
  }
}

}  // namespace ochat
