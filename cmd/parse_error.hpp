#pragma once
// The one line for a command line that CLI11 rejected.
#include <string>

#include "cmd/cli.hpp"

namespace CLI {
class ParseError;
}  // namespace CLI

namespace ochat::cli {

// CLI11's message, except for unknown options: those are named without the "=VALUE" they
// carried (it may be a secret, as in --api-key=...), with the nearest real option as a hint,
// e.g. "unknown option --api-key (did you mean --api-key-file?)".
std::string parse_error_message(const CLI::App& app, const CLI::ParseError& error);

}  // namespace ochat::cli
