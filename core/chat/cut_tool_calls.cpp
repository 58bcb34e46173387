#include "core/chat/cut_tool_calls.hpp"

#include <fmt/format.h>

#include "core/text/excerpt.hpp"

namespace ochat::chat {
namespace {

// `name {arguments}` on one line: the arguments text as the server sent it (cut where the limit
// fell), each run of white space, newlines included, as one space.
std::string describe(const ToolCall& call) {
  const std::string args =
      call.arguments_text.empty()
          ? call.arguments.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace)
          : call.arguments_text;
  std::string line = call.name.empty() ? std::string("(a tool without a name)") : call.name;
  line += ' ';
  bool space = false;
  for (const char c : args) {
    if (c == ' ' || c == '\n' || c == '\r' || c == '\t') {
      space = true;
      continue;
    }
    if (space && line.back() != ' ') line += ' ';
    space = false;
    line += c;
  }
  return line;
}

std::string message(const std::vector<ToolCall>& calls) {
  std::string listed;
  for (const auto& call : calls) listed += (listed.empty() ? "" : "; ") + describe(call);
  return fmt::format(
      "the answer hit the token limit while the model was writing {}, so none was run: {}",
      calls.size() == 1 ? "a tool call" : "its tool calls", text::excerpt(listed, 200));
}

}  // namespace

CutToolCallsError::CutToolCallsError(const std::vector<ToolCall>& calls, events::Stats stats)
    : Error(ErrorKind::internal, message(calls),
            "raise the limit with -o num_predict=N (-o max_tokens=N with --api openai)"),
      stats_(stats) {}

}  // namespace ochat::chat
