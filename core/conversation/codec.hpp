#pragma once
// The line format of conversation files: one header or message as one line of JSON, and back.
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "core/conversation/record.hpp"

namespace ochat::conversation {

// One line, ending in '\n'. Text that is not valid UTF-8 is written with U+FFFD instead.
std::string encode_header(const Header& header);
std::string encode_message(const chat::Message& message, const Note& note);

// True when `line` is an object whose "ochat" member is "conversation" (a header, of any version).
bool is_header(const nlohmann::ordered_json& line);

// The header's contents. Throws ochat::Error (internal) naming `where` (e.g. "FILE:1") for a
// version other than kFormatVersion and for settings of the wrong type.
Header decode_header(const nlohmann::ordered_json& line, std::string_view where);

// A message line. Members other than the ones ochat knows are ignored; a missing or null
// content is empty. Throws ochat::Error (internal) naming `where` for a line that is not an
// object with a string "role", or whose known members have the wrong type. ochat's own fields
// ("ochat") are read leniently: what cannot be read is left out.
Entry decode_message(const nlohmann::ordered_json& line, std::string_view where);

// decode_message(line) for the common lines, without a JSON DOM: an object whose members are
// "role", "content", "thinking", "tool_name" and "tool_call_id" (strings, each once) and
// "ochat" (an object). nullopt for any other line: the caller parses it and decodes the DOM,
// so the result is always the same. With `notes` false, ochat's own fields are read only for
// the settings (the rest of Entry::note stays empty): enough to continue a conversation.
// `message` and `note` (fresh ones) are filled in place; `name` and `number` (the line's) say
// where a bad setting is. Throws like decode_message() for settings of the wrong type.
bool decode_message_fast(std::string_view line, std::string_view name, std::size_t number,
                         bool notes, chat::Message& message, Note& note);

// The name of a cut in the file and in `done` events: "interrupted", "terminated",
// "output_closed", "error"; "" for none.
std::string cut_name(chat::Cut cut);

}  // namespace ochat::conversation
