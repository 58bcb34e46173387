#pragma once
// An EventSink that records every call, in order, as "type:text" strings.
#include <algorithm>
#include <string>
#include <vector>

#include "core/events/event_sink.hpp"

namespace ochat::test {

class RecordingSink final : public events::EventSink {
 public:
  std::vector<std::string> calls;  // "start:model@host", "token:...", "flush", ...
  std::string tokens;              // all token text
  std::string thoughts;            // all thinking text
  std::vector<events::DoneInfo> dones;
  std::vector<events::RetryInfo> retries;
  int flush_result_false_after = -1;  // flush() returns false from this many tokens on (-1: never)

  std::vector<events::StartInfo> starts;

  void start(const events::StartInfo& info) override {
    calls.push_back("start:" + info.model + "@" + info.host);
    starts.push_back(info);
  }
  void token(std::string_view text) override {
    calls.push_back("token:" + std::string(text));
    tokens += text;
  }
  void thinking(std::string_view text) override {
    calls.push_back("thinking:" + std::string(text));
    thoughts += text;
  }
  void tool_call(const events::ToolCallInfo& info) override {
    calls.push_back("tool_call:" + info.id + ":" + info.name + ":" +
                    (info.arguments ? info.arguments->dump() : "null"));
  }
  void tool_result(const events::ToolResultInfo& info) override {
    calls.push_back("tool_result:" + info.id + ":" + info.name + ":" +
                    (info.is_error ? "error:" : "ok:") + info.content);
  }
  void retry(const events::RetryInfo& info) override {
    calls.push_back("retry:" + std::to_string(info.attempt) + "/" +
                    std::to_string(info.max_retries) + ":" + info.reason + ":" +
                    std::to_string(info.delay_ms) + "ms" +
                    (info.continues ? ":continues " + std::to_string(info.answer_bytes) : "") +
                    (info.after_thinking ? ":after thinking" : ""));
    retries.push_back(info);
  }
  void message(std::string_view role, std::string_view content) override {
    calls.push_back("message:" + std::string(role) + ":" + std::string(content));
  }
  void notice(std::string_view text) override { calls.push_back("notice:" + std::string(text)); }
  void error(ErrorKind kind, std::string_view message, std::string_view /*hint*/) override {
    calls.push_back("error:" + std::string(kind_name(kind)) + ":" + std::string(message));
  }
  void done(const events::DoneInfo& info) override {
    calls.push_back("done:" + info.reason);
    dones.push_back(info);
  }
  bool flush() override {
    calls.push_back("flush");
    const auto token_count =
        static_cast<int>(std::count_if(calls.begin(), calls.end(), [](const std::string& c) {
          return c.rfind("token:", 0) == 0;
        }));
    return flush_result_false_after < 0 || token_count < flush_result_false_after;
  }

  // Index of the first call equal to `call`, or -1.
  int index_of(const std::string& call) const {
    for (std::size_t i = 0; i < calls.size(); ++i) {
      if (calls[i] == call) return static_cast<int>(i);
    }
    return -1;
  }
};

}  // namespace ochat::test
