#pragma once
// The tools offered to the model: those of the providers the user named, in the order named.
#include <memory>
#include <vector>

#include "core/chat/tool_runner.hpp"
#include "core/tools/tool_provider.hpp"

namespace ochat::tools {

class Registry final : public chat::ToolRunner {
 public:
  Registry() = default;
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;
  ~Registry() override;  // lets every provider begin its shutdown before any is destroyed

  // Adds every tool of `provider`. One rule, whatever the order: a plugin's tool keeps its name;
  // a tool of a provider with a clash_prefix() (an MCP server) whose name a plugin or an earlier
  // server offers is offered as PREFIX__NAME (a server's tool added first is renamed when a plugin
  // with the same name comes later). Two plugins offering one name, or a PREFIX__NAME that is taken
  // too, throws ochat::Error (usage) naming both sources; the registry is then unchanged.
  void add(std::unique_ptr<ToolProvider> provider);
  bool empty() const { return entries_.empty(); }

  // The request's "tools" array: [{"type":"function","function":{name,description,parameters}}].
  nlohmann::ordered_json definitions() const;

  struct Entry {
    const ToolSpec* spec;
    ToolProvider* provider;
    std::string name;  // offered under this name: spec->name, or PREFIX__NAME after a clash
  };
  const std::vector<Entry>& entries() const { return entries_; }

  // Runs the call; a name no provider offers gives an error outcome for the model.
  chat::ToolOutcome run(const chat::ToolCall& call, const sys::CancelToken& cancel) override;

 private:
  std::vector<std::unique_ptr<ToolProvider>> providers_;
  std::vector<Entry> entries_;
};

}  // namespace ochat::tools
