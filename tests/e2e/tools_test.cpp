// Tool calls through executable plugins (tests/plugins/): the round trip, the events, and
// plugins that misbehave.
#include <signal.h>
#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <thread>

#include "e2e_support.hpp"
#include "reliability.hpp"

using namespace ochat::test;
using nlohmann::json;

namespace {

std::string plugin(const std::string& name) { return std::string(OCHAT_TEST_PLUGINS) + "/" + name; }

bool process_alive(int pid) { return pid > 0 && ::kill(pid, 0) == 0; }

std::vector<int> read_pids(const std::string& file) {
  std::ifstream in(file);
  std::vector<int> pids;
  int pid = 0;
  while (in >> pid) pids.push_back(pid);
  return pids;
}

// Waits (briefly) for processes to disappear; true when all are gone.
bool all_gone(const std::vector<int>& pids) {
  for (int i = 0; i < 100; ++i) {
    bool any = false;
    for (int pid : pids) any = any || process_alive(pid);
    if (!any) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

// A fresh folder under /tmp holding copies of test plugins; removed at the end of the test.
class PluginFolder {
 public:
  PluginFolder() {
    std::string pattern = "/tmp/ochat-plugins-XXXXXX";
    path = ::mkdtemp(pattern.data());
  }
  ~PluginFolder() { std::filesystem::remove_all(path); }
  PluginFolder(const PluginFolder&) = delete;
  PluginFolder& operator=(const PluginFolder&) = delete;
  // Copies tests/plugins/NAME into the folder as `as`.
  void add(const std::string& name, const std::string& as) const {
    std::filesystem::copy_file(plugin(name), path + "/" + as);
  }
  std::string path;
};

}  // namespace

TEST_CASE("tools: one call, its result sent back as Ollama expects it (tool_name, call order)") {
  Ochat ochat;
  auto r = ochat.run({"-m", "tool", "-t", plugin("weather"), "weather in Paris?"});
  CHECK(r.exit_code == 0);
  CHECK(r.err.empty());
  CHECK(r.out == printed("Let me check.Tool said: weather for {\"city\":\"Paris\"}"));

  auto reqs = ochat.server.requests();
  REQUIRE(reqs.size() == 2);
  auto first = ochat.request_body(0);
  auto second = ochat.request_body(1);
  const json tools = json::parse(
      R"([{"type":"function","function":{"name":"get_weather","description":"Weather in a city",
      "parameters":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}}}])");
  CHECK(first["tools"] == tools);
  CHECK(second["tools"] == tools);
  CHECK(second["messages"] == json::parse(R"([
    {"role":"user","content":"weather in Paris?"},
    {"role":"assistant","content":"Let me check.","tool_calls":[{"id":"call_k3j9x0q0","function":{"index":0,"name":"get_weather","arguments":{"city":"Paris"}}}]},
    {"role":"tool","content":"weather for {\"city\":\"Paris\"}","tool_name":"get_weather","tool_call_id":"call_k3j9x0q0"}])"));
  // Byte for byte: the arguments object keeps its form in the follow-up request.
  CHECK_THAT(reqs[1].body, Catch::Contains(R"("arguments":{"city":"Paris"})"));
}

TEST_CASE("tools: a call carried only by the done chunk is run") {
  Ochat ochat;
  auto r = ochat.run({"-m", "tool-done", "-t", plugin("weather"), "hi"});
  CHECK(r.exit_code == 0);
  CHECK(r.out == printed("Tool said: weather for {\"city\":\"Paris\"}"));
  auto second = ochat.request_body(1);
  CHECK(second["messages"][2]["tool_call_id"] == "Xa7bQ2cD9eF4gH1iJ6kL3mN8oP5qR0s0");
}

TEST_CASE("tools: two parallel calls all run, results in call order") {
  Ochat ochat;
  auto r = ochat.run({"-m", "tool", "-t", plugin("pair"), "--events", "hi"});
  CHECK(r.exit_code == 0);
  auto events = parse_lines(r.out);
  CHECK(joined_text(events, "token") ==
        "Let me check.Tool said: first got {\"x\":42}\nsecond got {\"y\":\"test\"}");
  auto second = ochat.request_body(1);
  REQUIRE(second["messages"].size() == 4);
  CHECK(second["messages"][2]["tool_name"] == "first");
  CHECK(second["messages"][3]["tool_name"] == "second");
}

