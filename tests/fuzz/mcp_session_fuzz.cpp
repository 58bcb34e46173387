// libFuzzer target: what an MCP server writes on its stdout, through McpSession (line framing,
// classification, the answers to its own requests) and then every stage that reads its answers:
// the initialize result, a tools/list page (the tool definitions offered to the model) and a
// tools/call response (the text the model is given). Our requests are ids 1 (initialize),
// 2 (tools/list) and 3 (tools/call); every response that arrives with an id from 0 to 7 goes
// through all three stages. The input is cut into reads at points it chooses (split_decode.hpp).
//
// Oracle: no crash, no sanitizer report, no exception; the same outcome as feeding it all in one
// read; exactly one well-formed answer queued per server request; tool definitions with a valid
// name and an object schema with properties; results in valid UTF-8 and within the cap.
#include <cstdlib>

#include "core/text/utf8.hpp"
#include "core/tools/mcp_results.hpp"
#include "core/tools/mcp_session.hpp"
#include "split_decode.hpp"

namespace {

using Json = nlohmann::ordered_json;
constexpr std::size_t kCap = 64;  // small, so that cutting (and cutting a character) is reached

void require(bool ok) {
  if (!ok) std::abort();
}

bool is_valid_utf8(const std::string& s) {
  bool changed = false;
  ochat::text::valid_utf8(s, &changed);
  return !changed;
}

std::string dump(const Json& j) { return j.dump(-1, ' ', false, Json::error_handler_t::replace); }

// Everything observable about one run, as text, for comparing two ways of reading.
std::string run(std::string_view stream, const std::vector<std::size_t>& sizes) {
  std::string log;
  std::size_t requests_logged = 0;
  ochat::tools::McpSession session([&](const std::string& line) {
    log += "log:" + line + "\n";
    if (line.rfind("refused request ", 0) == 0) ++requests_logged;
  });
  require(session.request("initialize", Json::object()) == 1);
  require(session.request("tools/list", Json::object()) == 2);
  require(session.request("tools/call", Json::object()) == 3);
  session.outbox().clear();

  std::size_t i = 0;
  while (!stream.empty()) {
    std::size_t n = sizes.empty() ? stream.size() : sizes[i++ % sizes.size()];
    if (n > stream.size()) n = stream.size();
    session.feed(stream.substr(0, n));  // lines here are far below the 64 MiB limit
    stream.remove_prefix(n);
  }

  // The answers to its requests: one JSON-RPC message per line, {} for ping, -32601 otherwise.
  std::size_t refusals = 0;
  const std::string& box = session.outbox();
  for (std::size_t pos = 0, nl; pos < box.size(); pos = nl + 1) {
    nl = box.find('\n', pos);
    require(nl != std::string::npos);
    const Json a = Json::parse(box.substr(pos, nl - pos), nullptr, false);
    require(a.is_object() && a.value("jsonrpc", "") == "2.0" && a.contains("id"));
    require(a.contains("result") != a.contains("error"));
    if (a.contains("result")) require(a["result"] == Json::object());
    if (a.contains("error")) {
      require(a["error"]["code"] == -32601);
      ++refusals;
    }
    log += "sent:" + box.substr(pos, nl - pos) + "\n";
  }
  require(refusals == requests_logged);

  for (long long id = 0; id < 8; ++id) {
    auto response = session.take_response(id);
    if (!response) continue;
    require(response->is_object());
    require(!session.take_response(id));
    log += "response " + std::to_string(id) + ":\n";
    // What McpServer::request hands on: the result, unless it is a JSON-RPC error.
    if (auto e = response->find("error"); e != response->end()) {
      log += "  refused: " + ochat::tools::rpc_error_text(*e) + "\n";
    } else {
      const Json result = response->contains("result") ? (*response)["result"] : Json();
      auto init = ochat::tools::read_initialize_result(result);
      log += "  initialize: " + init.error + (init.has_tools ? " tools" : "") + "\n";
      std::vector<ochat::tools::ToolSpec> tools;
      for (const Json& cursor : {Json(), Json("page2")}) {
        auto next = ochat::tools::read_tools_page(
            result, cursor, tools,
            [&](const std::string& line) { log += "  list: " + line + "\n"; });
        if (next) {
          require(next->is_string() && *next != cursor);
          log += "  next: " + next->get<std::string>() + "\n";
        }
      }
      for (const auto& t : tools) {
        require(!t.name.empty() && t.name.size() <= 128);
        require(t.parameters.is_object() && t.parameters.contains("type") &&
                t.parameters.contains("properties") && t.parameters["properties"].is_object());
        log += "  tool " + t.name + ": " + t.description + " " + dump(t.parameters) + "\n";
      }
    }
    auto outcome = ochat::tools::read_call_response(*response, kCap);
    require(is_valid_utf8(outcome.content));
    require(outcome.content.size() <= kCap + 100);
    require(!outcome.is_error || !outcome.content.empty());
    log += std::string("  call: ") + (outcome.is_error ? "error " : "") + outcome.content + "\n";
  }
  log += "garbage: " + session.last_garbage() + "\n";
  return log;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::vector<std::size_t> sizes;
  std::string_view in = ochat::fuzz::take_sizes({reinterpret_cast<const char*>(data), size}, sizes);
  if (run(in, sizes) != run(in, {})) std::abort();
  return 0;
}
