#pragma once
// -o KEY=VALUE pairs as Ollama `options`.
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace ochat::config {

// Types each value: true/false become booleans, integers and decimals numbers, a value that
// starts with '[' or '{' is parsed as JSON, anything else stays a string. A key given more
// than once collects its values in an array; `stop` is always an array, as Ollama wants.
// Throws ochat::Error (usage) for a pair without '=' or a key, or invalid JSON.
nlohmann::ordered_json parse_option_pairs(const std::vector<std::string>& pairs);

// One value, typed as above.
nlohmann::ordered_json typed_value(std::string_view text);

}  // namespace ochat::config
