#include "core/batch/result_line.hpp"

#include "core/events/stats.hpp"

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
  for (const auto& [member, name] : events::kStatsFields) {
    if (const auto& v = result.stats.*member) stats[name] = *v;
  }
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
