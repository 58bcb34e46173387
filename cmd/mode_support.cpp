#include "cmd/mode_support.hpp"

#include "core/conversation/state_dir.hpp"
#include "core/error.hpp"
#include "core/text/terminal_filter.hpp"

namespace ochat::cmd {

config::Settings resolve(const config::Options& options, RunContext& context,
                         const conversation::SavedSettings& saved) {
  config::Settings settings = config::resolve_settings(options, context.getenv, saved);
  context.secret = settings.api_key;
  for (const auto& warning : settings.warnings)
    context.err.append("ochat: warning: " + warning + "\n");
  if (!settings.warnings.empty()) context.err.flush();
  return settings;
}

tools::LoadedTools load_tools(const config::Options& options, const config::Settings& settings,
                              RunContext& context, tools::Registry& registry,
                              std::mutex* err_mutex) {
  io::FdStream& err = context.err;
  // What the servers write (their log lines, with -v) is made safe for a terminal, as the
  // model's text is.
  const bool safe = !options.raw && err.is_terminal();
  // Writes a line on stderr, under err_mutex when there is one.
  auto write_line = [&err, err_mutex, safe](const std::string& line) {
    std::unique_lock<std::mutex> lock;
    if (err_mutex) lock = std::unique_lock(*err_mutex);
    err.append((safe ? text::terminal_safe(line) : line) + "\n");
    err.flush();
  };
  tools::ToolLoadOptions load;
  load.no_default_config = options.no_mcp_config;
  load.listing = options.list_tools;
  load.config_files = options.mcp_configs;
  load.server_env = options.mcp_env;
  load.warn = [write_line](const std::string& warning) {
    write_line("ochat: warning: " + warning);
  };
  tools::ProcessLimits limits;
  limits.tool_timeout = settings.tool_timeout;
  limits.describe_timeout = settings.describe_timeout;
  limits.mcp_timeout = settings.mcp_timeout;
  if (settings.verbose) {
    limits.log = write_line;
  }
  const auto factory = tools::process_factory(std::move(limits), context.getenv);
  return tools::load_tools(options.tool_sources, load, context.getenv, *factory, context.cancel,
                           registry);
}

void warn(RunContext& context, const std::string& text) {
  context.err.append("ochat: warning: " + text + "\n");
  context.err.flush();
}

std::string state_dir(RunContext& context) {
  return conversation::state_dir(context.getenv("XDG_STATE_HOME"), context.getenv("HOME"));
}

std::string conversation_path(const std::string& value, RunContext& context,
                              std::string_view flag) {
  if (!conversation::is_name(value)) return value;
  conversation::check_name(value, flag);  // before the state directory is looked for
  return conversation::chat_path(value, conversation::conversations_dir(state_dir(context)), flag);
}

std::unique_ptr<conversation::Session> open_conversation(const config::Options& options,
                                                         RunContext& context) {
  const bool explicit_choice = !options.chat.empty() || options.continue_last;
  const bool save = !options.no_save &&
                    (explicit_choice || conversation::saving_enabled(context.getenv("OCHAT_SAVE")));
  if (!explicit_choice && !save) return nullptr;

  conversation::SessionOptions session;
  session.save = save;
  session.lock.cancel = context.cancel;
  session.lock.waiting = [&context](const std::string& path) {
    context.err.append("ochat: waiting for another ochat using " + path + "\n");
    context.err.flush();
  };
  session.warn = [&context](const std::string& text) { warn(context, text); };
  if (!options.chat.empty()) {
    session.path = conversation_path(options.chat, context, "--chat");
    // The state directory holds the record of the last conversation; a file elsewhere needs
    // none to be saved.
    try {
      session.state = state_dir(context);
      session.dir = conversation::conversations_dir(session.state);
    } catch (const Error&) {
      if (conversation::is_name(options.chat)) throw;
    }
  } else {
    session.state = state_dir(context);
    session.dir = conversation::conversations_dir(session.state);
    if (options.continue_last) {
      const auto last = conversation::most_recent(session.state, session.dir);
      if (!last) {
        throw Error(ErrorKind::usage, "there is no saved conversation to continue",
                    "start one without -c");
      }
      session.path = *last;
    }
  }
  return conversation::Session::open(session);
}

}  // namespace ochat::cmd
