#include "core/openai/model_list.hpp"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "core/error.hpp"
#include "core/text/excerpt.hpp"

namespace ochat::openai {

std::vector<std::string> parse_model_list(std::string_view body) {
  const auto j = nlohmann::json::parse(body, nullptr, false);
  if (!j.is_object() || !j.contains("data") || !j["data"].is_array()) {
    throw Error(
        ErrorKind::stream,
        fmt::format("the server's model list is not {{\"data\": [...]}}: {}", text::excerpt(body)));
  }
  std::vector<std::string> ids;
  for (const auto& m : j["data"]) {
    if (m.is_object() && m.contains("id") && m["id"].is_string())
      ids.push_back(m["id"].get<std::string>());
  }
  return ids;
}

}  // namespace ochat::openai
