#pragma once
// A source of tools: an executable plugin today, an MCP server later.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/chat/tool_runner.hpp"

namespace ochat::tools {

struct ToolSpec {
  std::string name;
  std::string description;
  nlohmann::ordered_json parameters;  // a JSON Schema object
};

class ToolProvider {
 public:
  virtual ~ToolProvider() = default;
  // Where the tools come from, for messages and --list-tools (a path, a server name).
  virtual const std::string& source() const = 0;
  virtual const std::vector<ToolSpec>& tools() const = 0;
  virtual chat::ToolOutcome call(const std::string& name, const nlohmann::ordered_json& arguments,
                                 const sys::CancelToken& cancel) = 0;
};

}  // namespace ochat::tools
