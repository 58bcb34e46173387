#include "core/http/retry_after.hpp"

#include <catch2/catch.hpp>
#include <chrono>

using namespace std::chrono_literals;
using ochat::http::parse_retry_after;

namespace {

// Wed, 21 Oct 2026 07:28:00 GMT
std::chrono::system_clock::time_point at_0728() {
  return std::chrono::sys_days(std::chrono::year(2026) / std::chrono::October / 21) + 7h + 28min;
}

}  // namespace

TEST_CASE("http::parse_retry_after reads a number of seconds") {
  CHECK(parse_retry_after("120", at_0728()) == std::chrono::milliseconds(120s));
  CHECK(parse_retry_after("0", at_0728()) == std::chrono::milliseconds(0));
  CHECK(parse_retry_after("  7 \r\n", at_0728()) == std::chrono::milliseconds(7s));
  // Clamped to a day, without overflowing.
  CHECK(parse_retry_after("99999999999999999999999", at_0728()) == std::chrono::milliseconds(24h));
}

TEST_CASE("http::parse_retry_after reads the three HTTP date forms") {
  const auto now = at_0728();
  CHECK(parse_retry_after("Wed, 21 Oct 2026 07:28:30 GMT", now) == std::chrono::milliseconds(30s));
  CHECK(parse_retry_after("Wednesday, 21-Oct-26 07:29:00 GMT", now) ==
        std::chrono::milliseconds(60s));
  CHECK(parse_retry_after("Wed Oct 21 07:28:05 2026", now) == std::chrono::milliseconds(5s));
  CHECK(parse_retry_after("Wed Oct  1 07:28:05 2026", now) == std::chrono::milliseconds(0));
}

TEST_CASE("http::parse_retry_after gives no wait for a date in the past, and at most a day") {
  const auto now = at_0728();
  CHECK(parse_retry_after("Wed, 21 Oct 2026 07:27:59 GMT", now) == std::chrono::milliseconds(0));
  CHECK(parse_retry_after("Thu, 01 Jan 1970 00:00:00 GMT", now) == std::chrono::milliseconds(0));
  CHECK(parse_retry_after("Fri, 21 Oct 2039 07:28:00 GMT", now) == std::chrono::milliseconds(24h));
  // Years that system_clock's nanoseconds cannot hold (found by the fuzzer).
  CHECK(parse_retry_after("Wed Oct 21 07:28:00 0026", now) == std::chrono::milliseconds(0));
  CHECK(parse_retry_after("Wed, 21 Oct 9999 07:28:00 GMT", now) == std::chrono::milliseconds(24h));
}

TEST_CASE("http::parse_retry_after ignores what is neither seconds nor a date") {
  const auto now = at_0728();
  for (const char* bad : {"", "  ", "-1", "1.5", "12abc", "soon", "Wed, 21 Oct 2026 07:28:30",
                          "Wed, 21 Oct 2026 07:28:30 UTC", "Wed, 32 Oct 2026 07:28:30 GMT",
                          "Wed, 21 Foo 2026 07:28:30 GMT", "Wed, 21 Oct 2026 25:28:30 GMT",
                          "Xyz, 21 Oct 2026 07:28:30 GMT", "Wed, 21 Oct 2026 07:28:30 GMT extra",
                          "Wed, 21 Oct 2026 07:28:30 GMT;"}) {
    INFO(bad);
    CHECK_FALSE(parse_retry_after(bad, now).has_value());
  }
}
