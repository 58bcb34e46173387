// --events: JSON Lines, checked by parsing every line.
#include <catch2/catch.hpp>

#include "e2e_support.hpp"

using namespace ochat::test;
using nlohmann::json;

namespace {

// Every line is an object {"type": string, "data": object}; `done` is last and only once.
void check_envelope(const std::vector<json>& events) {
  REQUIRE_FALSE(events.empty());
  for (const auto& e : events) {
    REQUIRE(e.is_object());
    CHECK(e.size() == 2);
    REQUIRE(e.contains("type"));
    REQUIRE(e["type"].is_string());
    REQUIRE(e.contains("data"));
    CHECK(e["data"].is_object());
  }
  CHECK(events.back()["type"] == "done");
  int dones = 0;
  for (const auto& e : events) dones += e["type"] == "done";
  CHECK(dones == 1);
}

}  // namespace

TEST_CASE("events: start, tokens and done; tokens join to the plain output") {
  Ochat ochat;
  auto plain = ochat.run({"-m", "split", "hi"});
  auto r = ochat.run({"-m", "split", "--events", "hi"});
  CHECK(r.exit_code == 0);
  CHECK(r.err.empty());
  auto events = parse_lines(r.out);
  check_envelope(events);
  CHECK(events.front()["type"] == "start");
  CHECK(events.front()["data"]["schema_version"] == 1);
  CHECK(events.front()["data"]["model"] == "split");
  CHECK(events.front()["data"]["host"] == ochat.server.url());
  CHECK(printed(joined_text(events, "token")) ==
        plain.out);  // the plain output adds a final newline
  CHECK(joined_text(events, "token") == kSplitText);
  const auto& done = events.back()["data"];
  CHECK(done["reason"] == "stop");
  CHECK(done["prompt_tokens"] == kPromptEvalCount);
  CHECK(done["total_duration_ns"] == kTotalDuration);
  CHECK(done["load_duration_ns"] == kLoadDuration);
  CHECK(done["eval_duration_ns"] == kEvalDuration);
}

TEST_CASE("events: thinking events carry the thinking, tokens the answer") {
  Ochat ochat;
  auto r = ochat.run({"-m", "think", "--events", "hi"});
  CHECK(r.exit_code == 0);
  auto events = parse_lines(r.out);
  check_envelope(events);
  CHECK(joined_text(events, "thinking") == kThinkThinking);
  CHECK(joined_text(events, "token") == kThinkContent);
}

TEST_CASE("events: done reason length") {
  Ochat ochat;
  auto r = ochat.run({"-m", "length", "--events", "hi"});
  CHECK(r.exit_code == 0);
  auto events = parse_lines(r.out);
  check_envelope(events);
  CHECK(events.back()["data"]["reason"] == "length");
}

TEST_CASE(
    "events: a failure gives an error event of the matching kind, then done with reason error") {
  Ochat ochat;
  struct Case {
    std::vector<std::string> args;
    const char* kind;
    int status;
  };
  for (const auto& c :
       {Case{{"-m", "midstream-error", "--retries", "0"}, "stream", 5},
        Case{{"-m", "nope"}, "http", 4},
        Case{{"-m", "stall", "--idle-timeout", "0.3"}, "timeout", 124},
        Case{{"-m", "text", "--think=loud"}, "usage", 2}, Case{{"--bogus"}, "usage", 2}}) {
    auto args = c.args;
    args.push_back("--events");
    args.push_back("hi");
    auto r = ochat.run(args);
    INFO(r.out);
    CHECK(r.exit_code == c.status);
    auto events = parse_lines(r.out);
    check_envelope(events);
    REQUIRE(events.size() >= 2);
    const auto& error = events[events.size() - 2];
    CHECK(error["type"] == "error");
    CHECK(error["data"]["kind"] == c.kind);
    CHECK(error["data"]["message"].get<std::string>().size() > 0);
    CHECK(events.back()["data"]["reason"] == "error");
    CHECK(count_lines(r.err) == 1);  // the human line is still on stderr
  }
}

TEST_CASE("events: a mid-stream error keeps the tokens that came before it") {
  Ochat ochat;
  auto r = ochat.run({"-m", "midstream-error", "--retries", "0", "--events", "hi"});
  auto events = parse_lines(r.out);
  check_envelope(events);
  CHECK(joined_text(events, "token") == kMidstreamErrorText);
}

TEST_CASE("events: cannot connect gives kind connect and exit 3") {
  RunOptions o;
  o.args = {"--host", "127.0.0.1:9", "-m", "text", "--events", "hi"};
  auto r = run_process(ochat_binary(), o);
  CHECK(r.exit_code == 3);
  auto events = parse_lines(r.out);
  check_envelope(events);
  CHECK(events[events.size() - 2]["data"]["kind"] == "connect");
}
