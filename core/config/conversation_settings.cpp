#include "core/config/conversation_settings.hpp"

#include <filesystem>

namespace ochat::config {

void apply(ConversationSettings& base, const ConversationSettings& change) {
  if (!change.api.empty()) base.api = change.api;
  if (!change.host.empty()) base.host = change.host;
  if (!change.model.empty()) base.model = change.model;
  for (auto it = change.options.begin(); it != change.options.end(); ++it)
    base.options[it.key()] = *it;
  if (change.tools) base.tools = change.tools;
}

ConversationSettings changes(const ConversationSettings& before, const ConversationSettings& now) {
  ConversationSettings out;
  if (now.api != before.api) out.api = now.api;
  if (now.host != before.host) out.host = now.host;
  if (now.model != before.model) out.model = now.model;
  for (auto it = now.options.begin(); it != now.options.end(); ++it) {
    const auto old = before.options.find(it.key());
    if (old == before.options.end() || *old != *it) out.options[it.key()] = *it;
  }
  if (now.tools && now.tools != before.tools) out.tools = now.tools;
  return out;
}

namespace {

std::string absolute(const std::string& path) {
  std::error_code ec;
  const auto full = std::filesystem::absolute(path, ec);
  return ec ? path : full.lexically_normal().string();
}

}  // namespace

ToolSettings lasting_tools(const std::vector<ToolSource>& sources,
                           const std::vector<std::string>& mcp_configs) {
  ToolSettings out;
  for (ToolSource s : sources) {
    if (s.is_dir || (!s.is_mcp && s.value.find('/') != std::string::npos))
      s.value = absolute(s.value);
    out.sources.push_back(std::move(s));
  }
  for (const auto& file : mcp_configs) out.mcp_configs.push_back(absolute(file));
  return out;
}

}  // namespace ochat::config
