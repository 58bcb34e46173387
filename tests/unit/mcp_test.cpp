// The pure parts of the MCP client: the JSON-RPC session, reading answers, schema cleaning, result
// rendering, command splitting, the configuration file, and the registry's name-clash prefixing.
#include <catch2/catch.hpp>

#include "core/error.hpp"
#include "core/tools/mcp_config.hpp"
#include "core/tools/mcp_content.hpp"
#include "core/tools/mcp_results.hpp"
#include "core/tools/mcp_schema.hpp"
#include "core/tools/mcp_session.hpp"
#include "core/tools/registry.hpp"

using namespace ochat;
using Json = nlohmann::ordered_json;

namespace {

// The outbox's lines, parsed, and emptied.
std::vector<Json> sent(tools::McpSession& session) {
  std::vector<Json> out;
  std::string& box = session.outbox();
  for (std::size_t pos = 0, nl; (nl = box.find('\n', pos)) != std::string::npos; pos = nl + 1) {
    out.push_back(Json::parse(box.substr(pos, nl - pos)));
  }
  box.clear();
  return out;
}

}  // namespace

TEST_CASE("tools::McpSession numbers its requests and matches responses by id in any order") {
  tools::McpSession session;
  CHECK(session.request("initialize", Json::object()) == 1);
  CHECK(session.request("tools/list", Json::object()) == 2);
  session.notify("notifications/initialized");
  auto out = sent(session);
  REQUIRE(out.size() == 3);
  CHECK(out[0] == Json::parse(R"({"jsonrpc":"2.0","id":1,"method":"initialize","params":{}})"));
  CHECK(out[2] == Json::parse(R"({"jsonrpc":"2.0","method":"notifications/initialized"})"));
  session.feed("{\"result\":{\"b\":2},\"jsonrpc\":\"2.0\",\"id\":2}\r\n{\"id\":1,\"res");
  CHECK_FALSE(session.take_response(1));
  session.feed("ult\":{\"a\":1}}\n");
  auto first = session.take_response(1);
  REQUIRE(first);
  CHECK((*first)["result"] == Json{{"a", 1}});
  CHECK(session.take_response(2));
  CHECK_FALSE(session.take_response(2));  // handed out once
}

TEST_CASE(
    "tools::McpSession queues one answer per server request and none for notifications or "
    "garbage") {
  std::vector<std::string> logged;
  tools::McpSession session([&](const std::string& line) { logged.push_back(line); });
  session.feed(
      R"({"jsonrpc":"2.0","id":0,"method":"ping"})"
      "\n"
      R"([{"jsonrpc":"2.0","id":"r","method":"roots/list"},{"jsonrpc":"2.0","method":"notifications/message"}])"
      "\nWelcome!\n"
      R"({"jsonrpc":"2.0","id":"x","result":{}})"
      "\n"
      R"({"jsonrpc":"2.0","id":5})"
      "\n");
  auto out = sent(session);
  REQUIRE(out.size() == 2);
  CHECK(out[0] == Json::parse(R"({"jsonrpc":"2.0","id":0,"result":{}})"));
  CHECK(out[1] ==
        Json::parse(
            R"({"jsonrpc":"2.0","id":"r","error":{"code":-32601,"message":"Method not found"}})"));
  CHECK(session.last_garbage() == R"({"jsonrpc":"2.0","id":5})");
  CHECK(
      logged ==
      std::vector<std::string>{
          "refused request roots/list", "notification notifications/message",
          "ignored a stdout line that is not JSON-RPC: Welcome!",
          "ignored a response with an id ochat never sent: \"x\"",
          R"(ignored a message that is neither request, notification nor response: {"jsonrpc":"2.0","id":5})"});
  CHECK_THROWS_AS(tools::McpSession({}, 8).feed("123456789"), Error);
}

