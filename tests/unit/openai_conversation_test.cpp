// The backend-neutral conversation loop driven through the OpenAI backend, with a scripted
// transport: the same events as with Ollama, and the follow-up request of a tool round.
#include <atomic>
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "core/chat/conversation.hpp"
#include "core/error.hpp"
#include "core/openai/openai_backend.hpp"
#include "fake_transport.hpp"
#include "recording_sink.hpp"

using ochat::Error;
using ochat::ErrorKind;
using ochat::chat::TurnResult;
using Json = nlohmann::json;

namespace {

class EchoTools final : public ochat::chat::ToolRunner {
 public:
  ochat::chat::ToolOutcome run(const ochat::chat::ToolCall& call,
                               const ochat::sys::CancelToken&) override {
    calls.push_back(call);
    return {call.name + " got " + call.arguments.dump(), false, false, {}};
  }
  std::vector<ochat::chat::ToolCall> calls;
};

struct Fixture {
  ochat::openai::OpenAiBackend backend{"http://127.0.0.1:8080/v1", "sk-test"};
  ochat::test::FakeTransport transport;
  ochat::test::RecordingSink sink;
  EchoTools tools;
  std::atomic<int> signal{0};

  ochat::chat::ConversationResult run(bool with_tools = false) {
    ochat::chat::ChatRequest request;
    request.model = "qwen3";
    request.messages.push_back(ochat::chat::Message::text("user", "hi"));
    ochat::chat::ConversationOptions options;
    if (with_tools) options.tools = &tools;
    return ochat::chat::run_conversation(
        ochat::chat::TurnContext{
            backend, transport, sink, {}, ochat::sys::CancelToken{&signal, -1}},
        request, options);
  }
};

std::string event(std::string_view json) { return "data: " + std::string(json) + "\n\n"; }
std::string content(std::string_view text) {
  return event(R"({"choices":[{"index":0,"delta":{"content":")" + std::string(text) + R"("}}]})");
}
std::string finish(std::string_view reason) {
  return event(R"({"choices":[{"index":0,"delta":{},"finish_reason":")" + std::string(reason) +
               R"("}]})");
}
const std::string kUsage =
    event(R"({"choices":[],"usage":{"prompt_tokens":33,"completion_tokens":4,"total_tokens":37}})");
const std::string kDone = "data: [DONE]\n\n";

Error error_of(Fixture& f) {
  try {
    f.run();
  } catch (const Error& e) {
    return e;
  }
  FAIL("no error");
  return Error(ErrorKind::internal, "");
}

}  // namespace

TEST_CASE("chat::run_conversation over OpenAI gives start, tokens and done with the usage") {
  Fixture f;
  f.transport.pieces = {content("Hello") + content(", world"), finish("stop") + kUsage + kDone};
  const auto result = f.run();
  CHECK(result.end == TurnResult::End::done);
  CHECK(f.sink.calls == std::vector<std::string>{"start:qwen3@http://127.0.0.1:8080/v1", "flush",
                                                 "token:Hello", "token:, world", "flush", "flush",
                                                 "done:stop"});
  REQUIRE(f.sink.dones.size() == 1);
  CHECK(f.sink.dones[0].stats.prompt_tokens == 33);
  CHECK(f.sink.dones[0].stats.generated_tokens == 4);
}

TEST_CASE("chat::run_conversation over OpenAI ends with done reason length") {
  Fixture f;
  f.transport.pieces = {content("a") + finish("length") + kDone};
  f.run();
  CHECK(f.sink.calls.back() == "done:length");
}

TEST_CASE("chat::run_conversation over OpenAI runs the calls and sends the protocol's follow-up") {
  Fixture f;
  const std::string call =
      event(
          R"({"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_a","type":"function","function":{"name":"get_weather","arguments":""}}]}}]})") +
      event(
          R"({"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{\"city\": "}}]}}]})") +
      event(
          R"({"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"\"Paris\"}"}}]}}]})");
  f.transport.queued.push_back(
      {200, {content("Let me check.") + call, finish("tool_calls") + kUsage + kDone}, {}, {}});
  f.transport.queued.push_back(
      {200, {content("Sunny.") + finish("stop") + kUsage + kDone}, {}, {}});
  const auto result = f.run(true);
  CHECK(result.end == TurnResult::End::done);
  REQUIRE(f.tools.calls.size() == 1);
  CHECK(f.tools.calls[0].arguments == nlohmann::ordered_json::parse(R"({"city":"Paris"})"));
  CHECK(f.sink.index_of(R"(tool_call:call_a:get_weather:{"city":"Paris"})") >= 0);
  CHECK(f.sink.tokens == "Let me check.Sunny.");
  REQUIRE(f.transport.requests.size() == 2);
  const Json second = Json::parse(f.transport.requests[1].body);
  CHECK(second["messages"] == Json::parse(R"([
    {"role":"user","content":"hi"},
    {"role":"assistant","content":"Let me check.","tool_calls":[{"id":"call_a","type":"function","function":{"name":"get_weather","arguments":"{\"city\": \"Paris\"}"}}]},
    {"role":"tool","tool_call_id":"call_a","content":"get_weather got {\"city\":\"Paris\"}"}])"));
  REQUIRE(f.sink.dones.size() == 1);
  CHECK(f.sink.dones[0].stats.prompt_tokens == 66);  // both requests
}

TEST_CASE("chat::run_conversation over OpenAI: a stream that stops mid-turn is a stream error") {
  Fixture f;
  f.transport.pieces = {content("partial")};
  const Error e = error_of(f);
  CHECK(e.kind() == ErrorKind::stream);
  CHECK_THAT(e.what(), Catch::Contains("ended before the model finished"));
  CHECK(f.sink.tokens == "partial");
}

TEST_CASE("chat::run_conversation over OpenAI: an error event is a stream error with its message") {
  Fixture f;
  f.transport.pieces = {
      content("partial") +
      event(
          R"({"error":{"code":500,"message":"Context size has been exceeded.","type":"server_error"}})")};
  const Error e = error_of(f);
  CHECK(e.kind() == ErrorKind::stream);
  CHECK_THAT(e.what(), Catch::Contains("Context size has been exceeded."));
}

TEST_CASE("chat::run_conversation over OpenAI: an HTTP error carries the server's message") {
  Fixture f;
  f.transport.status = 401;
  f.transport.pieces = {
      R"({"error":{"message":"Incorrect API key provided","type":"invalid_request_error"}})"};
  const Error e = error_of(f);
  CHECK(e.kind() == ErrorKind::http);
  CHECK_THAT(e.what(), Catch::Contains("HTTP 401 Unauthorized): Incorrect API key provided"));
}

TEST_CASE(
    "chat::run_conversation over OpenAI: a connection failure suggests checking the base URL") {
  Fixture f;
  f.transport.status = 0;
  f.transport.result.outcome = ochat::http::Outcome::connect_failed;
  f.transport.result.message = "Connection refused";
  const Error e = error_of(f);
  CHECK(e.kind() == ErrorKind::connect);
  CHECK_THAT(e.hint(), Catch::Contains("OPENAI_BASE_URL"));
}
