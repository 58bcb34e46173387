#pragma once
// -o KEY=VALUE pairs as the request's model options.
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/config/model_options.hpp"

namespace ochat::config {

// The -o pairs as the request's options, checked against the options the protocol documents
// (`known`, see model_options.hpp):
//   KEY=VALUE   KEY must be known; VALUE is read as its type (a wrong type is a usage error); a
//               reserved KEY is refused. An unknown KEY is a usage error naming the nearest known
//               one ("did you mean temperature?").
//   !KEY=VALUE  sent whatever KEY is (servers add options), VALUE typed by typed_value().
// A key given more than once keeps its last value, except a list (stop): an array that collects
// every value given. Throws ochat::Error (usage) for a pair without '=' or a key, too.
nlohmann::ordered_json parse_option_pairs(const std::vector<std::string>& pairs,
                                          const std::vector<KnownOption>& known);

// A value of an option ochat does not know: true/false become booleans, integers and decimals
// numbers, a value that starts with '[' or '{' is parsed as JSON (a usage error when it is not
// valid), anything else stays a string.
nlohmann::ordered_json typed_value(std::string_view text);

// What a value of `type` is, for messages: "a whole number", "a number", "true or false", ...
std::string_view type_description(OptionType type);

// A JSON value given for `option` (an --each-jsonl item's "options") as the request takes it:
// the value itself, or for a list (stop) a lone string as a list of one; std::nullopt when the
// value is of another type, or the option is reserved.
std::optional<nlohmann::ordered_json> json_option_value(const KnownOption& option,
                                                        const nlohmann::ordered_json& value);

}  // namespace ochat::config
