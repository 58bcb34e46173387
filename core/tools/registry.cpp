#include "core/tools/registry.hpp"

#include <fmt/format.h>

#include "core/error.hpp"

namespace ochat::tools {

Registry::~Registry() {
  for (auto& p : providers_) p->begin_shutdown();
}

void Registry::add(std::unique_ptr<ToolProvider> provider) {
  // Check the provider's own list for repeats first.
  const auto& specs = provider->tools();
  for (std::size_t i = 0; i < specs.size(); ++i) {
    for (std::size_t k = i + 1; k < specs.size(); ++k) {
      if (specs[i].name == specs[k].name) {
        throw Error(ErrorKind::usage, fmt::format("{} offers the tool '{}' twice", provider->source(), specs[i].name));
      }
    }
  }
  auto owner = [&](const std::string& name) -> const Entry* {
    for (const auto& e : entries_)
      if (e.name == name) return &e;
    return nullptr;
  };
  std::vector<Entry> added;
  for (const auto& spec : specs) {
    std::string name = spec.name;
    if (const Entry* taken = owner(name)) {
      const std::string prefix = provider->clash_prefix();
      if (prefix.empty() || owner(prefix + "__" + name) != nullptr) {
        throw Error(ErrorKind::usage, fmt::format("two tool sources offer a tool named '{}': {} and {}", name,
                                                  taken->provider->source(), provider->source()),
                    "offer only one of them");
      }
      name = prefix + "__" + name;
    }
    added.push_back({&spec, provider.get(), name});
  }
  for (auto& e : added) entries_.push_back(std::move(e));
  providers_.push_back(std::move(provider));
}

nlohmann::ordered_json Registry::definitions() const {
  auto tools = nlohmann::ordered_json::array();
  for (const auto& e : entries_) {
    tools.push_back({{"type", "function"},
                     {"function",
                      {{"name", e.name}, {"description", e.spec->description}, {"parameters", e.spec->parameters}}}});
  }
  return tools;
}

chat::ToolOutcome Registry::run(const chat::ToolCall& call, const sys::CancelToken& cancel) {
  for (const auto& e : entries_) {
    if (e.name == call.name) return e.provider->call(e.spec->name, call.arguments, cancel);
  }
  chat::ToolOutcome outcome;
  outcome.is_error = true;
  std::string names;
  for (const auto& e : entries_) names += (names.empty() ? "" : ", ") + e.name;
  outcome.content = fmt::format("There is no tool named '{}'. Available tools: {}.", call.name,
                                names.empty() ? "none" : names);
  return outcome;
}

}  // namespace ochat::tools
