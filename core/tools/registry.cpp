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
        throw Error(ErrorKind::usage, fmt::format("{} offers the tool '{}' twice",
                                                  provider->source(), specs[i].name));
      }
    }
  }
  // A plugin's tool keeps its name; a server's tool whose name a plugin or an earlier server
  // offers is offered as PREFIX__NAME, whichever came first on the command line.
  std::vector<Entry> entries = entries_;  // changed only once every name is settled
  auto owner = [&](const std::string& name) -> Entry* {
    for (auto& e : entries)
      if (e.name == name) return &e;
    return nullptr;
  };
  auto clash = [&](const Entry& taken, const std::string& name, const Entry* holder = nullptr,
                   const std::string& renamed = {}) {
    std::string message = fmt::format("two tool sources offer a tool named '{}': {} and {}", name,
                                      taken.provider->source(), provider->source());
    if (holder)
      message += fmt::format(", and {} (for the server's) is taken by {}", renamed,
                             holder->provider->source());
    return Error(ErrorKind::usage, std::move(message), "offer only one of them");
  };
  const std::string prefix = provider->clash_prefix();
  for (const auto& spec : specs) {
    std::string name = spec.name;
    if (Entry* taken = owner(name)) {
      const std::string taken_prefix = taken->provider->clash_prefix();
      if (!prefix.empty()) {
        name = prefix + "__" + name;  // a server's tool gives way
        if (const Entry* holder = owner(name)) throw clash(*taken, spec.name, holder, name);
      } else if (!taken_prefix.empty() && taken->name == taken->spec->name) {
        const std::string renamed = taken_prefix + "__" + taken->name;
        if (const Entry* holder = owner(renamed)) throw clash(*taken, spec.name, holder, renamed);
        taken->name = renamed;  // a plugin's tool takes the name from a server's
      } else {
        throw clash(*taken, name);
      }
    }
    entries.push_back({&spec, provider.get(), name});
  }
  entries_ = std::move(entries);
  providers_.push_back(std::move(provider));
}

nlohmann::ordered_json Registry::definitions() const {
  auto tools = nlohmann::ordered_json::array();
  for (const auto& e : entries_) {
    tools.push_back({{"type", "function"},
                     {"function",
                      {{"name", e.name},
                       {"description", e.spec->description},
                       {"parameters", e.spec->parameters}}}});
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
