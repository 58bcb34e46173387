#pragma once
// Whether to read the prompt from standard input (attach::user_message reads it).

namespace ochat::io {

// True when `fd` is a pipe or a regular file: those are read without being asked for.
// A terminal (or anything else, such as /dev/null) is read only when the user passes `-`.
bool should_read_implicitly(int fd);

}  // namespace ochat::io
