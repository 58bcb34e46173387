// Where the prompt comes from: arguments, standard input, or both.
#include <catch2/catch.hpp>

#include "e2e_support.hpp"

using namespace ochat::test;

TEST_CASE("prompt: the arguments are joined by spaces") {
  Ochat ochat;
  auto r = ochat.run({"-m", "echo", "why", "is the", "sky blue?"});
  CHECK(r.exit_code == 0);
  CHECK(r.out == printed("why is the sky blue?"));
}

TEST_CASE("prompt: piped standard input is read when there are no arguments") {
  Ochat ochat;
  RunOptions o;
  o.stdin_data = "line one\nline two\n";
  auto r = ochat.run({"-m", "echo"}, o);
  CHECK(r.exit_code == 0);
  CHECK(r.out == "line one\nline two\n");
}

TEST_CASE("prompt: standard input comes first, then a blank line, then the arguments") {
  Ochat ochat;
  RunOptions o;
  o.stdin_data = "diff --git a b\n";
  auto r = ochat.run({"-m", "echo", "write", "a commit message"}, o);
  CHECK(r.exit_code == 0);
  CHECK(r.out == printed("diff --git a b\n\nwrite a commit message"));
}

TEST_CASE("prompt: '-' reads standard input explicitly") {
  Ochat ochat;
  RunOptions o;
  o.stdin_data = "from stdin";
  auto r = ochat.run({"-m", "echo", "-", "summarise"}, o);
  CHECK(r.exit_code == 0);
  CHECK(r.out == printed("from stdin\n\nsummarise"));
}

TEST_CASE("prompt: stdin that is not a pipe or file (here /dev/null) is not read") {
  Ochat ochat;
  auto r = ochat.run({"-m", "echo", "only args"});  // stdin is /dev/null, a character device
  CHECK(r.exit_code == 0);
  CHECK(r.out == printed("only args"));
}

TEST_CASE("prompt: no prompt at all is a usage error, nothing sent") {
  Ochat ochat;
  auto r = ochat.run({"-m", "echo"});
  CHECK(r.exit_code == 2);
  CHECK(r.out.empty());
  CHECK_THAT(r.err, Catch::StartsWith("ochat: error: no prompt"));
  CHECK(count_lines(r.err) == 1);
  CHECK(ochat.server.requests().empty());
}

TEST_CASE("prompt: no model is a usage error that lists the server's models") {
  Ochat ochat;
  auto r = ochat.run({"hi"});
  CHECK(r.exit_code == 2);
  CHECK(r.out.empty());
  CHECK_THAT(r.err, Catch::StartsWith("ochat: error: no model given"));
  CHECK_THAT(r.err, Catch::Contains("llama3.2:latest"));
  CHECK_THAT(r.err, Catch::Contains("qwen3:8b"));
  CHECK(count_lines(r.err) == 1);
}

TEST_CASE("prompt: bad flags are usage errors with one line on stderr") {
  Ochat ochat;
  for (auto args : std::vector<std::vector<std::string>>{
           {"-m", "text", "--bogus", "hi"},
           {"-m", "text", "--think=loud", "hi"},
           {"-m", "text", "-o", "novalue", "hi"},
           {"-m", "text", "--keep-alive", "soon", "hi"},
           {"-m", "text", "--idle-timeout", "-1", "hi"},
           {"-m", "text", "--format", "/nonexistent/schema.json", "hi"},
           {"-m", "text", "--think", "--no-think", "hi"}}) {
    auto r = ochat.run(args);
    INFO(r.err);
    CHECK(r.exit_code == 2);
    CHECK(r.out.empty());
    CHECK_THAT(r.err, Catch::StartsWith("ochat: error: "));
    CHECK(count_lines(r.err) == 1);
  }
  CHECK(ochat.server.requests().empty());
}

TEST_CASE("prompt: an option given twice counts once, the last one (an alias can be overridden)") {
  Ochat ochat;
  auto r = ochat.run({"-m", "nonexistent", "--host", "127.0.0.1:1", "-m", "text", "--host",
                      ochat.server.url(), "hi"});
  INFO(r.err);
  CHECK(r.exit_code == 0);
  REQUIRE(ochat.server.requests().size() == 1);
  CHECK(ochat.request_body()["model"] == "text");
}

TEST_CASE(
    "prompt: an unknown option is named without its value, with the option it is closest to") {
  Ochat ochat;
  auto r = ochat.run({"-m", "text", "--api-key=sk-secret-42", "hi"});
  CHECK(r.exit_code == 2);
  CHECK(r.out.empty());
  CHECK(
      r.err ==
      "ochat: error: unknown option --api-key (did you mean --api-key-file?); see ochat --help\n");

  r = ochat.run({"-m", "text", "--modle", "x", "--frobnicate", "hi"});
  CHECK(r.exit_code == 2);
  CHECK(r.err ==
        "ochat: error: unknown options --modle, --frobnicate (did you mean --model?); see ochat "
        "--help\n");
  CHECK(ochat.server.requests().empty());
}

TEST_CASE(
    "prompt: --no-stdin leaves standard input alone (a loop's list was eaten as the prompt)") {
  Ochat ochat;
  RunOptions o;
  o.stdin_data = "b.txt\nc.txt\n";  // what is left of the loop's list
  auto r = ochat.run({"-m", "echo", "--no-stdin", "summarise a.txt"}, o);
  CHECK(r.exit_code == 0);
  CHECK(r.out == "summarise a.txt\n");
}

TEST_CASE("prompt: with --no-stdin, `while read f; do ochat ...; done < list` runs once per line") {
  Ochat ochat;
  const std::string loop =
      "printf 'a.txt\\nb.txt\\nc.txt\\n' | while read -r f; do \"$0\" --host " +
      ochat.server.url() + " -m echo --no-stdin \"summarise $f\"; done";
  RunOptions o;
  o.args = {"-c", loop, ochat_binary()};
  auto r = run_process("/bin/sh", o);
  CHECK(r.exit_code == 0);
  CHECK(r.out == "summarise a.txt\nsummarise b.txt\nsummarise c.txt\n");
  CHECK(ochat.server.requests().size() == 3);
}

TEST_CASE("prompt: '-' with --no-stdin is a usage error") {
  Ochat ochat;
  RunOptions o;
  o.stdin_data = "text";
  auto r = ochat.run({"-m", "echo", "--no-stdin", "-"}, o);
  CHECK(r.exit_code == 2);
  check_one_error_line(r);
  CHECK_THAT(r.err, Catch::Contains("--no-stdin"));
  CHECK(ochat.server.requests().empty());
}

TEST_CASE("prompt: --no-stdin without prompt words is the usual no-prompt error") {
  Ochat ochat;
  RunOptions o;
  o.stdin_data = "text";
  auto r = ochat.run({"-m", "echo", "--no-stdin"}, o);
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::StartsWith("ochat: error: no prompt"));
}
