// Recovery of broken streams (see chat::run_recovering_turn): a busy server is asked again after
// a wait; an answer whose stream broke is continued, its text printed exactly once; a model that
// starts again instead of continuing is stopped. Both protocols, against the fake server's
// recovery scenarios (tests/support/fake_ollama.cpp, fake_openai.cpp).
#include <signal.h>

#include <catch2/catch.hpp>
#include <regex>

#include "e2e_support.hpp"
#include "fake_openai.hpp"
#include "reliability.hpp"

using namespace ochat::test;
using nlohmann::json;

namespace {

// The fake server, spoken to with --api ollama (the default) or --api openai.
struct Server {
  FakeOllama server;
  bool openai = false;

  RunResult run(std::vector<std::string> args, RunOptions options = {}) {
    options.args = {"--host", openai ? server.url() + "/v1" : server.url()};
    if (openai) options.args.insert(options.args.begin(), {"--api", "openai"});
    options.args.insert(options.args.end(), args.begin(), args.end());
    options.unset_env.push_back("OCHAT_RETRIES");
    return run_process(ochat_binary(), options);
  }

  std::size_t requests() const { return server.requests().size(); }

  json body(std::size_t n) const {
    const auto reqs = server.requests();
    if (n >= reqs.size()) return nullptr;
    return json::parse(reqs[n].body, nullptr, false);
  }
};

// The lines of `text`, without their '\n'.
std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start < text.size()) {
    auto nl = text.find('\n', start);
    if (nl == std::string::npos) nl = text.size();
    out.push_back(text.substr(start, nl - start));
    start = nl + 1;
  }
  return out;
}

// A retry notice: "ochat: WHAT; retrying in 0.5 s (1 of 2)" and its continuing and restarting
// forms.
bool is_notice(const std::string& line, const std::string& what, int attempt, int of) {
  const std::regex notice("ochat: (.*) in ([0-9]+\\.[0-9]) s \\(([0-9]+) of ([0-9]+)\\)");
  std::smatch m;
  if (!std::regex_match(line, m, notice)) return false;
  return m[1] == what && std::stoi(m[3]) == attempt && std::stoi(m[4]) == of;
}

double notice_delay(const std::string& line) {
  const std::regex notice(".* in ([0-9]+\\.[0-9]) s \\([0-9]+ of [0-9]+\\)");
  std::smatch m;
  return std::regex_match(line, m, notice) ? std::stod(m[1]) : -1.0;
}

const json* last_message(const json& body) {
  if (!body.is_object() || !body.contains("messages") || body["messages"].empty()) return nullptr;
  return &body["messages"].back();
}

}  // namespace

// ---- Before the answer: retried ----

TEST_CASE("recovery: a busy server (503) is asked again after 0.5 s and 1 s", "[reliability]") {
  Server s;
  auto r = s.run({"-m", "busy:2", "hi"});
  CHECK(r.exit_code == 0);
  CHECK(r.out == printed("Hello, world!"));
  const auto err = lines(r.err);
  REQUIRE(err.size() == 2);
  CHECK(is_notice(err[0], "server busy (HTTP 503); retrying", 1, 2));
  CHECK(is_notice(err[1], "server busy (HTTP 503); retrying", 2, 2));
  // Half a second, then one, each with up to a quarter of jitter either way.
  CHECK(notice_delay(err[0]) >= 0.3);
  CHECK(notice_delay(err[0]) <= 0.7);
  CHECK(notice_delay(err[1]) >= 0.7);
  CHECK(notice_delay(err[1]) <= 1.3);
  CHECK(s.requests() == 3);
  CHECK(s.server.requests()[0].body == s.server.requests()[2].body);
  reliability::record_fault("server busy (HTTP 503), then free", r, reliability::exact(r.out));
}

TEST_CASE("recovery: Retry-After sets the wait (503 and 429)") {
  for (const char* model : {"busy-retry-after:1", "rate-limit:1"}) {
    Server s;
    INFO(model);
    auto r = s.run({"-m", model, "hi"});
    CHECK(r.exit_code == 0);
    CHECK(r.out == printed("Hello, world!"));
    const std::string what =
        model[0] == 'b' ? "server busy (HTTP 503)" : "too many requests (HTTP 429)";
    CHECK(r.err == "ochat: " + what + "; retrying in 1.0 s (1 of 2)\n");
    CHECK(s.requests() == 2);
  }
}

