// The chat: the prompt to the model, its answer streamed to the sink, its tool calls run.
#include <fmt/format.h>
#include <unistd.h>

#include <optional>

#include "cmd/mode_support.hpp"
#include "core/attach/user_message.hpp"
#include "core/chat/conversation.hpp"
#include "core/chat/model_list.hpp"
#include "core/http/curl_transport.hpp"
#include "core/io/stdin_reader.hpp"
#include "core/sys/clock.hpp"
#include "core/sys/signals.hpp"
#include "core/tools/confirming_runner.hpp"

namespace ochat::cmd {
namespace {

std::string no_model_message(const chat::TurnContext& context) {
  std::string message = "no model given: use -m NAME or set OCHAT_MODEL";
  try {
    const auto names = chat::list_models(context);
    if (!names) throw Error::interrupted(context.cancel.requested());
    if (names->empty()) {
      message += fmt::format("; the server at {} has no models yet", context.backend.host());
    } else {
      message += fmt::format("; models on {}: {}", context.backend.host(), fmt::join(*names, ", "));
    }
  } catch (const Error& e) {
    if (e.kind() == ErrorKind::interrupted) throw;
    message += fmt::format(" (the server's models could not be listed: {})", e.what());
  }
  return message;
}

// A refusal of the tools names the default configuration file when some came from it: the user
// may not know that it applies. Nothing for any other error.
std::optional<Error> with_tool_origin(const Error& error, const tools::LoadedTools& loaded) {
  if (error.kind() != ErrorKind::http || error.hint() != chat::kToolsRefusedHint ||
      loaded.default_config.empty()) {
    return std::nullopt;
  }
  return Error(error.kind(), error.what(),
               fmt::format("{} (some came from {}: --no-mcp-config leaves them out)", error.hint(),
                           loaded.default_config));
}

}  // namespace

// The options with the tools a continued conversation recorded, unless the command line names
// tools itself.
static config::Options with_saved_tools(const config::Options& options,
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
  // Read first: a file that cannot be sent is a usage error, before anything starts.
  chat::Message user_message = attach::user_message(
      {command_line.attach, given.prompt, given.force_stdin,
       !given.no_stdin && io::should_read_implicitly(STDIN_FILENO), STDIN_FILENO, given.no_stdin});

  sys::SignalGuard signals;
  context.cancel = signals.token();
  // The conversation first: its settings apply where the command line gives none.
  const std::unique_ptr<conversation::Session> session = open_conversation(command_line, context);
  const conversation::SavedSettings saved =
      session ? session->transcript().settings : conversation::SavedSettings{};
  const config::Options options = with_saved_tools(command_line, saved);
  const config::Settings settings = resolve(options, context, saved);
  tools::Registry registry;
  const tools::LoadedTools loaded = load_tools(options, settings, context, registry);
  sys::SystemClock clock;
  chat::ConversationOptions conversation{registry.empty() ? nullptr : &registry,
                                         settings.max_rounds};
  conversation.recovery.policy.retries = settings.retries;
  conversation.recovery.clock = &clock;
  std::unique_ptr<tools::TtyConfirmer> confirmer;
  std::unique_ptr<tools::ConfirmingRunner> confirming;
  if (settings.confirm && conversation.tools) {
    confirmer = std::make_unique<tools::TtyConfirmer>();
    // The sink ends its lines before each question (the answer so far, the thinking).
    confirming = std::make_unique<tools::ConfirmingRunner>(
        registry, *confirmer, [&context] { context.sink.before_question(); });
    conversation.tools = confirming.get();
  }

  const std::unique_ptr<chat::Backend> backend = config::make_backend(settings);
  http::CurlTransport transport;
  const chat::TurnContext turn{*backend, transport, context.sink, settings.timeouts,
                               context.cancel};

  if (settings.model.empty()) throw Error(ErrorKind::usage, no_model_message(turn));

  chat::ChatRequest request = settings.request;
  request.model = settings.model;
  if (session) {
    request.messages = session->take_history();
    conversation.conversation = session->path();
    conversation.earlier_messages = request.messages.size();
    conversation::SavedSettings now = config::lasting_settings(settings);
    if (!options.tool_sources.empty() || !options.mcp_configs.empty()) {
      now.tools = config::lasting_tools(options.tool_sources, options.mcp_configs);
    }
    session->begin_turn(now, settings.system, user_message, request.messages);
    conversation.log = session->log();
    conversation.warn = [&context](const std::string& text) { warn(context, text); };
  } else {
    if (!settings.system.empty())
      request.messages.push_back(chat::Message::text("system", settings.system));
    request.messages.push_back(std::move(user_message));
  }
  request.tools = registry.definitions();

  try {
    const chat::ConversationResult result =
        chat::run_conversation(turn, std::move(request), conversation);
    if (result.end == chat::TurnResult::End::interrupted) return 128 + result.signal;
    return kExitOk;
  } catch (const Error& e) {
    // Rethrown as it is otherwise: a copy would slice a derived error (CutToolCallsError).
    if (auto with_origin = with_tool_origin(e, loaded)) throw *with_origin;
    throw;
  }
}

}  // namespace ochat::cmd
