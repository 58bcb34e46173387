#pragma once
// The tools of a batch, shared by its items: one call at a time. An MCP server is one process
// with one pipe, and the registry is not thread-safe; items wait for each other only while a
// tool runs, never while the model answers.
#include <mutex>

#include "core/chat/tool_runner.hpp"

namespace ochat::batch {

class SerialToolRunner final : public chat::ToolRunner {
 public:
  explicit SerialToolRunner(chat::ToolRunner& tools) : tools_(tools) {}

  std::optional<chat::ToolOutcome> approve(const chat::ToolCall& call,
                                           const sys::CancelToken& cancel) override {
    std::lock_guard lock(mutex_);
    return tools_.approve(call, cancel);
  }
  chat::ToolOutcome run(const chat::ToolCall& call, const sys::CancelToken& cancel) override {
    std::lock_guard lock(mutex_);
    return tools_.run(call, cancel);
  }

 private:
  chat::ToolRunner& tools_;
  std::mutex mutex_;
};

}  // namespace ochat::batch
