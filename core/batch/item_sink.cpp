#include "core/batch/item_sink.hpp"

namespace ochat::batch {

void ItemSink::start(const events::StartInfo& info) {
  if (forward_) forward_->start(info);
}

void ItemSink::token(std::string_view text) {
  result_.output.append(text);
  if (forward_) forward_->token(text);
}

void ItemSink::thinking(std::string_view text) {
  result_.thinking.append(text);
  if (forward_) forward_->thinking(text);
}

void ItemSink::tool_call(const events::ToolCallInfo& info) {
  if (forward_) forward_->tool_call(info);
}

void ItemSink::tool_result(const events::ToolResultInfo& info) {
  if (forward_) forward_->tool_result(info);
}

void ItemSink::retry(const events::RetryInfo& info) {
  if (forward_) forward_->retry(info);
}

void ItemSink::notice(std::string_view text) {
  if (forward_) forward_->notice(text);
}

void ItemSink::error(ErrorKind kind, std::string_view message, std::string_view hint) {
  if (forward_) forward_->error(kind, message, hint);
}

void ItemSink::done(const events::DoneInfo& info) {
  result_.done_reason = info.reason;
  result_.stats = info.stats;
  if (forward_) forward_->done(info);
}

bool ItemSink::flush() {
  const bool open = !(stop_ && stop_->load());
  if (forward_) return forward_->flush() && open;
  return open;
}

}  // namespace ochat::batch
