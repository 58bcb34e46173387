#pragma once
// The command line: the ONLY place where ochat's flags are declared. --help, the man page's
// OPTIONS section and the shell completions are all generated from this definition.
#include <memory>

#include <CLI/CLI.hpp>

#include "core/config/options.hpp"

namespace ochat::cli {

// Builds the parser; parsing fills `options`, which must outlive the returned app.
std::unique_ptr<CLI::App> make_app(config::Options& options);

}  // namespace ochat::cli
