// A reply cut by the token limit (done reason "length"): said so, and a tool call in such a
// reply is never run, with either protocol.
#include <catch2/catch.hpp>

#include "e2e_support.hpp"

using namespace ochat::test;

namespace {

const std::string kWeather = std::string(OCHAT_TEST_PLUGINS) + "/weather";
const std::string kHint =
    "raise the limit with -o num_predict=N (-o max_tokens=N with --api openai)";

// `ochat --api openai --host BASE/v1 args...`.
RunResult run_openai(Ochat& ochat, std::vector<std::string> args, RunOptions o = {}) {
  o.args = {"--api", "openai", "--host", ochat.server.url() + "/v1"};
  o.args.insert(o.args.end(), args.begin(), args.end());
  return run_process(ochat_binary(), o);
}

}  // namespace

TEST_CASE(
    "token limit: a tool call cut by the token limit (Ollama done_reason length) is not run, and "
    "said so") {
  Ochat ochat;
  auto r = ochat.run({"-m", "tool-length", "-t", kWeather, "weather in Paris?"});
  CHECK(r.exit_code == 1);
  CHECK(r.out == "Let me check.\n");
  check_one_error_line(r);
  CHECK(r.err ==
        "ochat: error: the answer hit the token limit while the model was writing a tool call, so "
        "none was run: "
        "get_weather {\"city\":\"Paris\"}; " +
            kHint + "\n");
  CHECK(ochat.server.requests().size() == 1);  // no tool result was sent back

  auto events = ochat.run({"-m", "tool-length", "-t", kWeather, "--events", "weather in Paris?"});
  CHECK(events.exit_code == 1);
  const auto lines = parse_lines(events.out);
  CHECK(find_event(lines, "tool_call") == nullptr);
  CHECK(find_event(lines, "tool_result") == nullptr);
  const auto* error = find_event(lines, "error");
  REQUIRE(error != nullptr);
  CHECK_THAT((*error)["data"]["message"].get<std::string>(),
             Catch::Contains("hit the token limit"));
  REQUIRE_FALSE(lines.empty());
  CHECK(lines.back()["type"] == "done");
  CHECK(lines.back()["data"]["reason"] == "length");
  CHECK(lines.back()["data"]["prompt_tokens"] == kPromptEvalCount);  // the stats are kept
}

TEST_CASE(
    "token limit: a tool call cut mid-arguments (OpenAI finish_reason length) is not run; its "
    "arguments are quoted readably") {
  Ochat ochat;
  auto r = run_openai(ochat, {"-m", "tool-length", "-t", kWeather, "weather in Paris?"});
  CHECK(r.exit_code == 1);
  CHECK(r.out == "Let me check.\n");
  check_one_error_line(r);
  // The arguments text as it came, its newline and indentation as one space; no '?'.
  CHECK(r.err ==
        "ochat: error: the answer hit the token limit while the model was writing a tool call, so "
        "none was run: "
        "get_weather { \"city\": \"S\xC3\xA3o Pa; " +
            kHint + "\n");
  CHECK(ochat.server.requests().size() == 1);

  auto events = run_openai(ochat, {"-m", "tool-length", "-t", kWeather, "--events", "weather?"});
  const auto lines = parse_lines(events.out);
  CHECK(find_event(lines, "tool_call") == nullptr);
  REQUIRE_FALSE(lines.empty());
  CHECK(lines.back()["data"]["reason"] == "length");
}

TEST_CASE("token limit: of two calls in a reply cut by the limit, not even the whole one is run") {
  Ochat ochat;
  // Two tools offered: the fake calls both; the first call's arguments are whole.
  auto r = run_openai(ochat, {"-m", "tool-length", "-t", kWeather, "-t",
                              std::string(OCHAT_TEST_PLUGINS) + "/pair", "--events", "hi"});
  CHECK(r.exit_code == 1);
  const auto lines = parse_lines(r.out);
  CHECK(find_event(lines, "tool_call") == nullptr);
  const auto* error = find_event(lines, "error");
  REQUIRE(error != nullptr);
  CHECK_THAT((*error)["data"]["message"].get<std::string>(),
             Catch::Contains("its tool calls, so none was run: get_weather"));
  CHECK(ochat.server.requests().size() == 1);
}

TEST_CASE("token limit: a plain answer cut by the limit still exits 0 with done reason length") {
  Ochat ochat;
  auto r = ochat.run({"-m", "length", "hi"});
  CHECK(r.exit_code == 0);
  CHECK(r.out == "ab\n");
  CHECK(r.err.empty());  // not a terminal: no note
}
