#pragma once
// Base64 (RFC 4648, the standard alphabet with '=' padding), as Ollama's `images` and data: URLs
// carry it. The encoder can produce any slice of the encoding on its own, so that a large image
// is encoded piece by piece while it is sent instead of being held a second time.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace ochat::text {

// The length of the encoding of `size` bytes: 4 for every 3 bytes or part of them.
constexpr std::size_t base64_size(std::size_t size) noexcept { return (size + 2) / 3 * 4; }

// Appends the encoding of `bytes` to `out`.
void base64_append(std::string_view bytes, std::string& out);

// Writes the characters [pos, pos + count) of the encoding of `bytes` to `out` (the caller
// keeps pos + count <= base64_size(bytes.size())). Never throws.
void base64_slice(std::string_view bytes, std::size_t pos, std::size_t count, char* out) noexcept;

// The bytes an encoding stands for; std::nullopt when `text` is not a padded standard encoding
// (a length that is not a multiple of 4, a character outside the alphabet, bad padding).
std::optional<std::string> base64_decode(std::string_view text);

}  // namespace ochat::text
