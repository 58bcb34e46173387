#include "core/openai/tool_call_builder.hpp"

#include <fmt/format.h>

#include "core/error.hpp"
#include "core/text/excerpt.hpp"

namespace ochat::openai {

void ToolCallBuilder::add(const ToolCallDelta& delta) {
  Partial& call = calls_[delta.index];
  if (call.id.empty()) call.id = delta.id;
  if (call.name.empty()) call.name = delta.name;
  call.arguments += delta.arguments;
}

std::vector<chat::ToolCall> ToolCallBuilder::take(bool cut) {
  std::map<std::size_t, Partial> calls = std::move(calls_);
  calls_.clear();
  std::vector<chat::ToolCall> out;
  for (auto& [index, partial] : calls) {
    if (partial.name.empty() && !cut) {
      throw Error(
          ErrorKind::stream,
          fmt::format("the server sent a tool call (index {}) without a function name", index));
    }
    chat::ToolCall call;
    call.id = partial.id.empty() ? fmt::format("call_{}", index) : std::move(partial.id);
    call.name = std::move(partial.name);
    const bool blank = partial.arguments.find_first_not_of(" \t\r\n") == std::string::npos;
    if (!blank) {
      auto parsed =
          nlohmann::ordered_json::parse(partial.arguments, nullptr, /*allow_exceptions=*/false);
      if (!parsed.is_object() && cut) {
        call.arguments_text = std::move(partial.arguments);
        out.push_back(std::move(call));
        continue;
      }
      if (!parsed.is_object()) {
        throw Error(
            ErrorKind::stream,
            fmt::format(
                "the model's call to tool '{}' has arguments that are not a JSON object: {}",
                call.name, text::excerpt(partial.arguments)));
      }
      call.arguments = std::move(parsed);
      call.arguments_text = std::move(partial.arguments);
    }
    out.push_back(std::move(call));
  }
  return out;
}

}  // namespace ochat::openai
