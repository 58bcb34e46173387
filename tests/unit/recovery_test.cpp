// chat::run_recovering_turn with a scripted network and a clock that does not sleep.
#include "core/chat/recovery.hpp"

#include <atomic>
#include <catch2/catch.hpp>
#include <csignal>
#include <string>
#include <vector>

#include "core/chat/conversation.hpp"
#include "core/error.hpp"
#include "core/ollama/ollama_backend.hpp"
#include "core/openai/openai_backend.hpp"
#include "fake_clock.hpp"
#include "fake_transport.hpp"
#include "recording_sink.hpp"

using namespace std::chrono_literals;
using ochat::Error;
using ochat::ErrorKind;
using ochat::chat::TurnResult;
using ochat::http::NetFailure;
using ochat::http::Outcome;
using ochat::test::Reply;
using Json = nlohmann::json;

namespace {

std::string line(const std::string& content, const std::string& thinking = "") {
  Json message = {{"role", "assistant"}, {"content", content}};
  if (!thinking.empty()) message["thinking"] = thinking;
  return Json{{"model", "m"}, {"message", message}, {"done", false}}.dump() + "\n";
}
const std::string kDone =
    R"({"model":"m","message":{"role":"assistant","content":""},"done":true,"done_reason":"stop","eval_count":3})"
    "\n";

Reply ok(std::vector<std::string> pieces) {
  Reply r;
  r.pieces = std::move(pieces);
  return r;
}

Reply refused(long status, std::string body,
              std::vector<std::pair<std::string, std::string>> headers = {}) {
  Reply r;
  r.status = status;
  r.pieces = {std::move(body)};
  r.headers = std::move(headers);
  return r;
}

// The pieces, then the connection closed by the server before the reply was complete.
Reply dropped(std::vector<std::string> pieces) {
  Reply r;
  r.pieces = std::move(pieces);
  r.result.outcome = Outcome::broken;
  r.result.failure = NetFailure::dropped;
  r.result.message = "transfer closed with outstanding read data remaining";
  return r;
}

struct Fixture {
  ochat::ollama::OllamaBackend backend{"http://127.0.0.1:11434"};
  ochat::test::FakeTransport transport;
  ochat::test::RecordingSink sink;
  ochat::test::FakeClock clock;
  std::atomic<int> signal{0};
  ochat::chat::ChatRequest request;
  ochat::chat::RecoveryOptions options;
  ochat::http::Timeouts timeouts;

  Fixture() {
    request.model = "m";
    request.messages.push_back(ochat::chat::Message::text("user", "hi"));
    options.policy.retries = 2;
    options.clock = &clock;
    options.random = [] { return 0.5; };  // no jitter: 500 ms, 1000 ms, ...
  }

  TurnResult run() {
    return ochat::chat::run_recovering_turn(
        ochat::chat::TurnContext{backend, transport, sink, timeouts,
                                 ochat::sys::CancelToken{&signal, -1}},
        request, options);
  }

  Error run_expecting(ErrorKind kind) {
    try {
      run();
    } catch (const Error& e) {
      CHECK(e.kind() == kind);
      return e;
    }
    FAIL("run_recovering_turn did not throw");
    return Error(ErrorKind::internal, "unreachable");
  }

  // The messages of the n-th request's body.
  Json messages(std::size_t n) const {
    return Json::parse(transport.requests.at(n).body)["messages"];
  }
};

const std::string kBusy =
    R"({"error":"server busy, please try again.  maximum pending requests exceeded"})";

}  // namespace

TEST_CASE("chat::run_recovering_turn retries a busy server after 0.5 s, then 1 s") {
  Fixture f;
  f.transport.queued = {refused(503, kBusy), refused(503, kBusy), ok({line("Hi") + kDone})};
  const TurnResult r = f.run();
  CHECK(r.end == TurnResult::End::done);
  CHECK(r.retries == 2);
  CHECK_FALSE(r.continued);
  CHECK(f.transport.calls == 3);
  CHECK(f.clock.sleeps == std::vector<std::chrono::milliseconds>{500ms, 1000ms});
  CHECK(f.sink.tokens == "Hi");
  std::vector<std::string> calls;
  for (const auto& c : f.sink.calls)
    if (c != "flush") calls.push_back(c);
  CHECK(calls == std::vector<std::string>{"retry:1/2:server busy (HTTP 503):500ms",
                                          "retry:2/2:server busy (HTTP 503):1000ms", "token:Hi"});
  // The same request each time.
  CHECK(f.transport.requests[0].body == f.transport.requests[2].body);
}

