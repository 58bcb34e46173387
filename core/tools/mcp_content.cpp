#include "core/tools/mcp_content.hpp"

#include <fmt/format.h>

#include "core/text/utf8.hpp"

namespace ochat::tools {
namespace {

using Json = nlohmann::ordered_json;

std::string str(const Json& object, const char* key) {
  if (!object.is_object()) return {};
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// Bytes encoded by a base64 string (without decoding it).
std::size_t base64_size(const std::string& data) {
  std::size_t n = data.size();
  while (n > 0 && (data[n - 1] == '=' || data[n - 1] == '\n')) --n;
  return n * 3 / 4;
}

std::string render_item(const Json& item) {
  const std::string type = str(item, "type");
  if (type == "text") return str(item, "text");
  if (type == "image" || type == "audio") {
    return fmt::format("[{} {}, {} bytes]", type, str(item, "mimeType"),
                       base64_size(str(item, "data")));
  }
  if (type == "resource") {
    const Json resource = item.is_object() && item.contains("resource") ? item["resource"] : Json();
    if (resource.is_object() && resource.contains("text") && resource["text"].is_string())
      return str(resource, "text");
    std::string mime = str(resource, "mimeType");
    return fmt::format("[resource {}{}{}]", str(resource, "uri"), mime.empty() ? "" : " ", mime);
  }
  if (type == "resource_link")
    return fmt::format("[link {} {}]", str(item, "name"), str(item, "uri"));
  return fmt::format("[{} content]", type.empty() ? "unknown" : type);
}

}  // namespace

chat::ToolOutcome render_call_result(const Json& result, std::size_t max_bytes) {
  chat::ToolOutcome outcome;
  if (!result.is_object()) {
    outcome.is_error = true;
    outcome.content = "The MCP server sent a tools/call result that is not an object.";
    return outcome;
  }
  if (auto e = result.find("isError"); e != result.end() && e->is_boolean())
    outcome.is_error = e->get<bool>();
  std::string text;
  bool any = false;
  if (auto content = result.find("content"); content != result.end() && content->is_array()) {
    for (const auto& item : *content) {
      if (any) text += "\n";
      text += render_item(item);
      any = true;
    }
  }
  if (!any) {
    if (auto s = result.find("structuredContent"); s != result.end() && !s->is_null()) {
      text = s->dump(-1, ' ', false, Json::error_handler_t::replace);
    }
  }
  if (text.size() > max_bytes) {
    text.resize(max_bytes);
    text = text::valid_utf8(text);  // the cut may have split a character
    text += fmt::format("\n[ochat: output cut at {} bytes; the tool wrote more]", max_bytes);
  } else {
    text = text::valid_utf8(text);
  }
  if (outcome.is_error && text.empty()) text = "The tool reported an error without saying why.";
  outcome.content = std::move(text);
  return outcome;
}

}  // namespace ochat::tools
