// Plain-mode streaming: stdout holds exactly the model's bytes, whatever the chunking.
#include <catch2/catch.hpp>

#include "e2e_support.hpp"
#include "reliability.hpp"

using namespace ochat::test;

TEST_CASE("streaming: text goes to stdout byte for byte, nothing added when piped") {
  Ochat ochat;
  auto r = ochat.run({"-m", "text", "hi"});
  CHECK(r.exit_code == 0);
  CHECK(r.out == printed(kTextText));
  CHECK(r.err.empty());

  auto reqs = ochat.server.requests();
  REQUIRE(reqs.size() == 1);
  CHECK(reqs[0].method == "POST");
  CHECK(reqs[0].path == "/api/chat");
  CHECK(reqs[0].header("Content-Type") == "application/json");
  auto body = ochat.request_body();
  CHECK(body["model"] == "text");
  CHECK(body["stream"] == true);
  CHECK(body["messages"] == nlohmann::json::parse(R"([{"role":"user","content":"hi"}])"));
  CHECK_FALSE(body.contains("options"));
  CHECK_FALSE(body.contains("think"));
}

TEST_CASE("streaming: Go escapes, surrogate pairs and raw UTF-8 are decoded exactly") {
  Ochat ochat;
  auto r = ochat.run({"-m", "escapes", "hi"});
  CHECK(r.exit_code == 0);
  CHECK(r.out == printed(kEscapesText));
}

TEST_CASE("streaming: lines and UTF-8 characters cut across reads survive", "[reliability]") {
  Ochat ochat;
  auto r = ochat.run({"-m", "split", "hi"});
  CHECK(r.exit_code == 0);
  CHECK(r.out == printed(kSplitText));
  CHECK(r.err.empty());
  reliability::record_fault("split UTF-8", r, reliability::exact(r.out));
}

TEST_CASE("streaming: content carried by the done chunk is printed") {
  Ochat ochat;
  auto r = ochat.run({"-m", "done-content", "hi"});
  CHECK(r.exit_code == 0);
  CHECK(r.out == printed(kDoneContentText));
}

TEST_CASE("streaming: a final line without a newline is decoded") {
  Ochat ochat;
  auto r = ochat.run({"-m", "no-newline", "hi"});
  CHECK(r.exit_code == 0);
  CHECK(r.out == printed(kNoNewlineText));
}

TEST_CASE("streaming: many tokens fast arrive complete and in order") {
  Ochat ochat;
  auto r = ochat.run({"-m", "many:200000", "hi"});
  CHECK(r.exit_code == 0);
  CHECK(r.out.size() == many_text(200000).size() + 1);  // and the final newline
  CHECK(r.out == printed(many_text(200000)));
}

TEST_CASE("streaming: thinking goes to stderr, never to stdout") {
  Ochat ochat;
  auto r = ochat.run({"-m", "think", "hi"});
  CHECK(r.exit_code == 0);
  CHECK(r.out == printed(kThinkContent));
  CHECK(r.err == std::string(kThinkThinking) + "\n");  // no escape codes: stderr is not a terminal
}

TEST_CASE("streaming: --hide-thinking drops the thinking") {
  Ochat ochat;
  auto r = ochat.run({"-m", "think", "--hide-thinking", "hi"});
  CHECK(r.exit_code == 0);
  CHECK(r.out == printed(kThinkContent));
  CHECK(r.err.empty());
}

TEST_CASE("streaming: -v prints one stats block on stderr after the answer") {
  Ochat ochat;
  auto r = ochat.run({"-m", "text", "-v", "hi"});
  CHECK(r.exit_code == 0);
  CHECK(r.out == printed(kTextText));
  CHECK_THAT(r.err, Catch::Contains("prompt tokens:    26"));
  CHECK_THAT(r.err, Catch::Contains("generated tokens: 4"));
  CHECK_THAT(r.err, Catch::Contains("eval rate:        0.88 tokens/s"));
  CHECK_THAT(r.err, Catch::Contains("load time:        1.33 ms"));
  CHECK_THAT(r.err, Catch::Contains("total time:       4.88 s"));
  CHECK(count_lines(r.err) == 5);
}

TEST_CASE("streaming: request options reach the server typed") {
  Ochat ochat;
  auto r = ochat.run({"-m", "text", "-s", "be brief", "-o", "temperature=0.2", "-o", "num_ctx=8192",
                      "-o", "stop=END", "-o", "use_mmap=false", "--think=high", "--keep-alive",
                      "5m", "--format", "json", "hi"});
  CHECK(r.exit_code == 0);
  auto body = ochat.request_body();
  CHECK(body["messages"] ==
        nlohmann::json::parse(
            R"([{"role":"system","content":"be brief"},{"role":"user","content":"hi"}])"));
  CHECK(body["options"] ==
        nlohmann::json::parse(
            R"({"temperature":0.2,"num_ctx":8192,"stop":["END"],"use_mmap":false})"));
  CHECK(body["think"] == "high");
  CHECK(body["keep_alive"] == "5m");
  CHECK(body["format"] == "json");
}

TEST_CASE("streaming: --no-think sends think false; --keep-alive 0 sends a number") {
  Ochat ochat;
  auto r = ochat.run({"-m", "text", "--no-think", "--keep-alive", "0", "hi"});
  CHECK(r.exit_code == 0);
  auto body = ochat.request_body();
  CHECK(body["think"] == false);
  CHECK(body["keep_alive"] == 0);
}

TEST_CASE("streaming: OLLAMA_HOST and OCHAT_MODEL are used when no flags are given") {
  FakeOllama server;
  RunOptions o;
  o.args = {"hi"};
  o.env = {{"OLLAMA_HOST", "127.0.0.1:" + std::to_string(server.port())}, {"OCHAT_MODEL", "text"}};
  auto r = run_process(ochat_binary(), o);
  CHECK(r.exit_code == 0);
  CHECK(r.out == printed(kTextText));
}