TEST_CASE("recovery: a server busy every time ends with its refusal after retries + 1 requests",
          "[reliability]") {
  Server s;
  auto r = s.run({"-m", "busy:9", "hi"});
  CHECK(r.exit_code == 4);
  CHECK(r.out.empty());
  const auto err = lines(r.err);
  REQUIRE(err.size() == 3);
  CHECK(is_notice(err[0], "server busy (HTTP 503); retrying", 1, 2));
  CHECK(is_notice(err[1], "server busy (HTTP 503); retrying", 2, 2));
  CHECK(err[2] ==
        "ochat: error: the server refused the request (HTTP 503 Service Unavailable): server busy, "
        "please try "
        "again.  maximum pending requests exceeded; the server is busy; try again later");
  CHECK(s.requests() == 3);
  reliability::record_fault("server always busy", r, reliability::exact(r.out));
}

TEST_CASE("recovery: --retries and OCHAT_RETRIES set how many requests are sent again") {
  Server s;
  auto none = s.run({"-m", "busy:9", "--retries", "0", "hi"});
  CHECK(none.exit_code == 4);
  check_one_error_line(none);  // today's behaviour: one request, one line
  CHECK(s.requests() == 1);

  RunOptions one;
  one.env = {{"OCHAT_RETRIES", "1"}};
  auto r = s.run({"-m", "busy:9", "hi"}, one);
  CHECK(r.exit_code == 4);
  CHECK(lines(r.err).size() == 2);
  CHECK(s.requests() == 3);

  auto flag_wins = s.run({"-m", "busy:9", "--retries", "0", "hi"}, one);
  CHECK(flag_wins.exit_code == 4);
  CHECK(s.requests() == 4);

  RunOptions bad;
  bad.env = {{"OCHAT_RETRIES", "lots"}};
  auto usage = s.run({"-m", "text", "hi"}, bad);
  CHECK(usage.exit_code == 2);
  CHECK_THAT(usage.err, Catch::Contains("OCHAT_RETRIES takes a number from 0 to 100, got 'lots'"));
  CHECK(s.run({"-m", "text", "--retries", "101", "hi"}).exit_code == 2);
  CHECK(s.requests() == 4);
}

TEST_CASE("recovery: a server that hangs up before replying is asked again, then exit 3",
          "[reliability]") {
  Server s;
  auto r = s.run({"-m", "hang-up", "--retries", "1", "hi"});
  CHECK(r.exit_code == 3);
  const auto err = lines(r.err);
  REQUIRE(err.size() == 2);
  CHECK(is_notice(err[0], "the server closed the connection without replying; retrying", 1, 1));
  CHECK_THAT(err[1], Catch::StartsWith("ochat: error: the server at http://127.0.0.1:"));
  CHECK_THAT(err[1], Catch::Contains("closed the connection without replying"));
  CHECK(s.requests() == 2);
  reliability::record_fault("server hangs up before replying", r, reliability::exact(r.out));
}

TEST_CASE("recovery: a refused connection is never retried") {
  RunOptions o;
  const std::string host = "127.0.0.1:" + std::to_string(closed_port());
  o.args = {"--host", host, "-m", "text", "--retries", "5", "hi"};
  auto r = run_process(ochat_binary(), o);
  CHECK(r.exit_code == 3);
  check_one_error_line(r);
  CHECK_THAT(r.err, Catch::Contains("ollama serve"));
}

TEST_CASE("recovery: SIGINT during the wait exits 130 at once") {
  Server s;
  RunOptions o;
  o.signal_on_text = {SIGINT, "\"type\":\"retry\""};
  auto r = s.run({"-m", "busy-long", "--events", "hi"}, o);  // Retry-After: 60
  CHECK(r.exit_code == 130);
  CHECK_FALSE(r.timed_out);  // the wait of 60 s did not run out: the signal ended it
  const auto events = parse_lines(r.out);
  REQUIRE(events.size() >= 2);
  CHECK(events.back()["data"]["reason"] == "interrupted");
  CHECK(s.requests() == 1);
}

