#pragma once
// What ochat reads out of an MCP server's answers (the MCP specification's initialize, tools/list
// and tools/call results), with no process involved: the initialize result, a tools/list page, a
// tools/call response. None of these functions throws for any JSON input.
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/chat/tool_runner.hpp"
#include "core/tools/tool_provider.hpp"

namespace ochat::tools {

// Protocol versions ochat speaks, newest first; the first is the one it asks for.
inline constexpr const char* kMcpProtocolVersions[] = {"2025-11-25", "2025-06-18", "2025-03-26",
                                                       "2024-11-05"};

// "MCP error CODE: MESSAGE" for a JSON-RPC error object (or the JSON of whatever else it is).
std::string rpc_error_text(const nlohmann::ordered_json& error);

struct McpInitializeResult {
  std::string error;       // empty when usable; else what is wrong, to follow the server's name
  std::string hint;        // for `error`
  bool has_tools = false;  // it has the "tools" capability
};

// Checks an initialize result: an object with a protocolVersion from kMcpProtocolVersions.
McpInitializeResult read_initialize_result(const nlohmann::ordered_json& result);

// Appends the tools of one tools/list result to `tools`: a tool without a valid name
// ([A-Za-z0-9_.-], 1 to 128 bytes) and one that requires task support are left out with a line
// in `log`; parameters are the inputSchema through clean_schema. Returns the cursor of the next
// page, or nothing when this is the last one (no string nextCursor, or the same as `cursor`).
std::optional<nlohmann::ordered_json> read_tools_page(
    const nlohmann::ordered_json& result, const nlohmann::ordered_json& cursor,
    std::vector<ToolSpec>& tools, const std::function<void(const std::string&)>& log);

// What the model is told about a tools/call response (the whole message): a JSON-RPC error is
// an error outcome with its code and message; a result goes through render_call_result. Either
// is cut at `max_bytes`, with a note; the content is valid UTF-8.
chat::ToolOutcome read_call_response(const nlohmann::ordered_json& response, std::size_t max_bytes);

}  // namespace ochat::tools
