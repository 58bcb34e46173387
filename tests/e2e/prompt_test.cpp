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
           {"-model", "text", "hi"}}) {
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
    "prompt: --think LEVEL takes a level as the next word, any other word stays the prompt's "
    "(issue 12.4)") {
  // The bug: --think high "why" sent think: true and the prompt "high why".
  Ochat ochat;
  auto r = ochat.run({"-m", "text", "--think", "high", "why"});
  INFO(r.err);
  CHECK(r.exit_code == 0);
  CHECK(ochat.request_body(0)["think"] == "high");
  CHECK(ochat.request_body(0)["messages"].back()["content"] == "why");

  r = ochat.run({"-m", "text", "--think", "why", "not"});
  CHECK(r.exit_code == 0);
  CHECK(ochat.request_body(1)["think"] == true);
  CHECK(ochat.request_body(1)["messages"].back()["content"] == "why not");

  r = ochat.run({"-m", "text", "--think=max", "hi"});
  CHECK(r.exit_code == 0);
  CHECK(ochat.request_body(2)["think"] == "max");

  r = ochat.run({"-m", "text", "--", "--think", "high"});  // after --, words are the prompt's
  CHECK(r.exit_code == 0);
  CHECK_FALSE(ochat.request_body(3).contains("think"));
  CHECK(ochat.request_body(3)["messages"].back()["content"] == "--think high");
}

TEST_CASE(
    "prompt: the later of --think and --no-think counts, so an alias can be overridden (issue "
    "12.6)") {
  Ochat ochat;
  auto r = ochat.run({"-m", "text", "--think", "--no-think", "hi"});
  INFO(r.err);
  CHECK(r.exit_code == 0);
  CHECK(ochat.request_body(0)["think"] == false);

  r = ochat.run({"-m", "text", "--no-think", "--think", "low", "hi"});
  CHECK(r.exit_code == 0);
  CHECK(ochat.request_body(1)["think"] == "low");
  CHECK(ochat.request_body(1)["messages"].back()["content"] == "hi");
}

TEST_CASE("prompt: a long option with one dash is a usage error naming the real one (issue 12.7)") {
  // The bug: -model sim ran the model "odel", -verbose said "unknown option -erbose", -think
  // looked for a plugin named "hink".
  Ochat ochat;
  struct Case {
    std::vector<std::string> args;
    std::string message;
  };
  for (const auto& c :
       {Case{{"-model", "text", "hi"}, "unknown option -model (did you mean --model?)"},
        Case{{"-m", "text", "-verbose", "hi"}, "unknown option -verbose (did you mean --verbose?)"},
        Case{{"-m", "text", "-think", "hi"}, "unknown option -think (did you mean --think?)"},
        Case{{"-m", "text", "-verb", "hi"}, "unknown option -verb (did you mean --verbose?)"},
        Case{{"-m", "text", "-host=x", "hi"}, "unknown option -host (did you mean --host?)"}}) {
    auto r = ochat.run(c.args);
    INFO(r.err);
    CHECK(r.exit_code == 2);
    CHECK(r.out.empty());
    CHECK(r.err ==
          "ochat: error: " + c.message + "; long options take two dashes; see ochat --help\n");
  }
  CHECK(ochat.server.requests().empty());

  // A short option with its value attached, a value that starts with a dash, and words after --
  // are left alone.
  auto r = ochat.run({"-mtext", "-s", "-verbose answers please", "--", "-model"});
  INFO(r.err);
  CHECK(r.exit_code == 0);
  REQUIRE(ochat.server.requests().size() == 1);
  CHECK(ochat.request_body(0)["model"] == "text");
  CHECK(ochat.request_body(0)["messages"][0]["content"] == "-verbose answers please");
  CHECK(ochat.request_body(0)["messages"][1]["content"] == "-model");
}

TEST_CASE("prompt: a repeated -o key sends its last value; only stop collects (issue 12.9)") {
  // The bug: -o temperature=0.2 -o temperature=0.8 sent "temperature":[0.2,0.8].
  Ochat ochat;
  auto r = ochat.run({"-m", "text", "-o", "temperature=0.2", "-o", "temperature=0.8", "-o",
                      "stop=a", "-o", "stop=b", "hi"});
  INFO(r.err);
  CHECK(r.exit_code == 0);
  CHECK(ochat.request_body(0)["options"] ==
        nlohmann::json::parse(R"({"temperature":0.8,"stop":["a","b"]})"));
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

TEST_CASE(
    "prompt: -o values are checked against the options the protocol documents (issue 12.14)") {
  // The bug: -o temperature=abc, -o num_ctx=8k and -o temprature=0.2 were sent as they were.
  Ochat ochat;
  struct Case {
    std::string pair;
    std::string error;
  };
  for (const auto& c :
       {Case{"temperature=abc", "ochat: error: -o temperature takes a number, got 'abc'\n"},
        Case{"num_ctx=8k", "ochat: error: -o num_ctx takes a whole number, got '8k'\n"},
        Case{"temprature=0.2",
             "ochat: error: unknown model option 'temprature' (did you mean temperature?); "
             "to send it anyway: -o '!temprature=0.2'\n"}}) {
    auto r = ochat.run({"-m", "text", "-o", c.pair, "hi"});
    INFO(c.pair);
    CHECK(r.exit_code == 2);
    CHECK(r.out.empty());
    CHECK(r.err == c.error);
  }
  CHECK(ochat.server.requests().empty());

  // The escape sends an option ochat does not know, typed by its text.
  auto r = ochat.run({"-m", "text", "-o", "!mirostat=2", "-o", "num_ctx=8192", "hi"});
  INFO(r.err);
  CHECK(r.exit_code == 0);
  CHECK(ochat.request_body(0)["options"] ==
        nlohmann::json::parse(R"({"mirostat":2,"num_ctx":8192})"));
}

TEST_CASE(
    "prompt: --help shows defaults after the description and the -t search folders (issue 12.18)") {
  // The bugs: "--max-rounds N=10", "--think[=LEVEL] Excludes: --no-think" with the description
  // pushed to the next line, and -t not naming ~/.config/ochat/plugins.
  Ochat ochat;
  auto r = ochat.run({"--help"});
  CHECK(r.exit_code == 0);
  CHECK_THAT(r.out, Catch::Contains("  --max-rounds N                  Most requests sent to the "
                                    "model in one run (default: 10)\n"));
  CHECK_THAT(r.out, !Catch::Contains("N=10"));
  CHECK_THAT(r.out, !Catch::Contains("SECONDS=60"));
  CHECK_THAT(r.out, !Catch::Contains("Excludes"));
  CHECK_THAT(r.out, Catch::Contains(
                        "  --think[=LEVEL]                 Ask the model to think (alone: on);"));
  CHECK_THAT(r.out, Catch::Contains("~/.config/ochat/plugins"));
}