TEST_CASE(
    "recovery: --timeout bounds the waits too: a wait past it ends the run with the last failure") {
  Server s;
  auto r = s.run({"-m", "busy-long", "--timeout", "5", "hi"});  // Retry-After: 60
  CHECK(r.exit_code == 4);
  check_one_error_line(r);
  CHECK_THAT(r.err, Catch::Contains("HTTP 503"));
  CHECK(s.requests() == 1);
}

// ---- After part of the answer: continued ----

TEST_CASE("recovery: a dropped connection is continued, the answer printed exactly once",
          "[reliability]") {
  for (bool openai : {false, true}) {
    Server s;
    s.openai = openai;
    INFO((openai ? "openai" : "ollama"));
    auto r = s.run({"-m", "drop-once", "hi"});
    CHECK(r.exit_code == 0);
    CHECK(r.out == printed(kContinueText));
    const auto err = lines(r.err);
    REQUIRE(err.size() == 1);
    CHECK(is_notice(err[0], "the connection broke after 16 bytes of the answer; continuing it", 1,
                    2));
    REQUIRE(s.requests() == 2);
    // The continuation is the request again with the text so far as a final assistant message.
    const json first = s.body(0), second = s.body(1);
    REQUIRE(second["messages"].size() == first["messages"].size() + 1);
    CHECK(*last_message(second) == json{{"role", "assistant"}, {"content", "The quick brown "}});
    if (openai) {
      CHECK(second["continue_final_message"] == true);
    } else {
      reliability::record_fault("dropped connection", r, reliability::exact(r.out));
    }
  }
}

TEST_CASE("recovery: with -n, stdout is the answer's exact bytes, continuation included") {
  Server s;
  auto r = s.run({"-m", "cut-utf8", "-n", "hi"});
  CHECK(r.exit_code == 0);
  CHECK(r.out == kCutUtf8Text);
  CHECK(s.requests() == 2);
}

TEST_CASE(
    "recovery: --retries 0 keeps a dropped connection as it was: exit 5, the partial answer") {
  Server s;
  auto r = s.run({"-m", "drop-once", "--retries", "0", "hi"});
  CHECK(r.exit_code == 5);
  CHECK(r.out == printed("The quick brown "));
  check_one_error_line(r);
  CHECK(s.requests() == 1);
}

TEST_CASE("recovery: an error reported mid-stream is continued", "[reliability]") {
  for (bool openai : {false, true}) {
    Server s;
    s.openai = openai;
    INFO((openai ? "openai" : "ollama"));
    auto r = s.run({"-m", "error-once", "hi"});
    CHECK(r.exit_code == 0);
    CHECK(r.out == printed(kContinueText));
    const auto err = lines(r.err);
    REQUIRE(err.size() == 1);
    const std::string message(openai ? kOpenAiMidstreamMessage : kMidstreamErrorMessage);
    CHECK(is_notice(err[0],
                    "the server reported an error (" + message +
                        ") after 16 bytes of the answer; continuing it",
                    1, 2));
    CHECK(s.requests() == 2);
    if (!openai) reliability::record_fault("mid-stream error", r, reliability::exact(r.out));
  }
}

TEST_CASE("recovery: the idle timeout in the middle of an answer is continued") {
  Server s;
  auto r = s.run({"-m", "stall-once:2", "--idle-timeout", "0.5", "hi"});
  CHECK(r.exit_code == 0);
  CHECK(r.out == printed(kContinueText));
  const auto err = lines(r.err);
  REQUIRE(err.size() == 1);
  CHECK(is_notice(err[0],
                  "the server sent nothing for 0.5 s after 10 bytes of the answer; continuing it",
                  1, 2));
  REQUIRE(s.server.wait_finished(2, std::chrono::seconds(5)));
  CHECK(s.server.requests()[0].disconnected_early);
}