TEST_CASE(
    "tools::read_initialize_result accepts the versions ochat speaks and sees the tools "
    "capability") {
  auto ok = tools::read_initialize_result(
      Json::parse(R"({"protocolVersion":"2024-11-05","capabilities":{"tools":{}}})"));
  CHECK(ok.error.empty());
  CHECK(ok.has_tools);
  CHECK_FALSE(
      tools::read_initialize_result(Json::parse(R"({"protocolVersion":"2025-06-18"})")).has_tools);
  auto old = tools::read_initialize_result(
      Json::parse(R"({"protocolVersion":"1999-01-01","capabilities":{"tools":{}}})"));
  CHECK(old.error ==
        "speaks MCP protocol version '1999-01-01', which ochat does not support "
        "(it speaks 2025-11-25, 2025-06-18, 2025-03-26, 2024-11-05)");
  CHECK_THAT(tools::read_initialize_result(Json::object()).error, Catch::Contains("(none given)"));
  CHECK_THAT(tools::read_initialize_result(Json(3)).error, Catch::Contains("not an object"));
}

TEST_CASE(
    "tools::read_tools_page keeps valid tools, hides task-only ones and follows the cursor once") {
  std::vector<tools::ToolSpec> specs;
  std::vector<std::string> logged;
  auto log = [&](const std::string& line) { logged.push_back(line); };
  const Json page =
      Json::parse(R"({"tools":[{"name":"echo","title":"Echo","inputSchema":{"type":"object"}},
    {"name":"bad name"},{"name":"t","execution":{"taskSupport":"required"}},7],"nextCursor":"p2"})");
  auto next = tools::read_tools_page(page, Json(), specs, log);
  REQUIRE(next);
  CHECK(*next == "p2");
  REQUIRE(specs.size() == 1);
  CHECK(specs[0].name == "echo");
  CHECK(specs[0].description == "Echo");
  CHECK(specs[0].parameters == Json::parse(R"({"type":"object","properties":{}})"));
  CHECK(logged.size() == 3);
  CHECK_FALSE(tools::read_tools_page(page, "p2", specs, log));  // the same cursor again: stop
  CHECK_FALSE(tools::read_tools_page(Json("x"), Json(), specs, log));
}

TEST_CASE(
    "tools::read_tools_page: a taskSupport that is not a string does not throw (fuzz: "
    "mcp_session_fuzz)") {
  std::vector<tools::ToolSpec> specs;
  const Json page = Json::parse(
      R"({"tools":[{"name":"a","execution":{"taskSupport":1}},{"name":"b","execution":{"taskSupport":null}},
    {"name":"c","execution":{"taskSupport":["required"]}}]})");
  CHECK_NOTHROW(tools::read_tools_page(page, Json(), specs, {}));
  CHECK(specs.size() == 3);
}

TEST_CASE(
    "tools::read_call_response: a JSON-RPC error and a result are both outcomes for the model") {
  auto err = tools::read_call_response(
      Json::parse(R"({"id":3,"error":{"code":-32602,"message":"bad \u00ff"}})"), 100);
  CHECK(err.is_error);
  CHECK(err.content == "MCP error -32602: bad \u00ff");
  auto odd = tools::read_call_response(Json::parse(R"({"id":3,"error":"nope"})"), 100);
  CHECK(odd.content == "MCP error: \"nope\"");
  auto ok = tools::read_call_response(
      Json::parse(R"({"id":3,"result":{"content":[{"type":"text","text":"hi"}]}})"), 100);
  CHECK_FALSE(ok.is_error);
  CHECK(ok.content == "hi");
  CHECK(tools::read_call_response(Json::parse(R"({"id":3})"), 100).is_error);
}

TEST_CASE(
    "tools::read_call_response cuts a JSON-RPC error message at the cap too (fuzz: "
    "mcp_session_fuzz)") {
  const Json response = {{"id", 3},
                         {"error", {{"code", -32000}, {"message", std::string(5000, 'z')}}}};
  auto out = tools::read_call_response(response, 100);
  CHECK(out.is_error);
  CHECK(out.content == "MCP error -32000: " + std::string(82, 'z') +
                           "\n[ochat: output cut at 100 bytes; the tool wrote more]");
}

