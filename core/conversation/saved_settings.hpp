#pragma once
// The settings a saved conversation keeps, so that continuing it reuses them unless the command
// line gives them again: the protocol, the server, the model, the -o options and the tools.
// The API key is never kept. The system prompt is a message of the conversation, not a setting.
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace ochat::conversation {

// One tool source: -t PLUGIN, --tools-dir DIR, --mcp COMMAND or --mcp-config FILE.
struct ToolEntry {
  enum class Kind { plugin, tools_dir, mcp, mcp_config };
  Kind kind = Kind::plugin;
  std::string value;

  bool operator==(const ToolEntry&) const = default;
};

struct SavedSettings {
  std::string api;    // "ollama" or "openai"; empty: not recorded
  std::string host;   // the resolved base URL; empty: not recorded
  std::string model;  // empty: not recorded
  // Typed -o values by key; null when there are none (every message line's note has one of
  // these: no allocation for the common case).
  nlohmann::ordered_json options;
  // The tools in command-line order; absent: not recorded (present and empty: none).
  std::optional<std::vector<ToolEntry>> tools;

  bool empty() const {
    return api.empty() && host.empty() && model.empty() && options.empty() && !tools;
  }
  bool operator==(const SavedSettings&) const = default;
};

// `base` with what `change` records: each member it records replaces base's, except options,
// which are replaced key by key.
void apply(SavedSettings& base, const SavedSettings& change);

// What `now` records differently from `before` (options: the keys that are new or changed), so
// that apply(before, result) == now for the members `now` records.
SavedSettings changes(const SavedSettings& before, const SavedSettings& now);

}  // namespace ochat::conversation
