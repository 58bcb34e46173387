#pragma once
// The tools of a batch, shared by its items (each on its own thread): a provider that can run
// calls at once (an executable plugin: a process per call) runs up to one per item; any other
// (an MCP server: one process, one pipe) one call at a time, the items waiting only for that
// server's calls, never while the model answers.
#include <map>
#include <memory>
#include <mutex>

#include "core/chat/tool_runner.hpp"
#include "core/tools/registry.hpp"

namespace ochat::batch {

class SharedTools final : public chat::ToolRunner {
 public:
  // `registry` is complete (no tool is added later) and outlives this.
  explicit SharedTools(tools::Registry& registry);

  std::optional<chat::ToolOutcome> approve(const chat::ToolCall& call,
                                           const sys::CancelToken& cancel) override;
  chat::ToolOutcome run(const chat::ToolCall& call, const sys::CancelToken& cancel) override;

 private:
  // The lock of the provider that offers `name`; nullptr: none needed.
  std::mutex* lock_for(const std::string& name);

  tools::Registry& registry_;
  std::map<const tools::ToolProvider*, std::unique_ptr<std::mutex>> locks_;  // fixed after start
  std::mutex approve_;
};

}  // namespace ochat::batch
