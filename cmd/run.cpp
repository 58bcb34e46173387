#include "cmd/run.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <optional>

#include "cmd/cli.hpp"
#include "cmd/modes.hpp"
#include "core/chat/cut_tool_calls.hpp"
#include "core/error.hpp"
#include "core/events/json_lines_sink.hpp"
#include "core/events/text_sink.hpp"
#include "core/io/fd_stream.hpp"

namespace ochat {
namespace {

// Writes the one line on stderr, and in --events mode the `error` and final `done` events.
int report(const Error& error, events::EventSink& sink, io::FdStream& err,
           const events::DoneInfo& done = {"error", {}}) {
  sink.error(error.kind(), error.what(), error.hint());
  sink.done(done);
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
      events::TextSinkOptions{options.hide_thinking, options.verbose, io::use_color(err),
                              !options.no_newline, !options.raw && out.is_terminal(),
                              !options.raw && err.is_terminal()});
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
    case cli::Mode::list_conversations:
      return cmd::run_list_conversations(command.options, context);
    case cli::Mode::show:
      return cmd::run_show(command.options, context);
    case cli::Mode::batch:
      return cmd::run_batch(command.options, context);
    case cli::Mode::chat:
      break;
  }
  if (cmd::wants_interactive(command.options))
    return cmd::run_interactive(command.options, context);
  return cmd::run_chat(command.options, context);
}

// A write to stdout that failed for another reason than a reader that went away (EPIPE, the
// quiet end of `| head`): output was lost, so the run did not succeed.
std::optional<Error> output_error(const io::FdStream& out) {
  if (out.error() == 0 || out.error() == EPIPE) return std::nullopt;
  return Error(ErrorKind::internal,
               fmt::format("cannot write to standard output: {}", std::strerror(out.error())),
               out.error() == EBADF ? "is standard output closed?" : "");
}

}  // namespace

int cmd::report_error(const Error& error, RunContext& context, const events::DoneInfo& done) {
  return report(without_secret(error, context.secret), context.sink, context.err, done);
}

int run(int argc, char** argv) {
  io::reserve_standard_fds();  // before anything opens a file or a socket
  io::FdStream out(STDOUT_FILENO);
  io::FdStream err(STDERR_FILENO);
  const cli::Command command = cli::parse(argc, argv);
  const std::unique_ptr<events::EventSink> sink = make_sink(command.options, out, err);
  cmd::RunContext context{out, err, *sink, sys::process_environment(), {}, {}};
  int status = kExitOk;
  try {
    status = run_mode(command, context);
  } catch (const chat::CutToolCallsError& e) {  // the reply ended at the token limit
    return report(without_secret(e, context.secret), *sink, err, {"length", e.stats()});
  } catch (const Error& e) {
    if (e.kind() == ErrorKind::interrupted) {  // stopped by the user while waiting: no message
      sink->done({"interrupted", {}});
      return exit_status(e);
    }
    return report(without_secret(e, context.secret), *sink, err);
  } catch (const std::exception& e) {
    return report(without_secret(Error(ErrorKind::internal, e.what()), context.secret), *sink, err);
  }
  if (const auto lost = output_error(out); lost && status == kExitOk)
    return report(*lost, *sink, err);
  return status;
}

}  // namespace ochat
