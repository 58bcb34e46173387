#pragma once
// The interactive mode's loop: reads lines from a LineReader, puts them together into messages
// and commands (InputAssembler), and hands each to the Handler, until Ctrl-D, /bye or a signal
// other than SIGINT ends it. Ctrl-C at the prompt forgets the message begun.
#include <functional>
#include <optional>
#include <string>

#include "core/io/line_reader.hpp"
#include "core/sys/cancel_token.hpp"

namespace ochat::interactive {

// What the loop asks of the session.
class Handler {
 public:
  virtual ~Handler() = default;
  // A message for the model (one turn). A value ends the loop with that status (SIGTERM).
  virtual std::optional<int> message(const std::string& text) = 0;
  // A command line ("/model x"). False ends the loop with status 0 (/bye).
  virtual bool command(const std::string& line) = 0;
};

struct LoopOptions {
  std::string prompt = ">>> ";
  std::string more_prompt = "... ";    // while a message of many lines goes on
  sys::CancelToken cancel;             // the signal that interrupted a read, if any
  std::function<void()> clear_signal;  // forgets an interruption (SIGINT): the chat goes on
};

// Runs the loop. Returns the exit status: 0 at the end of input or /bye, 128 + signal for a
// signal other than SIGINT (at the prompt, or as the Handler returned it).
int run_loop(io::LineReader& reader, Handler& handler, const LoopOptions& options);

}  // namespace ochat::interactive
