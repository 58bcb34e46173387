#pragma once
// The -v statistics block.
#include <string>

#include "core/events/stats.hpp"

namespace ochat::events {

// Lines such as "eval rate:        62.18 tokens/s", each ending in '\n'; only the lines whose
// figures the server sent. Empty when it sent none.
std::string format_stats(const Stats& stats);

}  // namespace ochat::events