TEST_CASE("tools::clean_schema drops $schema and inlines local $refs") {
  const Json in =
      Json::parse(R"({"$schema":"http://json-schema.org/draft-07/schema#","type":"object",
    "$defs":{"Point":{"type":"object","properties":{"x":{"type":"number"}}}},
    "definitions":{"Name":{"type":"string"}},
    "properties":{"at":{"$ref":"#/$defs/Point","description":"where"},"who":{"$ref":"#/definitions/Name"},
                  "$schema":{"type":"string"}},"required":["at"]})");
  const Json out = tools::clean_schema(in);
  CHECK(out == Json::parse(R"({"type":"object",
    "properties":{"at":{"type":"object","properties":{"x":{"type":"number"}},"description":"where"},
                  "who":{"type":"string"},"$schema":{"type":"string"}},"required":["at"]})"));
}

TEST_CASE("tools::clean_schema never follows remote refs and stops at recursion") {
  const Json in = Json::parse(
      R"({"type":"object","$defs":{"Node":{"type":"object","properties":{"next":{"$ref":"#/$defs/Node"}}}},
    "properties":{"remote":{"$ref":"https://example.com/schema.json"},"node":{"$ref":"#/$defs/Node"},
                  "missing":{"$ref":"#/$defs/Nope"},"esc":{"$ref":"#/$defs/a~1b"}}})");
  const Json out = tools::clean_schema(in);
  CHECK(out["properties"]["remote"] ==
        Json{{"description", "(remote reference https://example.com/schema.json not followed)"}});
  CHECK(out["properties"]["node"]["properties"]["next"] ==
        Json{{"description", "(recursive reference #/$defs/Node)"}});
  CHECK(out["properties"]["missing"] ==
        Json{{"description", "(unresolved reference #/$defs/Nope)"}});
  CHECK_FALSE(out.contains("$defs"));
}

TEST_CASE("tools::clean_schema stops inlining definitions that would grow exponentially") {
  // D0 uses D1 four times, D1 uses D2 four times, ...: 4^14 nodes once inlined, from 2 KB.
  Json defs = Json::object();
  for (int i = 0; i < 14; ++i) {
    const Json next =
        i + 1 < 14 ? Json{{"$ref", "#/$defs/D" + std::to_string(i + 1)}} : Json{{"type", "string"}};
    defs["D" + std::to_string(i)] = {
        {"type", "object"}, {"properties", {{"a", next}, {"b", next}, {"c", next}, {"d", next}}}};
  }
  const Json in = {
      {"type", "object"}, {"$defs", defs}, {"properties", {{"x", {{"$ref", "#/$defs/D0"}}}}}};
  const std::string out = tools::clean_schema(in).dump();
  CHECK(out.size() < 2'000'000);
  CHECK_THAT(out, Catch::Contains("not inlined: the schema would grow too large"));
  CHECK_THAT(out, Catch::Contains(R"("x":{"type":"object","properties":{"a":{"type":"object")"));
}

TEST_CASE("tools::clean_schema gives any input an object root with properties") {
  CHECK(tools::clean_schema(Json()) == Json::parse(R"({"type":"object","properties":{}})"));
  CHECK(tools::clean_schema(Json::parse(R"({"type":"object"})")) ==
        Json::parse(R"({"type":"object","properties":{}})"));
  CHECK(tools::clean_schema(Json::parse("[1,2]")) ==
        Json::parse(R"({"type":"object","properties":{}})"));
}

