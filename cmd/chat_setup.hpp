#pragma once
// What a chat run and the interactive mode both build before the first request: the
// conversation (whose saved settings apply where the command line gives none), the settings,
// the tools (started before anything is sent, so that a broken one is reported first),
// --confirm, the backend and the transport.
#include <memory>
#include <optional>
#include <string>

#include "cmd/modes.hpp"
#include "core/chat/conversation.hpp"
#include "core/config/settings.hpp"
#include "core/conversation/session.hpp"
#include "core/http/curl_transport.hpp"
#include "core/sys/clock.hpp"
#include "core/tools/confirming_runner.hpp"
#include "core/tools/registry.hpp"
#include "core/tools/tool_loader.hpp"

namespace ochat::cmd {

struct ChatSetup {
  std::unique_ptr<conversation::Session> session;  // nullptr: nothing saved or continued
  config::Options options;    // the command line's, with the tools a continued chat recorded
  config::Settings settings;  // checked, over the conversation's saved settings
  tools::Registry registry;
  tools::LoadedTools loaded;
  sys::SystemClock clock;
  // Tools (through --confirm's question when asked for), rounds and recovery; the caller sets
  // the log and the conversation's file.
  chat::ConversationOptions conversation;
  std::unique_ptr<tools::TtyConfirmer> confirmer;
  std::unique_ptr<tools::ConfirmingRunner> confirming;
  std::unique_ptr<chat::Backend> backend;
  http::CurlTransport transport;
};

// Builds it all. Needs context.cancel (set once the signals are caught).
std::unique_ptr<ChatSetup> prepare_chat(const config::Options& command_line, RunContext& context);

// The usage error's message for a chat without a model: with the server's models when it can
// list them.
std::string no_model_message(const chat::TurnContext& context);

// A refusal of the tools naming the default configuration file when some came from it: the
// user may not know that it applies. nullopt for any other error.
std::optional<Error> with_tool_origin(const Error& error, const tools::LoadedTools& loaded);

}  // namespace ochat::cmd
