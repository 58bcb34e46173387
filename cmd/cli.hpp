#pragma once
// The command line: the ONLY place where ochat's flags are declared. --help, the man page's
// OPTIONS section and the shell completions are all generated from this definition.
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/config/options.hpp"
#include "core/error.hpp"

// <CLI/CLI.hpp> is heavy to compile: only the files that use the parser include it.
namespace CLI {
class App;
}  // namespace CLI

namespace ochat::cli {

// What a run does. Each mode is one function in cmd/modes.hpp, picked by run().
enum class Mode {
  chat,                // send the prompt, stream the answer (the default); without a prompt on
                       // a terminal, or with -i, the interactive mode (cmd::wants_interactive)
  help,                // --help: print `text`
  version,             // --version: print `text`
  document,            // --generate NAME (hidden): print `text`, a generated document
  list_models,         // --list-models
  list_tools,          // --list-tools
  list_conversations,  // --conversations
  show,                // --show [NAME|FILE]
  batch,               // --each, --each-file, --each-jsonl, --each-text
};

// A parsed command line.
struct Command {
  Mode mode = Mode::chat;
  config::Options options;  // the flags' values as given; options.tool_sources filled
  std::string text;         // for help, version and document: what to print
  // The command line could not be handled (a usage error, exit 2). `options.output` still says
  // whether
  // --events was given, so that the error is reported as an event too.
  std::optional<Error> error;
};

// Parses the command line. Never throws: see Command::error.
Command parse(int argc, const char* const* argv);

// Builds the parser; parsing fills `options`, which must outlive the returned app.
std::unique_ptr<CLI::App> make_app(config::Options& options);

// The -t, --tools-dir and --mcp values in command-line order, once `app` has parsed.
std::vector<tools::ToolSource> tool_sources(const CLI::App& app);

// The value of the hidden --generate option ("man", "bash", "zsh" or "fish") once `app` has
// parsed a command line; empty when it was not given.
std::string requested_document(const CLI::App& app);

// What the shell completions offer as an option's value; cmd/generate.cpp writes these into
// the scripts. An option that takes a value and is not listed gets no value completion.
struct ValueCompletion {
  enum class Kind {
    model,         // the server's model names: what `ochat --list-models` prints within 2 s
    file,          // file names, and `words`
    directory,     // directory names
    words,         // only `words` (for a flag such as --think[=LEVEL]: after the '=')
    conversation,  // the saved conversations' names (`ochat --conversations`), and file names
    none,          // nothing offered (listed for `server`)
  };
  std::string option;  // the option's first long name, e.g. "--model"
  Kind kind;
  std::vector<std::string> words;
  // The value picks the server that `model` asks (its address, protocol or key): the model
  // completion passes the option, as given on the command line, on to `ochat --list-models`.
  bool server = false;
};
const std::vector<ValueCompletion>& value_completions();

}  // namespace ochat::cli
