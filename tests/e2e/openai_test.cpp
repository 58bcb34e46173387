// --api openai: the real binary against the fake server's OpenAI-compatible endpoint
// (tests/support/fake_openai.cpp). Same output, events, tools, interruption and exit statuses as
// with Ollama.
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <fstream>
#include <set>

#include "e2e_support.hpp"
#include "fake_openai.hpp"
#include "reliability.hpp"

using namespace ochat::test;
using nlohmann::json;

namespace {

// A key no output may ever contain.
const std::string kKey = "sk-ochat-e2e-Qx7Vv2pL9mZt4R";

struct OpenAi {
  FakeOllama server;

  std::string base() const { return server.url() + "/v1"; }

  // Runs `ochat --api openai --host BASE args...` in an environment without any API settings.
  RunResult run(std::vector<std::string> args, RunOptions options = {}) {
    std::vector<std::string> all = {"--api", "openai", "--host", base()};
    all.insert(all.end(), args.begin(), args.end());
    return run_bare(std::move(all), std::move(options));
  }

  RunResult run_bare(std::vector<std::string> args, RunOptions options = {}) {
    options.args = std::move(args);  // RunOptions unsets every API setting of the environment
    return run_process(ochat_binary(), options);
  }

  json request_body(std::size_t n = 0) const {
    auto reqs = server.requests();
    if (n >= reqs.size()) return nullptr;
    return json::parse(reqs[n].body, nullptr, false);
  }
};

std::string plugin(const std::string& name) { return std::string(OCHAT_TEST_PLUGINS) + "/" + name; }

void check_envelope(const std::vector<json>& events) {
  REQUIRE_FALSE(events.empty());
  for (const auto& e : events) {
    REQUIRE(e.is_object());
    CHECK(e.size() == 2);
    CHECK(e["type"].is_string());
    CHECK(e["data"].is_object());
  }
  CHECK(events.front()["type"] == "start");
  CHECK(events.back()["type"] == "done");
}

// A file under /tmp holding `contents`, removed at the end of the test.
class TempFile {
 public:
  explicit TempFile(const std::string& contents) {
    char name[] = "/tmp/ochat-e2e-key-XXXXXX";
    const int fd = ::mkstemp(name);
    REQUIRE(fd >= 0);
    REQUIRE(::write(fd, contents.data(), contents.size()) == static_cast<ssize_t>(contents.size()));
    ::close(fd);
    path_ = name;
  }
  ~TempFile() { std::remove(path_.c_str()); }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace

// ---- Text ----

TEST_CASE("openai: text streams to stdout; the request is a streamed chat completion with usage") {
  OpenAi oa;
  auto r = oa.run(
      {"-m", "text", "-s", "be brief", "-o", "temperature=0.2", "-o", "num_predict=64", "hi"});
  CHECK(r.exit_code == 0);
  CHECK(r.err.empty());
  CHECK(r.out == printed(kOpenAiText));
  auto reqs = oa.server.requests();
  REQUIRE(reqs.size() == 1);
  CHECK(reqs[0].method == "POST");
  CHECK(reqs[0].path == "/v1/chat/completions");
  CHECK(reqs[0].header("Accept") == "text/event-stream");
  CHECK(reqs[0].header("Content-Type") == "application/json");
  CHECK(reqs[0].header("Authorization").empty());
  CHECK(oa.request_body() ==
        json::parse(R"({"model":"text","messages":[{"role":"system","content":"be brief"},
      {"role":"user","content":"hi"}],"stream":true,"stream_options":{"include_usage":true},
      "temperature":0.2,"max_tokens":64})"));
}

TEST_CASE("openai: llama-server's shapes (content null, timings) give the same text") {
  OpenAi oa;
  auto r = oa.run({"-m", "llama", "hi"});
  CHECK(r.exit_code == 0);
  CHECK(r.out == printed(kOpenAiText));
}

TEST_CASE("openai: events and UTF-8 characters cut across reads survive", "[reliability]") {
  OpenAi oa;
  auto plain = oa.run({"-m", "split", "hi"});
  CHECK(plain.exit_code == 0);
  CHECK(plain.out == printed(kOpenAiSplitText));
  reliability::record_fault("OpenAI: events cut across reads", plain,
                            reliability::exact(plain.out));
  auto events = oa.run({"-m", "split", "--events", "hi"});
  CHECK(joined_text(parse_lines(events.out), "token") == kOpenAiSplitText);
}

TEST_CASE("openai: CRLF framing, other SSE fields and a final [DONE] without its blank line") {
  OpenAi oa;
  for (const char* model : {"crlf", "sse-fields"}) {
    INFO(model);
    auto r = oa.run({"-m", model, "hi"});
    CHECK(r.exit_code == 0);
    CHECK(r.err.empty());
    CHECK(r.out == printed(kOpenAiText));
  }
}

TEST_CASE("openai: keep-alive comments are skipped and count as the server being alive") {
  OpenAi oa;
  auto r = oa.run({"-m", "keepalive:1500", "--idle-timeout", "0.5", "hi"});
  CHECK(r.exit_code == 0);
  CHECK(r.err.empty());
  CHECK(r.out == printed(kOpenAiText));
}

TEST_CASE("openai: a stream with a finish reason but no [DONE] is complete", "[reliability]") {
  OpenAi oa;
  auto r = oa.run({"-m", "no-done", "--events", "hi"});
  CHECK(r.exit_code == 0);
  auto events = parse_lines(r.out);
  check_envelope(events);
  CHECK(joined_text(events, "token") == kOpenAiText);
  CHECK(events.back()["data"]["reason"] == "stop");
  CHECK(events.back()["data"]["generated_tokens"] == 4);
  reliability::record_fault("OpenAI: no `[DONE]` after a `finish_reason`", r,
                            reliability::events(r.out));
}

TEST_CASE(
    "openai: a finish reason, then an open and silent connection: complete a second later, not at "
    "the idle timeout",
    "[reliability]") {
  OpenAi oa;
  auto r = oa.run({"-m", "no-done-open", "--idle-timeout", "60", "--events", "hi"});
  INFO(r.err);
  CHECK(r.exit_code == 0);
  CHECK(r.elapsed < std::chrono::seconds(10));
  auto events = parse_lines(r.out);
  check_envelope(events);
  CHECK(joined_text(events, "token") == kOpenAiText);
  CHECK(events.back()["data"]["reason"] == "stop");
  CHECK(events.back()["data"]["generated_tokens"] == 4);  // the usage chunk after the finish counts
  reliability::record_fault("OpenAI: `finish_reason`, then the connection stays open", r,
                            reliability::events(r.out));
}

TEST_CASE("openai: finish_reason length gives done reason length") {
  OpenAi oa;
  auto r = oa.run({"-m", "length", "--events", "hi"});
  CHECK(r.exit_code == 0);
  auto events = parse_lines(r.out);
  check_envelope(events);
  CHECK(events.back()["data"]["reason"] == "length");
}

TEST_CASE("openai: the usage chunk gives the stats of -v and of the done event") {
  OpenAi oa;
  auto r = oa.run({"-m", "text", "-v", "hi"});
  CHECK(r.exit_code == 0);
  CHECK(r.out == printed(kOpenAiText));
  CHECK(r.err == "prompt tokens:    33\ngenerated tokens: 4\n");
  auto llama = oa.run({"-m", "llama", "-v", "hi"});
  CHECK_THAT(llama.err,
             Catch::Contains("eval rate:        49.69 tokens/s"));  // 4 tokens in 80.5 ms
  auto events = parse_lines(oa.run({"-m", "text", "--events", "hi"}).out);
  REQUIRE_FALSE(events.empty());
  CHECK(events.back()["data"] ==
        json::parse(R"({"reason":"stop","prompt_tokens":33,"generated_tokens":4})"));
}

TEST_CASE("openai: --format and --think map to response_format and reasoning_effort") {
  OpenAi oa;
  auto r = oa.run({"-m", "text", "--format", "json", "--think=max", "hi"});
  CHECK(r.exit_code == 0);
  auto body = oa.request_body();
  CHECK(body["response_format"] == json::parse(R"({"type":"json_object"})"));
  CHECK(body["reasoning_effort"] == "high");
  CHECK_FALSE(body.contains("think"));
  CHECK_FALSE(body.contains("options"));
}

TEST_CASE("openai: --events has the same schema as with Ollama") {
  OpenAi oa;
  Ochat ollama;
  auto a = parse_lines(oa.run({"-m", "text", "--events", "hi"}).out);
  auto o = parse_lines(ollama.run({"-m", "text", "--events", "hi"}).out);
  check_envelope(a);
  check_envelope(o);
  REQUIRE(a.size() == o.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    INFO(i);
    CHECK(a[i]["type"] == o[i]["type"]);
    for (auto it = a[i]["data"].begin(); it != a[i]["data"].end(); ++it) {
      INFO(it.key());
      REQUIRE(o[i]["data"].contains(it.key()));  // no field Ollama's events do not have
      CHECK(o[i]["data"][it.key()].type() == it->type());
    }
  }
  CHECK(a.front()["data"]["host"] == oa.base());
}

// ---- Thinking ----

TEST_CASE("openai: reasoning_content and reasoning go to stderr and to thinking events") {
  OpenAi oa;
  for (const char* model : {"reasoning", "reasoning:field"}) {
    INFO(model);
    auto r = oa.run({"-m", model, "hi"});
    CHECK(r.exit_code == 0);
    CHECK(r.out == printed(kOpenAiThinkingAnswer));
    CHECK(r.err == std::string(kOpenAiThinking) + "\n");
    auto events = parse_lines(oa.run({"-m", model, "--events", "hi"}).out);
    check_envelope(events);
    CHECK(joined_text(events, "thinking") == kOpenAiThinking);
    CHECK(joined_text(events, "token") == kOpenAiThinkingAnswer);
  }
}

// ---- Tools ----

TEST_CASE(
    "openai: a tool round trip; the follow-up carries arguments as a string and tool_call_id") {
  OpenAi oa;
  auto r = oa.run({"-m", "tool", "-t", plugin("weather"), "weather?"});
  CHECK(r.exit_code == 0);
  CHECK(r.err.empty());
  const std::string result = "weather for {\"city\":\"" + std::string(kOpenAiCityValue) + "\"}";
  CHECK(r.out == printed("Let me check.Tool said: " + result));
  auto reqs = oa.server.requests();
  REQUIRE(reqs.size() == 2);
  const json tools = json::parse(
      R"([{"type":"function","function":{"name":"get_weather","description":"Weather in a city",
      "parameters":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}}}])");
  CHECK(oa.request_body(0)["tools"] == tools);
  CHECK(oa.request_body(1)["tools"] == tools);
  const json expected = {
      {{"role", "user"}, {"content", "weather?"}},
      {{"role", "assistant"},
       {"content", "Let me check."},
       {"tool_calls",
        {{{"id", "call_Zq81kT00"},
          {"type", "function"},
          {"function",
           {{"name", "get_weather"}, {"arguments", std::string(kOpenAiWeatherArguments)}}}}}}},
      {{"role", "tool"}, {"tool_call_id", "call_Zq81kT00"}, {"content", result}}};
  CHECK(oa.request_body(1)["messages"] == expected);
  // Byte for byte: the arguments text goes back as the server sent it, and the tool's output
  // as the plugin printed it.
  const std::string sent = json(std::string(kOpenAiWeatherArguments)).dump();
  CHECK_THAT(reqs[1].body, Catch::Contains("\"arguments\":" + sent));
  CHECK_THAT(reqs[1].body, Catch::Contains("\"content\":" + json(result).dump()));
}