TEST_CASE("tools: --events shows tool_call before the tool runs and tool_result after") {
  Ochat ochat;
  auto r = ochat.run({"-m", "tool", "-t", plugin("weather"), "--events", "hi"});
  CHECK(r.exit_code == 0);
  auto events = parse_lines(r.out);
  std::vector<std::string> types;
  for (const auto& e : events) types.push_back(e["type"]);
  const auto call_at = std::find(types.begin(), types.end(), "tool_call");
  const auto result_at = std::find(types.begin(), types.end(), "tool_result");
  REQUIRE(call_at != types.end());
  REQUIRE(result_at != types.end());
  CHECK(call_at < result_at);
  const json& call = *find_event(events, "tool_call");
  CHECK(call["data"] ==
        json::parse(R"({"id":"call_k3j9x0q0","name":"get_weather","arguments":{"city":"Paris"}})"));
  const json& result = *find_event(events, "tool_result");
  CHECK(result["data"]["id"] == "call_k3j9x0q0");
  CHECK(result["data"]["name"] == "get_weather");
  CHECK(result["data"]["content"] == "weather for {\"city\":\"Paris\"}");
  CHECK(result["data"]["is_error"] == false);
  CHECK(result["data"]["duration_ms"].is_number_integer());
  CHECK(events.back()["data"]["reason"] == "stop");
}

TEST_CASE("tools: only the tools the user named are offered, in command-line order") {
  Ochat ochat;
  auto none = ochat.run({"-m", "text", "hi"});
  CHECK_FALSE(ochat.request_body(0).contains("tools"));
  auto r =
      ochat.run({"-m", "text", "-t", plugin("weather"), "--tools-dir",
                 std::string(OCHAT_TEST_PLUGINS) + "/../plugins-dir", "-t", plugin("pair"), "hi"});
  INFO(r.err);
  CHECK(r.exit_code == 0);
  REQUIRE(ochat.server.requests().size() == 2);
  const json body = ochat.request_body(1);  // (a temporary would die before the loop runs)
  std::vector<std::string> names;
  for (const auto& t : body["tools"]) names.push_back(t["function"]["name"]);
  CHECK(names == std::vector<std::string>{"get_weather", "dir_one", "dir_two", "first", "second"});
}

TEST_CASE("tools: a bare name is found in OCHAT_PLUGIN_PATH") {
  Ochat ochat;
  RunOptions o;
  o.env = {{"OCHAT_PLUGIN_PATH", "/nonexistent:" + std::string(OCHAT_TEST_PLUGINS)}};
  auto r = ochat.run({"-m", "tool", "-t", "weather", "hi"}, o);
  CHECK(r.exit_code == 0);
  CHECK(r.out == printed("Let me check.Tool said: weather for {\"city\":\"Paris\"}"));

  auto missing = ochat.run({"-m", "tool", "-t", "no-such-plugin", "hi"}, o);
  CHECK(missing.exit_code == 2);
  CHECK_THAT(missing.err, Catch::Contains("no-such-plugin"));
}

TEST_CASE("tools: a plugin that exits non-zero: the model gets its stderr as the error",
          "[reliability]") {
  Ochat ochat;
  auto r = ochat.run({"-m", "tool", "-t", plugin("fail"), "--events", "hi"});
  CHECK(r.exit_code == 0);
  auto events = parse_lines(r.out);
  const json* result = find_event(events, "tool_result");
  REQUIRE(result);
  CHECK((*result)["data"]["is_error"] == true);
  CHECK((*result)["data"]["content"] == "boom: the tool failed\n");
  CHECK(ochat.request_body(1)["messages"][2]["content"] == "boom: the tool failed\n");
  reliability::record_fault("plugin crash", r, reliability::events(r.out),
                            ochat.request_body(1)["messages"][2]["content"]);
}

