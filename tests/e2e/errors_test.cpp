// Failures: one line on stderr starting "ochat: ", the documented exit status, and whatever
// was already printed stays printed.
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include "e2e_support.hpp"
#include "reliability.hpp"

using namespace ochat::test;

namespace {}  // namespace

TEST_CASE("errors: server down exits 3 naming the address and ollama serve", "[reliability]") {
  RunOptions o;
  const std::string host = "127.0.0.1:" + std::to_string(closed_port());
  o.args = {"--host", host, "-m", "text", "hi"};
  auto r = run_process(ochat_binary(), o);
  CHECK(r.exit_code == 3);
  CHECK(r.out.empty());
  check_one_error_line(r);
  CHECK_THAT(r.err, Catch::Contains("http://" + host));
  CHECK_THAT(r.err, Catch::Contains("ollama serve"));
  reliability::record_fault("server down", r, reliability::exact(r.out));
}

TEST_CASE("errors: a missing model exits 4 with the server's message and an ollama pull hint") {
  Ochat ochat;
  auto r = ochat.run({"-m", "llama9", "hi"});
  CHECK(r.exit_code == 4);
  CHECK(r.out.empty());
  check_one_error_line(r);
  CHECK_THAT(r.err, Catch::Contains("model 'llama9' not found"));
  CHECK_THAT(r.err, Catch::Contains("ollama pull llama9"));
}

// --retries 0 in these tests: what a fault does when ochat does not recover (see
// recovery_test.cpp).
TEST_CASE("errors: HTTP errors exit 4 with the server's own message", "[reliability]") {
  Ochat ochat;
  struct Case {
    const char* model;
    const char* text;
  };
  for (auto c :
       {Case{"status:400", "does not support tools"},
        Case{"status:500", "model runner has unexpectedly stopped"},
        Case{"status:503", "server busy, please try again.  maximum pending requests exceeded"},
        Case{"status:429", "rate limit exceeded"}, Case{"status:403", "HTTP 403"}}) {
    auto r = ochat.run({"-m", c.model, "--retries", "0", "hi"});
    INFO(c.model);
    CHECK(r.exit_code == 4);
    CHECK(r.out.empty());
    check_one_error_line(r);
    CHECK_THAT(r.err, Catch::Contains(c.text));
    if (c.model == std::string("status:500"))
      reliability::record_fault("HTTP 4xx/5xx", r, reliability::exact(r.out));
  }
}

TEST_CASE("errors: an error line mid-stream exits 5 and keeps the partial answer",
          "[reliability]") {
  Ochat ochat;
  auto r = ochat.run({"-m", "midstream-error", "--retries", "0", "hi"});
  CHECK(r.exit_code == 5);
  CHECK(r.out == printed(kMidstreamErrorText));
  check_one_error_line(r);
  CHECK_THAT(r.err, Catch::Contains(std::string(kMidstreamErrorMessage)));
  reliability::record_fault("mid-stream error, `--retries 0`", r, reliability::exact(r.out));
}

TEST_CASE("errors: a dropped connection exits 5 and keeps the partial answer", "[reliability]") {
  Ochat ochat;
  auto r = ochat.run({"-m", "drop", "--retries", "0", "hi"});
  CHECK(r.exit_code == 5);
  CHECK(r.out == printed("partial"));
  check_one_error_line(r);
  reliability::record_fault("dropped connection, `--retries 0`", r, reliability::exact(r.out));
}

TEST_CASE("errors: a stream that ends without its done chunk exits 5", "[reliability]") {
  Ochat ochat;
  auto r = ochat.run({"-m", "no-done", "--retries", "0", "hi"});
  CHECK(r.exit_code == 5);
  CHECK(r.out == printed("xy"));
  check_one_error_line(r);
  CHECK_THAT(r.err, Catch::Contains("ended before"));
  reliability::record_fault("stream ends without done, `--retries 0`", r,
                            reliability::exact(r.out));
}

TEST_CASE("errors: a line that is not JSON exits 5 quoting it", "[reliability]") {
  Ochat ochat;
  auto r = ochat.run({"-m", "garbage", "hi"});
  CHECK(r.exit_code == 5);
  CHECK(r.out == printed("ok"));
  check_one_error_line(r);
  CHECK_THAT(r.err, Catch::Contains("not JSON"));
  CHECK_THAT(r.err, Catch::Contains("<html>proxy error</html>"));
  reliability::record_fault("garbage line", r, reliability::exact(r.out));
}

TEST_CASE("errors: headers then silence hits the idle timeout, exit 124", "[reliability]") {
  Ochat ochat;
  auto r = ochat.run({"-m", "stall", "--idle-timeout", "0.5", "hi"});
  CHECK(r.exit_code == 124);
  CHECK(r.out.empty());
  check_one_error_line(r);
  CHECK_THAT(r.err, Catch::Contains("idle timeout"));
  reliability::record_fault("stall", r, reliability::exact(r.out));
  REQUIRE(ochat.server.wait_finished(1, std::chrono::seconds(5)));
  CHECK(ochat.server.requests()[0].disconnected_early);
}

TEST_CASE("errors: no headers at all (a model loading) also counts against the idle timeout") {
  Ochat ochat;
  auto r = ochat.run({"-m", "stall-headers", "--idle-timeout", "0.5", "hi"});
  CHECK(r.exit_code == 124);
  check_one_error_line(r);
  CHECK_THAT(r.err, Catch::Contains("idle timeout"));
  CHECK_THAT(r.err, Catch::Contains("--idle-timeout"));
}

TEST_CASE("errors: --timeout bounds the whole reply, keeping what arrived") {
  Ochat ochat;
  auto r = ochat.run({"-m", "slow:50", "--timeout", "1.5", "hi"});
  CHECK(r.exit_code == 124);
  CHECK_FALSE(r.out.empty());
  CHECK(slow_text().rfind(answer_of(r.out), 0) == 0);  // a prefix of the full answer
  check_one_error_line(r);
  CHECK_THAT(r.err, Catch::Contains("total timeout"));
}
