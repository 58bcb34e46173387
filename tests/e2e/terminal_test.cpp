// On a terminal: a final newline when the answer lacks one, dimmed thinking unless NO_COLOR,
// and a note while the model loads. (A pty turns "\n" into "\r\n".)
#include <catch2/catch.hpp>

#include "e2e_support.hpp"

using namespace ochat::test;

TEST_CASE("terminal: a final newline is added when the answer lacks one") {
  Ochat ochat;
  RunOptions o;
  o.terminal = true;
  auto r = ochat.run({"-m", "text", "hi"}, o);
  CHECK(r.exit_code == 0);
  CHECK(r.out == std::string(kTextText) + "\r\n");
}

TEST_CASE("terminal: thinking is dimmed, and labelled with NO_COLOR (they looked the same)") {
  Ochat ochat;
  RunOptions o;
  o.terminal = true;
  auto r = ochat.run({"-m", "think", "hi"}, o);
  CHECK(r.exit_code == 0);
  CHECK(r.out == "\x1b[2m" + std::string(kThinkThinking) + "\x1b[0m\r\n" +
                     std::string(kThinkContent) + "\r\n");

  o.env = {{"NO_COLOR", "1"}};
  o.unset_env = {"OLLAMA_HOST", "OCHAT_MODEL"};
  r = ochat.run({"-m", "think", "hi"}, o);
  CHECK(r.out == "Thinking:\r\n" + std::string(kThinkThinking) + "\r\nAnswer:\r\n" +
                     std::string(kThinkContent) + "\r\n");
  CHECK(r.out.find('\x1b') == std::string::npos);
}

TEST_CASE(
    "terminal: with --hide-thinking a thinking model shows 'ochat: thinking...', erased when the "
    "answer starts") {
  Ochat ochat;
  RunOptions o;
  o.terminal = true;
  auto r = ochat.run({"-m", "think", "--hide-thinking", "hi"}, o);
  CHECK(r.exit_code == 0);
  const std::string blank(std::string("ochat: thinking...").size(), ' ');
  CHECK(r.out == "ochat: thinking...\r" + blank + "\r" + std::string(kThinkContent) + "\r\n");
  CHECK(r.out.find(kThinkThinking) == std::string::npos);
  CHECK(r.out.find('\x1b') == std::string::npos);  // no escape sequence: fine with NO_COLOR too
}

TEST_CASE("terminal: --hide-thinking off a terminal writes no indicator") {
  Ochat ochat;
  auto r = ochat.run({"-m", "think", "--hide-thinking", "hi"});
  CHECK(r.exit_code == 0);
  CHECK(r.err.empty());
  CHECK(r.out == std::string(kThinkContent) + "\n");
}

TEST_CASE("terminal: an answer cut by the token limit says so in one line on stderr") {
  Ochat ochat;
  RunOptions o;
  o.terminal = true;
  auto r = ochat.run({"-m", "length", "hi"}, o);
  CHECK(r.exit_code == 0);
  CHECK(r.out ==
        "ab\r\nochat: the answer stopped at the token limit (raise it with -o num_predict=N)\r\n");
  auto plain = ochat.run({"-m", "length", "hi"});  // not a terminal: stdout alone says it all
  CHECK(plain.err.empty());
}

TEST_CASE("terminal: a note says the model may be loading while nothing arrives") {
  Ochat ochat;
  RunOptions o;
  o.terminal = true;
  auto r = ochat.run({"-m", "stall-headers", "--idle-timeout", "5", "hi"}, o);
  CHECK(r.exit_code == 124);
  CHECK_THAT(r.out, Catch::Contains(
                        "ochat: waiting for stall-headers to answer (the model may be loading)"));
}

namespace {
const std::string kWeather = std::string(OCHAT_TEST_PLUGINS) + "/weather";
const std::string kQuestion = "ochat: run tool get_weather {\"city\":\"Paris\"}? [y/N] ";
}  // namespace

TEST_CASE(
    "terminal: the --confirm question comes first, then the progress line (they ran together)") {
  Ochat ochat;
  RunOptions o;
  o.terminal = true;
  o.typed = {{"[y/N] ", "y\n"}};  // the terminal echoes it as "y\r\n"
  auto r = ochat.run({"-m", "tool", "-t", kWeather, "--confirm", "hi"}, o);
  CHECK(r.exit_code == 0);
  CHECK_THAT(r.out, Catch::StartsWith("Let me check.\r\n" + kQuestion + "y\r\n" +
                                      "ochat: tool get_weather {\"city\":\"Paris\"} -> ok ("));
  CHECK_THAT(r.out, Catch::EndsWith("Tool said: weather for {\"city\":\"Paris\"}\r\n"));
  CHECK(r.out.find("-> ochat: run tool") == std::string::npos);
  CHECK(ochat.server.requests().size() == 2);
}

TEST_CASE("terminal: a call declined at the --confirm question is not run and the model is told") {
  Ochat ochat;
  RunOptions o;
  o.terminal = true;
  o.typed = {{"[y/N] ", "n\n"}};
  auto r = ochat.run({"-m", "tool", "-t", kWeather, "--confirm", "hi"}, o);
  CHECK(r.exit_code == 0);
  CHECK_THAT(
      r.out,
      Catch::Contains(kQuestion + "n\r\nochat: tool get_weather {\"city\":\"Paris\"} -> error ("));
  CHECK_THAT(r.out, Catch::Contains("Tool said: The user declined to run this tool call."));
}

TEST_CASE("terminal: Ctrl-C at the --confirm question exits 130 without 'The user declined'") {
  Ochat ochat;
  RunOptions o;
  o.terminal = true;
  o.typed = {{"[y/N] ", "\x03"}};  // the terminal sends SIGINT
  auto r = ochat.run({"-m", "tool", "-t", kWeather, "--confirm", "hi"}, o);
  CHECK(r.exit_code == 130);
  CHECK_THAT(r.out, Catch::Contains(kQuestion));
  CHECK(r.out.find("declined") == std::string::npos);
  CHECK(r.out.find("ochat: tool get_weather") ==
        std::string::npos);  // no progress line: nothing ran
  CHECK(ochat.server.requests().size() == 1);
}
