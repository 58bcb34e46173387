#include "core/chat/turn.hpp"

#include <algorithm>
#include <atomic>
#include <catch2/catch.hpp>
#include <csignal>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/ollama/ollama_backend.hpp"
#include "core/ollama/request_builder.hpp"
#include "fake_transport.hpp"
#include "recording_sink.hpp"
#include "stream_splits.hpp"

using namespace std::chrono_literals;
using ochat::Error;
using ochat::ErrorKind;
using ochat::chat::TurnResult;
using ochat::http::Outcome;
using ochat::http::TimeoutKind;

namespace {

std::string content_line(const std::string& content) {
  return R"({"model":"llama3.2","created_at":"2026-08-21T10:15:02.04213Z","message":{"role":"assistant","content":")" +
         content + R"("},"done":false})" + "\n";
}

const std::string kDoneLine =
    R"({"model":"llama3.2","created_at":"2026-08-21T10:15:02.51Z","message":{"role":"assistant","content":""},"done":true,"done_reason":"stop","total_duration":4883583458,"load_duration":1334875,"prompt_eval_count":26,"prompt_eval_duration":342546000,"eval_count":282,"eval_duration":4535599000})"
    "\n";

// Everything one turn needs, with a fake network and a recording sink.
struct Fixture {
  ochat::ollama::OllamaBackend backend{"http://127.0.0.1:11434"};
  ochat::test::FakeTransport transport;
  ochat::test::RecordingSink sink;
  std::atomic<int> signal{0};
  ochat::chat::ChatRequest request;

  Fixture() {
    request.model = "llama3.2";
    request.messages.push_back(ochat::chat::Message::text("user", "hi"));
  }

  ochat::chat::TurnContext context(ochat::http::Timeouts timeouts = {}) {
    return ochat::chat::TurnContext{backend, transport, sink, timeouts,
                                    ochat::sys::CancelToken{&signal, -1}};
  }

  TurnResult run(ochat::http::Timeouts timeouts = {}) {
    return ochat::chat::run_turn(context(timeouts), request);
  }

  // Runs the turn, expecting an ochat::Error of `kind`; returns it.
  Error run_expecting(ErrorKind kind, ochat::http::Timeouts timeouts = {}) {
    try {
      run(timeouts);
    } catch (const Error& e) {
      CHECK(e.kind() == kind);
      return e;
    }
    FAIL("run_turn did not throw");
    return Error(ErrorKind::internal, "unreachable");
  }
};

}  // namespace

TEST_CASE("chat::run_turn streams the reply's text to the sink") {
  Fixture f;
  f.transport.pieces = {content_line("Hello") + content_line(", wor"),
                        content_line("ld!") + kDoneLine};
  const TurnResult r = f.run();
  CHECK(r.end == TurnResult::End::done);
  CHECK(r.done_reason == "stop");
  CHECK(r.stats.generated_tokens == 282);
  CHECK(r.stats.prompt_tokens == 26);
  CHECK(r.reply().content == "Hello, world!");
  CHECK(f.sink.tokens == "Hello, world!");
  // Each network read is flushed once its tokens are in.
  CHECK(f.sink.calls ==
        std::vector<std::string>{"token:Hello", "token:, wor", "flush", "token:ld!", "flush"});
}

TEST_CASE("chat::run_turn gives the same reply whatever the network reads look like") {
  const std::string stream = content_line("Caf\\u00e9 \\u003cb\\u003e") +
                             content_line("\xE4\xBD\xA0\xE5\xA5\xBD") +
                             content_line("\\ud83d\\ude00") + kDoneLine;
  for (const auto& delivery : ochat::test::all_deliveries(stream)) {
    INFO(delivery.name);
    Fixture f;
    for (auto read : delivery.reads) f.transport.pieces.emplace_back(read);
    const TurnResult r = f.run();
    CHECK(r.end == TurnResult::End::done);
    CHECK(r.reply().content == "Caf\xC3\xA9 <b>\xE4\xBD\xA0\xE5\xA5\xBD\xF0\x9F\x98\x80");
    CHECK(f.sink.tokens == r.reply().content);
    CHECK(r.stats.generated_tokens == 282);
  }
}

