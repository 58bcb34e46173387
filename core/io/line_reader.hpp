#pragma once
// Reading what the person types on the terminal, one line at a time (the interactive mode).
// EditLineReader is the real one (libedit); the unit tests use a scripted fake.
#include <string>

namespace ochat::io {

struct LineInput {
  enum class Kind {
    line,         // `text` holds the line, without its newline
    interrupted,  // Ctrl-C (a signal) while reading: the line typed so far is gone
    end,          // Ctrl-D on an empty line, or the end of input
  };
  Kind kind = Kind::end;
  std::string text;
};

class LineReader {
 public:
  virtual ~LineReader() = default;
  // Shows `prompt` and reads one line. After Ctrl-C or Ctrl-D the cursor is on a new line.
  virtual LineInput read_line(const std::string& prompt) = 0;
  // True when more input has already arrived (the rest of a paste): the caller reads on
  // before it acts on the line.
  virtual bool input_pending() = 0;
  // Adds `entry` to the history (the up arrow brings it back), and to the history file when
  // there is one. Throws nothing: a history that cannot be written is not worth stopping for.
  virtual void add_history(const std::string& entry) = 0;
};

}  // namespace ochat::io
