#include "core/chat/conversation.hpp"

#include <atomic>
#include <catch2/catch.hpp>
#include <csignal>
#include <string>
#include <vector>

#include "core/chat/model_list.hpp"
#include "core/chat/text_buffer.hpp"
#include "core/error.hpp"
#include "core/ollama/ollama_backend.hpp"
#include "fake_transport.hpp"
#include "recording_sink.hpp"

using ochat::Error;
using ochat::ErrorKind;
using ochat::chat::TurnResult;
using ochat::http::Outcome;

namespace {

struct Fixture {
  ochat::ollama::OllamaBackend backend{"http://127.0.0.1:11434"};
  ochat::test::FakeTransport transport;
  ochat::test::RecordingSink sink;
  std::atomic<int> signal{0};

  ochat::chat::TurnContext context() {
    return ochat::chat::TurnContext{
        backend, transport, sink, {}, ochat::sys::CancelToken{&signal, -1}};
  }

  ochat::chat::ConversationResult run() {
    ochat::chat::ChatRequest request;
    request.model = "llama3.2";
    request.messages.push_back(ochat::chat::Message::text("user", "hi"));
    return ochat::chat::run_conversation(context(), request);
  }
};

const std::string kHello = R"({"message":{"role":"assistant","content":"Hello"},"done":false})"
                           "\n";

}  // namespace

TEST_CASE("chat::run_conversation sends start, the tokens and done with the stats") {
  Fixture f;
  f.transport.pieces = {
      kHello +
      R"({"message":{"role":"assistant","content":""},"done":true,"done_reason":"stop","eval_count":7,"eval_duration":1000})"
      "\n"};
  const auto result = f.run();
  CHECK(result.end == TurnResult::End::done);
  CHECK(f.sink.calls == std::vector<std::string>{"start:llama3.2@http://127.0.0.1:11434", "flush",
                                                 "token:Hello", "flush", "done:stop"});
  REQUIRE(f.sink.dones.size() == 1);
  CHECK(f.sink.dones[0].stats.generated_tokens == 7);
  CHECK(f.sink.dones[0].stats.eval_ns == 1000);
}

TEST_CASE("chat::run_conversation passes the length done reason on") {
  Fixture f;
  f.transport.pieces = {
      kHello + R"({"message":{"role":"assistant","content":""},"done":true,"done_reason":"length"})"
               "\n"};
  f.run();
  CHECK(f.sink.calls.back() == "done:length");
}

TEST_CASE("chat::run_conversation ends an interrupted turn with done reason interrupted") {
  Fixture f;
  f.signal = SIGTERM;
  f.transport.pieces = {kHello};
  f.transport.result.outcome = Outcome::cancelled;
  const auto result = f.run();
  CHECK(result.end == TurnResult::End::interrupted);
  CHECK(result.signal == SIGTERM);
  CHECK(f.sink.calls.back() == "done:interrupted");
  CHECK(f.sink.tokens == "Hello");
}

TEST_CASE("chat::run_conversation says nothing more once the output is closed") {
  Fixture f;
  f.transport.pieces = {kHello};
  f.transport.result.outcome = Outcome::stopped;
  const auto result = f.run();
  CHECK(result.end == TurnResult::End::output_closed);
  CHECK(f.sink.dones.empty());
}

TEST_CASE("chat::run_conversation leaves error and done to the caller on failure") {
  Fixture f;
  f.transport.status = 0;
  f.transport.result.outcome = Outcome::connect_failed;
  f.transport.result.message = "Connection refused";
  CHECK_THROWS_AS(f.run(), Error);
  CHECK(f.sink.calls == std::vector<std::string>{"start:llama3.2@http://127.0.0.1:11434", "flush"});
}

TEST_CASE("chat::list_models gets the model names from host/api/tags") {
  Fixture f;
  f.transport.pieces = {R"({"models":[{"name":"llama3.2:latest"},)", R"({"name":"qwen3:8b"}]})"};
  CHECK(ochat::chat::list_models(f.context()) ==
        std::vector<std::string>{"llama3.2:latest", "qwen3:8b"});
  CHECK(f.transport.request.method == "GET");
  CHECK(f.transport.request.url == "http://127.0.0.1:11434/api/tags");
}

