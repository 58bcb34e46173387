#pragma once
// What a conversation file holds. The file is UTF-8 JSON Lines: a header line, then one line
// per message in Ollama's message shape (role, content, thinking, tool_calls, tool_name,
// tool_call_id) with ochat's own fields under "ochat"; man/ochat.1 (CONVERSATION FILES) has
// the format. ochat's own fields are never sent to a server.
#include <cstddef>
#include <string>

#include "core/chat/message.hpp"
#include "core/chat/message_log.hpp"
#include "core/conversation/saved_settings.hpp"

namespace ochat::conversation {

// The format version this ochat writes and reads; a file of another version is refused.
inline constexpr int kFormatVersion = 1;

// The first line: {"ochat":"conversation","version":1,"created":...,"settings":{...}}.
struct Header {
  int version = kFormatVersion;
  std::string created;  // ISO 8601, UTC
  SavedSettings settings;
};

// A message line's "ochat" member.
struct Note {
  std::string time;  // when it was written, ISO 8601 UTC; empty: unknown
  chat::MessageNote message;
  // On the user message that begins a turn: the settings that turn changed.
  SavedSettings settings;
};

struct Entry {
  chat::Message message;
  Note note;
  std::size_t line = 0;  // 1-based, in the file
};

}  // namespace ochat::conversation
