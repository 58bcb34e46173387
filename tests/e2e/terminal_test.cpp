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

TEST_CASE("terminal: thinking is dimmed, and plain with NO_COLOR") {
  Ochat ochat;
  RunOptions o;
  o.terminal = true;
  auto r = ochat.run({"-m", "think", "hi"}, o);
  CHECK(r.exit_code == 0);
  CHECK(r.out == "\x1b[2m" + std::string(kThinkThinking) + "\x1b[0m\r\n" + std::string(kThinkContent) + "\r\n");

  o.env = {{"NO_COLOR", "1"}};
  o.unset_env = {"OLLAMA_HOST", "OCHAT_MODEL"};
  r = ochat.run({"-m", "think", "hi"}, o);
  CHECK(r.out == std::string(kThinkThinking) + "\r\n" + std::string(kThinkContent) + "\r\n");
}

TEST_CASE("terminal: a note says the model may be loading while nothing arrives") {
  Ochat ochat;
  RunOptions o;
  o.terminal = true;
  auto r = ochat.run({"-m", "stall-headers", "--idle-timeout", "5", "hi"}, o);
  CHECK(r.exit_code == 124);
  CHECK_THAT(r.out, Catch::Contains("ochat: waiting for stall-headers to answer (the model may be loading)"));
}
