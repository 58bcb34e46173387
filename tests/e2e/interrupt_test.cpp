// SIGINT, SIGTERM and a closed stdout: the request is cancelled (the server sees the
// connection close), what arrived stays printed, and the exit status says what happened.
#include <signal.h>

#include <catch2/catch.hpp>

#include "e2e_support.hpp"
#include "reliability.hpp"

using namespace ochat::test;

TEST_CASE(
    "interrupt: SIGINT mid-stream exits 130, keeps the text, and the server sees the disconnect",
    "[reliability]") {
  Ochat ochat;
  RunOptions o;
  o.signal_after = {SIGINT, 9};  // "s0 s1 s2 " is 9 bytes
  auto r = ochat.run({"-m", "slow:50", "hi"}, o);
  CHECK(r.exit_code == 130);
  CHECK(r.out.size() >= 9);
  CHECK(answer_of(r.out).size() < slow_text().size());
  CHECK(slow_text().rfind(answer_of(r.out), 0) == 0);
  CHECK(r.err.empty());
  reliability::record_fault("SIGINT", r, reliability::part_of(r.out, slow_text()));
  REQUIRE(ochat.server.wait_finished(1, std::chrono::seconds(5)));
  CHECK(ochat.server.requests()[0].disconnected_early);
}

TEST_CASE("interrupt: SIGINT in --events mode ends with done reason interrupted") {
  Ochat ochat;
  RunOptions o;
  o.signal_on_text = {SIGINT, "\"type\":\"token\""};
  auto r = ochat.run({"-m", "slow:50", "--events", "hi"}, o);
  CHECK(r.exit_code == 130);
  auto events = parse_lines(r.out);
  REQUIRE(events.size() >= 2);
  CHECK(events.front()["type"] == "start");
  CHECK(events.back()["type"] == "done");
  CHECK(events.back()["data"]["reason"] == "interrupted");
  CHECK(slow_text().rfind(joined_text(events, "token"), 0) == 0);
}

TEST_CASE("interrupt: SIGINT while waiting for the first byte exits 130 at once") {
  Ochat ochat;
  RunOptions o;
  o.signal_at = {SIGINT, std::chrono::milliseconds(1000)};
  auto r = ochat.run({"-m", "stall-headers", "hi"}, o);
  CHECK(r.exit_code == 130);
  CHECK(r.elapsed < std::chrono::seconds(5));
  REQUIRE(ochat.server.wait_finished(1, std::chrono::seconds(5)));
  CHECK(ochat.server.requests()[0].disconnected_early);
}

TEST_CASE("interrupt: SIGTERM is handled the same way and exits 143", "[reliability]") {
  Ochat ochat;
  RunOptions o;
  o.signal_on_text = {SIGTERM, "\"type\":\"token\""};
  auto r = ochat.run({"-m", "slow:50", "--events", "hi"}, o);
  CHECK(r.exit_code == 143);
  auto events = parse_lines(r.out);
  REQUIRE_FALSE(events.empty());
  CHECK(events.back()["data"]["reason"] == "interrupted");
  reliability::record_fault("SIGTERM", r, reliability::events(r.out));
  REQUIRE(ochat.server.wait_finished(1, std::chrono::seconds(5)));
  CHECK(ochat.server.requests()[0].disconnected_early);
}

TEST_CASE("interrupt: a closed stdout (| head -c) cancels the request and exits 0 silently",
          "[reliability]") {
  Ochat ochat;
  RunOptions o;
  o.close_stdout_after = 5;
  auto r = ochat.run({"-m", "slow:20", "hi"}, o);
  CHECK(r.exit_code == 0);
  CHECK(r.err.empty());
  CHECK(r.out == slow_text().substr(0, 5));
  reliability::record_fault("closed stdout", r, reliability::exact(r.out));
  REQUIRE(ochat.server.wait_finished(1, std::chrono::seconds(5)));
  CHECK(ochat.server.requests()[0].disconnected_early);
}

TEST_CASE("interrupt: a closed stdout in --events mode exits 0 silently too") {
  Ochat ochat;
  RunOptions o;
  o.close_stdout_after = 40;
  auto r = ochat.run({"-m", "slow:20", "--events", "hi"}, o);
  CHECK(r.exit_code == 0);
  CHECK(r.err.empty());
}
