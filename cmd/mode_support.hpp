#pragma once
// Steps that several modes share.
#include <memory>
#include <mutex>
#include <string>

#include "cmd/modes.hpp"
#include "core/config/settings.hpp"
#include "core/conversation/session.hpp"
#include "core/sys/cancel_token.hpp"
#include "core/tools/registry.hpp"
#include "core/tools/tool_loader.hpp"

namespace ochat::cmd {

// The checked settings (over those of a continued conversation); records the API key in
// context.secret and prints the settings' warnings.
config::Settings resolve(const config::Options& options, RunContext& context,
                         const conversation::SavedSettings& saved = {});

// Loads the tools the command line (and the MCP configuration files) name into `registry`;
// warnings, and with -v the MCP servers' log lines, go to stderr (under `err_mutex` when
// given: a batch calls tools from several threads).
tools::LoadedTools load_tools(const config::Options& options, const config::Settings& settings,
                              RunContext& context, tools::Registry& registry,
                              std::mutex* err_mutex = nullptr);

// Writes "ochat: warning: TEXT" on stderr.
void warn(RunContext& context, const std::string& text);

// The state directory ($XDG_STATE_HOME/ochat, else ~/.local/state/ochat).
std::string state_dir(RunContext& context);

// The conversation file named by a --chat or --show value (a NAME, checked, or a path).
std::string conversation_path(const std::string& value, RunContext& context, std::string_view flag);

// The conversation a chat run uses, opened and read (its skipped lines said on stderr; a wait
// for another ochat said after a second): --chat's, the most recent with -c, else a new one
// under an automatic name when chats are saved (--no-save, OCHAT_SAVE). nullptr: none.
// Needs context.cancel (a signal ends the wait for the lock).
std::unique_ptr<conversation::Session> open_conversation(const config::Options& options,
                                                         RunContext& context);

}  // namespace ochat::cmd
