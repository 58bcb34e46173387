#pragma once
// A printable excerpt of untrusted bytes (a server's line, a plugin's output) for a message.
#include <cstddef>
#include <string>
#include <string_view>

namespace ochat::text {

// At most `max` bytes, control characters shown as '?', cut at a UTF-8 character boundary,
// "..." when cut.
std::string excerpt(std::string_view bytes, std::size_t max = 120);

// The first lines of a program's output for a one-line message: at most `max_lines` of its
// lines that are not blank, each an excerpt() of at most `max_line` bytes in double quotes,
// joined by ", ", then " (and N more lines)" when there are more. Empty when `bytes` holds
// nothing but blanks.
std::string quoted_lines(std::string_view bytes, std::size_t max_lines = 3,
                         std::size_t max_line = 100);

}  // namespace ochat::text
