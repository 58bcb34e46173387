#pragma once
// The file of lines typed in the interactive mode (libedit's history format), shared by every
// interactive ochat of the user.
#include <cstddef>
#include <string>

namespace ochat::io {

// Adds `entry` to the history file at `path`, keeping its last `max` entries: under a lock on
// the file's directory, reads what the file holds now (what other sessions added included),
// adds the entry, and writes a new file (mode 0600) that then replaces the old one at once. A
// crash leaves the old file or the new one, never a mix of the two; two sessions writing at
// the same time keep each other's lines. Returns an empty string, or why the file could not
// be written (the old one is then left as it was).
std::string append_history(const std::string& path, const std::string& entry, std::size_t max);

}  // namespace ochat::io
