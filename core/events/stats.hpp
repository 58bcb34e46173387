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

}  // namespace ochat::events
