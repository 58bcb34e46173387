#include "core/batch/shared_tools.hpp"

namespace ochat::batch {

SharedTools::SharedTools(tools::Registry& registry) : registry_(registry) {
  for (const auto& entry : registry.entries()) {
    if (!entry.provider->concurrent_calls() && !locks_.contains(entry.provider)) {
      locks_.emplace(entry.provider, std::make_unique<std::mutex>());
    }
  }
}

std::mutex* SharedTools::lock_for(const std::string& name) {
  for (const auto& entry : registry_.entries()) {
    if (entry.name != name) continue;
    const auto it = locks_.find(entry.provider);
    return it == locks_.end() ? nullptr : it->second.get();
  }
  return nullptr;  // no such tool: the registry's answer needs no provider
}

std::optional<chat::ToolOutcome> SharedTools::approve(const chat::ToolCall& call,
                                                      const sys::CancelToken& cancel) {
  std::lock_guard lock(approve_);
  return registry_.approve(call, cancel);
}

chat::ToolOutcome SharedTools::run(const chat::ToolCall& call, const sys::CancelToken& cancel) {
  if (std::mutex* provider = lock_for(call.name)) {
    std::lock_guard lock(*provider);
    return registry_.run(call, cancel);
  }
  return registry_.run(call, cancel);
}

}  // namespace ochat::batch
