#pragma once
// --events output: one JSON object per line, {"type": TYPE, "data": {...}}. The schema is
// documented in man/ochat.1 (EVENTS); kSchemaVersion is sent in the `start` event.
#include <nlohmann/json_fwd.hpp>

#include "core/events/event_sink.hpp"
#include "core/io/fd_stream.hpp"

namespace ochat::events {

class JsonLinesSink final : public EventSink {
 public:
  explicit JsonLinesSink(io::FdStream& out) : out_(out) {}

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
  bool flush() override { return out_.flush(); }

 private:
  void emit(std::string_view type, const nlohmann::ordered_json& data);
  // {"type":TYPE,"data":{"text":TEXT}}, written without a DOM: one per token.
  void emit_text(std::string_view type, std::string_view text);

  io::FdStream& out_;
  std::string line_;  // reused, so that a token costs no allocation
  int retries_ = 0;   // `retry` events written, for `done`
};

}  // namespace ochat::events
