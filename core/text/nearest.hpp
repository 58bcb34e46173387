#pragma once
// "Did you mean ...?": the candidate a mistyped word most likely meant.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace ochat::text {

// The Levenshtein distance between `a` and `b` (insertions, deletions, substitutions).
std::size_t edit_distance(std::string_view a, std::string_view b);

// The candidate `word` begins (when it has three characters or more), else the closest one at
// most `max_distance` edits away (the first of equals). Empty when there is none.
std::string nearest(std::string_view word, const std::vector<std::string_view>& candidates,
                    std::size_t max_distance = 2);

}  // namespace ochat::text