TEST_CASE("tools::render_call_result maps each content type to text for the model") {
  const Json result = Json::parse(
      R"({"content":[{"type":"text","text":"one"},{"type":"image","data":"AAAA","mimeType":"image/png"},
    {"type":"audio","data":"AAAAAA==","mimeType":"audio/wav"},{"type":"resource","resource":{"uri":"file:///a","text":"inside"}},
    {"type":"resource","resource":{"uri":"file:///b","mimeType":"application/pdf","blob":"AAAA"}},
    {"type":"resource_link","uri":"file:///c","name":"c.txt"},{"type":"hologram"}]})");
  const auto out = tools::render_call_result(result, 1 << 20);
  CHECK_FALSE(out.is_error);
  CHECK(out.content ==
        "one\n[image image/png, 3 bytes]\n[audio audio/wav, 4 bytes]\ninside\n[resource file:///b "
        "application/pdf]\n"
        "[link c.txt file:///c]\n[hologram content]");
}

TEST_CASE("tools::render_call_result: isError, structuredContent, the cap, malformed results") {
  auto err = tools::render_call_result(
      Json::parse(R"({"isError":true,"content":[{"type":"text","text":"bad path"}]})"), 100);
  CHECK(err.is_error);
  CHECK(err.content == "bad path");
  auto silent = tools::render_call_result(Json::parse(R"({"isError":true,"content":[]})"), 100);
  CHECK(silent.is_error);
  CHECK_FALSE(silent.content.empty());
  auto structured =
      tools::render_call_result(Json::parse(R"({"content":[],"structuredContent":{"n":1}})"), 100);
  CHECK(structured.content == R"({"n":1})");
  auto cut = tools::render_call_result(
      Json{{"content", {{{"type", "text"}, {"text", std::string(50, 'x')}}}}}, 10);
  CHECK(cut.content ==
        std::string(10, 'x') + "\n[ochat: output cut at 10 bytes; the tool wrote more]");
  CHECK(tools::render_call_result(Json("nope"), 100).is_error);
}

TEST_CASE("tools::split_command splits like a shell without running one") {
  using V = std::vector<std::string>;
  CHECK(tools::split_command("npx -y  @scope/server") == V{"npx", "-y", "@scope/server"});
  CHECK(tools::split_command(R"(node 'a b' "c \"d\" $e" f\ g '')") ==
        V{"node", "a b", "c \"d\" $e", "f g", ""});
  CHECK_THROWS_AS(tools::split_command("node 'open"), Error);
  CHECK_THROWS_AS(tools::split_command("node \"open"), Error);
  CHECK_THROWS_AS(tools::split_command("   "), Error);
}

TEST_CASE("tools::server_name_for and unique_server_name") {
  CHECK(tools::server_name_for("/usr/bin/node") == "node");
  CHECK(tools::server_name_for("my server.py") == "my_server_py");
  std::vector<std::string> taken;
  CHECK(tools::unique_server_name("node", taken) == "node");
  CHECK(tools::unique_server_name("node", taken) == "node-2");
  CHECK(tools::unique_server_name("node", taken) == "node-3");
}

TEST_CASE("tools::parse_mcp_config reads the mcpServers format") {
  std::vector<std::string> warnings;
  const auto servers =
      tools::parse_mcp_config(R"({"mcpServers":{"files":{"command":"npx","args":["-y","fs","/tmp"],
      "env":{"A":"1"}},"off":{"command":"x","disabled":true},"web":{"url":"http://x/mcp"}}})",
                              "mcp.json", warnings);
  REQUIRE(servers.size() == 1);
  CHECK(servers[0].name == "files");
  CHECK(servers[0].argv == std::vector<std::string>{"npx", "-y", "fs", "/tmp"});
  CHECK(servers[0].env.at("A") == "1");
  REQUIRE(warnings.size() == 1);
  CHECK_THAT(warnings[0], Catch::Contains("\"web\""));
  CHECK_THROWS_WITH(tools::parse_mcp_config("{", "f.json", warnings), Catch::Contains("f.json"));
  CHECK_THROWS_WITH(tools::parse_mcp_config(R"({"mcpServers":{"a":{"command":"x","args":"y"}}})",
                                            "f.json", warnings),
                    Catch::Contains("\"args\""));
}