TEST_CASE("tools: a plugin that hangs is killed at --tool-timeout with its whole process group",
          "[reliability]") {
  Ochat ochat;
  const std::string pid_file = "/tmp/ochat-hang-" + std::to_string(::getpid());
  RunOptions o;
  o.env = {{"HANG_PID_FILE", pid_file}};
  auto r =
      ochat.run({"-m", "tool", "-t", plugin("hang"), "--tool-timeout", "0.5", "--events", "hi"}, o);
  CHECK(r.exit_code == 0);
  auto events = parse_lines(r.out);
  const json* result = find_event(events, "tool_result");
  REQUIRE(result);
  CHECK((*result)["data"]["is_error"] == true);
  CHECK_THAT((*result)["data"]["content"].get<std::string>(),
             Catch::Contains("did not finish within 0.5 s"));
  CHECK_THAT(ochat.request_body(1)["messages"][2]["content"].get<std::string>(),
             Catch::Contains("did not finish"));
  reliability::record_fault("plugin hang", r, reliability::events(r.out),
                            ochat.request_body(1)["messages"][2]["content"]);
  auto pids = read_pids(pid_file);
  CHECK(pids.size() == 2);
  CHECK(all_gone(pids));
  std::remove(pid_file.c_str());
}

TEST_CASE("tools: a plugin that writes 100 MB is cut at 1 MiB and the model is told",
          "[reliability]") {
  Ochat ochat;
  auto r = ochat.run({"-m", "tool", "-t", plugin("flood"), "hi"});
  CHECK(r.exit_code == 0);
  const std::string content = ochat.request_body(1)["messages"][2]["content"];
  CHECK(content.size() < (1u << 20) + 200);
  CHECK(content.substr(0, 1000) == std::string(1000, 'x'));
  CHECK_THAT(content, Catch::Contains("output cut at 1048576 bytes"));
  reliability::record_fault("plugin flood", r, reliability::exact(r.out), content);
}

TEST_CASE("tools: invalid UTF-8 and NUL bytes from a plugin reach the model as U+FFFD") {
  Ochat ochat;
  auto r = ochat.run({"-m", "tool", "-t", plugin("binary"), "hi"});
  CHECK(r.exit_code == 0);
  auto reqs = ochat.server.requests();
  REQUIRE(reqs.size() == 2);
  auto body = json::parse(reqs[1].body, nullptr, false);
  REQUIRE_FALSE(body.is_discarded());
  CHECK(body["messages"][2]["content"] ==
        "ok \xEF\xBF\xBD\xEF\xBF\xBD bad \xEF\xBF\xBD nul \xEF\xBF\xBD");
}

TEST_CASE("tools: a --describe that is not JSON is a clear error before any request") {
  Ochat ochat;
  auto r = ochat.run({"-m", "tool", "-t", plugin("bad-describe"), "hi"});
  CHECK(r.exit_code == 1);
  CHECK(count_lines(r.err) == 1);
  CHECK_THAT(r.err, Catch::Contains(plugin("bad-describe")));
  CHECK_THAT(r.err, Catch::Contains("not print valid JSON"));
  CHECK(ochat.server.requests().empty());
}

TEST_CASE(
    "tools: a --describe that hangs ends at --describe-timeout with exit 124 and its process "
    "group killed",
    "[reliability]") {
  Ochat ochat;
  const std::string pid_file = "/tmp/ochat-hang-describe-" + std::to_string(::getpid());
  RunOptions o;
  o.env = {{"HANG_PID_FILE", pid_file}};
  // Its own bound, not --tool-timeout's (issue 12.15: a hanging --describe took 60 s).
  auto r = ochat.run({"-m", "tool", "-t", plugin("hang-describe"), "--describe-timeout", "0.5",
                      "--tool-timeout", "600", "hi"},
                     o);
  CHECK(r.exit_code == 124);  // a timeout, as for an MCP server that does not start in time
  check_one_error_line(r);
  CHECK_THAT(r.err,
             Catch::Contains(plugin("hang-describe") + ": --describe did not finish within 0.5 s"));
  CHECK(r.out.empty());
  reliability::record_fault("plugin --describe hangs", r, reliability::exact(r.out));
  CHECK(ochat.server.requests().empty());
  auto pids = read_pids(pid_file);
  CHECK(pids.size() == 2);
  CHECK(all_gone(pids));
  std::remove(pid_file.c_str());
}

