#include "core/ollama/model_list.hpp"

#include <nlohmann/json.hpp>

#include "core/error.hpp"

namespace ochat::ollama {

std::vector<std::string> parse_model_list(std::string_view body) {
  auto j = nlohmann::json::parse(body, nullptr, false);
  if (!j.is_object() || !j.contains("models") || !j["models"].is_array()) {
    throw Error(ErrorKind::stream, "the server's model list is not valid JSON");
  }
  std::vector<std::string> names;
  for (const auto& m : j["models"]) {
    if (m.is_object() && m.contains("name") && m["name"].is_string()) {
      names.push_back(m["name"].get<std::string>());
    }
  }
  return names;
}

}  // namespace ochat::ollama
