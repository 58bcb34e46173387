#pragma once
// Making untrusted bytes (plugin output) safe to put in JSON.
#include <string>
#include <string_view>

namespace ochat::tools {

// Returns `bytes` with every invalid UTF-8 sequence and every NUL byte replaced by U+FFFD.
// Sets `changed` when anything was replaced.
std::string valid_utf8(std::string_view bytes, bool* changed = nullptr);

}  // namespace ochat::tools
