#include "core/tools/registry.hpp"

#include <fmt/format.h>

#include "core/error.hpp"

namespace ochat::tools {

void Registry::add(std::unique_ptr<ToolProvider> provider) {
  for (const auto& spec : provider->tools()) {
    for (const auto& e : entries_) {
      if (e.spec->name == spec.name) {
        throw Error(ErrorKind::usage, fmt::format("two plugins offer a tool named '{}': {} and {}", spec.name,
                                                  e.provider->source(), provider->source()),
                    "offer only one of them");
      }
    }
  }
  // Check the provider's own list for repeats too.
  const auto& specs = provider->tools();
  for (std::size_t i = 0; i < specs.size(); ++i) {
    for (std::size_t k = i + 1; k < specs.size(); ++k) {
      if (specs[i].name == specs[k].name) {
        throw Error(ErrorKind::usage, fmt::format("plugin {} offers the tool '{}' twice", provider->source(), specs[i].name));
      }
    }
  }
  for (const auto& spec : specs) entries_.push_back({&spec, provider.get()});
  providers_.push_back(std::move(provider));
}

nlohmann::ordered_json Registry::definitions() const {
  auto tools = nlohmann::ordered_json::array();
  for (const auto& e : entries_) {
    tools.push_back({{"type", "function"},
                     {"function",
                      {{"name", e.spec->name}, {"description", e.spec->description}, {"parameters", e.spec->parameters}}}});
  }
  return tools;
}

chat::ToolOutcome Registry::run(const chat::ToolCall& call, const sys::CancelToken& cancel) {
  for (const auto& e : entries_) {
    if (e.spec->name == call.name) return e.provider->call(call.name, call.arguments, cancel);
  }
  chat::ToolOutcome outcome;
  outcome.is_error = true;
  std::string names;
  for (const auto& e : entries_) names += (names.empty() ? "" : ", ") + e.spec->name;
  outcome.content = fmt::format("There is no tool named '{}'. Available tools: {}.", call.name,
                                names.empty() ? "none" : names);
  return outcome;
}

}  // namespace ochat::tools
