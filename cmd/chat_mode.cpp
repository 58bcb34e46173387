// The chat: the prompt to the model, its answer streamed to the sink, its tool calls run.
#include <fmt/format.h>
#include <unistd.h>

#include "cmd/mode_support.hpp"
#include "core/chat/conversation.hpp"
#include "core/chat/model_list.hpp"
#include "core/chat/prompt.hpp"
#include "core/http/curl_transport.hpp"
#include "core/io/stdin_reader.hpp"
#include "core/sys/signals.hpp"
#include "core/tools/confirming_runner.hpp"

namespace ochat::cmd {
namespace {

std::string no_model_message(const chat::TurnContext& context) {
  std::string message = "no model given: use -m NAME or set OCHAT_MODEL";
  try {
    const auto names = chat::list_models(context);
    if (!names) return message;  // interrupted: run() reports the interruption
    if (names->empty()) {
      message += fmt::format("; the server at {} has no models yet", context.backend.host());
    } else {
      message += fmt::format("; models on {}: {}", context.backend.host(), fmt::join(*names, ", "));
    }
  } catch (const Error& e) {
    message += fmt::format(" (the server's models could not be listed: {})", e.what());
  }
  return message;
}

}  // namespace

// The options with the tools a continued conversation recorded, unless the command line names
// tools itself.
config::Options with_saved_tools(const config::Options& options,
                                 const conversation::SavedSettings& saved) {
  config::Options o = options;
  if (o.tool_sources.empty() && o.mcp_configs.empty() && saved.tools) {
    config::tool_sources_of(*saved.tools, o.tool_sources, o.mcp_configs);
  }
  return o;
}

int run_chat(const config::Options& command_line, RunContext& context) {
  // Checked once without any conversation: a bad flag is reported before a file is touched.
  const config::Settings given = resolve(command_line, context);
  std::optional<std::string> stdin_text;
  if (given.force_stdin || io::should_read_implicitly(STDIN_FILENO))
    stdin_text = io::read_all(STDIN_FILENO);
  const std::string prompt = chat::compose_prompt(given.prompt, stdin_text);

  sys::SignalGuard signals;
  context.cancel = signals.token();
  // The conversation first: its settings apply where the command line gives none.
  const std::unique_ptr<conversation::Session> session = open_conversation(command_line, context);
  const conversation::SavedSettings saved =
      session ? session->transcript().settings : conversation::SavedSettings{};
  const config::Options options = with_saved_tools(command_line, saved);
  const config::Settings settings = resolve(options, context, saved);
  tools::Registry registry;
  load_tools(options, settings, context, registry);
  chat::ConversationOptions conversation{registry.empty() ? nullptr : &registry,
                                         settings.max_rounds};
  std::unique_ptr<tools::TtyConfirmer> confirmer;
  std::unique_ptr<tools::ConfirmingRunner> confirming;
  if (settings.confirm && conversation.tools) {
    confirmer = std::make_unique<tools::TtyConfirmer>();
    confirming = std::make_unique<tools::ConfirmingRunner>(registry, *confirmer);
    conversation.tools = confirming.get();
  }

  const std::unique_ptr<chat::Backend> backend = config::make_backend(settings);
  http::CurlTransport transport;
  const chat::TurnContext turn{*backend, transport, context.sink, settings.timeouts,
                               context.cancel};

  if (settings.model.empty()) throw Error(ErrorKind::usage, no_model_message(turn));

  chat::ChatRequest request = settings.request;
  request.model = settings.model;
  const chat::Message user = chat::Message::text("user", prompt);
  if (session) {
    request.messages = session->take_history();
    conversation.conversation = session->path();
    conversation.earlier_messages = request.messages.size();
    conversation::SavedSettings now = config::lasting_settings(settings);
    if (!options.tool_sources.empty() || !options.mcp_configs.empty()) {
      now.tools = config::lasting_tools(options.tool_sources, options.mcp_configs);
    }
    session->begin_turn(now, settings.system, user, request.messages);
    conversation.log = session->log();
    conversation.warn = [&context](const std::string& text) { warn(context, text); };
  } else {
    if (!settings.system.empty())
      request.messages.push_back(chat::Message::text("system", settings.system));
    request.messages.push_back(user);
  }
  request.tools = registry.definitions();

  const chat::ConversationResult result =
      chat::run_conversation(turn, std::move(request), conversation);
  if (result.end == chat::TurnResult::End::interrupted) return 128 + result.signal;
  return kExitOk;
}

}  // namespace ochat::cmd
