#include "cmd/run.hpp"

#include <unistd.h>

#include <memory>

#include "cmd/cli.hpp"
#include "cmd/modes.hpp"
#include "core/error.hpp"
#include "core/events/json_lines_sink.hpp"
#include "core/events/text_sink.hpp"
#include "core/io/fd_stream.hpp"

namespace ochat {
namespace {

// Writes the one line on stderr, and in --events mode the `error` and final `done` events.
int report(const Error& error, events::EventSink& sink, io::FdStream& err) {
  sink.error(error.kind(), error.what());
  sink.done({"error", {}});
  const bool color = io::use_color(err);
  err.append(color ? "\x1b[1;31mochat: error:\x1b[0m " : "ochat: error: ");
  err.append(error.what());
  if (!error.hint().empty()) {
    err.append("; ");
    err.append(error.hint());
  }
  err.append("\n");
  err.flush();
  return exit_status(error.kind());
}

// The error with every copy of `secret` (the API key) masked, should a server quote it.
Error without_secret(const Error& error, const std::string& secret) {
  if (secret.empty()) return error;
  auto mask = [&](std::string text) {
    for (auto at = text.find(secret); at != std::string::npos; at = text.find(secret, at)) {
      text.replace(at, secret.size(), "[API key]");
    }
    return text;
  };
  return Error(error.kind(), mask(error.what()), mask(error.hint()));
}

std::unique_ptr<events::EventSink> make_sink(const config::Options& options, io::FdStream& out,
                                             io::FdStream& err) {
  switch (options.output) {
    case config::Output::events:
      return std::make_unique<events::JsonLinesSink>(out);
    case config::Output::text:
      break;
  }
  return std::make_unique<events::TextSink>(
      out, err,
      events::TextSinkOptions{options.hide_thinking, options.verbose, io::use_color(err)});
}

int run_mode(const cli::Command& command, cmd::RunContext& context) {
  if (command.error) throw *command.error;
  switch (command.mode) {
    case cli::Mode::help:
    case cli::Mode::version:
    case cli::Mode::document:
      return cmd::print_text(command.text, context);
    case cli::Mode::list_models:
      return cmd::run_list_models(command.options, context);
    case cli::Mode::list_tools:
      return cmd::run_list_tools(command.options, context);
    case cli::Mode::chat:
      break;
  }
  return cmd::run_chat(command.options, context);
}

}  // namespace

int run(int argc, char** argv) {
  io::FdStream out(STDOUT_FILENO);
  io::FdStream err(STDERR_FILENO);
  const cli::Command command = cli::parse(argc, argv);
  const std::unique_ptr<events::EventSink> sink = make_sink(command.options, out, err);
  cmd::RunContext context{out, err, *sink, sys::process_environment(), {}, {}};
  try {
    return run_mode(command, context);
  } catch (const Error& e) {
    if (const int sig = context.cancel.requested();
        sig != 0) {  // a failure caused by the interruption
      sink->done({"interrupted", {}});
      return 128 + sig;
    }
    return report(without_secret(e, context.secret), *sink, err);
  } catch (const std::exception& e) {
    return report(without_secret(Error(ErrorKind::internal, e.what()), context.secret), *sink, err);
  }
}

}  // namespace ochat
