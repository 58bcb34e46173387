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

// The POSIX sh script that the three completions run as `sh -c SCRIPT sh HOST` to list the
// server's models, one a line (HOST: the --host value on the command line, maybe empty). It
// finds the server as ochat does (--host, else OLLAMA_HOST; scheme optional, port 11434 when
// there is none, 0.0.0.0 and :: mean loopback, a path is a base path; loopback never through
// a proxy), asks GET /api/tags with curl and a one-second limit, and prints nothing at all
// when that fails. It holds no single quote and no two backslashes in a row, so it can be
// pasted between single quotes in bash, zsh and fish alike.
std::string models_script();

}  // namespace ochat::cli::docs
