#pragma once
// A source of tools: an executable plugin or an MCP server.
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

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
  // When one of its tools has a name already offered, the tool is offered as PREFIX__NAME;
  // empty (plugins): such a clash is an error.
  virtual std::string clash_prefix() const { return {}; }
  // Lets a long-lived source start stopping (e.g. close an MCP server's stdin), so that several
  // stop at once before their destructors wait.
  virtual void begin_shutdown() {}
  // Whether call() may run on several threads at once (ochat --each -j): a plugin is a new process
  // per call; an MCP server is one process, one pipe (the default: one call at a time).
  virtual bool concurrent_calls() const { return false; }
  // `name` is the tool's own name, as in tools(), whatever name it is offered under.
  virtual chat::ToolOutcome call(const std::string& name, const nlohmann::ordered_json& arguments,
                                 const sys::CancelToken& cancel) = 0;
};

}  // namespace ochat::tools