TEST_CASE("chat::run_recovering_turn waits what Retry-After asks for, in seconds or as a date") {
  Fixture f;
  f.transport.queued = {refused(429, R"({"error":"rate limit exceeded"})", {{"Retry-After", "3"}}),
                        refused(503, kBusy, {{"retry-after", "Wed, 21 Oct 2026 07:00:10 GMT"}}),
                        ok({line("Hi") + kDone})};
  f.run();
  // The clock starts at 07:00:00 and the first wait moves it 3 s on: 7 s are left.
  CHECK(f.clock.sleeps == std::vector<std::chrono::milliseconds>{3000ms, 7000ms});
  REQUIRE(f.sink.retries.size() == 2);
  CHECK(f.sink.retries[0].reason == "too many requests (HTTP 429)");
}

TEST_CASE("chat::run_recovering_turn: when the retries run out, the last failure ends it") {
  Fixture f;
  f.transport.status = 503;
  f.transport.pieces = {kBusy};
  const Error e = f.run_expecting(ErrorKind::http);
  CHECK_THAT(e.what(), Catch::Contains("HTTP 503"));
  CHECK(f.transport.calls == 3);  // retries + 1
  CHECK(f.clock.sleeps.size() == 2);
}

TEST_CASE("chat::run_recovering_turn with no retries fails as run_turn does") {
  Fixture f;
  f.options.policy.retries = 0;
  f.transport.queued = {refused(503, kBusy), ok({line("Hi") + kDone})};
  f.run_expecting(ErrorKind::http);
  CHECK(f.transport.calls == 1);
  CHECK(f.clock.sleeps.empty());
}

TEST_CASE(
    "chat::run_recovering_turn never retries other refusals, a refused connection or garbage") {
  SECTION("HTTP 400") {
    Fixture f;
    f.transport.queued = {refused(400, R"({"error":"bad"})")};
    f.run_expecting(ErrorKind::http);
    CHECK(f.transport.calls == 1);
  }
  SECTION("HTTP 500") {
    Fixture f;
    f.transport.queued = {refused(500, R"({"error":"model runner has unexpectedly stopped"})")};
    f.run_expecting(ErrorKind::http);
    CHECK(f.transport.calls == 1);
  }
  SECTION("connection refused") {
    Fixture f;
    Reply r;
    r.status = 0;
    r.result.outcome = Outcome::connect_failed;
    r.result.failure = NetFailure::refused;
    r.result.message = "Couldn't connect to server";
    f.transport.queued = {r};
    f.run_expecting(ErrorKind::connect);
    CHECK(f.transport.calls == 1);
  }
  SECTION("a line that is not JSON") {
    Fixture f;
    f.transport.queued = {ok({line("ok") + "<html>proxy error</html>\n"})};
    f.run_expecting(ErrorKind::stream);
    CHECK(f.transport.calls == 1);
  }
  CHECK(true);
}

TEST_CASE(
    "chat::run_recovering_turn retries a host name that did not resolve and a server that hung "
    "up") {
  Fixture f;
  Reply dns;
  dns.status = 0;
  dns.result.outcome = Outcome::connect_failed;
  dns.result.failure = NetFailure::resolve;
  Reply hung_up;
  hung_up.status = 0;
  hung_up.result.outcome = Outcome::broken;
  hung_up.result.failure = NetFailure::dropped;
  f.transport.queued = {dns, hung_up, ok({line("Hi") + kDone})};
  f.run();
  REQUIRE(f.sink.retries.size() == 2);
  CHECK(f.sink.retries[0].reason == "cannot resolve the server's name");
  CHECK(f.sink.retries[1].reason == "the server closed the connection without replying");
}