TEST_CASE("chat::list_models throws connect, http, timeout and stream errors") {
  Fixture f;
  SECTION("no server") {
    f.transport.status = 0;
    f.transport.result.outcome = Outcome::connect_failed;
    f.transport.result.message = "Connection refused";
    try {
      ochat::chat::list_models(f.context());
      FAIL("no exception");
    } catch (const Error& e) {
      CHECK(e.kind() == ErrorKind::connect);
      CHECK_THAT(e.what(), Catch::Contains("Connection refused"));
      CHECK_THAT(e.hint(), Catch::Contains("ollama serve"));
    }
  }
  SECTION("not an Ollama server") {
    f.transport.status = 404;
    f.transport.pieces = {"404 page not found"};
    try {
      ochat::chat::list_models(f.context());
      FAIL("no exception");
    } catch (const Error& e) {
      CHECK(e.kind() == ErrorKind::http);
      CHECK_THAT(e.what(), Catch::Contains("HTTP 404") && Catch::Contains("404 page not found"));
      CHECK_THAT(e.hint(), Catch::Contains("an Ollama server?"));
    }
  }
  SECTION("the server's own message") {
    f.transport.status = 500;
    f.transport.pieces = {R"({"error":"out of memory"})"};
    try {
      ochat::chat::list_models(f.context());
      FAIL("no exception");
    } catch (const Error& e) {
      CHECK(e.kind() == ErrorKind::http);
      CHECK_THAT(e.what(), Catch::EndsWith("(HTTP 500 Internal Server Error): out of memory"));
    }
  }
  SECTION("a timeout") {
    f.transport.result.outcome = Outcome::timed_out;
    try {
      ochat::chat::list_models(f.context());
      FAIL("no exception");
    } catch (const Error& e) {
      CHECK(e.kind() == ErrorKind::timeout);
    }
  }
  SECTION("a connection that broke in the middle of the list") {
    f.transport.pieces = {R"({"models":[{"name":)"};
    f.transport.result.outcome = Outcome::broken;
    f.transport.result.message = "Connection reset by peer";
    try {
      ochat::chat::list_models(f.context());
      FAIL("no exception");
    } catch (const Error& e) {
      CHECK(e.kind() == ErrorKind::stream);
      CHECK_THAT(e.what(), Catch::Contains("Connection reset by peer"));
    }
  }
  SECTION("a server that closed the connection without a reply") {
    f.transport.status = 0;
    f.transport.result.outcome = Outcome::broken;
    f.transport.result.message = "Empty reply from server";
    try {
      ochat::chat::list_models(f.context());
      FAIL("no exception");
    } catch (const Error& e) {
      CHECK(e.kind() == ErrorKind::connect);
      CHECK_THAT(e.what(), Catch::Contains(
                               "closed the connection without replying: Empty reply from server"));
    }
  }
}

TEST_CASE("chat::list_models returns no list when interrupted") {
  Fixture f;
  f.transport.result.outcome = Outcome::cancelled;
  CHECK_FALSE(ochat::chat::list_models(f.context()).has_value());
}

