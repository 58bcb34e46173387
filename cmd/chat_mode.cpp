// The chat: the prompt to the model, its answer streamed to the sink, its tool calls run.
#include <fmt/format.h>
#include <unistd.h>

#include "cmd/mode_support.hpp"
#include "core/attach/user_message.hpp"
#include "core/chat/conversation.hpp"
#include "core/chat/model_list.hpp"
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

int run_chat(const config::Options& options, RunContext& context) {
  const config::Settings settings = resolve(options, context);
  // Read first: a file that cannot be sent is a usage error, before anything starts.
  chat::Message user_message =
      attach::user_message({options.attach, settings.prompt, settings.force_stdin,
                            io::should_read_implicitly(STDIN_FILENO), STDIN_FILENO});

  sys::SignalGuard signals;
  context.cancel = signals.token();
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
  if (!settings.system.empty())
    request.messages.push_back(chat::Message::text("system", settings.system));
  request.messages.push_back(std::move(user_message));
  request.tools = registry.definitions();

  const chat::ConversationResult result =
      chat::run_conversation(turn, std::move(request), conversation);
  if (result.end == chat::TurnResult::End::interrupted) return 128 + result.signal;
  return kExitOk;
}

}  // namespace ochat::cmd
