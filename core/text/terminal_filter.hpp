#pragma once
// Makes untrusted text (a model's answer or thinking, a tool's output) safe to write to a
// terminal. Control characters other than newline and tab are shown visibly in caret notation
// instead of being written: ESC as "^[", BEL as "^G", DEL as "^?", a C1 control (U+0080 to
// U+009F) as "^[" and its 7-bit equivalent (CSI U+009B as "^[["). What followed an ESC is left
// as plain text, so an escape sequence (OSC 52 clipboard write, window title, cursor movement,
// hyperlink) shows up as harmless characters. A carriage return before a newline is dropped
// (CRLF is a line end); any other one is "^M". Invalid UTF-8 becomes U+FFFD.
// The text may come in pieces cut anywhere (inside a character, between CR and LF): the
// filter keeps what it cannot decide yet until the next piece, or finish().
#include <string>
#include <string_view>

namespace ochat::text {

class TerminalFilter {
 public:
  // The safe form of `piece` so far (may hold back the last few bytes).
  std::string filter(std::string_view piece);
  // What was held back, now final (an incomplete character is U+FFFD). The filter is then
  // ready for a new text.
  std::string finish();

 private:
  std::string pending_;  // bytes of an incomplete character, or a carriage return
};

// The whole of `text` filtered at once.
std::string terminal_safe(std::string_view text);

}  // namespace ochat::text
