#include "cmd/chat_setup.hpp"

#include <fmt/format.h>

#include "cmd/mode_support.hpp"
#include "core/chat/model_list.hpp"
#include "core/config/backend_table.hpp"

namespace ochat::cmd {
namespace {

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

}  // namespace

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

std::optional<Error> with_tool_origin(const Error& error, const tools::LoadedTools& loaded) {
  if (error.kind() != ErrorKind::http || error.hint() != chat::kToolsRefusedHint ||
      loaded.default_config.empty()) {
    return std::nullopt;
  }
  return Error(error.kind(), error.what(),
               fmt::format("{} (some came from {}: --no-mcp-config leaves them out)", error.hint(),
                           loaded.default_config));
}

std::unique_ptr<ChatSetup> prepare_chat(const config::Options& command_line, RunContext& context) {
  auto chat = std::make_unique<ChatSetup>();
  // The conversation first: its settings apply where the command line gives none.
  chat->session = open_conversation(command_line, context);
  const conversation::SavedSettings saved =
      chat->session ? chat->session->transcript().settings : conversation::SavedSettings{};
  chat->options = with_saved_tools(command_line, saved);
  chat->settings = resolve(chat->options, context, saved);
  chat->loaded = load_tools(chat->options, chat->settings, context, chat->registry);
  chat::ConversationOptions& conversation = chat->conversation;
  conversation.tools = chat->registry.empty() ? nullptr : &chat->registry;
  conversation.max_rounds = chat->settings.max_rounds;
  conversation.recovery.policy.retries = chat->settings.retries;
  conversation.recovery.clock = &chat->clock;
  if (chat->settings.confirm && conversation.tools) {
    chat->confirmer = std::make_unique<tools::TtyConfirmer>();
    // The sink ends its lines before each question (the answer so far, the thinking).
    chat->confirming = std::make_unique<tools::ConfirmingRunner>(
        chat->registry, *chat->confirmer, [&context] { context.sink.before_question(); });
    conversation.tools = chat->confirming.get();
  }
  chat->backend = config::make_backend(chat->settings);
  return chat;
}

}  // namespace ochat::cmd
