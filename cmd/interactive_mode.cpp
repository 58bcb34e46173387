// The interactive mode: a chat typed on the terminal, one message after another, each turn
// appended to the conversation; Ctrl-C stops an answer and the chat goes on.
#include <fmt/format.h>
#include <signal.h>
#include <unistd.h>

#include <optional>
#include <vector>

#include "cmd/chat_setup.hpp"
#include "cmd/mode_support.hpp"
#include "core/attach/user_message.hpp"
#include "core/chat/cut_tool_calls.hpp"
#include "core/conversation/show.hpp"
#include "core/conversation/state_dir.hpp"
#include "core/interactive/command.hpp"
#include "core/interactive/loop.hpp"
#include "core/io/edit_line_reader.hpp"
#include "core/sys/signals.hpp"
#include "core/text/terminal_filter.hpp"

namespace ochat::cmd {
namespace {

// Keeps each message of a turn for the next request (and /show) once the turn has a reply,
// and hands the replies and tool results on to the session's log (when saving).
class TurnLog final : public chat::MessageLog {
 public:
  TurnLog(std::vector<conversation::Entry>& entries, std::vector<chat::Message> begun,
          chat::MessageLog* inner)
      : entries_(entries), begun_(std::move(begun)), inner_(inner) {}

  void append(const chat::Message& message, const chat::MessageNote& note) override {
    for (auto& m : begun_) entries_.push_back({std::move(m), {}, 0});
    begun_.clear();
    entries_.push_back({message, conversation::Note{{}, note, {}}, 0});
    if (inner_) inner_->append(message, note);
  }

 private:
  std::vector<conversation::Entry>& entries_;
  std::vector<chat::Message> begun_;  // the system and user messages that began the turn
  chat::MessageLog* inner_;
};

// The system prompt in effect in `entries`: that of the last system message.
std::string system_in(const std::vector<conversation::Entry>& entries) {
  for (auto it = entries.rbegin(); it != entries.rend(); ++it) {
    if (it->message.role == "system") return it->message.content;
  }
  return {};
}

// The history file ($XDG_STATE_HOME/ochat/history), written unless chats are not saved.
io::EditLineOptions history_options(const config::Options& options, RunContext& context) {
  io::EditLineOptions history;
  try {
    const std::string state = state_dir(context);
    history.history_file = state + "/history";
    history.save_history =
        !options.no_save && conversation::saving_enabled(context.getenv("OCHAT_SAVE"));
    if (history.save_history) conversation::make_private_dir(state);
  } catch (const Error& e) {
    if (e.kind() == ErrorKind::usage) throw;  // OCHAT_SAVE's value
    history.history_file.clear();             // no state directory: no history file
  }
  return history;
}

// One interactive session: its state between turns.
class Interactive final : public interactive::Handler {
 public:
  Interactive(const config::Options& command_line, RunContext& context, sys::SignalGuard& signals,
              ChatSetup& chat)
      : command_line_(command_line),
        context_(context),
        signals_(signals),
        chat_(chat),
        turn_{*chat.backend, chat.transport, context.sink, chat.settings.timeouts, context.cancel},
        model_(chat.settings.model),
        system_(chat.settings.system) {
    if (chat_.session) {
      for (auto& m : chat_.session->take_history()) entries_.push_back({std::move(m), {}, 0});
    }
  }

  // The model's answer to `user`. Returns the exit status when the session must end (SIGTERM).
  std::optional<int> turn(const chat::Message& user);
  std::optional<int> message(const std::string& text) override {
    return turn(chat::Message::text("user", text));
  }
  // Runs a command line (an error is reported: the chat goes on). Returns false for /bye.
  bool command(const std::string& line) override;
  const chat::TurnContext& turn_context() const { return turn_; }

 private:
  // After an interruption by `signal`: the status to end with (SIGTERM), or none (SIGINT: the
  // chat goes on, the next Ctrl-C is a first one again).
  std::optional<int> after_signal(int signal) {
    if (signal != SIGINT) return 128 + signal;
    signals_.clear();
    return std::nullopt;
  }
  bool run_command(const std::string& line);
  void say(const std::string& text) {
    context_.err.append(text);
    context_.err.flush();
  }