namespace {

// Answers every call with "NAME(ARGS) ok" and records the calls.
class FakeTools final : public ochat::chat::ToolRunner {
 public:
  std::vector<std::string> ran;
  bool fail = false;
  ochat::chat::ToolOutcome run(const ochat::chat::ToolCall& call,
                               const ochat::sys::CancelToken&) override {
    ran.push_back(call.name + call.arguments.dump());
    ochat::chat::ToolOutcome outcome;
    outcome.content = fail ? "no such city" : call.name + " ok";
    outcome.is_error = fail;
    outcome.duration = std::chrono::milliseconds(5);
    return outcome;
  }
};

const std::string kToolCallReply =
    R"({"model":"llama3.2","created_at":"2026-08-21T10:15:02.1Z","message":{"role":"assistant","content":"","tool_calls":[{"id":"call_k3j9x0qa","function":{"index":0,"name":"get_weather","arguments":{"city":"Paris"}}}]},"done":false})"
    "\n"
    R"({"model":"llama3.2","created_at":"2026-08-21T10:15:02.2Z","message":{"role":"assistant","content":""},"done":true,"done_reason":"stop","eval_count":10,"eval_duration":100})"
    "\n";

const std::string kAnswerReply =
    R"({"model":"llama3.2","created_at":"2026-08-21T10:15:03Z","message":{"role":"assistant","content":"Sunny."},"done":true,"done_reason":"stop","eval_count":3,"eval_duration":50})"
    "\n";

ochat::test::Reply reply(const std::string& body) {
  ochat::test::Reply r;
  r.pieces = {body};
  return r;
}

ochat::chat::ChatRequest weather_request() {
  ochat::chat::ChatRequest request;
  request.model = "llama3.2";
  request.messages.push_back(ochat::chat::Message::text("user", "Weather in Paris?"));
  request.tools =
      nlohmann::ordered_json::parse(R"([{"type":"function","function":{"name":"get_weather"}}])");
  return request;
}

}  // namespace

TEST_CASE("chat::run_conversation runs the tools the model calls and sends the results back") {
  Fixture f;
  f.transport.queued = {reply(kToolCallReply), reply(kAnswerReply)};
  FakeTools tools;
  const auto result = ochat::chat::run_conversation(f.context(), weather_request(), {&tools, 10});
  CHECK(result.end == TurnResult::End::done);
  CHECK(tools.ran == std::vector<std::string>{R"(get_weather{"city":"Paris"})"});
  REQUIRE(f.transport.requests.size() == 2);
  CHECK(
      f.transport.requests[1].body ==
      R"({"model":"llama3.2","messages":[)"
      R"({"role":"user","content":"Weather in Paris?"},)"
      R"({"role":"assistant","content":"","tool_calls":[{"id":"call_k3j9x0qa","function":{"index":0,"name":"get_weather","arguments":{"city":"Paris"}}}]},)"
      R"({"role":"tool","content":"get_weather ok","tool_name":"get_weather","tool_call_id":"call_k3j9x0qa"}],)"
      R"("tools":[{"type":"function","function":{"name":"get_weather"}}],"stream":true})");
  CHECK(f.sink.calls == std::vector<std::string>{
                            "start:llama3.2@http://127.0.0.1:11434",
                            "flush",
                            "flush",
                            R"(tool_call:call_k3j9x0qa:get_weather:{"city":"Paris"})",
                            "tool_result:call_k3j9x0qa:get_weather:ok:get_weather ok",
                            "flush",
                            "token:Sunny.",
                            "flush",
                            "done:stop",
                        });
  REQUIRE(f.sink.dones.size() == 1);
  CHECK(f.sink.dones[0].stats.generated_tokens == 13);  // both requests counted
  CHECK(f.sink.dones[0].stats.eval_ns == 150);
}

TEST_CASE("chat::run_conversation tells the model about a failed tool") {
  Fixture f;
  f.transport.queued = {reply(kToolCallReply), reply(kAnswerReply)};
  FakeTools tools;
  tools.fail = true;
  ochat::chat::run_conversation(f.context(), weather_request(), {&tools, 10});
  REQUIRE(f.transport.requests.size() == 2);
  CHECK_THAT(
      f.transport.requests[1].body,
      Catch::Contains(
          R"({"role":"tool","content":"no such city","tool_name":"get_weather","tool_call_id":"call_k3j9x0qa"})"));
  CHECK_THAT(f.sink.calls, Catch::VectorContains(std::string(
                               "tool_result:call_k3j9x0qa:get_weather:error:no such city")));
}

TEST_CASE("chat::run_conversation without tools ends at the first reply even if it calls one") {
  Fixture f;
  f.transport.queued = {reply(kToolCallReply)};
  const auto result = ochat::chat::run_conversation(f.context(), weather_request());
  CHECK(result.end == TurnResult::End::done);
  CHECK(f.transport.calls == 1);
  CHECK(f.sink.calls.back() == "done:stop");
}

