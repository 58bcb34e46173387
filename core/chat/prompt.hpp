#pragma once
// Building the user message from the command line and standard input.
#include <optional>
#include <string>
#include <vector>

namespace ochat::chat {

// The user message: standard input's text first, then a blank line, then the arguments
// joined by spaces (so `git diff | ochat "write a commit message"` reads naturally).
// Either part may be absent. Trailing newlines of standard input are kept as they are when
// there are no arguments. Throws ochat::Error (usage) when both are empty.
std::string compose_prompt(const std::vector<std::string>& args,
                           const std::optional<std::string>& stdin_text);

}  // namespace ochat::chat
