#include "core/events/stats_format.hpp"

#include <catch2/catch.hpp>

#include "core/events/stats.hpp"

using ochat::events::format_stats;
using ochat::events::Stats;

TEST_CASE("events::format_stats writes one aligned line per figure") {
  Stats s;
  s.prompt_tokens = 26;
  s.generated_tokens = 282;
  s.total_ns = 4883583458;
  s.load_ns = 1334875;
  s.prompt_eval_ns = 342546000;
  s.eval_ns = 4535599000;
  CHECK(format_stats(s) ==
        "prompt tokens:    26\n"
        "generated tokens: 282\n"
        "eval rate:        62.17 tokens/s\n"
        "load time:        1.33 ms\n"
        "total time:       4.88 s\n");
}

TEST_CASE("events::format_stats is empty when the server sent no figures") {
  CHECK(format_stats(Stats{}).empty());
}

TEST_CASE("events::format_stats leaves out the rate without a positive eval duration") {
  Stats s;
  s.generated_tokens = 10;
  CHECK(format_stats(s) == "generated tokens: 10\n");
  s.eval_ns = 0;
  CHECK(format_stats(s) == "generated tokens: 10\n");
  s.eval_ns = 2'000'000'000;
  CHECK(format_stats(s) == "generated tokens: 10\neval rate:        5.00 tokens/s\n");
}

TEST_CASE("events::format_stats shows durations under a second in milliseconds") {
  Stats s;
  s.total_ns = 999'990'000;
  s.load_ns = 1'000'000'000;
  CHECK(format_stats(s) ==
        "load time:        1.00 s\n"
        "total time:       999.99 ms\n");
}

TEST_CASE("events::accumulate adds the figures each side has, and leaves absent ones absent") {
  Stats total;
  total.prompt_tokens = 10;
  Stats more;
  more.prompt_tokens = 5;
  more.generated_tokens = 7;
  ochat::events::accumulate(total, more);
  CHECK(total.prompt_tokens == 15);
  CHECK(total.generated_tokens == 7);
  CHECK_FALSE(total.eval_ns.has_value());
  ochat::events::accumulate(total, Stats{});
  CHECK(total.prompt_tokens == 15);
}
