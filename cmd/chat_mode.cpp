// The chat: the prompt to the model, its answer streamed to the sink, its tool calls run.
#include <unistd.h>

#include "cmd/chat_setup.hpp"
#include "cmd/mode_support.hpp"
#include "core/attach/user_message.hpp"
#include "core/io/stdin_reader.hpp"
#include "core/sys/signals.hpp"

namespace ochat::cmd {

int run_chat(const config::Options& command_line, RunContext& context) {
  // Checked once without any conversation: a bad flag is reported before a file is touched.
  const config::Settings given = resolve(command_line, context);
  // Read first: a file that cannot be sent is a usage error, before anything starts.
  chat::Message user_message = attach::user_message(
      {command_line.attach, given.prompt, given.force_stdin,
       !given.no_stdin && io::should_read_implicitly(STDIN_FILENO), STDIN_FILENO, given.no_stdin});

  sys::SignalGuard signals;
  context.cancel = signals.token();
  const std::unique_ptr<ChatSetup> chat = prepare_chat(command_line, context);
  const config::Settings& settings = chat->settings;
  chat::ConversationOptions& conversation = chat->conversation;
  const chat::TurnContext turn{*chat->backend, chat->transport, context.sink, settings.timeouts,
                               context.cancel};

  if (settings.model.empty()) throw Error(ErrorKind::usage, no_model_message(turn));

  chat::ChatRequest request = settings.request;
  request.model = settings.model;
  if (conversation::Session* session = chat->session.get()) {
    request.messages = session->take_history();
    conversation.conversation = session->path();
    conversation.earlier_messages = request.messages.size();
    conversation::SavedSettings now = config::lasting_settings(settings);
    if (!chat->options.tool_sources.empty() || !chat->options.mcp_configs.empty()) {
      now.tools = config::lasting_tools(chat->options.tool_sources, chat->options.mcp_configs);
    }
    session->begin_turn(now, settings.system, user_message, request.messages);
    conversation.log = session->log();
    conversation.warn = [&context](const std::string& text) { warn(context, text); };
  } else {
    if (!settings.system.empty())
      request.messages.push_back(chat::Message::text("system", settings.system));
    request.messages.push_back(std::move(user_message));
  }
  request.tools = chat->registry.definitions();

  try {
    const chat::ConversationResult result =
        chat::run_conversation(turn, std::move(request), conversation);
    if (result.end == chat::TurnResult::End::interrupted) return 128 + result.signal;
    return kExitOk;
  } catch (const Error& e) {
    // Rethrown as it is otherwise: a copy would slice a derived error (CutToolCallsError).
    if (auto with_origin = with_tool_origin(e, chat->loaded)) throw *with_origin;
    throw;
  }
}

}  // namespace ochat::cmd