TEST_CASE("chat::run_conversation stops a model that keeps calling tools after max_rounds") {
  Fixture f;
  f.transport.pieces = {kToolCallReply};  // every reply calls the tool again
  FakeTools tools;
  try {
    ochat::chat::run_conversation(f.context(), weather_request(), {&tools, 3});
    FAIL("no exception");
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::internal);
    CHECK_THAT(e.what(), Catch::Contains("--max-rounds 3"));
  }
  CHECK(f.transport.calls == 3);
  CHECK(tools.ran.size() == 2);
}

TEST_CASE("chat::run_conversation sends a long answer back whole with the tool results") {
  // The reply's text is kept in blocks (chat::TextBuffer); this one spans several.
  std::string stream, text;
  for (int i = 0; i < 150; ++i) {
    const std::string piece =
        std::to_string(i) + ":" + std::string(997, static_cast<char>('a' + i % 26)) + " ";
    text += piece;
    stream +=
        R"({"model":"llama3.2","created_at":"2026-08-21T10:15:02Z","message":{"role":"assistant","content":")" +
        piece + R"("},"done":false})" + "\n";
  }
  REQUIRE(text.size() > 2 * ochat::chat::TextBuffer::kBlockSize);
  Fixture f;
  f.transport.queued = {reply(stream + kToolCallReply), reply(kAnswerReply)};
  FakeTools tools;
  ochat::chat::run_conversation(f.context(), weather_request(), {&tools, 10});
  REQUIRE(f.transport.requests.size() == 2);
  CHECK_THAT(f.transport.requests[1].body,
             Catch::Contains(R"({"role":"assistant","content":")" + text +
                             R"(","tool_calls":[{"id":"call_k3j9x0qa")"));
}

namespace {

// Records what run_conversation keeps; `fail_from`: the appends from this one on throw.
class FakeLog final : public ochat::chat::MessageLog {
 public:
  std::vector<std::pair<ochat::chat::Message, ochat::chat::MessageNote>> kept;
  int fail_from = -1;
  void append(const ochat::chat::Message& message, const ochat::chat::MessageNote& note) override {
    if (fail_from >= 0 && static_cast<int>(kept.size()) >= fail_from)
      throw Error(ErrorKind::internal, "disk full");
    kept.emplace_back(message, note);
  }
};

}  // namespace

TEST_CASE(
    "chat::run_conversation keeps each reply and tool result in the log, in order, before done") {
  Fixture f;
  f.transport.queued = {reply(kToolCallReply), reply(kAnswerReply)};
  FakeTools tools;
  FakeLog log;
  ochat::chat::ConversationOptions options{&tools, 10};
  options.log = &log;
  options.conversation = "/c.jsonl";
  options.earlier_messages = 4;
  ochat::chat::run_conversation(f.context(), weather_request(), options);
  REQUIRE(log.kept.size() == 3);
  CHECK(log.kept[0].first.role == "assistant");
  REQUIRE(log.kept[0].first.tool_calls.size() == 1);
  CHECK(log.kept[0].second.done_reason == "stop");
  CHECK(log.kept[0].second.stats.generated_tokens == 10);
  CHECK(log.kept[1].first.role == "tool");
  CHECK(log.kept[1].first.content == "get_weather ok");
  CHECK(log.kept[1].first.tool_name == "get_weather");
  CHECK(log.kept[1].first.tool_call_id == "call_k3j9x0qa");
  CHECK(log.kept[1].second.duration_ms == 5);
  CHECK(log.kept[2].first.content == "Sunny.");
  CHECK(log.kept[2].second.cut == ochat::chat::Cut::none);
  REQUIRE(f.sink.starts.size() == 1);
  CHECK(f.sink.starts[0].conversation == "/c.jsonl");
  CHECK(f.sink.starts[0].earlier_messages == 4);
}

TEST_CASE("chat::run_conversation keeps an interrupted answer marked as cut") {
  Fixture f;
  f.signal = SIGINT;
  f.transport.pieces = {kHello};
  f.transport.result.outcome = Outcome::cancelled;
  FakeLog log;
  ochat::chat::ConversationOptions options;
  options.log = &log;
  f.transport.queued.clear();
  ochat::chat::ChatRequest request;
  request.model = "llama3.2";
  request.messages.push_back(ochat::chat::Message::text("user", "hi"));
  ochat::chat::run_conversation(f.context(), request, options);
  REQUIRE(log.kept.size() == 1);
  CHECK(log.kept[0].first.content == "Hello");
  CHECK(log.kept[0].second.cut == ochat::chat::Cut::interrupted);
}

TEST_CASE(
    "chat::run_conversation keeps the part of an answer before a stream error, then rethrows") {
  Fixture f;
  f.transport.pieces = {kHello + R"({"error":"boom"})" + "\n"};
  FakeLog log;
  ochat::chat::ConversationOptions options;
  options.log = &log;
  ochat::chat::ChatRequest request;
  request.model = "llama3.2";
  request.messages.push_back(ochat::chat::Message::text("user", "hi"));
  CHECK_THROWS_AS(ochat::chat::run_conversation(f.context(), request, options), Error);
  REQUIRE(log.kept.size() == 1);
  CHECK(log.kept[0].first.content == "Hello");
  CHECK(log.kept[0].second.cut == ochat::chat::Cut::error);
  CHECK(log.kept[0].second.error_kind == ErrorKind::stream);
  CHECK_THAT(log.kept[0].second.error, Catch::Contains("boom"));
}

TEST_CASE("chat::run_conversation keeps nothing when the model said nothing") {
  Fixture f;
  f.transport.status = 500;
  f.transport.pieces = {R"({"error":"no"})"};
  FakeLog log;
  ochat::chat::ConversationOptions options;
  options.log = &log;
  ochat::chat::ChatRequest request;
  request.model = "llama3.2";
  CHECK_THROWS_AS(ochat::chat::run_conversation(f.context(), request, options), Error);
  CHECK(log.kept.empty());
}

TEST_CASE(
    "chat::run_conversation answers the calls that never ran, so that every saved call has a "
    "result") {
  Fixture f;
  f.transport.pieces = {kToolCallReply};
  FakeTools tools;
  FakeLog log;
  ochat::chat::ConversationOptions options{&tools, 1};
  options.log = &log;
  CHECK_THROWS_WITH(ochat::chat::run_conversation(f.context(), weather_request(), options),
                    Catch::Contains("--max-rounds 1"));
  REQUIRE(log.kept.size() == 2);
  CHECK(log.kept[1].first.role == "tool");
  CHECK(log.kept[1].first.tool_call_id == "call_k3j9x0qa");
  CHECK_THAT(log.kept[1].first.content, Catch::StartsWith("The tool was not run: ochat stopped"));
  CHECK(log.kept[1].second.is_error);
  CHECK(tools.ran.empty());
}

TEST_CASE("chat::run_conversation: an append that fails ends the run with its error, before done") {
  Fixture f;
  f.transport.queued = {reply(kAnswerReply)};
  FakeLog log;
  log.fail_from = 0;
  ochat::chat::ConversationOptions options;
  options.log = &log;
  CHECK_THROWS_WITH(ochat::chat::run_conversation(f.context(), weather_request(), options),
                    "disk full");
  CHECK(f.sink.dones.empty());
  CHECK(f.sink.tokens == "Sunny.");
}

TEST_CASE("chat::run_conversation: after an interruption, a failed append is a warning") {
  Fixture f;
  f.signal = SIGTERM;
  f.transport.pieces = {kHello};
  f.transport.result.outcome = Outcome::cancelled;
  FakeLog log;
  log.fail_from = 0;
  std::vector<std::string> warnings;
  ochat::chat::ConversationOptions options;
  options.log = &log;
  options.warn = [&](const std::string& w) { warnings.push_back(w); };
  const auto result = ochat::chat::run_conversation(f.context(), weather_request(), options);
  CHECK(result.end == TurnResult::End::interrupted);
  CHECK(warnings == std::vector<std::string>{"disk full"});
  CHECK(f.sink.calls.back() == "done:interrupted");
}
