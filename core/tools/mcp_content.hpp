#pragma once
// What the model is told about an MCP tools/call result (its content blocks and isError).
#include <nlohmann/json.hpp>
#include <string>

#include "core/chat/tool_runner.hpp"

namespace ochat::tools {

// Maps a CallToolResult: text items are joined with "\n"; an image or audio item becomes
// "[image MIME, N bytes]"; an embedded resource its text, else "[resource URI MIME]"; a
// resource_link "[link NAME URI]"; other items "[TYPE content]". With no item but
// structuredContent, that is serialized. `isError: true` gives an error outcome. Output over
// `max_bytes` is cut, with a note. Never throws; a malformed result is described as such.
chat::ToolOutcome render_call_result(const nlohmann::ordered_json& result, std::size_t max_bytes);

}  // namespace ochat::tools
