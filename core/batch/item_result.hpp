#pragma once
// What one item of a batch gave: the answer, or the error that ended it.
#include <cstddef>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "core/error.hpp"
#include "core/events/stats.hpp"

namespace ochat::batch {

struct ItemResult {
  std::size_t index = 0;
  std::optional<nlohmann::ordered_json> id;
  std::string input;
  std::string output;    // the answer's text (of every round, with tools)
  std::string thinking;  // empty: none
  std::string done_reason;
  events::Stats stats;  // of the last answer; generated tokens summed over the rounds
  std::optional<Error> error;
  // Cut short by a signal: not a result to write (--resume runs the item again).
  bool interrupted = false;
};

}  // namespace ochat::batch
