#pragma once
// A printable excerpt of untrusted bytes (a server's line, a plugin's output) for a message.
#include <cstddef>
#include <string>
#include <string_view>

namespace ochat::text {

// At most `max` bytes, control characters shown as '?', cut at a UTF-8 character boundary,
// "..." when cut.
std::string excerpt(std::string_view bytes, std::size_t max = 120);

}  // namespace ochat::text