TEST_CASE("recovery: a break inside a UTF-8 character prints no half of it and loses nothing",
          "[reliability]") {
  for (bool openai : {false, true}) {
    Server s;
    s.openai = openai;
    INFO((openai ? "openai" : "ollama"));
    auto r = s.run({"-m", "cut-utf8", "hi"});
    CHECK(r.exit_code == 0);
    CHECK(r.out == printed(kCutUtf8Text));
    REQUIRE(s.requests() == 2);
    CHECK((*last_message(s.body(1)))["content"] == "Caf\xC3\xA9 au lait: ");
    if (!openai)
      reliability::record_fault("break inside a UTF-8 character", r, reliability::exact(r.out));
  }
}

TEST_CASE("recovery: --events shows each retry, and done counts them") {
  for (bool openai : {false, true}) {
    Server s;
    s.openai = openai;
    INFO((openai ? "openai" : "ollama"));
    auto r = s.run({"-m", "drop-once", "--events", "hi"});
    CHECK(r.exit_code == 0);
    const auto events = parse_lines(r.out);
    CHECK(joined_text(events, "token") == kContinueText);
    const json* retry = find_event(events, "retry");
    REQUIRE(retry != nullptr);
    const json& data = (*retry)["data"];
    CHECK(data["attempt"] == 1);
    CHECK(data["retries"] == 2);
    CHECK(data["reason"] == "the connection broke");
    CHECK(data["continues"] == true);
    CHECK(data["answer_bytes"] == 16);
    CHECK(data["delay_ms"].get<int>() >= 375);
    CHECK(data["delay_ms"].get<int>() <= 625);
    CHECK(find_event(events, "retry", 1) == nullptr);
    CHECK(events.back()["type"] == "done");
    CHECK(events.back()["data"]["reason"] == "stop");
    CHECK(events.back()["data"]["retries"] == 1);
    CHECK(r.err.empty());
  }
  Server s;
  auto r = s.run({"-m", "busy:1", "--events", "hi"});
  const auto events = parse_lines(r.out);
  const json* retry = find_event(events, "retry");
  REQUIRE(retry != nullptr);
  CHECK((*retry)["data"]["continues"] == false);
  CHECK_FALSE((*retry)["data"].contains("answer_bytes"));
  CHECK(events.back()["data"]["retries"] == 1);
  auto clean = parse_lines(s.run({"-m", "text", "--events", "hi"}).out);
  CHECK_FALSE(clean.back()["data"].contains("retries"));
}

TEST_CASE("recovery: a break during the thinking asks again from the start", "[reliability]") {
  for (bool openai : {false, true}) {
    Server s;
    s.openai = openai;
    INFO((openai ? "openai" : "ollama"));
    auto r = s.run({"-m", "think-break", "hi"});
    CHECK(r.exit_code == 0);
    CHECK(r.out == printed(openai ? kOpenAiThinkingAnswer : kThinkContent));
    const auto err = lines(r.err);
    REQUIRE(err.size() == 3);
    CHECK(err[0] == "Let me think");  // the thinking shown before the break stays
    CHECK(is_notice(
        err[1], "the connection broke during the model's thinking; restarting the request", 1, 2));
    CHECK(err[2] == (openai ? std::string(kOpenAiThinking) : std::string(kThinkThinking)));
    REQUIRE(s.requests() == 2);
    CHECK(s.body(0) == s.body(1));  // the same request: nothing to continue
    if (!openai)
      reliability::record_fault("break during the thinking", r, reliability::exact(r.out));
  }
}

TEST_CASE(
    "recovery: a model that starts its answer again is stopped, and the restart never printed",
    "[reliability]") {
  for (bool openai : {false, true}) {
    Server s;
    s.openai = openai;
    INFO((openai ? "openai" : "ollama"));
    auto r = s.run({"-m", "restart", "hi"});
    CHECK(r.exit_code == 5);
    CHECK(r.out == printed("The quick brown "));
    const auto err = lines(r.err);
    REQUIRE(err.size() == 2);
    CHECK_THAT(err[1], Catch::StartsWith(
                           "ochat: error: the model restarted its answer instead of continuing it; "
                           "the answer is cut after 16 bytes"));
    CHECK(s.requests() == 2);  // never asked a third time
    if (!openai)
      reliability::record_fault("model restarts instead of continuing", r,
                                reliability::exact(r.out));
    auto events = parse_lines(s.run({"-m", "restart", "--events", "hi"}).out);
    CHECK(joined_text(events, "token") == "The quick brown ");
    const json* error = find_event(events, "error");
    REQUIRE(error != nullptr);
    CHECK((*error)["data"]["kind"] == "stream");
    CHECK_THAT((*error)["data"]["message"].get<std::string>(),
               Catch::Contains("restarted its answer"));
  }
}

