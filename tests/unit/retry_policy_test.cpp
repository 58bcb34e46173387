#include "core/chat/retry_policy.hpp"

#include <catch2/catch.hpp>

using namespace std::chrono_literals;
using ochat::chat::ExchangeEnd;
using ochat::chat::retry_reason;
using ochat::chat::RetryPolicy;
using ochat::http::NetFailure;
using ochat::http::Outcome;
using ochat::http::Result;
using ochat::http::TimeoutKind;
using std::chrono::milliseconds;

namespace {

Result result(Outcome outcome, NetFailure failure = NetFailure::other,
              TimeoutKind timeout = TimeoutKind::none) {
  Result r;
  r.outcome = outcome;
  r.failure = failure;
  r.timeout = timeout;
  return r;
}

}  // namespace

TEST_CASE("chat::RetryPolicy doubles the wait from half a second, with a jitter of a quarter") {
  const RetryPolicy policy;
  CHECK(policy.delay(1, std::nullopt, 0.5) == 500ms);
  CHECK(policy.delay(2, std::nullopt, 0.5) == 1000ms);
  CHECK(policy.delay(3, std::nullopt, 0.5) == 2000ms);
  CHECK(policy.delay(1, std::nullopt, 0.0) == 375ms);
  CHECK(policy.delay(1, std::nullopt, 0.999) >= 624ms);
  CHECK(policy.delay(2, std::nullopt, 0.0) == 750ms);
}

TEST_CASE("chat::RetryPolicy never waits longer than a minute, however many retries") {
  const RetryPolicy policy;
  CHECK(policy.delay(8, std::nullopt, 0.5) == 60s);
  CHECK(policy.delay(100, std::nullopt, 0.999) == 60s);
  CHECK(policy.delay(1, milliseconds(3600s), 0.5) == 60s);
}

TEST_CASE("chat::RetryPolicy waits at least what Retry-After asks for") {
  const RetryPolicy policy;
  CHECK(policy.delay(1, 1000ms, 0.5) == 1000ms);
  CHECK(policy.delay(1, 0ms, 0.5) == 500ms);  // the backoff always waits
  CHECK(policy.delay(3, 1000ms, 0.5) == 2000ms);
}

TEST_CASE("chat::retry_reason retries the busy statuses and nothing else of HTTP") {
  const ochat::http::Timeouts t;
  CHECK(retry_reason(result(Outcome::completed), {503, false, false}, t) ==
        "server busy (HTTP 503)");
  CHECK(retry_reason(result(Outcome::completed), {429, false, false}, t) ==
        "too many requests (HTTP 429)");
  CHECK(retry_reason(result(Outcome::completed), {502, false, false}, t) ==
        "bad gateway (HTTP 502)");
  CHECK(retry_reason(result(Outcome::completed), {504, false, false}, t) ==
        "gateway timeout (HTTP 504)");
  for (long status : {400L, 401L, 403L, 404L, 405L, 413L, 422L, 499L, 500L, 501L}) {
    INFO(status);
    CHECK_FALSE(retry_reason(result(Outcome::completed), {status, false, false}, t));
  }
  // A refusal whose connection then broke is still the refusal.
  CHECK(retry_reason(result(Outcome::broken, NetFailure::dropped), {503, false, false}, t) ==
        "server busy (HTTP 503)");
  CHECK_FALSE(retry_reason(result(Outcome::broken, NetFailure::dropped), {400, false, false}, t));
}

TEST_CASE("chat::retry_reason never retries a refused connection, a cancel or a whole reply") {
  const ochat::http::Timeouts t;
  CHECK_FALSE(retry_reason(result(Outcome::connect_failed, NetFailure::refused), {}, t));
  CHECK_FALSE(retry_reason(result(Outcome::connect_failed, NetFailure::other), {}, t));
  CHECK(retry_reason(result(Outcome::connect_failed, NetFailure::resolve), {}, t) ==
        "cannot resolve the server's name");
  CHECK_FALSE(retry_reason(result(Outcome::completed), {200, true, true}, t));
  CHECK_FALSE(retry_reason(result(Outcome::cancelled), {200, true, false}, t));
  CHECK_FALSE(retry_reason(result(Outcome::stopped), {200, true, false}, t));
  CHECK_FALSE(retry_reason(result(Outcome::broken, NetFailure::dropped), {200, true, true}, t));
}

TEST_CASE("chat::retry_reason retries a dropped connection, before or after the reply began") {
  const ochat::http::Timeouts t;
  CHECK(retry_reason(result(Outcome::broken, NetFailure::dropped), {0, false, false}, t) ==
        "the server closed the connection without replying");
  CHECK(retry_reason(result(Outcome::broken, NetFailure::dropped), {200, false, false}, t) ==
        "the connection broke");
  CHECK(retry_reason(result(Outcome::broken, NetFailure::dropped), {200, true, false}, t) ==
        "the connection broke");
  CHECK_FALSE(retry_reason(result(Outcome::broken, NetFailure::other), {200, true, false}, t));
}

TEST_CASE(
    "chat::retry_reason retries the connect timeout, and the idle one only once the reply began") {
  ochat::http::Timeouts t;
  t.connect = 2500ms;
  t.idle = 30s;
  CHECK(retry_reason(result(Outcome::timed_out, NetFailure::other, TimeoutKind::connect), {}, t) ==
        "no connection within 2.5 s");
  CHECK_FALSE(retry_reason(result(Outcome::timed_out, NetFailure::other, TimeoutKind::idle),
                           {200, false, false}, t));
  CHECK(retry_reason(result(Outcome::timed_out, NetFailure::other, TimeoutKind::idle),
                     {200, true, false}, t) == "the server sent nothing for 30 s");
  CHECK_FALSE(retry_reason(result(Outcome::timed_out, NetFailure::other, TimeoutKind::total),
                           {200, true, false}, t));
}
