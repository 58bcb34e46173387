#include "core/interactive/loop.hpp"

#include <signal.h>

#include "core/interactive/input.hpp"

namespace ochat::interactive {

int run_loop(io::LineReader& reader, Handler& handler, const LoopOptions& options) {
  InputAssembler input;
  for (;;) {
    const io::LineInput line =
        reader.read_line(input.continues() ? options.more_prompt : options.prompt);
    if (const int signal = options.cancel.requested(); signal != 0 && signal != SIGINT) {
      return 128 + signal;
    }
    if (line.kind == io::LineInput::Kind::interrupted || options.cancel.requested() != 0) {
      input.reset();
      if (options.clear_signal) options.clear_signal();
      continue;
    }
    if (line.kind == io::LineInput::Kind::end) return 0;
    if (!line.text.empty()) reader.add_history(line.text);
    const Input got = input.add(line.text, reader.input_pending());
    switch (got.kind) {
      case Input::Kind::none:
        break;
      case Input::Kind::command:
        if (!handler.command(got.text)) return 0;
        break;
      case Input::Kind::message:
        if (auto status = handler.message(got.text)) return *status;
        break;
    }
  }
}

}  // namespace ochat::interactive
