#pragma once
// Runs a program the way a shell would, for end-to-end tests: feeds stdin, captures stdout
// and stderr, can close stdout early (like `| head -c N`) or send a signal once stdout has
// enough bytes, and never waits longer than a generous bound.
#include <chrono>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace ochat::test {

// Keys typed on the terminal of a run (RunOptions::typed).
struct Typed {
  std::string after;  // typed once `out` contains this (from where the previous one was found)
  std::string keys;
  // ... and once the terminal has left canonical mode: the line editor prints its prompt before
  // it switches the mode, and keys that arrive in between would be read by the kernel's line
  // discipline (Ctrl-D would become an end of file the editor never sees).
  bool line_editor = false;
};

struct RunOptions {
  std::vector<std::string> args;  // argv[1..]
  // Set these. XDG_STATE_HOME, unless set here, is a directory of the test process (removed
  // when it exits), so that conversations are never saved into the user's own state; the
  // environment's XDG_STATE_HOME and OCHAT_SAVE are never passed on.
  std::vector<std::pair<std::string, std::string>> env;
  std::vector<std::string> unset_env = {"OLLAMA_HOST",    "OCHAT_MODEL",   "NO_COLOR",
                                        "OCHAT_API",      "OCHAT_API_KEY", "OPENAI_API_KEY",
                                        "OPENAI_BASE_URL"};
  std::optional<std::string> stdin_data;                    // none: stdin is /dev/null
  std::optional<std::size_t> close_stdout_after;            // like `| head -c N`
  std::optional<std::string> stdout_path;                   // stdout is this file (`> PATH`)
  bool stdout_closed = false;                               // no stdout at all (`>&-`)
  std::optional<std::pair<int, std::size_t>> signal_after;  // (signal, once stdout has N bytes)
  std::optional<std::pair<int, std::chrono::milliseconds>> signal_at;  // (signal, after a delay)
  std::optional<std::pair<int, std::string>> signal_on_text;  // (signal, once stdout contains this)
  std::chrono::milliseconds signal_on_text_delay{0};          // ... and this much later
  std::optional<std::pair<std::string, std::string>>
      signal_gate;  // ... and once this file has this text
  std::optional<std::chrono::milliseconds>
      signal_again_after;                     // the same signal again, this much later
  std::chrono::milliseconds timeout{30'000};  // only catches hangs
  // stdout and stderr share a pseudo-terminal, which is also the controlling terminal (/dev/tty)
  // of the program, started in a session of its own; all output lands in `out`.
  bool terminal = false;
  // With `terminal`: stdin is the pseudo-terminal too (the interactive mode reads what is typed).
  bool terminal_stdin = false;
  // With `terminal`: what is typed on it, each once `out` contains the text (from where the
  // previous one was found), in order: {"[y/N] ", "y\n"}, or "\x03" for Ctrl-C (the line
  // discipline turns it into SIGINT for the terminal's foreground process group).
  std::vector<Typed> typed;
};

struct RunResult {
  int exit_code = -1;  // -1 when killed by a signal
  int term_signal = 0;
  bool timed_out = false;
  std::string out;
  std::string err;
  std::chrono::milliseconds elapsed{0};
};

RunResult run_process(const std::string& program, const RunOptions& options);

// The ochat binary under test (set by CMake).
const std::string& ochat_binary();

}  // namespace ochat::test