TEST_CASE("recovery: a refused continuation exits 5 saying the answer could not be continued",
          "[reliability]") {
  for (bool openai : {false, true}) {
    Server s;
    s.openai = openai;
    INFO((openai ? "openai" : "ollama"));
    auto r = s.run({"-m", "refuse-continuation", "hi"});
    CHECK(r.exit_code == 5);
    CHECK(r.out == printed("The quick brown "));
    const auto err = lines(r.err);
    REQUIRE(err.size() == 2);
    CHECK_THAT(err[1], Catch::StartsWith(
                           "ochat: error: the answer could not be continued: the server refused "
                           "the request (HTTP 400 Bad Request): "));
    CHECK_THAT(
        err[1],
        Catch::Contains(openai ? "Assistant response prefill is incompatible with enable_thinking."
                               : "fake: this model cannot continue a message"));
    CHECK(s.requests() == 2);
    if (!openai) reliability::record_fault("continuation refused", r, reliability::exact(r.out));
  }
}

TEST_CASE("recovery: a server that breaks every stream ends the run after the retries",
          "[reliability]") {
  for (bool openai : {false, true}) {
    Server s;
    s.openai = openai;
    INFO((openai ? "openai" : "ollama"));
    auto r = s.run({"-m", "drop-always", "hi"});
    CHECK(r.exit_code == 5);
    CHECK(r.out == printed("The quick brown fox "));  // each piece once
    const auto err = lines(r.err);
    REQUIRE(err.size() == 3);
    CHECK(is_notice(err[0], "the connection broke after 10 bytes of the answer; continuing it", 1,
                    2));
    CHECK(is_notice(err[1], "the connection broke after 16 bytes of the answer; continuing it", 2,
                    2));
    CHECK_THAT(
        err[2],
        Catch::StartsWith(
            "ochat: error: the connection to the server broke before the reply was complete"));
    CHECK(s.requests() == 3);
    if (!openai) reliability::record_fault("every stream breaks", r, reliability::exact(r.out));
  }
  Server s;
  auto r = s.run({"-m", "drop-always", "--retries", "4", "hi"});
  CHECK(r.exit_code == 5);
  CHECK(r.out == printed("The quick brown fox jumps over "));
  CHECK(s.requests() == 5);
}

TEST_CASE("recovery: a break inside OpenAI tool-call deltas drops the call and runs it once",
          "[reliability]") {
  Server s;
  s.openai = true;
  auto r = s.run(
      {"-m", "tool-break", "-t", std::string(OCHAT_TEST_PLUGINS) + "/weather", "--events", "hi"});
  CHECK(r.exit_code == 0);
  const auto events = parse_lines(r.out);
  CHECK(find_event(events, "tool_call") != nullptr);
  CHECK(find_event(events, "tool_call", 1) == nullptr);  // run once
  CHECK(find_event(events, "tool_result", 1) == nullptr);
  CHECK_THAT(joined_text(events, "token"), Catch::StartsWith("Let me check.Tool said: "));
  REQUIRE(s.requests() == 3);
  CHECK(*last_message(s.body(1)) == json{{"role", "assistant"}, {"content", "Let me check."}});
  // The round after the tool sends the assistant's message with one call, and one result.
  const json third = s.body(2)["messages"];
  REQUIRE(third.size() == 3);
  CHECK(third[1]["content"] == "Let me check.");
  CHECK(third[1]["tool_calls"].size() == 1);
  CHECK(third[2]["role"] == "tool");
  reliability::record_fault("OpenAI: break inside tool-call deltas", r, reliability::events(r.out));
}
