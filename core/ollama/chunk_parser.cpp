#include "core/ollama/chunk_parser.hpp"

#include <fmt/format.h>

#include "core/error.hpp"
#include "core/http/error_body.hpp"
#include "core/ollama/content_chunk.hpp"
#include "core/text/excerpt.hpp"

namespace ochat::ollama {
namespace {

using Json = nlohmann::ordered_json;

[[noreturn]] void malformed(std::string_view line, std::string_view what) {
  throw Error(ErrorKind::stream,
              fmt::format("the server sent a malformed chunk ({}): {}", what, text::excerpt(line)));
}

std::string get_string(const Json& obj, const char* key, std::string_view line) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return {};
  if (!it->is_string()) malformed(line, fmt::format("'{}' is not a string", key));
  return it->get<std::string>();
}

void get_count(const Json& obj, const char* key, std::optional<std::int64_t>& out) {
  auto it = obj.find(key);
  if (it != obj.end() && it->is_number_integer()) out = it->get<std::int64_t>();
}

chat::ToolCall parse_tool_call(const Json& call, std::string_view line) {
  if (!call.is_object()) malformed(line, "a tool call is not an object");
  chat::ToolCall out;
  out.id = get_string(call, "id", line);
  auto fn = call.find("function");
  if (fn == call.end() || !fn->is_object()) malformed(line, "a tool call has no function");
  out.name = get_string(*fn, "name", line);
  if (out.name.empty()) malformed(line, "a tool call has no name");
  auto args = fn->find("arguments");
  if (args == fn->end() || args->is_null()) {
    out.arguments = Json::object();
  } else if (args->is_object()) {
    out.arguments = *args;
  } else if (args->is_string()) {
    // Not what Ollama sends, but what OpenAI-style proxies do: a JSON text.
    Json parsed = Json::parse(args->get<std::string>(), nullptr, false);
    if (!parsed.is_object()) malformed(line, "tool call arguments are not a JSON object");
    out.arguments = std::move(parsed);
  } else {
    malformed(line, "tool call arguments are not a JSON object");
  }
  return out;
}

}  // namespace

chat::Chunk parse_chunk(std::string_view line) {
  if (auto chunk = parse_content_chunk(line)) return std::move(*chunk);
  return parse_chunk_dom(line);
}

chat::Chunk parse_chunk_dom(std::string_view line) {
  Json j = Json::parse(line, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) {
    throw Error(ErrorKind::stream,
                fmt::format("the server sent a line that is not JSON: {}", text::excerpt(line)));
  }
  if (!j.is_object()) malformed(line, "not a JSON object");

  chat::Chunk chunk;
  if (auto err = j.find("error"); err != j.end() && !err->is_null()) {
    chunk.error = http::stream_error_text(*err);
    return chunk;
  }

  if (auto msg = j.find("message"); msg != j.end() && !msg->is_null()) {
    if (!msg->is_object()) malformed(line, "'message' is not an object");
    chunk.content = get_string(*msg, "content", line);
    chunk.thinking = get_string(*msg, "thinking", line);
    if (auto calls = msg->find("tool_calls"); calls != msg->end() && !calls->is_null()) {
      if (!calls->is_array()) malformed(line, "'tool_calls' is not an array");
      for (const auto& call : *calls) chunk.tool_calls.push_back(parse_tool_call(call, line));
    }
  }
  if (auto done = j.find("done"); done != j.end()) {
    if (!done->is_boolean()) malformed(line, "'done' is not a boolean");
    chunk.done = done->get<bool>();
  }
  if (chunk.done) {
    chunk.done_reason = get_string(j, "done_reason", line);
    get_count(j, "prompt_eval_count", chunk.stats.prompt_tokens);
    get_count(j, "eval_count", chunk.stats.generated_tokens);
    get_count(j, "total_duration", chunk.stats.total_ns);
    get_count(j, "load_duration", chunk.stats.load_ns);
    get_count(j, "prompt_eval_duration", chunk.stats.prompt_eval_ns);
    get_count(j, "eval_duration", chunk.stats.eval_ns);
  }
  return chunk;
}

}  // namespace ochat::ollama
