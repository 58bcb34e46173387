#pragma once
// What is typed at the interactive prompt, line by line, turned into messages and commands:
// a line is a message; a line starting with `"""` opens a block of many lines that a line
// ending with `"""` closes (as in `ollama run`); lines that arrive together (a paste) are one
// message; a line starting with '/' alone is a command; blank lines are nothing.
#include <string>
#include <string_view>

namespace ochat::interactive {

struct Input {
  enum class Kind {
    none,     // nothing to do yet: read the next line (see InputAssembler::continues())
    message,  // `text` is a message for the model
    command,  // `text` is a command line ("/model llama3.2")
  };
  Kind kind = Kind::none;
  std::string text;
};

class InputAssembler {
 public:
  // Takes one line, without its newline. `more_pending`: more input has already arrived (the
  // rest of a paste), so the line is joined with the next ones.
  Input add(std::string_view line, bool more_pending);
  // True inside a block or a paste: the next line continues the message.
  bool continues() const noexcept { return in_block_ || started_; }
  // Forgets the message begun (Ctrl-C at the prompt).
  void reset();

 private:
  Input finish(Input::Kind kind);
  bool in_block_ = false;
  bool started_ = false;  // a line of the message was taken (text_ may still be empty)
  std::string text_;
};

}  // namespace ochat::interactive
