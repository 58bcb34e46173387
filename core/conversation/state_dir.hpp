#pragma once
// Where saved conversations live and how they are named: the state directory
// ($XDG_STATE_HOME/ochat/conversations), --chat NAME|FILE, automatic names, and which
// conversation is the most recent.
#include <cstddef>
#include <optional>
#include <string>

#include "core/conversation/clock.hpp"

namespace ochat::conversation {

inline constexpr std::size_t kMaxNameBytes = 200;
inline constexpr std::string_view kExtension = ".jsonl";

// $XDG_STATE_HOME/ochat (when XDG_STATE_HOME is an absolute path), else
// $HOME/.local/state/ochat, given those variables' values. Throws ochat::Error (internal)
// when neither is set.
std::string state_dir(const std::optional<std::string>& xdg_state_home,
                      const std::optional<std::string>& home);
// STATE/conversations.
std::string conversations_dir(const std::string& state);
// Creates `dir` and its missing parents with mode 0700. Throws ochat::Error (internal).
void make_private_dir(const std::string& dir);

// True when a --chat value names a conversation in the state directory rather than a file:
// it has no slash.
bool is_name(std::string_view value) noexcept;
// Throws ochat::Error (usage) naming `flag` unless `name` can be a conversation's name: not
// empty, "." or "..", no leading dot, at most kMaxNameBytes bytes, no control characters.
void check_name(std::string_view name, std::string_view flag);
// The file for a --chat (or --show) value: a value with a slash as it is; a name (checked)
// as DIR/NAME.jsonl, or DIR/NAME when it already ends in .jsonl.
std::string chat_path(const std::string& value, const std::string& dir, std::string_view flag);
// How a file of the conversations directory is named in listings: its name without .jsonl.
std::string name_of(std::string_view path);

// The automatic name of a conversation begun at `t`: "20260501-100000" (UTC), so that names
// sort by time; the caller adds "-2", "-3", ... when it is taken.
std::string automatic_name(TimePoint t);

// The conversation written last by any ochat: the file recorded in STATE/last-conversation
// while it exists, else the newest *.jsonl of `dir`; nullopt when there is none.
std::optional<std::string> most_recent(const std::string& state, const std::string& dir);
// Records `path` as the conversation written last (atomically: a temporary file renamed),
// creating `state` (0700) when missing. Throws ochat::Error (internal) when it cannot.
void remember_last(const std::string& state, const std::string& path);

}  // namespace ochat::conversation
