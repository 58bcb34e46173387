#pragma once
// A JSON string literal written straight into an output buffer, for the per-token events where
// building and dumping a JSON DOM was most of the client's CPU.
#include <string>
#include <string_view>

namespace ochat::events {

// Appends `text` to `out` as a quoted JSON string, byte for byte what nlohmann::json's
// dump(-1, ' ', false, error_handler_t::replace) writes: UTF-8 kept as it is; '"', '\\' and
// control characters escaped (\b \f \n \r \t, else \u00xx); each invalid or cut UTF-8 sequence
// (its longest valid start, or one byte) replaced by U+FFFD. Always valid JSON.
void append_json_string(std::string& out, std::string_view text);

}  // namespace ochat::events
