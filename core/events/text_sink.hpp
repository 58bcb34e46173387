#pragma once
// Plain output: the answer's bytes on stdout, exactly as the model produced them (on a terminal
// made safe, unless --raw: see TextSinkOptions), and at the
// end (`done`, whatever the reason) a newline when the answer does not end with one, unless
// final_newline is off; thinking, notices and statistics on stderr. The added newline is the
// sink's: what the conversation keeps and sends back is the model's text.
#include "core/events/event_sink.hpp"
#include "core/io/fd_stream.hpp"
#include "core/text/terminal_filter.hpp"

namespace ochat::events {

struct TextSinkOptions {
  bool hide_thinking = false;
  bool verbose = false;       // statistics block after the answer; tool lines even off a terminal
  bool color = false;         // dim the thinking text (stderr is a terminal and NO_COLOR unset)
  bool final_newline = true;  // false: -n/--no-newline, the answer's exact bytes
  // The model's and the tools' text is made safe for a terminal (text::TerminalFilter) on
  // stdout (the answer) and on stderr (thinking, tool names and results): set when each is a
  // terminal, unless --raw.
  bool safe_out = false;
  bool safe_err = false;
};

class TextSink final : public EventSink {
 public:
  TextSink(io::FdStream& out, io::FdStream& err, TextSinkOptions options)
      : out_(out), err_(err), options_(options) {}

  // Begins a run (the interactive mode has one per turn): what an earlier one did is forgotten.
  void start(const StartInfo&) override;
  void token(std::string_view text) override;
  void thinking(std::string_view text) override;
  void tool_call(const ToolCallInfo& info) override;
  void tool_result(const ToolResultInfo& info) override;
  // One line on stderr, terminal or not: "ochat: server busy (HTTP 503); retrying in 1.0 s (1 of
  // 2)".
  void retry(const RetryInfo& info) override;
  void notice(std::string_view text) override;
  void before_question() override;
  void error(ErrorKind, std::string_view, std::string_view) override {
    end_thinking();
    failed_ = true;
  }
  void done(const DoneInfo& info) override;
  bool flush() override;

 private:
  // Ends the thinking on stderr (or erases the thinking indicator).
  void end_thinking();
  // end_thinking(), and a newline on a terminal stdout whose answer so far lacks one.
  void end_lines();
  void erase_indicator();
  // Thinking and answer are labelled: stderr is a terminal without colour (NO_COLOR).
  bool labels() const;
  // `text` as it may be written to stderr (safe_err).
  std::string for_err(std::string_view text) const;

  io::FdStream& out_;
  io::FdStream& err_;
  TextSinkOptions options_;
  bool in_thinking_ = false;
  bool wrote_answer_ = false;
  bool indicator_ = false;  // "ochat: thinking..." is on the terminal (--hide-thinking)
  bool thought_ = false;    // thinking was shown since the last answer label
  bool failed_ = false;     // an error was reported: it says why the run ended
  text::TerminalFilter answer_filter_;
  text::TerminalFilter thinking_filter_;
};

}  // namespace ochat::events
