#include "core/batch/result_line.hpp"

namespace ochat::batch {

using Json = nlohmann::ordered_json;

std::string result_line(const ItemResult& result) {
  Json line = Json::object();
  line["index"] = result.index;
  if (result.id) line["id"] = *result.id;
  line["input"] = result.input;
  line["output"] = result.output;
  if (!result.thinking.empty()) line["thinking"] = result.thinking;
  if (!result.done_reason.empty()) line["done_reason"] = result.done_reason;
  Json stats = Json::object();
  auto put = [&](const char* key, const std::optional<std::int64_t>& v) {
    if (v) stats[key] = *v;
  };
  put("prompt_tokens", result.stats.prompt_tokens);
  put("generated_tokens", result.stats.generated_tokens);
  put("total_duration_ns", result.stats.total_ns);
  put("load_duration_ns", result.stats.load_ns);
  put("prompt_eval_duration_ns", result.stats.prompt_eval_ns);
  put("eval_duration_ns", result.stats.eval_ns);
  line["stats"] = std::move(stats);
  if (result.error) {
    Json error = {{"kind", kind_name(result.error->kind())}, {"message", result.error->what()}};
    if (!result.error->hint().empty()) error["hint"] = result.error->hint();
    line["error"] = std::move(error);
  }
  std::string text = line.dump(-1, ' ', false, Json::error_handler_t::replace);
  text.push_back('\n');
  return text;
}

std::string result_text(const ItemResult& result) {
  std::string text = result.output;
  if (!text.empty() && text.back() != '\n') text.push_back('\n');
  text.push_back('\n');
  return text;
}

}  // namespace ochat::batch
