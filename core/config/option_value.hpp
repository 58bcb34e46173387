#pragma once
// -o KEY=VALUE pairs as Ollama `options`.
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace ochat::config {

// Types each value: true/false become booleans, integers and decimals numbers, a value that
// starts with '[' or '{' is parsed as JSON, anything else stays a string. A key given more
// than once keeps its last value, except `stop`, a list: always an array (as Ollama wants) that
// collects every value given.
// Throws ochat::Error (usage) for a pair without '=' or a key, or invalid JSON.
nlohmann::ordered_json parse_option_pairs(const std::vector<std::string>& pairs);

// One value, typed as above.
nlohmann::ordered_json typed_value(std::string_view text);

}  // namespace ochat::config
