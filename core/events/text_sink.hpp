#pragma once
// Plain output: the answer's bytes on stdout, exactly as the model produced them (plus a
// final newline on a terminal); thinking, notices and statistics on stderr.
#include "core/events/event_sink.hpp"
#include "core/io/fd_stream.hpp"

namespace ochat::events {

struct TextSinkOptions {
  bool hide_thinking = false;
  bool verbose = false;   // statistics block after the answer; tool lines even off a terminal
  bool color = false;     // dim the thinking text (stderr is a terminal and NO_COLOR unset)
};

class TextSink final : public EventSink {
 public:
  TextSink(io::FdStream& out, io::FdStream& err, TextSinkOptions options)
      : out_(out), err_(err), options_(options) {}

  void start(const StartInfo&) override {}
  void token(std::string_view text) override;
  void thinking(std::string_view text) override;
  void tool_call(const ToolCallInfo& info) override;
  void tool_result(const ToolResultInfo& info) override;
  // One line on stderr, terminal or not: "ochat: server busy (HTTP 503); retrying in 1.0 s (1 of
  // 2)".
  void retry(const RetryInfo& info) override;
  void notice(std::string_view text) override;
  void error(ErrorKind, std::string_view) override { end_thinking(); }
  void done(const DoneInfo& info) override;
  bool flush() override;

 private:
  void end_thinking();

  io::FdStream& out_;
  io::FdStream& err_;
  TextSinkOptions options_;
  bool in_thinking_ = false;
  bool wrote_answer_ = false;
};

}  // namespace ochat::events
