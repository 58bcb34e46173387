#include "core/tools/mcp_results.hpp"

#include <fmt/format.h>

#include <cctype>
#include <iterator>

#include "core/text/excerpt.hpp"
#include "core/tools/mcp_content.hpp"
#include "core/tools/mcp_schema.hpp"

namespace ochat::tools {
namespace {

using Json = nlohmann::ordered_json;

std::string dump(const Json& j) { return j.dump(-1, ' ', false, Json::error_handler_t::replace); }

bool valid_tool_name(const std::string& name) {
  if (name.empty() || name.size() > 128) return false;
  for (char c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-' && c != '.')
      return false;
  }
  return true;
}

}  // namespace

std::string rpc_error_text(const Json& error) {
  if (!error.is_object()) return "MCP error: " + dump(error);
  const long long code = error.contains("code") && error["code"].is_number_integer()
                             ? error["code"].get<long long>()
                             : 0;
  const std::string message = error.contains("message") && error["message"].is_string()
                                  ? error["message"].get<std::string>()
                                  : "";
  return fmt::format("MCP error {}: {}", code, message.empty() ? "(no message)" : message);
}

McpInitializeResult read_initialize_result(const Json& init) {
  McpInitializeResult out;
  if (!init.is_object()) {
    out.error = "answered initialize with something that is not an object";
    return out;
  }
  const std::string version =
      init.contains("protocolVersion") && init["protocolVersion"].is_string()
          ? init["protocolVersion"].get<std::string>()
          : std::string();
  bool known = false;
  for (const char* v : kMcpProtocolVersions) known = known || version == v;
  if (!known) {
    out.error = fmt::format(
        "speaks MCP protocol version {}, which ochat does not support (it speaks {})",
        version.empty() ? "(none given)" : "'" + text::excerpt(version, 40) + "'",
        fmt::join(std::begin(kMcpProtocolVersions), std::end(kMcpProtocolVersions), ", "));
    out.hint = "use a newer or older release of the server";
    return out;
  }
  out.has_tools = init.contains("capabilities") && init["capabilities"].is_object() &&
                  init["capabilities"].contains("tools");
  return out;
}

std::optional<Json> read_tools_page(const Json& list, const Json& cursor,
                                    std::vector<ToolSpec>& tools,
                                    const std::function<void(const std::string&)>& log) {
  if (list.contains("tools") && list["tools"].is_array()) {
    for (const auto& t : list["tools"]) {
      const std::string name = t.is_object() && t.contains("name") && t["name"].is_string()
                                   ? t["name"].get<std::string>()
                                   : "";
      if (!valid_tool_name(name)) {
        if (log) log("skipped a tool without a valid name: " + text::excerpt(dump(t), 80));
        continue;
      }
      // Compared as JSON: value("taskSupport", "") would throw for a taskSupport that is not a
      // string.
      const Json* execution =
          t.contains("execution") && t["execution"].is_object() ? &t["execution"] : nullptr;
      if (execution && execution->contains("taskSupport") &&
          (*execution)["taskSupport"] == "required") {
        if (log) log("hid tool " + name + ": it requires task support, which ochat does not have");
        continue;
      }
      ToolSpec spec;
      spec.name = name;
      for (const Json* d : {t.contains("description") ? &t["description"] : nullptr,
                            t.contains("title") ? &t["title"] : nullptr}) {
        if (spec.description.empty() && d && d->is_string())
          spec.description = d->get<std::string>();
      }
      spec.parameters = clean_schema(t.contains("inputSchema") ? t["inputSchema"] : Json());
      tools.push_back(std::move(spec));
    }
  }
  if (!list.contains("nextCursor") || !list["nextCursor"].is_string()) return std::nullopt;
  if (list["nextCursor"] == cursor) return std::nullopt;  // a server going round in circles
  return list["nextCursor"];
}

chat::ToolOutcome read_call_response(const Json& response, std::size_t max_bytes) {
  if (response.is_object()) {
    if (auto e = response.find("error"); e != response.end()) {
      // As an isError text result, so that the same cap applies to what the server's error says.
      const Json as_result = {{"isError", true},
                              {"content", {{{"type", "text"}, {"text", rpc_error_text(*e)}}}}};
      return render_call_result(as_result, max_bytes);
    }
  }
  return render_call_result(
      response.is_object() && response.contains("result") ? response["result"] : Json(), max_bytes);
}

}  // namespace ochat::tools