TEST_CASE("tools::parse_mcp_config names the line and column of bad JSON") {
  std::vector<std::string> warnings;
  const std::string text = "{\"mcpServers\": {\n  \"a\": {\"command\": \"x\",}\n}}";
  CHECK_THROWS_WITH(
      tools::parse_mcp_config(text, "f.json", warnings),
      Catch::StartsWith("MCP configuration f.json: not valid JSON at line 2, column 24: ") &&
          Catch::Contains("syntax error"));
  // Columns count characters, not bytes.
  CHECK_THROWS_WITH(tools::parse_mcp_config("{\"caf\xC3\xA9\": x}", "f.json", warnings),
                    Catch::Contains("line 1, column 10:"));
  CHECK_THROWS_WITH(tools::parse_mcp_config("", "f.json", warnings),
                    Catch::Contains("not valid JSON at line 1, column 1: "));
}

TEST_CASE(
    "tools::parse_mcp_config warns about a file without mcpServers, and explains VS Code's shape") {
  std::vector<std::string> warnings;
  CHECK(tools::parse_mcp_config(R"({"servers":{"x":{"type":"stdio","command":"node"}}})", "vs.json",
                                warnings)
            .empty());
  REQUIRE(warnings.size() == 1);
  CHECK_THAT(warnings[0],
             Catch::StartsWith(
                 "MCP configuration vs.json has no \"mcpServers\", so no server of it is started"));
  CHECK_THAT(warnings[0], Catch::Contains("VS Code"));
  warnings.clear();
  CHECK(tools::parse_mcp_config("{}", "empty.json", warnings).empty());
  REQUIRE(warnings.size() == 1);
  CHECK_THAT(warnings[0], !Catch::Contains("VS Code"));
}

TEST_CASE(
    "tools::passed_environment: NAME takes ochat's value, NAME=VALUE its own, the last counts") {
  const sys::Getenv getenv = [](std::string_view name) -> std::optional<std::string> {
    if (name == "TOKEN") return std::string("t0k");
    if (name == "EMPTY") return std::string();
    return std::nullopt;
  };
  std::vector<std::string> warnings;
  using Env = std::map<std::string, std::string>;
  CHECK(tools::passed_environment({"TOKEN", "A=1", "B=x=y", "C=", "EMPTY", "A=2"}, getenv,
                                  warnings) ==
        Env{{"A", "2"}, {"B", "x=y"}, {"C", ""}, {"EMPTY", ""}, {"TOKEN", "t0k"}});
  CHECK(warnings.empty());
  CHECK(tools::passed_environment({"A=1", "A", "_OK9"}, getenv, warnings).empty());  // A is not set
  CHECK(warnings ==
        std::vector<std::string>{"--mcp-env A: A is not set, so it is not passed",
                                 "--mcp-env _OK9: _OK9 is not set, so it is not passed"});
  for (const char* bad : {"", "=x", "9A", "A-B", "A B=1"}) {
    INFO(bad);
    CHECK_THROWS_AS(tools::passed_environment({bad}, getenv, warnings), Error);
  }
}

TEST_CASE("tools::server_environment passes only the safe variables and the configured ones") {
  const sys::Getenv getenv = [](std::string_view name) -> std::optional<std::string> {
    if (name == "PATH") return std::string("/bin");
    if (name == "SECRET_TOKEN") return std::string("x");
    return std::nullopt;
  };
  CHECK(tools::server_environment({{"API", "k"}}, getenv) ==
        std::vector<std::string>{"PATH=/bin", "API=k"});
}

namespace {

class FakeProvider final : public tools::ToolProvider {
 public:
  FakeProvider(std::string source, std::string prefix, std::vector<std::string> names)
      : source_(std::move(source)), prefix_(std::move(prefix)) {
    for (auto& n : names) tools_.push_back({n, "", Json::object()});
  }
  const std::string& source() const override { return source_; }
  const std::vector<tools::ToolSpec>& tools() const override { return tools_; }
  std::string clash_prefix() const override { return prefix_; }
  chat::ToolOutcome call(const std::string& name, const Json&, const sys::CancelToken&) override {
    return {source_ + " ran " + name, false, false, {}};
  }

