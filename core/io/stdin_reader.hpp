#pragma once
// Reading the prompt from standard input.
#include <string>

namespace ochat::io {

// True when `fd` is a pipe or a regular file: those are read without being asked for.
// A terminal (or anything else, such as /dev/null) is read only when the user passes `-`.
bool should_read_implicitly(int fd);

// Reads `fd` to end of file. Throws ochat::Error (internal) when reading fails.
std::string read_all(int fd);

}  // namespace ochat::io
