#pragma once
// Reading a conversation file's bytes: tolerant of what a crash or a person can do to it,
// strict about what is not a conversation at all.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/chat/message.hpp"
#include "core/conversation/record.hpp"

namespace ochat::conversation {

struct Transcript {
  std::optional<Header> header;  // absent: the file holds no conversation yet (it is empty)
  // The messages, in file order: in `entries` with ochat's own fields (a full read), or in
  // `messages` alone (a lean read, for a continuation: only the settings are kept of those
  // fields, in `settings`). The other vector stays empty.
  std::vector<Entry> entries;
  std::vector<chat::Message> messages;
  // The header's settings with the changes of every later turn applied: what a continuation
  // reuses.
  SavedSettings settings;
  std::vector<std::string> warnings;  // "FILE:N: ...", one per skipped line
  // The file does not end with '\n' (a cut last line, or an editor that drops the final
  // newline): the next append must start a new line first.
  bool ends_mid_line = false;
};

// Reads a conversation file's bytes, in pieces of any size, as they come from the file:
//  - Lines are separated by '\n'; blank lines are ignored.
//  - A line that is not valid JSON is an incomplete write (a crash or kill mid-append leaves
//    a prefix of a line): it is skipped with a warning. Before the header only a cut header
//    is skipped so; anything else there means the file is not a conversation.
//  - The first JSON line must be the header, of format version kFormatVersion.
//  - Every later JSON line must be a message (see decode_message).
// feed() and finish() throw ochat::Error (internal) naming the file (`name`) and line for a
// file that is not a conversation, an unknown version or a malformed message.
class TranscriptReader {
 public:
  // `notes` false: a lean read (see Transcript::messages).
  TranscriptReader(std::string name, bool notes) : name_(std::move(name)), notes_(notes) {}
  // Room for the messages of a file of about this many bytes (a hint).
  void reserve(std::size_t bytes);
  void feed(std::string_view bytes);
  Transcript finish();

 private:
  void line(std::string_view line, bool last);

  std::string name_;
  bool notes_;
  Transcript t_;
  std::string partial_;  // the start of a line not yet ended
  std::size_t number_ = 0;
  bool any_ = false;
  char last_byte_ = 0;
  Note scratch_;  // the note of a lean read's line
};

// All of `bytes` through a TranscriptReader. With `notes` false, a lean read.
Transcript read_transcript(std::string_view bytes, std::string_view name, bool notes = true);

}  // namespace ochat::conversation