TEST_CASE("chat::run_turn posts the chat body to host/api/chat") {
  Fixture f;
  f.request.think = std::string("high");
  f.request.options = nlohmann::ordered_json::parse(R"({"temperature":0.2})");
  f.transport.pieces = {kDoneLine};
  ochat::http::Timeouts timeouts;
  timeouts.connect = 1500ms;
  timeouts.idle = 20s;
  timeouts.total = 60s;
  f.run(timeouts);
  CHECK(f.transport.calls == 1);
  CHECK(f.transport.request.method == "POST");
  CHECK(f.transport.request.url == "http://127.0.0.1:11434/api/chat");
  CHECK(f.transport.request.body == ochat::ollama::chat_body(f.request).dump());
  CHECK(
      f.transport.request.body ==
      R"({"model":"llama3.2","messages":[{"role":"user","content":"hi"}],"stream":true,"think":"high","options":{"temperature":0.2}})");
  CHECK(f.transport.timeouts.connect == 1500ms);
  CHECK(f.transport.timeouts.idle == 20s);
  CHECK(f.transport.timeouts.total == 60s);
}

TEST_CASE("chat::run_turn streams thinking and content, including the done chunk's") {
  Fixture f;
  f.transport.pieces = {
      R"({"message":{"role":"assistant","content":"","thinking":"Let me"},"done":false})"
      "\n"
      R"({"message":{"role":"assistant","content":"The","thinking":" see."},"done":false})"
      "\n"
      R"({"message":{"role":"assistant","content":" end."},"done":true,"done_reason":"length"})"
      "\n"};
  const TurnResult r = f.run();
  CHECK(r.done_reason == "length");
  CHECK(r.reply().thinking == "Let me see.");
  CHECK(r.reply().content == "The end.");
  CHECK(f.sink.calls == std::vector<std::string>{"thinking:Let me", "thinking: see.", "token:The",
                                                 "token: end.", "flush"});
}

TEST_CASE(
    "chat::run_turn throws a stream error for a mid-stream error after delivering the earlier "
    "tokens") {
  Fixture f;
  f.transport.pieces = {
      content_line("Partial "),
      content_line("answer") +
          R"({"error":"an error was encountered while running the model: CUDA error"})" + "\n"};
  const Error e = f.run_expecting(ErrorKind::stream);
  CHECK_THAT(e.what(),
             Catch::Contains("an error was encountered while running the model: CUDA error"));
  CHECK(f.sink.tokens == "Partial answer");
  // The tokens decoded before the error were flushed before the error came out.
  const int last_token = f.sink.index_of("token:answer");
  REQUIRE(last_token >= 0);
  REQUIRE(f.sink.calls.size() > static_cast<std::size_t>(last_token) + 1);
  CHECK(f.sink.calls[static_cast<std::size_t>(last_token) + 1] == "flush");
}

TEST_CASE(
    "chat::run_turn throws a stream error for a line that is not JSON after flushing earlier "
    "tokens") {
  Fixture f;
  f.transport.pieces = {content_line("ok") + "<html>Bad Gateway</html>\n"};
  const Error e = f.run_expecting(ErrorKind::stream);
  CHECK_THAT(e.what(), Catch::Contains("<html>Bad Gateway</html>"));
  CHECK(f.sink.calls == std::vector<std::string>{"token:ok", "flush"});
}

TEST_CASE("chat::run_turn throws an http error with the server's message for a 404") {
  Fixture f;
  f.request.model = "llama9";
  f.transport.status = 404;
  f.transport.pieces = {R"({"error":"model 'lla)", R"(ma9' not found"})"};
  const Error e = f.run_expecting(ErrorKind::http);
  CHECK_THAT(e.what(), Catch::Contains("model 'llama9' not found"));
  CHECK_THAT(e.hint(), Catch::Contains("ollama pull llama9"));
  CHECK(f.sink.tokens.empty());
}

TEST_CASE(
    "chat::run_turn throws an http error for an error status with a JSON-lines-looking body") {
  Fixture f;
  f.transport.status = 500;
  f.transport.pieces = {content_line("not a reply")};
  const Error e = f.run_expecting(ErrorKind::http);
  CHECK_THAT(e.what(), Catch::Contains("500"));
  CHECK(f.sink.tokens.empty());
}

TEST_CASE("chat::run_turn throws a stream error when the stream ends without done") {
  Fixture f;
  f.transport.pieces = {content_line("Hello"), content_line(" there")};
  const Error e = f.run_expecting(ErrorKind::stream);
  CHECK_THAT(e.what(), Catch::Contains("ended"));
  CHECK(f.sink.tokens == "Hello there");
}

TEST_CASE("chat::run_turn decodes a final done line without its newline") {
  Fixture f;
  f.transport.pieces = {
      content_line("Hi"),
      R"({"message":{"role":"assistant","content":"!"},"done":true,"done_reason":"stop"})"};
  const TurnResult r = f.run();
  CHECK(r.end == TurnResult::End::done);
  CHECK(r.reply().content == "Hi!");
  CHECK(f.sink.tokens == "Hi!");
  CHECK(f.sink.calls.back() == "flush");
}

