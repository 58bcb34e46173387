#pragma once
// The server's counts and durations for a reply, as the `done` event and -v report them.
#include <array>
#include <cstdint>
#include <optional>
#include <utility>

namespace ochat::events {

// Each figure is present only when the server sent it.
struct Stats {
  std::optional<std::int64_t> prompt_tokens;
  std::optional<std::int64_t> generated_tokens;
  std::optional<std::int64_t> total_ns;
  std::optional<std::int64_t> load_ns;
  std::optional<std::int64_t> prompt_eval_ns;
  std::optional<std::int64_t> eval_ns;
};

// Each figure with its name, as the `done` event, a batch result's "stats" and a saved
// conversation write it.
inline constexpr std::array<std::pair<std::optional<std::int64_t> Stats::*, const char*>, 6>
    kStatsFields = {{
        {&Stats::prompt_tokens, "prompt_tokens"},
        {&Stats::generated_tokens, "generated_tokens"},
        {&Stats::total_ns, "total_duration_ns"},
        {&Stats::load_ns, "load_duration_ns"},
        {&Stats::prompt_eval_ns, "prompt_eval_duration_ns"},
        {&Stats::eval_ns, "eval_duration_ns"},
    }};

// Adds `more` into `total` (the counts and durations of several requests): a figure stays
// absent only when neither has it.
inline void accumulate(Stats& total, const Stats& more) {
  for (const auto& field : kStatsFields) {
    const auto& m = more.*field.first;
    if (m) total.*field.first = (total.*field.first).value_or(0) + *m;
  }
}

}  // namespace ochat::events