TEST_CASE(
    "tools: SIGINT or SIGTERM during --describe exits 130 or 143 with no error, and kills it") {
  for (int sig : {SIGINT, SIGTERM}) {
    Ochat ochat;
    const std::string pid_file = "/tmp/ochat-describe-int-" + std::to_string(::getpid());
    RunOptions o;
    o.env = {{"HANG_PID_FILE", pid_file}};
    o.signal_on_text = {sig, ""};
    o.signal_gate = {pid_file, "\n"};  // --describe is running
    auto r = ochat.run({"-m", "tool", "-t", plugin("hang-describe"), "--events", "hi"}, o);
    INFO(r.err);
    CHECK(r.exit_code == 128 + sig);
    CHECK(r.err.empty());
    auto events = parse_lines(r.out);
    REQUIRE(events.size() == 1);
    CHECK(events.back()["type"] == "done");
    CHECK(events.back()["data"]["reason"] == "interrupted");
    auto pids = read_pids(pid_file);
    CHECK(pids.size() == 2);
    CHECK(all_gone(pids));
    std::remove(pid_file.c_str());
    CHECK(ochat.server.requests().empty());
  }
}

TEST_CASE("tools: a plugin that is not executable is a clear error before any request") {
  Ochat ochat;
  ::chmod(plugin("not-executable").c_str(), 0644);  // git may not keep the mode we mean
  auto r = ochat.run({"-m", "tool", "-t", plugin("not-executable"), "hi"});
  CHECK(r.exit_code == 2);
  CHECK(count_lines(r.err) == 1);
  CHECK_THAT(r.err, Catch::Contains("not-executable"));
  CHECK(ochat.server.requests().empty());
}

TEST_CASE("tools: two plugins offering the same name is a clear error naming both") {
  Ochat ochat;
  auto r = ochat.run({"-m", "tool", "-t", plugin("weather"), "-t", plugin("weather-twin"), "hi"});
  CHECK(r.exit_code == 2);
  CHECK(count_lines(r.err) == 1);
  CHECK_THAT(r.err, Catch::Contains("get_weather"));
  CHECK_THAT(r.err, Catch::Contains(plugin("weather")));
  CHECK_THAT(r.err, Catch::Contains(plugin("weather-twin")));
  CHECK(ochat.server.requests().empty());
}

TEST_CASE("tools: SIGINT while a tool runs kills it and exits 130 after done interrupted") {
  Ochat ochat;
  const std::string pid_file = "/tmp/ochat-hang-int-" + std::to_string(::getpid());
  RunOptions o;
  o.env = {{"HANG_PID_FILE", pid_file}};
  o.signal_on_text = {SIGINT, "\"type\":\"tool_call\""};
  o.signal_on_text_delay = std::chrono::milliseconds(300);  // the tool is running by then
  auto r = ochat.run({"-m", "tool", "-t", plugin("hang"), "--events", "hi"}, o);
  CHECK(r.exit_code == 130);
  auto events = parse_lines(r.out);
  REQUIRE_FALSE(events.empty());
  CHECK(find_event(events, "tool_call") != nullptr);
  CHECK(events.back()["data"]["reason"] == "interrupted");
  auto pids = read_pids(pid_file);
  CHECK(pids.size() == 2);
  CHECK(all_gone(pids));
  std::remove(pid_file.c_str());
  CHECK(ochat.server.requests().size() == 1);
}

TEST_CASE("tools: --max-rounds stops a model that keeps calling tools, exit 1") {
  Ochat ochat;
  auto r = ochat.run({"-m", "tool", "-t", plugin("weather"), "--max-rounds", "1", "hi"});
  CHECK(r.exit_code == 1);
  CHECK(r.out == printed("Let me check."));
  CHECK(count_lines(r.err) == 1);
  CHECK_THAT(r.err, Catch::Contains("--max-rounds 1"));
  CHECK(ochat.server.requests().size() == 1);
}

TEST_CASE("tools: a model without tool support is refused by the server, exit 4") {
  Ochat ochat;
  auto r = ochat.run({"-m", "status:400", "-t", plugin("weather"), "hi"});
  CHECK(r.exit_code == 4);
  CHECK_THAT(r.err, Catch::Contains("does not support tools"));
}

