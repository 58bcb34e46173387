#pragma once
// A printable excerpt of untrusted bytes (a server's line, a plugin's output) for a message.
#include <cstddef>
#include <string>
#include <string_view>

namespace ochat::text {

// At most `max` bytes, cut at a UTF-8 character boundary, "..." when cut; each control
// character (C0, DEL, C1: U+0080..U+009F) and each byte that is not UTF-8 shown as '?', so
// that the excerpt is valid UTF-8 that a terminal shows as it is.
std::string excerpt(std::string_view bytes, std::size_t max = 120);

// The first lines of a program's output for a one-line message: at most `max_lines` of its
// lines that are not blank, each an excerpt() of at most `max_line` bytes in double quotes,
// joined by ", ", then " (and N more lines)" when there are more. Empty when `bytes` holds
// nothing but blanks.
std::string quoted_lines(std::string_view bytes, std::size_t max_lines = 3,
                         std::size_t max_line = 100);

}  // namespace ochat::text
