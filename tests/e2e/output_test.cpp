// What lands on stdout and what happens when it cannot: a failed write is an error (only a
// reader that went away is a quiet end).
#include <signal.h>

#include <catch2/catch.hpp>

#include "e2e_support.hpp"
#include "reliability.hpp"

using namespace ochat::test;

TEST_CASE(
    "output: a write error on stdout (a full disk) is an error, exit 1, and cancels the request",
    "[reliability]") {
  Ochat ochat;
  RunOptions o;
  o.stdout_path = "/dev/full";  // every write fails with ENOSPC
  auto r = ochat.run({"-m", "slow:50", "hi"}, o);
  CHECK(r.exit_code == 1);
  check_one_error_line(r);
  CHECK(r.err == "ochat: error: cannot write to standard output: No space left on device\n");
  reliability::record_fault("stdout write fails (full disk: /dev/full)", r,
                            reliability::exact(r.out));
  REQUIRE(ochat.server.wait_finished(1, std::chrono::seconds(5)));
  CHECK(ochat.server.requests()[0].disconnected_early);
}

TEST_CASE("output: a write error on stdout in --events mode is an error, exit 1, nothing sent") {
  Ochat ochat;
  RunOptions o;
  o.stdout_path = "/dev/full";
  auto r = ochat.run({"-m", "slow:50", "--events", "hi"}, o);
  CHECK(r.exit_code == 1);
  check_one_error_line(r);
  CHECK(r.err == "ochat: error: cannot write to standard output: No space left on device\n");
  CHECK(ochat.server.requests().empty());  // the start event failed: the request never went out
}

TEST_CASE("output: a closed stdout (>&-) is an error (EBADF), exit 1, in text and --events mode") {
  for (const bool events : {false, true}) {
    Ochat ochat;
    RunOptions o;
    o.stdout_closed = true;
    std::vector<std::string> args{"-m", "slow:50", "hi"};
    if (events) args.push_back("--events");
    auto r = ochat.run(args, o);
    INFO("--events: " << events);
    CHECK(r.exit_code == 1);
    check_one_error_line(r);
    CHECK(r.err ==
          "ochat: error: cannot write to standard output: Bad file descriptor; is standard output "
          "closed?\n");
    // The answer went nowhere: not into the connection that took the place of stdout.
    ochat.server.wait_finished(1, std::chrono::seconds(5));
    for (const auto& request : ochat.server.requests()) {
      CHECK(request.disconnected_early);
      CHECK(nlohmann::json::parse(request.body, nullptr, false).is_object());
    }
  }
}

TEST_CASE("output: --version and --help on a full disk exit 1 with the write error") {
  Ochat ochat;
  RunOptions o;
  o.stdout_path = "/dev/full";
  for (const char* flag : {"--version", "--help"}) {
    auto r = ochat.run({flag}, o);
    INFO(flag);
    CHECK(r.exit_code == 1);
    CHECK(r.err == "ochat: error: cannot write to standard output: No space left on device\n");
  }
}

TEST_CASE(
    "output: a final newline is added on a pipe when the answer lacks one, so `while read` sees "
    "the last line") {
  Ochat ochat;
  auto r = ochat.run({"-m", "text", "hi"});
  CHECK(r.exit_code == 0);
  CHECK(r.out == std::string(kTextText) + "\n");
  CHECK(count_lines(r.out) == 1);
  auto again = ochat.run({"-m", "no-newline", "hi"});  // the answer is the done chunk's content
  CHECK(again.out == std::string(kNoNewlineText) + "\n");
}

TEST_CASE("output: no second newline after an answer that ends with one") {
  Ochat ochat;
  RunOptions o;
  o.stdin_data = "line one\nline two\n";  // "echo" answers with the prompt
  auto r = ochat.run({"-m", "echo"}, o);
  CHECK(r.exit_code == 0);
  CHECK(r.out == "line one\nline two\n");
}

TEST_CASE("output: -n/--no-newline prints the answer's exact bytes") {
  Ochat ochat;
  for (const char* flag : {"-n", "--no-newline"}) {
    auto r = ochat.run({"-m", "text", flag, "hi"});
    INFO(flag);
    CHECK(r.exit_code == 0);
    CHECK(r.out == kTextText);
  }
}

TEST_CASE("output: an interrupted or failed answer gets its final newline too") {
  Ochat ochat;
  RunOptions o;
  o.signal_after = {SIGINT, 9};
  auto r = ochat.run({"-m", "slow:50", "hi"}, o);
  CHECK(r.exit_code == 130);
  REQUIRE_FALSE(r.out.empty());
  CHECK(r.out.back() == '\n');
  CHECK(slow_text().rfind(r.out.substr(0, r.out.size() - 1), 0) == 0);
  auto failed = ochat.run({"-m", "midstream-error", "hi"});
  CHECK(failed.exit_code == 5);
  CHECK(failed.out == std::string(kMidstreamErrorText) + "\n");
}

TEST_CASE(
    "output: the added newline is not part of the answer sent back to the model, nor of --events") {
  Ochat ochat;
  auto r = ochat.run({"-m", "tool", "-t", std::string(OCHAT_TEST_PLUGINS) + "/weather", "hi"});
  CHECK(r.exit_code == 0);
  CHECK(r.out == "Let me check.Tool said: weather for {\"city\":\"Paris\"}\n");
  const auto followup = ochat.request_body(1);
  REQUIRE(followup.is_object());
  CHECK(followup["messages"][1]["role"] == "assistant");
  CHECK(followup["messages"][1]["content"] == "Let me check.");

  auto events = ochat.run({"-m", "text", "--events", "hi"});
  CHECK(joined_text(parse_lines(events.out), "token") == kTextText);
}
