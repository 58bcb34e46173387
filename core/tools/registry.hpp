#pragma once
// The tools offered to the model: those of the providers the user named, in the order named.
#include <memory>
#include <vector>

#include "core/chat/tool_runner.hpp"
#include "core/tools/tool_provider.hpp"

namespace ochat::tools {

class Registry final : public chat::ToolRunner {
 public:
  // Adds every tool of `provider`. Throws ochat::Error (usage) when a tool's name is already
  // offered by another provider, naming both.
  void add(std::unique_ptr<ToolProvider> provider);
  bool empty() const { return entries_.empty(); }

  // The request's "tools" array: [{"type":"function","function":{name,description,parameters}}].
  nlohmann::ordered_json definitions() const;

  struct Entry {
    const ToolSpec* spec;
    ToolProvider* provider;
  };
  const std::vector<Entry>& entries() const { return entries_; }

  // Runs the call; a name no provider offers gives an error outcome for the model.
  chat::ToolOutcome run(const chat::ToolCall& call, const sys::CancelToken& cancel) override;

 private:
  std::vector<std::unique_ptr<ToolProvider>> providers_;
  std::vector<Entry> entries_;
};

}  // namespace ochat::tools