TEST_CASE("chat::run_turn ignores what comes after the done chunk in a later read") {
  Fixture f;
  f.transport.pieces = {content_line("Hi") + kDoneLine, content_line("extra"),
                        "junk that is not JSON\n"};
  const TurnResult r = f.run();
  CHECK(r.end == TurnResult::End::done);
  CHECK(r.reply().content == "Hi");
  CHECK(f.sink.tokens == "Hi");
}

TEST_CASE(
    "chat::run_turn ignores junk after the done chunk in the same read (bug: it depended on the "
    "reads)") {
  Fixture f;
  f.transport.pieces = {content_line("Hi") + kDoneLine + "junk that is not JSON\n"};
  const TurnResult r = f.run();
  CHECK(r.end == TurnResult::End::done);
  CHECK(f.sink.tokens == "Hi");
}

TEST_CASE(
    "chat::run_turn accepts a complete reply whose last line lacks its newline when the connection "
    "breaks") {
  Fixture f;
  f.transport.result.outcome = Outcome::broken;
  f.transport.result.message = "Connection reset by peer";
  std::string done = kDoneLine;
  done.pop_back();
  f.transport.pieces = {content_line("Hi") + done};
  const TurnResult r = f.run();
  CHECK(r.end == TurnResult::End::done);
  CHECK(r.reply().content == "Hi");
}

TEST_CASE("chat::run_turn words long timeouts in plain seconds (bug: 1.23e+03 s)") {
  Fixture f;
  f.transport.result.outcome = Outcome::timed_out;
  f.transport.result.timeout = TimeoutKind::total;
  ochat::http::Timeouts t;
  t.total = std::chrono::milliseconds(1234567);
  const Error e = f.run_expecting(ErrorKind::timeout, t);
  CHECK_THAT(e.what(), Catch::Contains("longer than 1234.567 s (--timeout)"));
}

TEST_CASE("chat::run_turn reports a cancelled transfer as interrupted with the signal") {
  Fixture f;
  f.signal = SIGINT;
  f.transport.pieces = {content_line("Partial")};
  f.transport.result.outcome = Outcome::cancelled;
  const TurnResult r = f.run();
  CHECK(r.end == TurnResult::End::interrupted);
  CHECK(r.signal == SIGINT);
  CHECK(r.reply().content == "Partial");
  CHECK(f.sink.calls.back() == "flush");
}

TEST_CASE("chat::run_turn reports a transfer stopped by the sink as output_closed") {
  Fixture f;
  f.sink.flush_result_false_after = 1;  // stdout closes after the first token
  f.transport.pieces = {content_line("one"), content_line("two"), kDoneLine};
  const TurnResult r = f.run();
  CHECK(r.end == TurnResult::End::output_closed);
  CHECK(f.transport.pieces_delivered == 1);  // the transfer stopped at once
  CHECK(f.sink.tokens == "one");
}

TEST_CASE("chat::run_turn reports a transfer that returned stopped as output_closed") {
  Fixture f;
  f.transport.pieces = {content_line("one")};
  f.transport.result.outcome = Outcome::stopped;
  CHECK(f.run().end == TurnResult::End::output_closed);
}

TEST_CASE("chat::run_turn throws a timeout error naming the flag") {
  Fixture f;
  ochat::http::Timeouts timeouts;
  timeouts.connect = 10s;
  timeouts.idle = 1500ms;
  timeouts.total = 30s;
  f.transport.result.outcome = Outcome::timed_out;
  SECTION("idle, before any byte") {
    f.transport.result.timeout = TimeoutKind::idle;
    const Error e = f.run_expecting(ErrorKind::timeout, timeouts);
    CHECK_THAT(e.what(), Catch::Contains("--idle-timeout"));
    CHECK_THAT(e.what(), Catch::Contains("1.5 s"));
    CHECK_THAT(e.hint(), Catch::Contains("--idle-timeout"));
  }
  SECTION("idle, mid-stream") {
    f.transport.result.timeout = TimeoutKind::idle;
    f.transport.pieces = {content_line("Hel")};
    const Error e = f.run_expecting(ErrorKind::timeout, timeouts);
    CHECK_THAT(e.what(), Catch::Contains("--idle-timeout"));
    CHECK(f.sink.tokens == "Hel");
    CHECK(f.sink.calls.back() == "flush");
  }
  SECTION("total") {
    f.transport.result.timeout = TimeoutKind::total;
    f.transport.pieces = {content_line("Hel")};
    const Error e = f.run_expecting(ErrorKind::timeout, timeouts);
    CHECK_THAT(e.what(), Catch::Contains("(--timeout)"));
    CHECK_THAT(e.what(), Catch::Contains("30 s"));
  }
  SECTION("connect") {
    f.transport.status = 0;
    f.transport.result.timeout = TimeoutKind::connect;
    const Error e = f.run_expecting(ErrorKind::timeout, timeouts);
    CHECK_THAT(e.what(), Catch::Contains("--connect-timeout"));
    CHECK_THAT(e.what(), Catch::Contains("http://127.0.0.1:11434"));
    CHECK_THAT(e.what(), Catch::Contains("10 s"));
  }
}

