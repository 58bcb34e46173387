#pragma once
// Reading a conversation file's bytes: tolerant of what a crash or a person can do to it,
// strict about what is not a conversation at all.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/conversation/record.hpp"

namespace ochat::conversation {

struct Transcript {
  std::optional<Header> header;  // absent: the file holds no conversation yet (it is empty)
  std::vector<Entry> entries;    // the messages, in file order
  // The header's settings with the changes of every later turn applied: what a continuation
  // reuses.
  SavedSettings settings;
  std::vector<std::string> warnings;  // "FILE:N: ...", one per skipped line
  // The file does not end with '\n' (a cut last line, or an editor that drops the final
  // newline): the next append must start a new line first.
  bool ends_mid_line = false;
};

// Reads `bytes`, the contents of the file `name` (used in messages).
//  - Lines are separated by '\n'; blank lines are ignored.
//  - A line that is not valid JSON is an incomplete write (a crash or kill mid-append leaves
//    a prefix of a line): it is skipped with a warning. Before the header only a cut header
//    is skipped so; anything else there means the file is not a conversation.
//  - The first JSON line must be the header, of format version kFormatVersion.
//  - Every later JSON line must be a message (see decode_message).
// Throws ochat::Error (internal) naming the file and line for a file that is not a
// conversation, an unknown version or a malformed message.
// With `notes` false, ochat's own fields of each message are read only for the settings
// (Entry::note is otherwise empty): faster, and all a continuation needs.
Transcript read_transcript(std::string_view bytes, std::string_view name, bool notes = true);

}  // namespace ochat::conversation
