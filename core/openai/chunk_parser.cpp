#include "core/openai/chunk_parser.hpp"

#include <fmt/format.h>

#include "core/error.hpp"
#include "core/http/error_body.hpp"
#include "core/text/excerpt.hpp"
#include "core/text/trim.hpp"

namespace ochat::openai {
namespace {

using Json = nlohmann::ordered_json;

[[noreturn]] void malformed(std::string_view data, std::string_view what) {
  throw Error(ErrorKind::stream,
              fmt::format("the server sent a malformed chunk ({}): {}", what, text::excerpt(data)));
}

std::string get_string(const Json& obj, const char* key, std::string_view data) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return {};
  if (!it->is_string()) malformed(data, fmt::format("'{}' is not a string", key));
  return it->get<std::string>();
}

void get_count(const Json& obj, const char* key, std::optional<std::int64_t>& out) {
  auto it = obj.find(key);
  if (it != obj.end() && it->is_number_integer()) out = it->get<std::int64_t>();
}

// A duration in milliseconds (llama.cpp's timings are decimals) as nanoseconds.
void get_ms(const Json& obj, const char* key, std::optional<std::int64_t>& out) {
  auto it = obj.find(key);
  if (it == obj.end() || !it->is_number()) return;
  // Beyond about 292 years the product would not fit: not a duration, and converting it is UB.
  const double ms = it->get<double>();
  if (ms >= 0 && ms < 9e12) out = static_cast<std::int64_t>(ms * 1e6);
}

ToolCallDelta parse_tool_call(const Json& call, std::size_t position, std::string_view data) {
  if (!call.is_object()) malformed(data, "a tool call is not an object");
  ToolCallDelta out;
  out.index = position;
  if (auto index = call.find("index"); index != call.end() && !index->is_null()) {
    if (!index->is_number_unsigned()) malformed(data, "a tool call's 'index' is not a number");
    out.index = index->get<std::size_t>();
  }
  out.id = get_string(call, "id", data);
  auto fn = call.find("function");
  if (fn == call.end() || fn->is_null()) return out;
  if (!fn->is_object()) malformed(data, "a tool call's 'function' is not an object");
  out.name = get_string(*fn, "name", data);
  if (auto args = fn->find("arguments"); args != fn->end() && !args->is_null()) {
    if (args->is_string()) {
      out.arguments = args->get<std::string>();
    } else if (args->is_object()) {  // not the protocol, but what some proxies send
      out.arguments = args->dump(-1, ' ', false, Json::error_handler_t::replace);
    } else {
      malformed(data, "a tool call's 'arguments' is not a string");
    }
  }
  return out;
}

void parse_choice(const Json& choice, std::string_view data, StreamEvent& event) {
  if (!choice.is_object()) malformed(data, "a choice is not an object");
  if (auto index = choice.find("index"); index != choice.end() && index->is_number() && *index != 0)
    return;
  if (auto delta = choice.find("delta"); delta != choice.end() && !delta->is_null()) {
    if (!delta->is_object()) malformed(data, "'delta' is not an object");
    event.content = get_string(*delta, "content", data);
    // vLLM has sent both names with the same text: one of them only.
    event.thinking = get_string(*delta, "reasoning_content", data);
    if (event.thinking.empty()) event.thinking = get_string(*delta, "reasoning", data);
    if (auto calls = delta->find("tool_calls"); calls != delta->end() && !calls->is_null()) {
      if (!calls->is_array()) malformed(data, "'tool_calls' is not an array");
      for (std::size_t i = 0; i < calls->size(); ++i) {
        event.tool_calls.push_back(parse_tool_call((*calls)[i], i, data));
      }
    }
  }
  if (auto reason = choice.find("finish_reason"); reason != choice.end() && !reason->is_null()) {
    if (!reason->is_string()) malformed(data, "'finish_reason' is not a string");
    if (!reason->get_ref<const std::string&>().empty())
      event.finish_reason = reason->get<std::string>();
  }
}

}  // namespace

StreamEvent parse_event(std::string_view data) {
  StreamEvent event;
  if (text::trim(data) == "[DONE]") {
    event.done_marker = true;
    return event;
  }
  Json j = Json::parse(data, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) {
    throw Error(ErrorKind::stream,
                fmt::format("the server sent an event that is not JSON: {}", text::excerpt(data)));
  }
  if (!j.is_object()) malformed(data, "not a JSON object");

  if (auto err = j.find("error"); err != j.end() && !err->is_null()) {
    event.error = http::stream_error_text(*err);
    return event;
  }
  if (auto choices = j.find("choices"); choices != j.end() && !choices->is_null()) {
    if (!choices->is_array()) malformed(data, "'choices' is not an array");
    for (const auto& choice : *choices) parse_choice(choice, data, event);
  }
  if (auto usage = j.find("usage"); usage != j.end() && !usage->is_null()) {
    if (!usage->is_object()) malformed(data, "'usage' is not an object");
    events::Stats stats;
    get_count(*usage, "prompt_tokens", stats.prompt_tokens);
    get_count(*usage, "completion_tokens", stats.generated_tokens);
    event.usage = stats;
  }
  if (auto timings = j.find("timings"); timings != j.end() && timings->is_object()) {
    events::Stats stats = event.usage.value_or(events::Stats{});
    get_ms(*timings, "prompt_ms", stats.prompt_eval_ns);
    get_ms(*timings, "predicted_ms", stats.eval_ns);
    event.usage = stats;
  }
  return event;
}

}  // namespace ochat::openai
