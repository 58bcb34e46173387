#pragma once
// `ochat --conversations`: a line per saved conversation, reading only what the line needs.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "core/conversation/clock.hpp"

namespace ochat::conversation {

struct Summary {
  std::string name;  // as --chat and --show take it
  std::string path;
  TimePoint modified{};
  std::string model;         // the one the conversation uses now
  std::size_t messages = 0;  // message lines
  std::string first_words;   // of the first user message
};

// Summarises a conversation file's bytes without decoding every message: the header, the
// first user message and the last settings change are parsed; messages are counted as the
// lines after the header that end in '}' (a cut line is counted when it happens to end so).
// Throws ochat::Error (internal) when the first line is not a conversation header.
Summary summarize(std::string_view bytes, std::string_view name);

// Every NAME.jsonl of `dir` (regular files, no leading dot), newest first (by modification
// time). A file that cannot be read or is not a conversation is left out, with a warning.
std::vector<Summary> list_conversations(const std::string& dir, std::vector<std::string>& warnings);

// "NAME<TAB>2026-05-01T10:00:00Z<TAB>MODEL<TAB>N<TAB>first words\n"; tabs and line breaks in
// the fields become spaces.
std::string listing_line(const Summary& summary);

// The first words of `text` on one line: at most `max_bytes` bytes (cut between words when it
// can be, never inside a UTF-8 character, "..." added when cut), whitespace runs as one space.
std::string first_words(std::string_view text, std::size_t max_bytes = 60);

}  // namespace ochat::conversation
