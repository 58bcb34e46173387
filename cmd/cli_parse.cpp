// cli::parse: the command line into a mode and its options.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

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

// The words after the program name, with "--think LEVEL" joined into "--think=LEVEL" when the
// next word is a level (anything else after a bare --think is the prompt's).
std::vector<std::string> normalized_args(int argc, const char* const* argv) {
  std::vector<std::string> args(argv + std::min(argc, 1), argv + argc);
  for (std::size_t i = 0; i + 1 < args.size(); ++i) {
    if (args[i] == "--") break;
    if (args[i] != "--think") continue;
    const auto& levels = config::kThinkLevels;
    if (std::find(levels.begin(), levels.end(), args[i + 1]) == levels.end()) continue;
    args[i] += "=" + args[i + 1];
    args.erase(args.begin() + static_cast<std::ptrdiff_t>(i) + 1);
  }
  return args;
}

// Of --think and --no-think, the one given last counts: the other is forgotten.
void keep_last_think(const CLI::App& app, config::Options& options) {
  const CLI::Option* think = app.get_option("--think");
  const CLI::Option* no_think = app.get_option("--no-think");
  const auto& order = app.parse_order();
  for (auto it = order.rbegin(); it != order.rend(); ++it) {
    if (*it == think) {
      options.no_think = false;
      return;
    }
    if (*it == no_think) {
      options.think.reset();
      return;
    }
  }
}

// A listing (--show, --conversations, --list-models, --list-tools) prints what it lists and
// sends nothing: a second listing, or what only a chat takes, would be ignored, so it is
// refused rather than dropped without a word. Empty when the options are consistent.
std::string listing_conflict(const config::Options& o, bool batch) {
  const std::pair<bool, const char*> listings[] = {{o.show, "--show"},
                                                   {o.list_conversations, "--conversations"},
                                                   {o.list_models, "--list-models"},
                                                   {o.list_tools, "--list-tools"}};
  std::vector<const char*> given;
  for (const auto& [on, name] : listings) {
    if (on) given.push_back(name);
  }
  if (given.empty()) return {};
  if (given.size() > 1) return fmt::format("{} and {} cannot be used together", given[0], given[1]);
  const char* listing = given[0];
  if (!o.prompt.empty())
    return fmt::format("{} takes no prompt (got '{}')", listing, fmt::join(o.prompt, " "));
  if (!o.attach.empty()) return fmt::format("-a/--attach does not apply to {}", listing);
  if (batch) return fmt::format("a batch (--each) does not apply to {}", listing);
  if (o.interactive) return fmt::format("-i/--interactive does not apply to {}", listing);
  return {};
}

}  // namespace

Command parse(int argc, const char* const* argv) {
  Command command;
  auto app = make_app(command.options);
  std::vector<std::string> args = normalized_args(argc, argv);
  if (std::string message = single_dash_message(*app, args); !message.empty()) {
    if (events_requested(argc, argv)) command.options.output = config::Output::events;
    command.error = Error(ErrorKind::usage, std::move(message),
                          "long options take two dashes; see ochat --help");
    return command;
  }
  try {
    std::reverse(args.begin(), args.end());  // CLI11 takes the words last first
    app->parse(args);
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
  keep_last_think(*app, command.options);
  if (command.options.continue_last && !command.options.chat.empty()) {
    // Checked here rather than with CLI11's excludes(), which prints an "Excludes:" line in --help.
    if (events_requested(argc, argv)) command.options.output = config::Output::events;
    command.error = Error(ErrorKind::usage, "-c/--continue and --chat cannot be used together",
                          "--chat names the conversation to continue");
    return command;
  }
  command.options.tool_sources = tool_sources(*app);
  command.options.show = app->get_option("--show")->count() > 0;
  command.options.jobs_given = app->get_option("--jobs")->count() > 0;
  const config::Options& o = command.options;
  const bool batch = o.each || !o.each_file.empty() || o.each_jsonl || o.each_text;
  if (!batch && (o.jobs_given || !o.resume.empty())) {
    if (events_requested(argc, argv)) command.options.output = config::Output::events;
    command.error = Error(
        ErrorKind::usage,
        fmt::format("{} runs a batch: give --each too", o.jobs_given ? "-j/--jobs" : "--resume"),
        "see BATCH MODE in ochat(1)");
    return command;
  }
  if (std::string conflict = listing_conflict(o, batch); !conflict.empty()) {
    if (events_requested(argc, argv)) command.options.output = config::Output::events;
    command.error = Error(ErrorKind::usage, std::move(conflict), "see ochat --help");
    return command;
  }
  if (command.options.show) {
    command.mode = Mode::show;
  } else if (command.options.list_conversations) {
    command.mode = Mode::list_conversations;
  } else if (command.options.list_models) {
    command.mode = Mode::list_models;
  } else if (command.options.list_tools) {
    command.mode = Mode::list_tools;
  } else if (batch) {
    command.mode = Mode::batch;
  }
  return command;
}

}  // namespace ochat::cli