TEST_CASE("chat::run_recovering_turn continues an answer whose connection dropped") {
  Fixture f;
  f.transport.queued = {dropped({line("The quick ") + line("brown "), R"({"model":"m","mess)"}),
                        ok({line("fox.") + kDone})};
  const TurnResult r = f.run();
  CHECK(r.end == TurnResult::End::done);
  CHECK(r.continued);
  CHECK(r.retries == 1);
  CHECK(r.reply().content == "The quick brown fox.");
  CHECK(f.sink.tokens == "The quick brown fox.");
  REQUIRE(f.sink.retries.size() == 1);
  CHECK(f.sink.retries[0].continues);
  CHECK(f.sink.retries[0].answer_bytes == 16);
  CHECK(f.sink.retries[0].reason == "the connection broke");
  // The continuation: the request again, with the text so far as a final assistant message.
  const Json first = f.messages(0), second = f.messages(1);
  REQUIRE(second.size() == first.size() + 1);
  CHECK(second[0] == first[0]);
  CHECK(second.back() == Json{{"role", "assistant"}, {"content", "The quick brown "}});
}

TEST_CASE("chat::run_recovering_turn continues after an error reported mid-stream") {
  Fixture f;
  f.transport.queued = {ok({line("partial") + R"({"error":"model runner has unexpectedly stopped"})"
                                              "\n"}),
                        ok({line(" answer") + kDone})};
  const TurnResult r = f.run();
  CHECK(r.reply().content == "partial answer");
  REQUIRE(f.sink.retries.size() == 1);
  CHECK(f.sink.retries[0].reason ==
        "the server reported an error (model runner has unexpectedly stopped)");
}

TEST_CASE(
    "chat::run_recovering_turn continues a stream that ended without its done chunk, and after the "
    "idle timeout") {
  Fixture f;
  Reply idle = ok({line("a")});
  idle.result.outcome = Outcome::timed_out;
  idle.result.timeout = ochat::http::TimeoutKind::idle;
  f.transport.queued = {ok({line("x")}), idle, ok({line("b") + kDone})};
  const TurnResult r = f.run();
  CHECK(r.reply().content == "xab");
  REQUIRE(f.sink.retries.size() == 2);
  CHECK(f.sink.retries[0].reason == "the stream ended before the model finished");
  CHECK(f.sink.retries[1].reason == "the server sent nothing for 600 s");
  CHECK(f.messages(2).back()["content"] == "xa");
}

TEST_CASE("chat::run_recovering_turn stops a model that restarts its answer, printing none of it") {
  Fixture f;
  f.transport.queued = {dropped({line("The quick brown fox ")}),
                        ok({line("The quick "), line("brown fox jumps.") + kDone})};
  const Error e = f.run_expecting(ErrorKind::stream);
  CHECK_THAT(e.what(), Catch::Contains("the model restarted its answer instead of continuing it"));
  CHECK(f.sink.tokens == "The quick brown fox ");
  CHECK(f.transport.calls == 2);  // never retried
}

TEST_CASE("chat::run_recovering_turn: a refused continuation ends with a stream error") {
  Fixture f;
  f.transport.queued = {dropped({line("The quick ")}),
                        refused(400, R"({"error":"cannot continue"})")};
  const Error e = f.run_expecting(ErrorKind::stream);
  CHECK_THAT(e.what(),
             Catch::StartsWith(
                 "the answer could not be continued: the server refused the request (HTTP 400"));
  CHECK_THAT(e.what(), Catch::Contains("cannot continue"));
  CHECK(f.sink.tokens == "The quick ");
}

TEST_CASE("chat::run_recovering_turn retries a busy continuation as a continuation") {
  Fixture f;
  f.transport.queued = {dropped({line("The quick ")}), refused(503, kBusy),
                        ok({line("fox.") + kDone})};
  const TurnResult r = f.run();
  CHECK(r.reply().content == "The quick fox.");
  CHECK(f.messages(1) == f.messages(2));
  REQUIRE(f.sink.retries.size() == 2);
  CHECK(f.sink.retries[1].continues);
}

TEST_CASE("chat::run_recovering_turn restarts a request that broke during the thinking") {
  Fixture f;
  f.transport.queued = {dropped({line("", "Let me") + line("", " think")}),
                        ok({line("", "Let me think.") + line("42") + kDone})};
  const TurnResult r = f.run();
  CHECK(r.reply().content == "42");
  CHECK(r.reply().thinking == "Let me think.");  // the thinking of the request that answered
  CHECK_FALSE(r.continued);
  CHECK(f.messages(0) == f.messages(1));  // asked again from the start
  REQUIRE(f.sink.retries.size() == 1);
  CHECK(f.sink.retries[0].after_thinking);
  CHECK_FALSE(f.sink.retries[0].continues);
  CHECK(f.sink.thoughts == "Let me thinkLet me think.");
}

TEST_CASE("chat::run_recovering_turn drops the tool calls of a reply that broke") {
  Fixture f;
  const std::string call =
      R"({"model":"m","message":{"role":"assistant","content":"","tool_calls":[{"function":{"name":"now","arguments":{}}}]},"done":false})"
      "\n";
  f.transport.queued = {dropped({line("Let me check.") + call}), ok({line(" Done.") + kDone})};
  const TurnResult r = f.run();
  CHECK(r.tool_calls.empty());
  CHECK(r.reply().content == "Let me check. Done.");
  CHECK_FALSE(f.messages(1).back().contains("tool_calls"));
}

TEST_CASE(
    "chat::run_recovering_turn sends at most retries + 1 requests to a server that always breaks") {
  Fixture f;
  f.options.policy.retries = 4;
  for (const char* piece : {"a", "b", "c", "d", "e", "f"})
    f.transport.queued.push_back(dropped({line(piece)}));
  f.run_expecting(ErrorKind::stream);
  CHECK(f.transport.calls == 5);
  CHECK(f.sink.tokens == "abcde");
  CHECK(f.clock.sleeps == std::vector<std::chrono::milliseconds>{500ms, 1000ms, 2000ms, 4000ms});
}

TEST_CASE("chat::run_recovering_turn: a signal during the wait ends it at once as interrupted") {
  Fixture f;
  f.clock.signal_on_sleep = SIGINT;
  f.transport.queued = {dropped({line("partial")}), ok({line(" answer") + kDone})};
  const TurnResult r = f.run();
  CHECK(r.end == TurnResult::End::interrupted);
  CHECK(r.signal == SIGINT);
  CHECK(r.reply().content == "partial");
  CHECK(f.transport.calls == 1);
}

TEST_CASE("chat::run_recovering_turn: --timeout bounds the requests and the waits together") {
  Fixture f;
  f.timeouts.total = 1200ms;
  f.transport.on_perform = [&](int) { f.clock.advance(100ms); };
  f.transport.queued = {refused(503, kBusy), refused(503, kBusy), ok({line("Hi") + kDone})};
  // 100 ms, a wait of 500 ms, 100 ms: the second wait (1 s) would pass the deadline, and the
  // last failure ends the run.
  f.run_expecting(ErrorKind::http);
  CHECK(f.transport.calls == 2);
  CHECK(f.clock.sleeps == std::vector<std::chrono::milliseconds>{500ms});
  // The second request had only what was left of the total.
  CHECK(f.transport.timeouts.total == 600ms);
}

TEST_CASE(
    "chat::run_conversation runs a tool once when the stream broke inside its call (OpenAI)") {
  class Tools final : public ochat::chat::ToolRunner {
   public:
    ochat::chat::ToolOutcome run(const ochat::chat::ToolCall& call,
                                 const ochat::sys::CancelToken&) override {
      names.push_back(call.name);
      return {"sunny", false, false, {}};
    }
    std::vector<std::string> names;
  } tools;
  ochat::openai::OpenAiBackend backend{"http://127.0.0.1:8080/v1", ""};
  ochat::test::FakeTransport transport;
  ochat::test::RecordingSink sink;
  ochat::test::FakeClock clock;
  std::atomic<int> signal{0};
  auto event = [](const std::string& json) { return "data: " + json + "\n\n"; };
  const std::string text =
      event(R"({"choices":[{"index":0,"delta":{"content":"Let me check."}}]})");
  const std::string head = event(
      R"({"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_1","type":"function","function":{"name":"weather","arguments":""}}]}}]})");
  const std::string args = event(
      R"({"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{\"ci"}}]}}]})");
  const std::string rest = event(
      R"({"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"ty\":1}"}}]}}]})");
  const std::string finish =
      event(R"({"choices":[{"index":0,"delta":{},"finish_reason":"tool_calls"}]})");
  const std::string answer =
      event(R"({"choices":[{"index":0,"delta":{"content":"Sunny."},"finish_reason":"stop"}]})");
  transport.queued = {dropped({text + head + args}),
                      ok({head + args + rest + finish + "data: [DONE]\n\n"}),
                      ok({answer + "data: [DONE]\n\n"})};
  ochat::chat::ConversationOptions options;
  options.tools = &tools;
  options.recovery.policy.retries = 2;
  options.recovery.clock = &clock;
  ochat::chat::ChatRequest request;
  request.model = "m";
  request.messages.push_back(ochat::chat::Message::text("user", "weather?"));
  ochat::chat::run_conversation(
      ochat::chat::TurnContext{backend, transport, sink, {}, ochat::sys::CancelToken{&signal, -1}},
      request, options);
  CHECK(tools.names == std::vector<std::string>{"weather"});
  CHECK(sink.tokens == "Let me check.Sunny.");
  REQUIRE(transport.requests.size() == 3);
  const Json second = Json::parse(transport.requests[1].body);
  CHECK(second["messages"].back() == Json{{"role", "assistant"}, {"content", "Let me check."}});
  CHECK(second["continue_final_message"] == true);
  CHECK(second["add_generation_prompt"] == false);
  // The round after the tool: the assistant message with its one call, the one result.
  const Json third = Json::parse(transport.requests[2].body)["messages"];
  REQUIRE(third.size() == 3);
  CHECK(third[1]["content"] == "Let me check.");
  CHECK(third[1]["tool_calls"].size() == 1);
  CHECK(third[2]["role"] == "tool");
}
