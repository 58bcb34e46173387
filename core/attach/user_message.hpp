#pragma once
// The user's message from the command line: the prompt's words, standard input, and the files
// attached with -a.
#include <string>
#include <string_view>
#include <vector>

#include "core/chat/message.hpp"

namespace ochat::attach {

struct UserInput {
  std::vector<std::string> attach;  // the -a values, in order; "-" is standard input
  std::vector<std::string> words;   // the prompt's words (without "-")
  bool stdin_forced = false;        // "-" was among the words
  bool stdin_implicit = false;      // standard input is a pipe or a file: read unless -a - took it
  int stdin_fd = 0;
  bool no_stdin = false;  // --no-stdin: standard input is never read ("-a -" is refused)
};

// Reads the attachments and standard input, and builds the message:
// - each -a FILE is an image (by its first bytes: see content.hpp) or a UTF-8 text file
//   (at most kMaxImageBytes or kMaxTextBytes); "-a -" reads standard input the same way;
// - standard input read for the prompt (stdin_forced or stdin_implicit) is attached as an
//   image when it is one; otherwise it must be UTF-8 text, which becomes part of the prompt;
// - the content is each text file as text_block(), in command-line order, then the prompt
//   (chat::compose_prompt: standard input's text, a blank line, the words);
// - `attachments` lists every file, images and text alike, in order (an image from standard
//   input read for the prompt comes last), named as given ("-" for standard input).
// Throws ochat::Error (usage), before anything is sent, naming the file, for a file that cannot
// be attached (missing, unreadable, a directory, too large, neither an image nor text), for
// standard input given twice ("-a -" twice, or with "-"), "-a -" with no_stdin, and when there
// is nothing to send
// (no words, no standard input text and no attachment).
chat::Message user_message(const UserInput& input);

// A text file in the message: its name and text between marks that a model reads as one file,
//   <file name="NAME">
//   TEXT
//   </file>
// with '&', '<', '>' and '"' of NAME written as XML entities, and a line break added after TEXT
// when it does not end with one.
std::string text_block(std::string_view name, std::string_view text);

}  // namespace ochat::attach
