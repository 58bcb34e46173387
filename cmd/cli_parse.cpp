// cli::parse: the command line into a mode and its options.
#include <CLI/CLI.hpp>
#include <cstring>

#include "cmd/cli.hpp"
#include "cmd/generate.hpp"
#include "cmd/parse_error.hpp"

namespace ochat::cli {
namespace {

// Whether --events comes before any "--": CLI11 may have stopped before it reached the flag,
// and the usage error must still be an event when it was given.
bool events_requested(int argc, const char* const* argv) {
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--") == 0) break;
    if (std::strcmp(argv[i], "--events") == 0) return true;
  }
  return false;
}

}  // namespace

Command parse(int argc, const char* const* argv) {
  Command command;
  auto app = make_app(command.options);
  try {
    app->parse(argc, argv);
  } catch (const CLI::CallForHelp&) {
    command.mode = Mode::help;
    command.text = app->help();
    return command;
  } catch (const CLI::CallForVersion&) {
    command.mode = Mode::version;
    command.text = app->version() + "\n";
    return command;
  } catch (const CLI::ParseError& e) {
    if (events_requested(argc, argv)) command.options.output = config::Output::events;
    command.error = Error(ErrorKind::usage, parse_error_message(*app, e), "see ochat --help");
    return command;
  } catch (const std::exception& e) {  // not the user's doing: a callback that failed
    command.error = Error(ErrorKind::internal, e.what());
    return command;
  }
  if (std::string document = requested_document(*app); !document.empty()) {
    command.mode = Mode::document;
    try {
      command.text = generate(*app, document);
    } catch (const Error& e) {
      command.error = e;
    } catch (const std::exception& e) {  // the CLI definition and the generators disagree
      command.error = Error(ErrorKind::internal, e.what());
    }
    return command;
  }
  command.options.tool_sources = tool_sources(*app);
  if (command.options.list_models) {
    command.mode = Mode::list_models;
  } else if (command.options.list_tools) {
    command.mode = Mode::list_tools;
  }
  return command;
}

}  // namespace ochat::cli
