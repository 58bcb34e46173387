#pragma once
// UTF-8: making untrusted bytes (plugin or server output) safe to put in JSON, and encoding.
#include <cstdint>
#include <string>
#include <string_view>

namespace ochat::text {

// Returns `bytes` with every invalid UTF-8 sequence and every NUL byte replaced by U+FFFD.
// Sets `changed` when anything was replaced.
std::string valid_utf8(std::string_view bytes, bool* changed = nullptr);

// Appends the UTF-8 encoding of the code point `cp` (at most U+10FFFF; not checked).
void append_utf8(std::string& out, std::uint32_t cp);

}  // namespace ochat::text
