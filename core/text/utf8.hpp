#pragma once
// UTF-8: making untrusted bytes (plugin or server output) safe to put in JSON, checking that
// input is text, and encoding.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace ochat::text {

// Returns `bytes` with every invalid UTF-8 sequence and every NUL byte replaced by U+FFFD.
// Sets `changed` when anything was replaced.
std::string valid_utf8(std::string_view bytes, bool* changed = nullptr);

// How much of `bytes` is UTF-8 text.
struct Utf8Scan {
  std::size_t valid = 0;  // length of the longest prefix made of whole, valid characters
  // bytes[valid] cannot start a valid character. When false, the bytes after `valid` (if any)
  // are the start of a character that more bytes could complete.
  bool bad = false;
};

// Scans `bytes` with the rules of valid_utf8(): overlong forms, surrogates, values past
// U+10FFFF and NUL bytes are invalid. Scanning a stream piece by piece: scan from the returned
// `valid` offset once more bytes have arrived.
Utf8Scan scan_utf8(std::string_view bytes) noexcept;

// Appends the UTF-8 encoding of the code point `cp` (at most U+10FFFF; not checked).
void append_utf8(std::string& out, std::uint32_t cp);

}  // namespace ochat::text
