// --list-models: the server's model names on stdout, one a line, for people and for the shell
// completions; failures as for a chat.
#include <catch2/catch.hpp>

#include "e2e_support.hpp"

using namespace ochat::test;

TEST_CASE(
    "models: --list-models prints the server's models one a line, with no model or prompt needed") {
  Ochat ochat;
  auto r = ochat.run({"--list-models"});
  INFO(r.err);
  CHECK(r.exit_code == 0);
  CHECK(r.out == "qwen3:8b\nllama3.2:latest\n");
  CHECK(r.err.empty());
  REQUIRE(ochat.server.requests().size() == 1);
  CHECK(ochat.server.requests()[0].method == "GET");
  CHECK(ochat.server.requests()[0].path == "/api/tags");
}

TEST_CASE("models: --list-models with --api openai asks GET {base}/models") {
  Ochat ochat;
  RunOptions o;
  o.args = {"--api", "openai", "--host", ochat.server.url() + "/v1", "--list-models"};
  auto r = run_process(ochat_binary(), o);
  INFO(r.err);
  CHECK(r.exit_code == 0);
  CHECK_FALSE(r.out.empty());
  CHECK(r.out.back() == '\n');
  REQUIRE(ochat.server.requests().size() == 1);
  CHECK(ochat.server.requests()[0].path == "/v1/models");
}

TEST_CASE("models: --list-models with no server exits 3 with one error line") {
  RunOptions o;
  o.args = {"--host", "127.0.0.1:" + std::to_string(closed_port()), "--list-models"};
  auto r = run_process(ochat_binary(), o);
  CHECK(r.exit_code == 3);
  CHECK(r.out.empty());
  check_one_error_line(r);
  CHECK_THAT(r.err, Catch::Contains("ollama serve"));
}

TEST_CASE(
    "models: a listing refuses what it would ignore: a prompt, -a, a batch, -i, another "
    "listing") {
  Ochat ochat;
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"--list-models", "hello", "there"}, "--list-models takes no prompt (got 'hello there')"},
      {{"--list-tools", "-a", "/etc/hostname"}, "-a/--attach does not apply to --list-tools"},
      {{"--conversations", "--each"}, "a batch (--each) does not apply to --conversations"},
      {{"--show", "-i"}, "-i/--interactive does not apply to --show"},
      {{"--list-models", "--list-tools"}, "--list-models and --list-tools cannot be used together"},
  };
  for (const auto& [args, message] : cases) {
    INFO(message);
    auto r = ochat.run(args);
    CHECK(r.exit_code == 2);
    CHECK(r.out.empty());
    check_one_error_line(r);
    CHECK_THAT(r.err, Catch::Contains("ochat: error: " + message));
  }
  CHECK(ochat.server.requests().empty());
}
