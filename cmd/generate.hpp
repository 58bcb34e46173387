#pragma once
// Documents generated from the CLI11 definition in cmd/cli.cpp, so that they never drift from
// --help: the OPTIONS section of man/ochat.1 and the completion scripts in completions/.
// `ochat --generate NAME` prints one; man/regenerate.sh writes them all into the source tree,
// and tests/docs fails when the committed copies differ from what the binary prints.
#include <string>
#include <string_view>

#include "cmd/cli.hpp"

namespace ochat::cli {

// The document `name` for `app`, byte for byte as committed:
//   man   roff, from ".SH OPTIONS" to the last option (spliced into man/ochat.1)
//   bash  completions/ochat.bash (needs bash-completion)
//   zsh   completions/_ochat
//   fish  completions/ochat.fish
// Hidden options (empty group) are left out, as --help leaves them out. Throws ochat::Error
// (usage) for an unknown name, and std::logic_error when value_completions() names an option
// that `app` does not have or that takes no value.
std::string generate(const CLI::App& app, std::string_view name);

}  // namespace ochat::cli
