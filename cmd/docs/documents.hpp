#pragma once
// The generated documents, each written from a Spec (spec.hpp); cmd/generate.cpp picks one.
#include <string>

#include "cmd/docs/spec.hpp"

namespace ochat::cli::docs {

// roff from ".SH OPTIONS" to the last option, spliced into man/ochat.1 by man/regenerate.sh.
std::string man_options(const Spec& spec);
// completions/ochat.bash (it needs bash-completion).
std::string bash_completion(const Spec& spec);
// completions/_ochat.
std::string zsh_completion(const Spec& spec);
// completions/ochat.fish.
std::string fish_completion(const Spec& spec);

}  // namespace ochat::cli::docs
