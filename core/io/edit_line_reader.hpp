#pragma once
// The LineReader of a terminal: libedit's line editor (emacs keys, ~/.editrc) on standard
// input, its display on standard error (stdout keeps the answers only), and a history file.
#include <functional>
#include <memory>
#include <string>

#include "core/io/line_reader.hpp"

namespace ochat::io {

struct EditLineOptions {
  // Loaded when it exists; empty: no history file.
  std::string history_file;
  // Whether each new entry is added to history_file (see append_history: created 0600, other
  // sessions' entries kept, replaced whole).
  bool save_history = true;
  std::size_t history_size = 1000;
  // Told, once, when the history file cannot be written (the chat goes on without it).
  std::function<void(const std::string&)> warn;
  // When this descriptor becomes readable (a signal's wake-up pipe: sys::CancelToken::wake_fd),
  // read_line() returns `interrupted`; -1: none.
  int interrupt_fd = -1;
  // Asks the terminal to mark pastes (bracketed paste mode, on while a line is read): the lines
  // of a paste are one message even when they arrive in several pieces. Off on a terminal that
  // may not know the mode (TERM=dumb).
  bool bracketed_paste = false;
};

class EditLineReader final : public LineReader {
 public:
  // Sets LC_CTYPE from the environment (C.UTF-8 when that is not UTF-8), so that UTF-8 input
  // is edited as characters. Throws ochat::Error (internal) when libedit cannot start.
  explicit EditLineReader(const EditLineOptions& options);
  ~EditLineReader() override;
  EditLineReader(const EditLineReader&) = delete;
  EditLineReader& operator=(const EditLineReader&) = delete;

  // `interrupted` once options.interrupt_fd is readable (the caller empties it).
  LineInput read_line(const std::string& prompt) override;
  // Also true inside a bracketed paste (its end not read yet).
  bool input_pending() override;
  void add_history(const std::string& entry) override;

  struct State;

 private:
  std::unique_ptr<State> state_;
};

}  // namespace ochat::io