  const config::Options& command_line_;
  RunContext& context_;
  sys::SignalGuard& signals_;
  ChatSetup& chat_;
  chat::TurnContext turn_;
  std::string model_;
  std::string system_;
  std::vector<conversation::Entry> entries_;  // the conversation so far, as it is sent
};

std::optional<int> Interactive::turn(const chat::Message& user) {
  chat::ChatRequest request = chat_.settings.request;
  request.model = model_;
  for (const auto& e : entries_) request.messages.push_back(e.message);
  const std::size_t earlier = request.messages.size();
  chat::ConversationOptions conversation = chat_.conversation;
  conversation.earlier_messages = earlier;
  chat::MessageLog* saved = nullptr;
  if (conversation::Session* session = chat_.session.get()) {
    config::Settings now_settings = chat_.settings;
    now_settings.model = model_;
    now_settings.system = system_;
    conversation::SavedSettings now = config::lasting_settings(now_settings);
    if (!chat_.options.tool_sources.empty() || !chat_.options.mcp_configs.empty()) {
      now.tools = config::lasting_tools(chat_.options.tool_sources, chat_.options.mcp_configs);
    }
    session->begin_turn(now, system_, user, request.messages);
    saved = session->log();
    conversation.conversation = session->path();
    conversation.warn = [this](const std::string& text) { warn(context_, text); };
  } else {
    if (!system_.empty() && system_ != system_in(entries_))
      request.messages.push_back(chat::Message::text("system", system_));
    request.messages.push_back(user);
  }
  TurnLog log(
      entries_,
      {request.messages.begin() + static_cast<std::ptrdiff_t>(earlier), request.messages.end()},
      saved);
  conversation.log = &log;
  request.tools = chat_.registry.definitions();
  try {
    const chat::ConversationResult result =
        chat::run_conversation(turn_, std::move(request), conversation);
    if (result.end == chat::TurnResult::End::interrupted) return after_signal(result.signal);
  } catch (const chat::CutToolCallsError& e) {  // the reply ended at the token limit
    report_error(e, context_, {"length", e.stats()});
  } catch (const Error& e) {
    if (const int signal = context_.cancel.requested(); signal != 0) {
      context_.sink.done({"interrupted", {}});
      return after_signal(signal);
    }
    const std::optional<Error> with_origin = with_tool_origin(e, chat_.loaded);
    report_error(with_origin ? *with_origin : e, context_);
  }
  return std::nullopt;
}

bool Interactive::command(const std::string& line) {
  try {
    return run_command(line);
  } catch (const Error& e) {  // /clear could not start a conversation
    report_error(e, context_);
    return true;
  }
}

bool Interactive::run_command(const std::string& line) {
  using Name = interactive::Command::Name;
  const interactive::Command command = interactive::parse_command(line);
  switch (command.name) {
    case Name::help:
      say(std::string(interactive::command_help()));
      break;
    case Name::model:
      if (!command.argument.empty()) model_ = command.argument;
      say(fmt::format("ochat: model {}\n", model_));
      break;
    case Name::system:
      if (command.argument.empty()) {
        say(system_.empty() ? "ochat: no system prompt\n"
                            : fmt::format("ochat: system prompt: {}\n", system_));
      } else {
        system_ = command.argument;
        say("ochat: system prompt set for the next message\n");
      }
      break;
    case Name::clear: {
      config::Options fresh = command_line_;
      fresh.continue_last = false;
      fresh.chat.clear();
      chat_.session.reset();  // the current conversation stays as it was saved
      chat_.session = open_conversation(fresh, context_);
      entries_.clear();
      say("ochat: new conversation\n");
      break;
    }
    case Name::tools: {
      const auto& tools = chat_.registry.entries();
      if (tools.empty()) say("ochat: no tools are offered (see -t, --tools-dir, --mcp)\n");
      for (const auto& tool : tools) {
        const std::string& description = tool.spec->description;
        say(fmt::format("{}  {}\n", text::terminal_safe(tool.name),
                        text::terminal_safe(description.substr(0, description.find('\n')))));
      }
      break;
    }
    case Name::show: {
      conversation::Transcript transcript;
      transcript.entries = entries_;
      const std::string shown = conversation::render_text(transcript);
      context_.out.append(
          context_.out.is_terminal() && !command_line_.raw ? text::terminal_safe(shown) : shown);
      context_.out.flush();
      break;
    }
    case Name::bye:
      return false;
    case Name::unknown:
      report_error(Error(ErrorKind::usage,
                         fmt::format("unknown command {}", text::terminal_safe(command.word)),
                         "/help lists the commands"),
                   context_);
      break;
  }
  return true;
}

}  // namespace

bool wants_interactive(const config::Options& options) {
  if (options.interactive) return true;
  return options.output == config::Output::text && options.prompt.empty() &&
         options.attach.empty() && !options.no_stdin && ::isatty(STDIN_FILENO) == 1;
}

int run_interactive(const config::Options& command_line, RunContext& context) {
  if (command_line.output == config::Output::events) {
    throw Error(ErrorKind::usage, "-i/--interactive writes text: it cannot be used with --events");
  }
  if (::isatty(STDIN_FILENO) != 1) {
    throw Error(ErrorKind::usage, "-i/--interactive needs a terminal on standard input",
                "give the prompt as words, or on standard input without -i");
  }
  const config::Settings given = resolve(command_line, context);
  if (given.force_stdin) {
    throw Error(ErrorKind::usage, "'-' cannot be used with -i/--interactive",
                "standard input is the terminal the chat is typed on");
  }
  std::optional<chat::Message> first;
  if (!given.prompt.empty() || !command_line.attach.empty()) {
    first =
        attach::user_message({command_line.attach, given.prompt, false, false, STDIN_FILENO, true});
  }

  sys::SignalGuard signals(sys::SecondSignal::patient);
  context.cancel = signals.token();
  const std::unique_ptr<ChatSetup> chat = prepare_chat(command_line, context);
  Interactive session(command_line, context, signals, *chat);
  if (chat->settings.model.empty()) {
    throw Error(ErrorKind::usage, no_model_message(session.turn_context()));
  }
  io::EditLineOptions editing = history_options(command_line, context);
  editing.interrupt_fd = context.cancel.wake_fd;
  editing.warn = [&context](const std::string& text) { warn(context, text); };
  const auto term = context.getenv("TERM");
  editing.bracketed_paste = context.err.is_terminal() && term && !term->empty() && *term != "dumb";
  io::EditLineReader reader(editing);
  if (first) {
    if (auto status = session.turn(*first)) return *status;
  }
  interactive::LoopOptions loop;
  loop.cancel = context.cancel;
  loop.clear_signal = [&signals] { signals.clear(); };
  return interactive::run_loop(reader, session, loop);
}

}  // namespace ochat::cmd