 private:
  std::string source_, prefix_;
  std::vector<tools::ToolSpec> tools_;
};

}  // namespace

TEST_CASE("tools::Registry prefixes a clashing MCP tool with its server's name") {
  tools::Registry registry;
  registry.add(std::make_unique<FakeProvider>("plugin", "", std::vector<std::string>{"echo"}));
  registry.add(
      std::make_unique<FakeProvider>("mcp:a", "a", std::vector<std::string>{"echo", "other"}));
  const Json defs = registry.definitions();
  REQUIRE(defs.size() == 3);
  CHECK(defs[1]["function"]["name"] == "a__echo");
  CHECK(defs[2]["function"]["name"] == "other");
  chat::ToolCall call;
  call.name = "a__echo";
  CHECK(registry.run(call, {}).content == "mcp:a ran echo");
  call.name = "echo";
  CHECK(registry.run(call, {}).content == "plugin ran echo");
  CHECK_THROWS_AS(
      registry.add(std::make_unique<FakeProvider>("plugin2", "", std::vector<std::string>{"echo"})),
      Error);
}

namespace {

std::vector<std::string> offered_names(const tools::Registry& registry) {
  std::vector<std::string> names;
  for (const auto& e : registry.entries()) names.push_back(e.name);
  return names;
}

}  // namespace

TEST_CASE(
    "tools::Registry: a plugin and a server with the same tool name give one result in either "
    "order") {
  // The bug: -t ./echo --mcp X renamed the server's tool, --mcp X -t ./echo was a fatal error.
  tools::Registry plugin_first;
  plugin_first.add(std::make_unique<FakeProvider>("plugin", "", std::vector<std::string>{"echo"}));
  plugin_first.add(
      std::make_unique<FakeProvider>("mcp:a", "a", std::vector<std::string>{"echo", "other"}));
  CHECK(offered_names(plugin_first) == std::vector<std::string>{"echo", "a__echo", "other"});

  tools::Registry server_first;
  server_first.add(
      std::make_unique<FakeProvider>("mcp:a", "a", std::vector<std::string>{"echo", "other"}));
  server_first.add(std::make_unique<FakeProvider>("plugin", "", std::vector<std::string>{"echo"}));
  CHECK(offered_names(server_first) == std::vector<std::string>{"a__echo", "other", "echo"});
  chat::ToolCall call;
  call.name = "echo";
  CHECK(server_first.run(call, {}).content == "plugin ran echo");
  call.name = "a__echo";
  CHECK(server_first.run(call, {}).content == "mcp:a ran echo");
}

TEST_CASE("tools::Registry: a refused provider leaves the registry unchanged") {
  tools::Registry registry;
  registry.add(std::make_unique<FakeProvider>("p0", "", std::vector<std::string>{"b__x"}));
  registry.add(std::make_unique<FakeProvider>("mcp:a", "a", std::vector<std::string>{"echo"}));
  registry.add(std::make_unique<FakeProvider>("mcp:b", "b", std::vector<std::string>{"x"}));
  // The plugin's "echo" would push a's to "a__echo", but its "x" cannot push b's to "b__x" (p0
  // offers that name): refused, and nothing renamed.
  CHECK_THROWS_WITH(
      registry.add(
          std::make_unique<FakeProvider>("plugin", "", std::vector<std::string>{"echo", "x"})),
      Catch::Contains(
          "a tool named 'x': mcp:b and plugin, and b__x (for the server's) is taken by p0"));
  CHECK(offered_names(registry) == std::vector<std::string>{"b__x", "echo", "x"});
  // Two plugins with one name stay an error, in either order.
  registry.add(std::make_unique<FakeProvider>("p1", "", std::vector<std::string>{"same"}));
  CHECK_THROWS_WITH(
      registry.add(std::make_unique<FakeProvider>("p2", "", std::vector<std::string>{"same"})),
      Catch::Contains("two tool sources offer a tool named 'same': p1 and p2"));
}
