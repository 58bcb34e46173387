// MCP servers as tool providers: the real reference servers from npm (server-everything,
// server-filesystem) and a scripted fake (tests/support/fake_mcp_server.js) for what they cannot
// show: a crash mid-call, a hang, garbage on stdout, replies out of order, a refused version.
#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <fstream>
#include <sstream>
#include <thread>

#include "e2e_support.hpp"
#include "reliability.hpp"

using namespace ochat::test;
using nlohmann::json;

namespace {

const std::string kNpm = OCHAT_NPM_DIR "/node_modules/@modelcontextprotocol";

std::string everything() { return "node " + kNpm + "/server-everything/dist/index.js"; }
std::string filesystem(const std::string& root) {
  return "node " + kNpm + "/server-filesystem/dist/index.js " + root;
}
std::string fake(const std::string& args) {
  return std::string("node ") + OCHAT_FAKE_MCP + " " + args;
}

// A fresh directory under /tmp, removed with what it holds at the end of the test.
struct TempDir {
  std::string path;
  TempDir() {
    std::string pattern = "/tmp/ochat-mcp-XXXXXX";
    path = ::mkdtemp(pattern.data());
  }
  ~TempDir() { std::system(("rm -rf '" + path + "'").c_str()); }
  std::string file(const std::string& name, const std::string& text = "") const {
    const std::string p = path + "/" + name;
    if (!text.empty()) std::ofstream(p) << text;
    return p;
  }
};

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::vector<int> read_pids(const std::string& file) {
  std::ifstream in(file);
  std::vector<int> pids;
  int pid = 0;
  while (in >> pid) pids.push_back(pid);
  return pids;
}

bool all_gone(const std::vector<int>& pids) {
  for (int i = 0; i < 250; ++i) {  // up to 5 s: a loaded machine reaps slowly
    bool any = false;
    for (int pid : pids) any = any || (pid > 0 && ::kill(pid, 0) == 0);
    if (!any) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

std::vector<std::string> offered_names(const json& body) {
  std::vector<std::string> names;
  for (const auto& t : body["tools"]) names.push_back(t["function"]["name"]);
  return names;
}

// The messages the fake server received (its --log file), parsed.
std::vector<json> received(const std::string& log) { return parse_lines(slurp(log)); }

bool has_message(const std::vector<json>& messages, const std::function<bool(const json&)>& pred) {
  for (const auto& m : messages)
    if (m.is_object() && pred(m)) return true;
  return false;
}

}  // namespace

TEST_CASE("mcp: the model calls server-everything's echo and sees its real answer") {
  Ochat ochat;
  auto r = ochat.run({"--no-mcp-config", "-m", "tool", "--mcp", everything(), "--events", "hi"});
  INFO(r.err);
  CHECK(r.exit_code == 0);
  auto events = parse_lines(r.out);
  const json* result = find_event(events, "tool_result");
  REQUIRE(result);
  CHECK((*result)["data"]["name"] == "echo");
  CHECK((*result)["data"]["content"] == "Echo: test");
  CHECK((*result)["data"]["is_error"] == false);
  CHECK_THAT(joined_text(events, "token"),
             Catch::StartsWith("Let me check.Tool said: Echo: test\n"));
  const json first = ochat.request_body(0);
  REQUIRE(first["tools"].size() > 5);
  const json& echo = first["tools"][0]["function"];
  CHECK(echo["name"] == "echo");
  CHECK(echo["description"] == "Echoes back the input string");
  CHECK_FALSE(echo["parameters"].contains("$schema"));
  CHECK(echo["parameters"]["properties"]["message"]["type"] == "string");
  for (const auto& name : offered_names(first))
    CHECK(name != "simulate-research-query");  // needs tasks
  CHECK(ochat.request_body(1)["messages"][2]["content"] == "Echo: test");
}

TEST_CASE(
    "mcp: server-filesystem reads inside its root and outside and the model gets an error result") {
  TempDir root, outside;
  const std::string inside_file = root.file("notes.txt", "hello from the allowed root\n");
  const std::string outside_file = outside.file("secret.txt", "not for the model\n");
  Ochat ochat;
  auto ok = ochat.run({"--no-mcp-config", "-m", "tool-prompt", "--mcp", filesystem(root.path),
                       "--events", json{{"arguments", {{"path", inside_file}}}}.dump()});
  INFO(ok.err);
  CHECK(ok.exit_code == 0);
  auto events = parse_lines(ok.out);
  const json* result = find_event(events, "tool_result");
  REQUIRE(result);
  CHECK((*result)["data"]["name"] == "read_file");
  CHECK((*result)["data"]["is_error"] == false);
  CHECK((*result)["data"]["content"] == "hello from the allowed root\n");

  auto denied = ochat.run({"--no-mcp-config", "-m", "tool-prompt", "--mcp", filesystem(root.path),
                           "--events", json{{"arguments", {{"path", outside_file}}}}.dump()});
  CHECK(denied.exit_code == 0);
  events = parse_lines(denied.out);
  result = find_event(events, "tool_result");
  REQUIRE(result);
  CHECK((*result)["data"]["is_error"] == true);
  const std::string content = (*result)["data"]["content"];
  CHECK_THAT(content, Catch::Contains("outside allowed directories"));
  CHECK_THAT(content, !Catch::Contains("not for the model"));
  CHECK_THAT(joined_text(events, "token"), Catch::Contains("Tool said: "));
}

TEST_CASE(
    "mcp: the fake server's tools: pages followed and task-only hidden and $ref inlined and ping "
    "answered") {
  TempDir dir;
  const std::string log = dir.file("log");
  Ochat ochat;
  auto r = ochat.run({"--no-mcp-config", "-m", "tool", "--mcp", fake("ok --log " + log), "hi"});
  INFO(r.err);
  CHECK(r.exit_code == 0);
  CHECK(r.out == printed("Let me check.Tool said: fake echo: test\n84"));
  const json first = ochat.request_body(0);
  CHECK(offered_names(first) == std::vector<std::string>{"echo", "add", "where"});
  CHECK(first["tools"][1]["function"]["description"] ==
        "Adds two numbers");  // the title, lacking a description
  const json where = first["tools"][2]["function"]["parameters"];
  CHECK(where ==
        json::parse(
            R"({"type":"object","properties":{"city":{"type":"string","description":"a city"}}})"));
  auto messages = received(log);
  CHECK(has_message(messages, [](const json& m) {
    return m.value("method", "") == "notifications/initialized";
  }));
  CHECK(has_message(messages, [](const json& m) {
    return m.contains("id") && m["id"] == 0 && m.contains("result") &&
           m["result"] == json::object();
  }));
  CHECK(has_message(messages, [](const json& m) {
    return m.contains("id") && m["id"] == 7 && m.contains("error") && m["error"]["code"] == -32601;
  }));
  CHECK(has_message(messages, [](const json& m) {
    return m.value("method", "") == "initialize" &&
           m["params"]["protocolVersion"] == "2025-11-25" &&
           m["params"]["clientInfo"]["name"] == "ochat" &&
           m["params"]["capabilities"] == json::object();
  }));
}

TEST_CASE(
    "mcp: --list-tools prints each tool with its source in command-line order and clashes "
    "prefixed") {
  Ochat ochat;
  auto r = ochat.run({"--no-mcp-config", "--list-tools", "--mcp", fake("ok"), "-t",
                      std::string(OCHAT_TEST_PLUGINS) + "/weather", "--mcp",
                      fake("ok --version 2024-11-05")});
  INFO(r.err);
  CHECK(r.exit_code == 0);
  CHECK(r.out == "echo\tmcp:node\nadd\tmcp:node\nwhere\tmcp:node\nget_weather\t" +
                     std::string(OCHAT_TEST_PLUGINS) +
                     "/weather\nnode-2__echo\tmcp:node-2\nnode-2__add\tmcp:node-2\nnode-2__"
                     "where\tmcp:node-2\n");
  CHECK(ochat.server.requests().empty());
}

TEST_CASE("mcp: a tool offered under its prefixed name is called by its own name") {
  TempDir dir;
  const std::string log = dir.file("log");
  Ochat ochat;
  auto r = ochat.run({"--no-mcp-config", "-m", "tool-prompt", "--mcp", fake("ok"), "--mcp",
                      fake("ok --log " + log), "--events",
                      R"({"name":"node-2__echo","arguments":{"message":"via the prefix"}})"});
  INFO(r.err);
  CHECK(r.exit_code == 0);
  auto events = parse_lines(r.out);
  const json* result = find_event(events, "tool_result");
  REQUIRE(result);
  CHECK((*result)["data"]["name"] == "node-2__echo");
  CHECK((*result)["data"]["content"] == "fake echo: via the prefix");
  CHECK(has_message(received(log), [](const json& m) {
    return m.value("method", "") == "tools/call" && m["params"]["name"] == "echo";
  }));
}

TEST_CASE("mcp: a server that crashes mid-call gives the model an error naming the exit status",
          "[reliability]") {
  Ochat ochat;
  auto r = ochat.run({"--no-mcp-config", "-m", "tool", "--mcp", fake("crash"), "--events", "hi"});
  INFO(r.err);
  CHECK(r.exit_code == 0);
  auto events = parse_lines(r.out);
  const json* first = find_event(events, "tool_result", 0);
  const json* second = find_event(events, "tool_result", 1);
  REQUIRE(first);
  REQUIRE(second);
  CHECK((*first)["data"]["is_error"] == true);
  CHECK_THAT((*first)["data"]["content"].get<std::string>(),
             Catch::Contains("exited with status 3 during the call"));
  CHECK_THAT((*first)["data"]["content"].get<std::string>(), Catch::Contains("giving up"));
  CHECK((*second)["data"]["is_error"] == true);
  CHECK_THAT((*second)["data"]["content"].get<std::string>(), Catch::Contains("is not running"));
  CHECK(events.back()["data"]["reason"] == "stop");
  reliability::record_fault("MCP: server crashes mid-call", r, reliability::events(r.out),
                            (*first)["data"]["content"]);
}

TEST_CASE(
    "mcp: a call that hangs ends at --tool-timeout with notifications/cancelled and nothing "
    "outlives ochat",
    "[reliability]") {
  TempDir dir;
  const std::string pids = dir.file("pids"), log = dir.file("log");
  Ochat ochat;
  auto r = ochat.run({"--no-mcp-config", "-m", "tool", "--tool-timeout", "0.5", "--mcp",
                      fake("hang --pid-file " + pids + " --log " + log), "--events", "hi"});
  INFO(r.err);
  CHECK(r.exit_code == 0);
  auto events = parse_lines(r.out);
  const json* result = find_event(events, "tool_result");
  REQUIRE(result);
  CHECK((*result)["data"]["is_error"] == true);
  CHECK_THAT((*result)["data"]["content"].get<std::string>(),
             Catch::Contains("did not answer within 0.5 s"));
  reliability::record_fault("MCP: call hangs", r, reliability::events(r.out),
                            (*result)["data"]["content"]);
  CHECK(has_message(received(log), [](const json& m) {
    return m.value("method", "") == "notifications/cancelled" &&
           m["params"]["requestId"].is_number_integer();
  }));
  auto p = read_pids(pids);
  CHECK(p.size() == 2);
  CHECK(all_gone(p));
}

TEST_CASE(
    "mcp: SIGINT during a call sends notifications/cancelled and stops the server and exits 130") {
  TempDir dir;
  const std::string pids = dir.file("pids"), log = dir.file("log");
  Ochat ochat;
  RunOptions o;
  o.signal_on_text = {SIGINT, "\"type\":\"tool_call\""};
  o.signal_gate = {log, "\"tools/call\""};  // the server has the call: there is something to cancel
  auto r = ochat.run({"--no-mcp-config", "-m", "tool", "--mcp",
                      fake("hang --pid-file " + pids + " --log " + log), "--events", "hi"},
                     o);
  INFO(r.err);
  INFO(slurp(log));
  CHECK(r.exit_code == 130);
  auto events = parse_lines(r.out);
  REQUIRE_FALSE(events.empty());
  CHECK(events.back()["data"]["reason"] == "interrupted");
  CHECK(has_message(received(log), [](const json& m) {
    return m.value("method", "") == "notifications/cancelled";
  }));
  auto p = read_pids(pids);
  CHECK(p.size() == 2);
  CHECK(all_gone(p));
  CHECK(ochat.server.requests().size() == 1);
}

TEST_CASE("mcp: a second SIGINT exits at once and still takes a server that ignores SIGTERM along",
          "[reliability]") {
  TempDir dir;
  const std::string pids = dir.file("pids"), log = dir.file("log");
  Ochat ochat;
  RunOptions o;
  o.signal_on_text = {SIGINT, "\"type\":\"tool_call\""};
  o.signal_gate = {log, "\"tools/call\""};
  o.signal_again_after =
      std::chrono::milliseconds(300);  // ochat is still giving the server time to stop
  auto r =
      ochat.run({"--no-mcp-config", "-m", "tool", "--mcp",
                 fake("hang --stubborn --pid-file " + pids + " --log " + log), "--events", "hi"},
                o);
  INFO(r.err);
  CHECK(r.exit_code == 130);
  CHECK(r.elapsed < std::chrono::milliseconds(1500));  // not the 2 s grace, let alone 4 s
  reliability::record_fault("second SIGINT while a server will not stop", r,
                            "the events up to the first SIGINT");
  auto p = read_pids(pids);
  CHECK(p.size() == 2);
  CHECK(all_gone(p));
}

TEST_CASE("mcp: a server that never answers initialize is an error naming it after --mcp-timeout",
          "[reliability]") {
  TempDir dir;
  const std::string pids = dir.file("pids");
  Ochat ochat;
  auto r = ochat.run({"--no-mcp-config", "-m", "tool", "--mcp-timeout", "0.5", "--mcp",
                      fake("hang-init --pid-file " + pids), "hi"});
  CHECK(r.exit_code == 124);
  CHECK(count_lines(r.err) == 1);
  CHECK_THAT(r.err, Catch::Contains("MCP server node ("));
  CHECK_THAT(r.err, Catch::Contains("did not answer initialize within 0.5 s"));
  reliability::record_fault("MCP: server never answers initialize", r, reliability::exact(r.out));
  CHECK(ochat.server.requests().empty());
  CHECK(all_gone(read_pids(pids)));
}

TEST_CASE(
    "mcp: a server that does not start in time and a plugin --describe that times out both exit "
    "124") {
  Ochat ochat;
  auto mcp = ochat.run(
      {"--no-mcp-config", "-m", "tool", "--mcp-timeout", "0.5", "--mcp", fake("hang-init"), "hi"});
  auto plugin = ochat.run({"--no-mcp-config", "-m", "tool", "--describe-timeout", "0.5", "-t",
                           std::string(OCHAT_TEST_PLUGINS) + "/hang-describe", "hi"});
  INFO(mcp.err);
  INFO(plugin.err);
  CHECK(mcp.exit_code == 124);  // man/ochat.1, EXIT STATUS: 124, a timeout fired
  CHECK(plugin.exit_code == mcp.exit_code);
  CHECK(count_lines(mcp.err) == 1);
  CHECK(count_lines(plugin.err) == 1);
  CHECK(ochat.server.requests().empty());
}

TEST_CASE(
    "mcp: garbage on stdout is skipped and a server that only writes garbage is a clear startup "
    "error",
    "[reliability]") {
  Ochat ochat;
  auto r = ochat.run({"--no-mcp-config", "-m", "tool", "--mcp", fake("garbage"), "hi"});
  INFO(r.err);
  CHECK(r.exit_code == 0);
  CHECK(r.out == printed("Let me check.Tool said: fake echo: test\n84"));

  auto bad = ochat.run({"--no-mcp-config", "-m", "tool", "--mcp-timeout", "0.5", "--mcp",
                        fake("garbage-init"), "hi"});
  CHECK(bad.exit_code == 124);
  CHECK(count_lines(bad.err) == 1);
  CHECK_THAT(bad.err, Catch::Contains("not JSON-RPC"));
  CHECK_THAT(bad.err, Catch::Contains("Welcome to the fake server!"));
  reliability::record_fault("MCP: server writes only garbage", bad, reliability::exact(bad.out));
}

TEST_CASE("mcp: a server's log lines (-v) reach a terminal with their escape sequences shown") {
  Ochat ochat;
  RunOptions o;
  o.terminal = true;
  auto r = ochat.run({"--no-mcp-config", "-v", "-m", "echo", "--mcp", fake("ok --noisy"), "hi"}, o);
  INFO(r.out);
  CHECK(r.exit_code == 0);
  CHECK_THAT(r.out, Catch::Contains("fake server: ^[]0;pwned^G starting ^[[2J"));
  CHECK(r.out.find('\x1b') == std::string::npos);
  // Off a terminal, the lines are as the server wrote them.
  auto piped =
      ochat.run({"--no-mcp-config", "-v", "-m", "echo", "--mcp", fake("ok --noisy"), "hi"});
  CHECK_THAT(piped.err, Catch::Contains("fake server: \x1b]0;pwned\x07 starting"));
}

TEST_CASE("mcp: replies out of order are matched by id") {
  Ochat ochat;
  auto r = ochat.run({"--no-mcp-config", "-m", "tool", "--tool-timeout", "1", "--mcp", fake("late"),
                      "--events", "hi"});
  INFO(r.err);
  CHECK(r.exit_code == 0);
  auto events = parse_lines(r.out);
  const json* slow = find_event(events, "tool_result", 0);
  const json* echo = find_event(events, "tool_result", 1);
  REQUIRE(slow);
  REQUIRE(echo);
  CHECK((*slow)["data"]["name"] == "slow");
  CHECK((*slow)["data"]["is_error"] == true);
  CHECK((*echo)["data"]["name"] == "echo");
  CHECK((*echo)["data"]["content"] == "fake echo: test");  // not the stale "slow done"
}

TEST_CASE(
    "mcp: a protocol version ochat does not speak is refused and the older ones it lists are "
    "accepted") {
  Ochat ochat;
  auto r =
      ochat.run({"--no-mcp-config", "-m", "tool", "--mcp", fake("ok --version 1999-01-01"), "hi"});
  CHECK(r.exit_code == 1);
  CHECK(count_lines(r.err) == 1);
  CHECK_THAT(r.err, Catch::Contains("MCP server node ("));
  CHECK_THAT(r.err, Catch::Contains("'1999-01-01'"));
  CHECK(ochat.server.requests().empty());

  for (const char* version : {"2025-06-18", "2025-03-26", "2024-11-05"}) {
    auto ok = ochat.run({"--no-mcp-config", "-m", "tool", "--mcp",
                         fake(std::string("ok --version ") + version), "hi"});
    CHECK(ok.exit_code == 0);
    CHECK(ok.out == printed("Let me check.Tool said: fake echo: test\n84"));
  }
}

TEST_CASE("mcp: a command that does not exist is a usage error naming it") {
  Ochat ochat;
  auto r =
      ochat.run({"--no-mcp-config", "-m", "tool", "--mcp", "no-such-mcp-server-x7 --flag", "hi"});
  CHECK(r.exit_code == 2);
  CHECK(count_lines(r.err) == 1);
  CHECK_THAT(r.err, Catch::Contains("no-such-mcp-server-x7"));
  auto quote = ochat.run({"--no-mcp-config", "-m", "tool", "--mcp", "node 'unterminated", "hi"});
  CHECK(quote.exit_code == 2);
  CHECK_THAT(quote.err, Catch::Contains("unterminated"));
}

TEST_CASE(
    "mcp: servers from mcp.json: the default file and --mcp-config and --no-mcp-config and env") {
  TempDir config;
  ::mkdir((config.path + "/ochat").c_str(), 0755);
  const std::string log = config.file("log");
  config.file("ochat/mcp.json",
              json{{"mcpServers",
                    {{"fake one", {{"command", "node"}, {"args", {OCHAT_FAKE_MCP, "ok"}}}},
                     {"off", {{"command", "node"}, {"disabled", true}}},
                     {"remote", {{"url", "http://127.0.0.1:1/mcp"}}}}}}
                  .dump());
  const std::string extra =
      config.file("extra.json", json{{"mcpServers",
                                      {{"everything",
                                        {{"command", "node"},
                                         {"args", {kNpm + "/server-everything/dist/index.js"}},
                                         {"env", {{"OCHAT_TEST_SECRET", "s3"}}}}}}}}
                                    .dump());
  Ochat ochat;
  RunOptions o;
  o.env = {{"XDG_CONFIG_HOME", config.path}};
  auto r = ochat.run({"--list-tools"}, o);
  INFO(r.err);
  CHECK(r.exit_code == 0);
  CHECK(r.out == "echo\tmcp:fake_one\nadd\tmcp:fake_one\nwhere\tmcp:fake_one\n");
  CHECK_THAT(r.err, Catch::Contains("\"remote\" has no \"command\""));

  auto both = ochat.run({"--list-tools", "--mcp-config", extra}, o);
  CHECK(both.exit_code == 0);
  CHECK_THAT(both.out, Catch::StartsWith("echo\tmcp:fake_one\nadd\tmcp:fake_one\nwhere\tmcp:fake_"
                                         "one\neverything__echo\tmcp:everything\n"));

  auto none = ochat.run({"--list-tools", "--no-mcp-config"}, o);
  CHECK(none.exit_code == 0);
  CHECK(none.out.empty());

  // The server's environment: the configured variable, and not the rest of ours.
  o.env.push_back({"OCHAT_LEAK_CHECK", "leaked"});
  auto env = ochat.run({"--no-mcp-config", "--mcp-config", extra, "-m", "tool-prompt", "--events",
                        R"({"name":"get-env","arguments":{}})"},
                       o);
  CHECK(env.exit_code == 0);
  const auto env_events = parse_lines(env.out);
  const json* result = find_event(env_events, "tool_result");
  REQUIRE(result);
  const std::string content = (*result)["data"]["content"];
  CHECK_THAT(content, Catch::Contains("OCHAT_TEST_SECRET"));
  CHECK_THAT(content, Catch::Contains("PATH"));
  CHECK_THAT(content, !Catch::Contains("OCHAT_LEAK_CHECK"));
}

TEST_CASE("mcp: SIGINT while a server starts exits 130 and leaves no process behind") {
  TempDir dir;
  const std::string pids = dir.file("pids");
  Ochat ochat;
  RunOptions o;
  o.signal_at = {SIGINT, std::chrono::milliseconds(700)};
  auto r = ochat.run({"--no-mcp-config", "-m", "tool", "--events", "--mcp",
                      fake("hang-init --pid-file " + pids), "hi"},
                     o);
  CHECK(r.exit_code == 130);
  auto events = parse_lines(r.out);
  REQUIRE_FALSE(events.empty());
  CHECK(events.back()["data"]["reason"] == "interrupted");
  CHECK(ochat.server.requests().empty());
  auto p = read_pids(pids);
  CHECK(p.size() == 2);
  CHECK(all_gone(p));
}

TEST_CASE(
    "mcp: the default mcp.json applies only when tools are asked for (a plain prompt starts no "
    "server)") {
  TempDir config;
  ::mkdir((config.path + "/ochat").c_str(), 0755);
  const std::string log = config.path + "/log";
  config.file(
      "ochat/mcp.json",
      json{{"mcpServers",
            {{"fake", {{"command", "node"}, {"args", {OCHAT_FAKE_MCP, "ok", "--log", log}}}}}}}
          .dump());
  Ochat ochat;
  RunOptions o;
  o.env = {{"XDG_CONFIG_HOME", config.path}};

  auto plain = ochat.run({"-m", "text", "hi"}, o);
  INFO(plain.err);
  CHECK(plain.exit_code == 0);
  CHECK(plain.out == "Hello, world!\n");
  CHECK(::access(log.c_str(), F_OK) != 0);  // the server never started
  CHECK_FALSE(ochat.request_body(0).contains("tools"));

  auto with_plugin =
      ochat.run({"-m", "text", "-t", std::string(OCHAT_TEST_PLUGINS) + "/weather", "hi"}, o);
  INFO(with_plugin.err);
  CHECK(with_plugin.exit_code == 0);
  CHECK(offered_names(ochat.request_body(1)) ==
        std::vector<std::string>{"get_weather", "echo", "add", "where"});
  CHECK_FALSE(received(log).empty());
}

TEST_CASE(
    "mcp: a model that refuses tools from the default mcp.json gets a hint naming "
    "--no-mcp-config") {
  TempDir config;
  ::mkdir((config.path + "/ochat").c_str(), 0755);
  const std::string file = config.file(
      "ochat/mcp.json",
      json{{"mcpServers", {{"fake", {{"command", "node"}, {"args", {OCHAT_FAKE_MCP, "ok"}}}}}}}
          .dump());
  Ochat ochat;
  RunOptions o;
  o.env = {{"XDG_CONFIG_HOME", config.path}};
  const std::string weather = std::string(OCHAT_TEST_PLUGINS) + "/weather";

  auto r = ochat.run({"-m", "status:400", "-t", weather, "hi"}, o);
  CHECK(r.exit_code == 4);
  check_one_error_line(r);
  CHECK_THAT(r.err, Catch::Contains("does not support tools"));
  CHECK_THAT(r.err,
             Catch::Contains("some came from " + file + ": --no-mcp-config leaves them out"));

  auto without = ochat.run({"-m", "status:400", "-t", weather, "--no-mcp-config", "hi"}, o);
  CHECK(without.exit_code == 4);
  CHECK_THAT(without.err,
             Catch::Contains("pick a model that supports tools, or run without tools"));
  CHECK_THAT(without.err, !Catch::Contains("--no-mcp-config"));
}

TEST_CASE(
    "mcp: a plugin and a server offering the same tool name: the same names in either argument "
    "order") {
  // The bug: -t ./echo --mcp SERVER renamed the server's tool; the reverse order was a fatal error.
  TempDir dir;
  const std::string plugin = dir.file(
      "echo",
      "#!/bin/sh\n[ \"$1\" = --describe ] && exec echo "
      "'{\"name\":\"echo\",\"description\":\"Plugin echo\",\"parameters\":{\"type\":\"object\"}}'\n"
      "echo \"plugin echo: $(cat)\"\n");
  ::chmod(plugin.c_str(), 0755);
  Ochat ochat;
  const std::string expected_plugin_line = "echo\t" + plugin + "\n";
  auto plugin_first =
      ochat.run({"--no-mcp-config", "--list-tools", "-t", plugin, "--mcp", fake("ok")});
  INFO(plugin_first.err);
  CHECK(plugin_first.exit_code == 0);
  CHECK(plugin_first.out ==
        expected_plugin_line + "node__echo\tmcp:node\nadd\tmcp:node\nwhere\tmcp:node\n");

  auto server_first =
      ochat.run({"--no-mcp-config", "--list-tools", "--mcp", fake("ok"), "-t", plugin});
  INFO(server_first.err);
  CHECK(server_first.exit_code == 0);
  CHECK(server_first.out ==
        "node__echo\tmcp:node\nadd\tmcp:node\nwhere\tmcp:node\n" + expected_plugin_line);

  // And the model reaches each under its name.
  auto call =
      ochat.run({"--no-mcp-config", "-m", "tool-prompt", "--mcp", fake("ok"), "-t", plugin,
                 "--events", R"({"name":"node__echo","arguments":{"message":"to the server"}})"});
  INFO(call.err);
  CHECK(call.exit_code == 0);
  const auto events = parse_lines(call.out);
  const json* result = find_event(events, "tool_result");
  REQUIRE(result);
  CHECK((*result)["data"]["content"] == "fake echo: to the server");
}

TEST_CASE("mcp: --mcp-env passes a variable of ochat's by name, or NAME=VALUE, and nothing else") {
  Ochat ochat;
  RunOptions o;
  o.env = {{"OCHAT_PASSED", "from-ochat"}, {"OCHAT_LEAK_CHECK", "leaked"}};
  auto r = ochat.run({"--no-mcp-config", "-m", "tool-prompt", "--mcp", everything(), "--mcp-env",
                      "OCHAT_PASSED", "--mcp-env", "OCHAT_SET=given value", "--mcp-env",
                      "OCHAT_NOT_SET", "--events", R"({"name":"get-env","arguments":{}})"},
                     o);
  INFO(r.err);
  CHECK(r.exit_code == 0);
  CHECK(r.err ==
        "ochat: warning: --mcp-env OCHAT_NOT_SET: OCHAT_NOT_SET is not set, so it is not passed\n");
  const auto events = parse_lines(r.out);
  const json* result = find_event(events, "tool_result");
  REQUIRE(result);
  const json env = json::parse((*result)["data"]["content"].get<std::string>(), nullptr, false);
  REQUIRE(env.is_object());
  CHECK(env["OCHAT_PASSED"] == "from-ochat");
  CHECK(env["OCHAT_SET"] == "given value");
  CHECK_FALSE(env.contains("OCHAT_NOT_SET"));
  CHECK_FALSE(env.contains("OCHAT_LEAK_CHECK"));

  auto bad =
      ochat.run({"--no-mcp-config", "--list-tools", "--mcp", fake("ok"), "--mcp-env", "NO SPACES"});
  CHECK(bad.exit_code == 2);
  check_one_error_line(bad);
  CHECK_THAT(bad.err, Catch::Contains("--mcp-env 'NO SPACES'"));
}

TEST_CASE(
    "mcp: a configuration file without mcpServers is explained, VS Code's servers shape named") {
  TempDir dir;
  const std::string vscode =
      dir.file("vscode.json",
               json{{"servers", {{"fake", {{"type", "stdio"}, {"command", "node"}}}}}}.dump());
  Ochat ochat;
  auto r = ochat.run({"--no-mcp-config", "--list-tools", "--mcp-config", vscode});
  CHECK(r.exit_code == 0);
  CHECK(r.out.empty());
  CHECK(r.err == "ochat: warning: MCP configuration " + vscode +
                     " has no \"mcpServers\", so no server of it is started; its \"servers\" looks "
                     "like VS Code's format: ochat reads the servers from {\"mcpServers\": "
                     "{\"NAME\": {\"command\": ..., \"args\": [...], \"env\": {...}}}}\n");
}

TEST_CASE("mcp: bad JSON in a configuration file is a usage error naming its line and column") {
  TempDir dir;
  const std::string bad =
      dir.file("bad.json", "{\"mcpServers\": {\n  \"a\": {\"command\": \"node\",}\n}}\n");
  Ochat ochat;
  auto r = ochat.run({"--no-mcp-config", "-m", "tool", "--mcp-config", bad, "hi"});
  CHECK(r.exit_code == 2);
  check_one_error_line(r);
  CHECK_THAT(r.err, Catch::StartsWith("ochat: error: MCP configuration " + bad +
                                      ": not valid JSON at line 2, column 27: "));
  CHECK(ochat.server.requests().empty());
}

TEST_CASE(
    "mcp: --mcp-timeout reports at the bound, also for a server that ignores its stdin's end and "
    "SIGTERM") {
  TempDir dir;
  const std::string pids = dir.file("pids");
  Ochat ochat;
  auto r = ochat.run({"--no-mcp-config", "-m", "tool", "--mcp-timeout", "0.5", "--mcp",
                      fake("hang-init --stubborn --pid-file " + pids), "hi"});
  CHECK(r.exit_code == 124);
  check_one_error_line(r);
  CHECK_THAT(r.err, Catch::Contains("did not answer initialize within 0.5 s"));
  // Not 0.5 s plus the 2 s shutdown grace (issue 12.16: --mcp-timeout 1 reported after 3 s).
  CHECK(r.elapsed < std::chrono::milliseconds(2000));
  CHECK(all_gone(read_pids(pids)));
}

TEST_CASE("mcp: a batch starts an MCP server once and every item calls its tools") {
  TempDir dir;
  const std::string log = dir.file("log");
  Ochat ochat;
  RunOptions o;
  std::string items;
  for (int i = 0; i < 6; ++i)
    items += R"({"name":"echo","arguments":{"message":"item )" + std::to_string(i) + "\"}}\n";
  o.stdin_data = items;
  auto r = ochat.run({"--no-mcp-config", "-m", "tool-prompt", "--mcp", fake("ok --log " + log),
                      "--each", "-j", "3"},
                     o);
  INFO(r.err);
  CHECK(r.exit_code == 0);
  const auto lines = parse_lines(r.out);
  REQUIRE(lines.size() == 6);
  for (std::size_t i = 0; i < lines.size(); ++i) {
    CHECK(lines[i]["index"] == i);
    CHECK(lines[i]["output"] == "Tool said: fake echo: item " + std::to_string(i));
  }
  const auto messages = received(log);
  std::size_t initializes = 0, calls = 0;
  for (const auto& m : messages) {
    if (m.value("method", "") == "initialize") ++initializes;
    if (m.value("method", "") == "tools/call") ++calls;
  }
  CHECK(initializes == 1);
  CHECK(calls == 6);
}