TEST_CASE("tools: a call to a function no plugin offers gets an error result, not a crash") {
  Ochat ochat;
  auto r = ochat.run({"-m", "tool-unknown", "-t", plugin("weather"), "--events", "hi"});
  CHECK(r.exit_code == 0);
  auto events = parse_lines(r.out);
  const json* result = find_event(events, "tool_result");
  REQUIRE(result);
  CHECK((*result)["data"]["is_error"] == true);
  CHECK((*result)["data"]["name"] == "no_such_tool");
  CHECK(joined_text(events, "token") ==
        "Tool said: There is no tool named 'no_such_tool'. Available tools: get_weather.");
}

TEST_CASE("tools: on a terminal, stderr shows one line per call with its outcome") {
  Ochat ochat;
  RunOptions o;
  o.terminal = true;
  auto r = ochat.run({"-m", "tool", "-t", plugin("weather"), "hi"}, o);
  CHECK(r.exit_code == 0);
  CHECK_THAT(r.out, Catch::Contains(
                        "Let me check.\r\nochat: tool get_weather {\"city\":\"Paris\"} -> ok ("));
  CHECK_THAT(r.out, Catch::EndsWith("Tool said: weather for {\"city\":\"Paris\"}\r\n"));
}

TEST_CASE("tools: --tools-dir skips hidden files and warns about an entry that is not a plugin") {
  PluginFolder dir;
  dir.add("weather", "weather");
  dir.add("weather-twin", ".weather-twin");  // loaded, it would clash with get_weather
  dir.add("usage", "usage");                 // an executable that is not a plugin
  Ochat ochat;
  auto r = ochat.run({"-m", "tool", "--tools-dir", dir.path, "weather in Paris?"});
  INFO(r.err);
  CHECK(r.exit_code == 0);
  CHECK(r.out == "Let me check.Tool said: weather for {\"city\":\"Paris\"}\n");
  CHECK(r.err == "ochat: warning: --tools-dir " + dir.path + ": plugin " + dir.path +
                     "/usage: --describe exited with status 2; on stderr: \"usage: usage [-h] "
                     "[--name NAME] FILE\", \"usage: error: unrecognized arguments: --describe\"; "
                     "skipped as not a plugin\n");
  REQUIRE(ochat.request_body(0)["tools"].size() == 1);
  CHECK(ochat.request_body(0)["tools"][0]["function"]["name"] == "get_weather");

  auto named = ochat.run({"-m", "tool", "-t", dir.path + "/usage", "hi"});  // named: fatal
  CHECK(named.exit_code == 1);
  check_one_error_line(named);
}

TEST_CASE("tools: -t with a directory says it is a directory, exit 2") {
  Ochat ochat;
  auto r = ochat.run({"-m", "tool", "-t", "/tmp", "hi"});
  CHECK(r.exit_code == 2);
  check_one_error_line(r);
  CHECK(
      r.err ==
      "ochat: error: plugin /tmp is a directory; to offer every plugin in it: --tools-dir /tmp\n");
  CHECK(ochat.server.requests().empty());
}

TEST_CASE(
    "tools: a --describe that prints lines is quoted line by line, one that prints nothing says "
    "so") {
  Ochat ochat;
  auto usage = ochat.run({"-m", "tool", "-t", plugin("usage"), "hi"});
  CHECK(usage.exit_code == 1);
  check_one_error_line(usage);
  CHECK(usage.err ==
        "ochat: error: plugin " + plugin("usage") +
            ": --describe exited with status 2; on stderr: \"usage: usage [-h] [--name "
            "NAME] FILE\", \"usage: error: unrecognized arguments: --describe\"\n");
  auto silent = ochat.run({"-m", "tool", "-t", plugin("silent"), "hi"});
  CHECK(silent.exit_code == 1);
  CHECK(silent.err ==
        "ochat: error: plugin " + plugin("silent") + ": --describe printed nothing on stdout\n");
  auto not_json = ochat.run({"-m", "tool", "-t", plugin("bad-describe"), "hi"});
  CHECK(not_json.err == "ochat: error: plugin " + plugin("bad-describe") +
                            ": --describe did not print valid JSON: \"this is not JSON\"\n");
  CHECK(ochat.server.requests().empty());
}
