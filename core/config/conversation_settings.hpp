#pragma once
// The settings a saved conversation keeps, so that continuing it reuses them unless the command
// line gives them again: the protocol, the server, the model, the -o options and the tools.
// The API key is never kept. The system prompt is a message of the conversation, not a setting.
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/config/options.hpp"

namespace ochat::config {

// The tools offered: -t, --tools-dir and --mcp in command-line order, and the --mcp-config files.
struct ToolSettings {
  std::vector<ToolSource> sources;
  std::vector<std::string> mcp_configs;

  bool operator==(const ToolSettings&) const = default;
};

struct ConversationSettings {
  std::string api;    // "ollama" or "openai"; empty: not recorded
  std::string host;   // the resolved base URL; empty: not recorded
  std::string model;  // empty: not recorded
  nlohmann::ordered_json options = nlohmann::ordered_json::object();  // typed -o values by key
  std::optional<ToolSettings> tools;  // absent: not recorded (present and empty: none)

  bool empty() const {
    return api.empty() && host.empty() && model.empty() && options.empty() && !tools;
  }
  bool operator==(const ConversationSettings&) const = default;
};

// `base` with what `change` records: each member it records replaces base's, except options,
// which are replaced key by key.
void apply(ConversationSettings& base, const ConversationSettings& change);

// What `now` records differently from `before` (options: the keys that are new or changed), so
// that apply(before, result) == now for the members `now` records.
ConversationSettings changes(const ConversationSettings& before, const ConversationSettings& now);

// The tools as a conversation keeps them: paths made absolute (a plugin given by name, to be
// looked up in the plugin path, and an MCP command line stay as given), so that a continuation
// from another directory finds them.
ToolSettings lasting_tools(const std::vector<ToolSource>& sources,
                           const std::vector<std::string>& mcp_configs);

}  // namespace ochat::config
