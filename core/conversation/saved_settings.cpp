#include "core/conversation/saved_settings.hpp"

namespace ochat::conversation {

void apply(SavedSettings& base, const SavedSettings& change) {
  if (!change.api.empty()) base.api = change.api;
  if (!change.host.empty()) base.host = change.host;
  if (!change.model.empty()) base.model = change.model;
  for (auto it = change.options.begin(); it != change.options.end(); ++it) {
    base.options[it.key()] = *it;
  }
  if (change.tools) base.tools = change.tools;
  if (base.options.empty()) base.options = nullptr;
}

SavedSettings changes(const SavedSettings& before, const SavedSettings& now) {
  SavedSettings out;
  if (now.api != before.api) out.api = now.api;
  if (now.host != before.host) out.host = now.host;
  if (now.model != before.model) out.model = now.model;
  for (auto it = now.options.begin(); it != now.options.end(); ++it) {
    const auto old = before.options.find(it.key());
    if (old == before.options.end() || *old != *it) out.options[it.key()] = *it;
  }
  if (now.tools && now.tools != before.tools) out.tools = now.tools;
  if (out.options.empty()) out.options = nullptr;
  return out;
}

}  // namespace ochat::conversation
