#pragma once
// --events output: one JSON object per line, {"type": TYPE, "data": {...}}. The schema is
// documented in man/ochat.1 (EVENTS); kSchemaVersion is sent in the `start` event.
#include <cstddef>
#include <nlohmann/json_fwd.hpp>
#include <optional>

#include "core/events/event_sink.hpp"
#include "core/io/fd_stream.hpp"

namespace ochat::events {

// Where a JsonLinesSink that is one of several writes (each item of a batch has its own):
// append() collects whole lines, flush() writes them out. Not thread-safe by itself.
class LineOutput {
 public:
  virtual ~LineOutput() = default;
  virtual void append(std::string_view lines) = 0;
  virtual bool flush() = 0;
};

class JsonLinesSink final : public EventSink {
 public:
  explicit JsonLinesSink(io::FdStream& out) : fd_(&out) {}
  // Every event with "item": ITEM after "type" (ochat --each --events).
  JsonLinesSink(LineOutput& out, std::size_t item) : lines_(&out), item_(item) {}

  void start(const StartInfo& info) override;
  void token(std::string_view text) override;
  void thinking(std::string_view text) override;
  void tool_call(const ToolCallInfo& info) override;
  void tool_result(const ToolResultInfo& info) override;
  void retry(const RetryInfo& info) override;
  void message(std::string_view role, std::string_view content) override;
  void notice(std::string_view) override {}
  void error(ErrorKind kind, std::string_view message, std::string_view hint) override;
  void done(const DoneInfo& info) override;
  bool flush() override { return fd_ ? fd_->flush() : lines_->flush(); }

 private:
  void emit(std::string_view type, const nlohmann::ordered_json& data);
  // {"type":TYPE,"data":{"text":TEXT}}, written without a DOM: one per token.
  void emit_text(std::string_view type, std::string_view text);

  void write(std::string_view line) {
    if (fd_) {
      fd_->append(line);
    } else {
      lines_->append(line);
    }
  }

  io::FdStream* fd_ = nullptr;
  LineOutput* lines_ = nullptr;
  std::optional<std::size_t> item_;
  std::string line_;  // reused, so that a token costs no allocation
  int retries_ = 0;   // `retry` events written, for `done`
};

}  // namespace ochat::events