TEST_CASE("openai: tool calls in --events are the same events as with Ollama") {
  OpenAi oa;
  auto r = oa.run({"-m", "tool", "-t", plugin("weather"), "--events", "hi"});
  CHECK(r.exit_code == 0);
  auto events = parse_lines(r.out);
  check_envelope(events);
  const json* call = find_event(events, "tool_call");
  REQUIRE(call);
  CHECK((*call)["data"] == json({{"id", "call_Zq81kT00"},
                                 {"name", "get_weather"},
                                 {"arguments", {{"city", std::string(kOpenAiCityValue)}}}}));
  const json* result = find_event(events, "tool_result");
  REQUIRE(result);
  CHECK((*result)["data"]["id"] == "call_Zq81kT00");
  CHECK((*result)["data"]["is_error"] == false);
  CHECK(events.back()["data"]["reason"] == "stop");
  CHECK(events.back()["data"]["prompt_tokens"] == 2 * kOpenAiPromptTokens);
}

TEST_CASE("openai: two parallel calls with interleaved deltas both run, results in call order") {
  OpenAi oa;
  auto r = oa.run({"-m", "tool-parallel", "-t", plugin("pair"), "--events", "hi"});
  CHECK(r.exit_code == 0);
  auto events = parse_lines(r.out);
  check_envelope(events);
  CHECK(joined_text(events, "token") ==
        "Tool said: first got {\"x\":42}\nsecond got {\"y\":\"t\xC3\xA9st\"}");
  REQUIRE(find_event(events, "tool_call", 1));
  CHECK((*find_event(events, "tool_call", 0))["data"]["name"] == "first");
  CHECK((*find_event(events, "tool_call", 1))["data"]["name"] == "second");
  auto messages = oa.request_body(1)["messages"];
  REQUIRE(messages.size() == 4);
  CHECK(messages[1]["tool_calls"] == json::parse(R"([
    {"id":"call_Zq81kT00","type":"function","function":{"name":"first","arguments":"{\"x\": 42}"}},
    {"id":"call_Zq81kT01","type":"function","function":{"name":"second","arguments":"{\"y\": \"t\\u00e9st\"}"}}])"));
  CHECK(messages[2] ==
        json::parse(
            R"({"role":"tool","tool_call_id":"call_Zq81kT00","content":"first got {\"x\":42}"})"));
  CHECK(messages[3] == json::parse("{\"role\":\"tool\",\"tool_call_id\":\"call_Zq81kT01\","
                                   "\"content\":\"second got {\\\"y\\\":\\\"t\xC3\xA9st\\\"}\"}"));
}

TEST_CASE("openai: whole calls as Ollama's /v1 sends them run too") {
  OpenAi oa;
  auto r = oa.run({"-m", "tool-whole", "-t", plugin("pair"), "hi"});
  CHECK(r.exit_code == 0);
  CHECK(r.out == printed("Tool said: first got {\"x\":42}\nsecond got {\"y\":\"t\xC3\xA9st\"}"));
}

TEST_CASE("openai: SIGINT while a tool runs exits 130 after done interrupted") {
  OpenAi oa;
  const std::string pid_file = "/tmp/ochat-oa-hang-" + std::to_string(::getpid());
  RunOptions o;
  o.env = {{"HANG_PID_FILE", pid_file}};
  o.signal_on_text = {SIGINT, "\"type\":\"tool_call\""};
  o.signal_on_text_delay = std::chrono::milliseconds(300);
  auto r = oa.run({"-m", "tool", "-t", plugin("hang"), "--events", "hi"}, o);
  CHECK(r.exit_code == 130);
  auto events = parse_lines(r.out);
  REQUIRE_FALSE(events.empty());
  CHECK(events.back()["data"]["reason"] == "interrupted");
  CHECK(oa.server.requests().size() == 1);
  std::remove(pid_file.c_str());
}

// ---- Errors ----

TEST_CASE("openai: HTTP errors exit 4 with the server's own message") {
  OpenAi oa;
  struct Case {
    const char* model;
    const char* text;
  };
  for (auto c :
       {Case{"status:400", "HTTP 400 Bad Request): the request exceeds the available context size"},
        Case{"status:429", "Rate limit reached for requests"}, Case{"status:503", "Loading model"},
        Case{"status:418", "HTTP 418): fake error with status 418"},  // Ollama's {"error": "..."}
        Case{"nope", "model \"nope\" not found, try pulling it first"}}) {
    INFO(c.model);
    auto r = oa.run({"-m", c.model, "--retries", "0", "hi"});
    CHECK(r.exit_code == 4);
    CHECK(r.out.empty());
    check_one_error_line(r);
    CHECK_THAT(r.err, Catch::Contains(c.text));
  }
}

TEST_CASE("openai: an unknown path (a base URL without /v1) exits 4 with a hint at the base URL") {
  OpenAi oa;
  auto r = oa.run_bare({"--api", "openai", "--host", oa.server.url(), "-m", "text", "hi"});
  CHECK(r.exit_code == 4);
  check_one_error_line(r);
  CHECK_THAT(r.err, Catch::Contains("/v1"));
  CHECK_THAT(r.err, Catch::Contains("OPENAI_BASE_URL"));
}

TEST_CASE("openai: an error event mid-stream exits 5 and keeps the partial answer",
          "[reliability]") {
  OpenAi oa;
  auto r = oa.run({"-m", "midstream-error", "--retries", "0", "hi"});
  CHECK(r.exit_code == 5);
  CHECK(r.out == printed(kOpenAiMidstreamText));
  check_one_error_line(r);
  CHECK_THAT(r.err, Catch::Contains(std::string(kOpenAiMidstreamMessage)));
  reliability::record_fault("OpenAI: error event, `--retries 0`", r, reliability::exact(r.out));
  auto events =
      parse_lines(oa.run({"-m", "midstream-error", "--retries", "0", "--events", "hi"}).out);
  check_envelope(events);
  REQUIRE(events.size() >= 2);
  CHECK(events[events.size() - 2]["type"] == "error");
  CHECK(events[events.size() - 2]["data"]["kind"] == "stream");
  CHECK(events.back()["data"]["reason"] == "error");
}

TEST_CASE("openai: a stream that ends without a finish reason or [DONE] exits 5", "[reliability]") {
  OpenAi oa;
  for (const char* model : {"no-finish", "ollama-error"}) {
    INFO(model);
    auto r = oa.run({"-m", model, "--retries", "0", "hi"});
    CHECK(r.exit_code == 5);
    check_one_error_line(r);
    CHECK_THAT(r.err, Catch::Contains("ended before"));
  }
  auto r = oa.run({"-m", "no-finish", "--retries", "0", "hi"});
  CHECK(r.out == printed("xy"));
  reliability::record_fault("OpenAI: neither `finish_reason` nor `[DONE]`, `--retries 0`", r,
                            reliability::exact(r.out));
}

TEST_CASE("openai: a reply that is not an event stream exits 5 quoting it") {
  OpenAi oa;
  auto r = oa.run({"-m", "not-streaming", "hi"});
  CHECK(r.exit_code == 5);
  CHECK(r.out.empty());
  check_one_error_line(r);
  CHECK_THAT(r.err,
             Catch::Contains("not a stream of server-sent events: {\"id\":\"chatcmpl-417\""));
}

TEST_CASE("openai: a dropped connection exits 5 and keeps the partial answer") {
  OpenAi oa;
  auto r = oa.run({"-m", "drop", "--retries", "0", "hi"});
  CHECK(r.exit_code == 5);
  CHECK(r.out == printed("partial"));
  check_one_error_line(r);
}

TEST_CASE("openai: headers then silence hits the idle timeout, exit 124") {
  OpenAi oa;
  auto r = oa.run({"-m", "stall", "--idle-timeout", "0.5", "hi"});
  CHECK(r.exit_code == 124);
  check_one_error_line(r);
  CHECK_THAT(r.err, Catch::Contains("idle timeout"));
  REQUIRE(oa.server.wait_finished(1, std::chrono::seconds(5)));
  CHECK(oa.server.requests()[0].disconnected_early);
}

TEST_CASE("openai: server down exits 3 with a hint at the base URL, not at Ollama") {
  OpenAi oa;
  const std::string base = "http://127.0.0.1:" + std::to_string(closed_port()) + "/v1";
  auto r = oa.run_bare({"--api", "openai", "--host", base, "-m", "text", "hi"});
  CHECK(r.exit_code == 3);
  check_one_error_line(r);
  CHECK_THAT(r.err, Catch::Contains(base));
  CHECK_THAT(r.err, Catch::Contains("OPENAI_BASE_URL"));
  CHECK_THAT(r.err, !Catch::Contains("ollama serve"));
}

TEST_CASE("openai: --keep-alive is a usage error, before any request") {
  OpenAi oa;
  auto r = oa.run({"-m", "text", "--keep-alive", "5m", "hi"});
  CHECK(r.exit_code == 2);
  check_one_error_line(r);
  CHECK(oa.server.requests().empty());
}

TEST_CASE("openai: without a model, the message lists the server's models from GET /models") {
  OpenAi oa;
  auto r = oa.run({"hi"});
  CHECK(r.exit_code == 2);
  check_one_error_line(r);
  CHECK_THAT(r.err, Catch::Contains("models on " + oa.base() + ": text, llama, reasoning, tool"));
}

// ---- Interruption and closed stdout ----

TEST_CASE(
    "openai: SIGINT mid-stream exits 130, keeps the text, and the server sees the disconnect") {
  OpenAi oa;
  RunOptions o;
  o.signal_after = {SIGINT, 9};  // "s0 s1 s2 "
  auto r = oa.run({"-m", "slow:50", "hi"}, o);
  CHECK(r.exit_code == 130);
  CHECK(r.out.size() >= 9);
  CHECK(answer_of(r.out).size() < slow_text().size());
  CHECK(slow_text().rfind(answer_of(r.out), 0) == 0);
  CHECK(r.err.empty());
  REQUIRE(oa.server.wait_finished(1, std::chrono::seconds(5)));
  CHECK(oa.server.requests()[0].disconnected_early);
}

TEST_CASE("openai: SIGINT in --events mode ends with done reason interrupted") {
  OpenAi oa;
  RunOptions o;
  o.signal_on_text = {SIGINT, "\"type\":\"token\""};
  auto r = oa.run({"-m", "slow:50", "--events", "hi"}, o);
  CHECK(r.exit_code == 130);
  auto events = parse_lines(r.out);
  check_envelope(events);
  CHECK(events.back()["data"]["reason"] == "interrupted");
  REQUIRE(oa.server.wait_finished(1, std::chrono::seconds(5)));
  CHECK(oa.server.requests()[0].disconnected_early);
}

TEST_CASE("openai: a closed stdout (| head -c) cancels the request and exits 0 silently") {
  OpenAi oa;
  RunOptions o;
  o.close_stdout_after = 5;
  auto r = oa.run({"-m", "slow:20", "hi"}, o);
  CHECK(r.exit_code == 0);
  CHECK(r.err.empty());
  CHECK(r.out == slow_text().substr(0, 5));
  REQUIRE(oa.server.wait_finished(1, std::chrono::seconds(5)));
  CHECK(oa.server.requests()[0].disconnected_early);
}

// ---- Server address and API key ----

TEST_CASE("openai: OCHAT_API and OPENAI_BASE_URL replace --api and --host") {
  OpenAi oa;
  RunOptions o;
  o.env = {{"OCHAT_API", "openai"}, {"OPENAI_BASE_URL", oa.base()}, {"OLLAMA_HOST", "127.0.0.1:9"}};
  auto r = oa.run_bare({"-m", "text", "hi"}, o);
  CHECK(r.exit_code == 0);
  CHECK(r.out == printed(kOpenAiText));
  REQUIRE(oa.server.requests().size() == 1);
  CHECK(oa.server.requests()[0].path == "/v1/chat/completions");
}

TEST_CASE("openai: the API key is sent as a bearer token and printed nowhere", "[reliability]") {
  OpenAi oa;
  std::string everything;
  auto run = [&](std::vector<std::string> args, RunOptions o = {}) {
    o.env.push_back({"OPENAI_API_KEY", kKey});
    auto r = oa.run(std::move(args), o);
    everything += r.out + r.err;
    return r;
  };
  CHECK(run({"-m", "text", "-v", "hi"}).exit_code == 0);
  CHECK(run({"-m", "text", "--events", "-v", "hi"}).exit_code == 0);
  CHECK(run({"-m", "tool", "-t", plugin("weather"), "--events", "hi"}).exit_code == 0);
  CHECK(run({"-m", "midstream-error", "--retries", "0", "--events", "hi"}).exit_code == 5);
  // The server quotes the key in its 401 message, as OpenAI's does: ochat masks it.
  auto refused = run({"-m", "status:401", "hi"});
  CHECK(refused.exit_code == 4);
  CHECK_THAT(refused.err, Catch::Contains("Incorrect API key provided: [API key]."));
  CHECK_THAT(refused.err, Catch::Contains("check the API key"));
  reliability::record_fault("OpenAI: server quotes the API key", refused,
                            reliability::exact(refused.out));
  auto refused_events = run({"-m", "status:401", "--events", "hi"});
  CHECK_THAT(refused_events.out, Catch::Contains("[API key]"));
  CHECK(run({"-m", "nope", "-v", "hi"}).exit_code == 4);
  CHECK(run({"hi"}).exit_code == 2);  // no model: lists the models with the key
  RunOptions terminal;
  terminal.terminal = true;
  CHECK(run({"-m", "reasoning", "-v", "-t", plugin("weather"), "hi"}, terminal).exit_code == 0);

  CHECK(everything.find(kKey) == std::string::npos);
  CHECK(everything.find(kKey.substr(3)) == std::string::npos);
  auto reqs = oa.server.requests();
  REQUIRE(reqs.size() >= 9);
  for (const auto& req : reqs) {
    INFO(req.path);
    CHECK(req.header("Authorization") == "Bearer " + kKey);
    CHECK(req.body.find(kKey) == std::string::npos);
  }
}

TEST_CASE("openai: OCHAT_API_KEY comes before OPENAI_API_KEY") {
  OpenAi oa;
  RunOptions o;
  o.env = {{"OCHAT_API_KEY", "ochat-key"}, {"OPENAI_API_KEY", "openai-key"}};
  CHECK(oa.run({"-m", "text", "hi"}, o).exit_code == 0);
  CHECK(oa.server.requests()[0].header("Authorization") == "Bearer ochat-key");
}

TEST_CASE("openai: --api-key-file sends the file's first line, before the environment") {
  OpenAi oa;
  TempFile file("  " + kKey + "  \nnot the key\n");
  RunOptions o;
  o.env = {{"OPENAI_API_KEY", "from-env"}};
  auto r = oa.run({"-m", "status:401", "--api-key-file", file.path(), "--events", "hi"}, o);
  CHECK(r.exit_code == 4);
  CHECK(oa.server.requests()[0].header("Authorization") == "Bearer " + kKey);
  CHECK(r.out.find(kKey) == std::string::npos);
  CHECK(r.err.find(kKey) == std::string::npos);
}

TEST_CASE(
    "openai: an unreadable or empty --api-key-file is a clear usage error, before any request") {
  OpenAi oa;
  auto missing = oa.run({"-m", "text", "--api-key-file", "/nonexistent/ochat-key", "hi"});
  CHECK(missing.exit_code == 2);
  check_one_error_line(missing);
  CHECK_THAT(missing.err, Catch::Contains("--api-key-file: cannot read '/nonexistent/ochat-key'"));
  TempFile empty("\n" + kKey + "\n");
  auto blank = oa.run({"-m", "text", "--api-key-file", empty.path(), "--events", "hi"});
  CHECK(blank.exit_code == 2);
  CHECK_THAT(blank.err, Catch::Contains("is empty"));
  CHECK(blank.out.find(kKey) == std::string::npos);
  CHECK(blank.err.find(kKey) == std::string::npos);
  CHECK(oa.server.requests().empty());
}

TEST_CASE("openai: there is no flag that takes the key itself") {
  OpenAi oa;
  auto r = oa.run({"-m", "text", "--api-key", kKey, "hi"});
  CHECK(r.exit_code == 2);
  CHECK(oa.server.requests().empty());
}

TEST_CASE("ollama: OCHAT_API_KEY is sent to an Ollama server too, OPENAI_API_KEY never") {
  Ochat ollama;
  RunOptions o;
  o.env = {{"OPENAI_API_KEY", "openai-key"}};
  CHECK(ollama.run({"-m", "text", "hi"}, o).exit_code == 0);
  CHECK(ollama.server.requests()[0].header("Authorization").empty());
  o.env = {{"OCHAT_API_KEY", "proxy-key"}, {"OPENAI_API_KEY", "openai-key"}};
  CHECK(ollama.run({"-m", "text", "hi"}, o).exit_code == 0);
  CHECK(ollama.server.requests()[1].path == "/api/chat");
  CHECK(ollama.server.requests()[1].header("Authorization") == "Bearer proxy-key");
}
