#pragma once
// The one line for a command line that CLI11 rejected.
#include <string>
#include <vector>

#include "cmd/cli.hpp"

namespace CLI {
class ParseError;
}  // namespace CLI

namespace ochat::cli {

// CLI11's message, except for unknown options: those are named without the "=VALUE" they
// carried (it may be a secret, as in --api-key=...), with the nearest real option as a hint,
// e.g. "unknown option --api-key (did you mean --api-key-file?)".
std::string parse_error_message(const CLI::App& app, const CLI::ParseError& error);

// A long option spelled with one dash ("-model", "-verbose", "-verb"), which CLI11 would read as
// a short option with its value stuck on ("-m odel") or as an unknown letter: the message for the
// first such word of `args` (the command line without the program name) before a "--", e.g.
// "unknown option -model (did you mean --model?)". A word counts when, without its dash and any
// "=VALUE", it is the name of a long option or, with three letters or more, the start of one.
// The value of the option before it is not a candidate ("-s -verbose" is a system prompt).
// Empty when there is none.
std::string single_dash_message(const CLI::App& app, const std::vector<std::string>& args);

}  // namespace ochat::cli
