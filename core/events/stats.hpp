#pragma once
// The server's counts and durations for a reply, as the `done` event and -v report them.
#include <cstdint>
#include <optional>

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

// Adds `more` into `total` (the counts and durations of several requests): a figure stays
// absent only when neither has it.
inline void accumulate(Stats& total, const Stats& more) {
  const auto add = [](std::optional<std::int64_t>& t, const std::optional<std::int64_t>& m) {
    if (m) t = t.value_or(0) + *m;
  };
  add(total.prompt_tokens, more.prompt_tokens);
  add(total.generated_tokens, more.generated_tokens);
  add(total.total_ns, more.total_ns);
  add(total.load_ns, more.load_ns);
  add(total.prompt_eval_ns, more.prompt_eval_ns);
  add(total.eval_ns, more.eval_ns);
}

}  // namespace ochat::events