TEST_CASE("chat::run_turn throws a connect error suggesting ollama serve") {
  Fixture f;
  f.transport.status = 0;
  f.transport.result.outcome = Outcome::connect_failed;
  f.transport.result.message = "Connection refused";
  const Error e = f.run_expecting(ErrorKind::connect);
  CHECK_THAT(e.what(), Catch::Contains("http://127.0.0.1:11434"));
  CHECK_THAT(e.what(), Catch::Contains("Connection refused"));
  CHECK_THAT(e.hint(), Catch::Contains("ollama serve"));
}

TEST_CASE("chat::run_turn classifies a broken connection by how far the reply got") {
  Fixture f;
  f.transport.result.outcome = Outcome::broken;
  f.transport.result.message = "Connection reset by peer";
  SECTION("before any byte: connect") {
    f.transport.status = 0;
    const Error e = f.run_expecting(ErrorKind::connect);
    CHECK_THAT(e.what(), Catch::Contains("Connection reset by peer"));
  }
  SECTION("mid-stream: stream") {
    f.transport.pieces = {content_line("Hel")};
    const Error e = f.run_expecting(ErrorKind::stream);
    CHECK_THAT(e.what(), Catch::Contains("Connection reset by peer"));
    CHECK(f.sink.tokens == "Hel");
  }
  SECTION("after the done chunk: done") {
    f.transport.pieces = {content_line("Hello") + kDoneLine};
    const TurnResult r = f.run();
    CHECK(r.end == TurnResult::End::done);
    CHECK(r.reply().content == "Hello");
  }
  SECTION("during an error reply: http") {
    f.transport.status = 503;
    f.transport.pieces = {
        R"({"error":"server busy, please try again.  maximum pending requests exceeded"})"};
    const Error e = f.run_expecting(ErrorKind::http);
    CHECK_THAT(e.what(), Catch::Contains(
                             "server busy, please try again.  maximum pending requests exceeded"));
  }
}

TEST_CASE("chat::run_turn collects tool calls from any chunk, the done chunk included") {
  Fixture f;
  f.transport.pieces = {
      content_line("Let me check.") +
          R"({"model":"llama3.2","created_at":"2026-08-21T10:15:02.1Z","message":{"role":"assistant","content":"","tool_calls":[{"id":"call_k3j9x0qa","function":{"index":0,"name":"get_weather","arguments":{"city":"Paris","unit":"C"}}}]},"done":false})"
          "\n",
      R"({"model":"llama3.2","created_at":"2026-08-21T10:15:02.2Z","message":{"role":"assistant","content":"","tool_calls":[{"id":"call_7fh2k1zz","function":{"index":1,"name":"get_time","arguments":{}}}]},"done":true,"done_reason":"stop"})"
      "\n"};
  const TurnResult r = f.run();
  CHECK(r.end == TurnResult::End::done);
  CHECK(r.done_reason == "stop");
  CHECK(r.reply().content == "Let me check.");
  REQUIRE(r.reply().tool_calls.size() == 2);
  CHECK(r.reply().tool_calls[0].id == "call_k3j9x0qa");
  CHECK(r.reply().tool_calls[0].name == "get_weather");
  CHECK(r.reply().tool_calls[0].arguments.dump() == R"({"city":"Paris","unit":"C"})");
  CHECK(r.reply().tool_calls[1].id == "call_7fh2k1zz");
  CHECK(r.reply().tool_calls[1].name == "get_time");
  CHECK(r.reply().tool_calls[1].arguments.dump() == "{}");
}

TEST_CASE("chat::run_turn gives one notice when the model is slow to answer") {
  Fixture f;
  f.transport.waits = {1000ms, 2000ms, 3000ms, 4000ms, 5000ms};
  f.transport.pieces = {kDoneLine};
  f.run();
  REQUIRE(!f.sink.calls.empty());
  CHECK_THAT(f.sink.calls.front(), Catch::StartsWith("notice:") && Catch::Contains("llama3.2"));
  CHECK(std::count_if(f.sink.calls.begin(), f.sink.calls.end(),
                      [](const std::string& c) { return c.rfind("notice:", 0) == 0; }) == 1);
}
