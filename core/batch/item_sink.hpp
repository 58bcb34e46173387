#pragma once
// The EventSink of one batch item: collects the answer, the thinking, the done reason and the
// stats into the item's result, and hands every event on to `forward` when there is one (the
// item's --events sink).
#include <atomic>

#include "core/batch/item_result.hpp"
#include "core/events/event_sink.hpp"

namespace ochat::batch {

class ItemSink final : public events::EventSink {
 public:
  // `stop`: once true (stdout was closed), flush() returns false, ending the transfer.
  ItemSink(ItemResult& result, events::EventSink* forward, const std::atomic<bool>* stop)
      : result_(result), forward_(forward), stop_(stop) {}

  void start(const events::StartInfo& info) override;
  void token(std::string_view text) override;
  void thinking(std::string_view text) override;
  void tool_call(const events::ToolCallInfo& info) override;
  void tool_result(const events::ToolResultInfo& info) override;
  void retry(const events::RetryInfo& info) override;
  void notice(std::string_view text) override;
  void error(ErrorKind kind, std::string_view message, std::string_view hint) override;
  void done(const events::DoneInfo& info) override;
  bool flush() override;

 private:
  ItemResult& result_;
  events::EventSink* forward_;
  const std::atomic<bool>* stop_;
};

}  // namespace ochat::batch
