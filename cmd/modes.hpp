#pragma once
// What ochat can be asked to do: one function per cli::Mode, picked by run() (cmd/run.cpp).
// Each returns the exit status; failures are thrown as ochat::Error and reported by run(),
// the one place that turns them into a line on stderr (and an event with --events).
#include <string>

#include "cmd/cli.hpp"
#include "core/events/event_sink.hpp"
#include "core/io/fd_stream.hpp"
#include "core/sys/cancel_token.hpp"
#include "core/sys/environment.hpp"

namespace ochat::cmd {

// What run() gives every mode, and what a mode tells run() for the error report.
struct RunContext {
  io::FdStream& out;
  io::FdStream& err;
  events::EventSink& sink;
  sys::Getenv getenv;
  // Set by a mode once it catches signals: a failure after a signal is reported as the
  // interruption (exit 128 + signal), not as an error.
  sys::CancelToken cancel;
  // Set by a mode once it knows the API key: masked in every message.
  std::string secret;
};

// help, version and document: the text on stdout.
int print_text(const std::string& text, RunContext& context);

// chat: sends the prompt and streams the answer (tool calls included).
int run_chat(const config::Options& options, RunContext& context);

// batch: runs the prompt once per item (a line of input), -j at a time, the results in order.
int run_batch(const config::Options& options, RunContext& context);

// Whether a chat is the interactive mode: -i, or no prompt while standard input is a terminal
// (text output, no -a, no --no-stdin).
bool wants_interactive(const config::Options& options);

// chat, interactive: the chat typed on the terminal, line by line (cmd/interactive_mode.cpp).
int run_interactive(const config::Options& options, RunContext& context);

// Reports `error` as run() does (one line on stderr, the sink's `error` and `done` events) and
// returns its exit status; for the interactive mode, where an error ends a turn, not the run.
int report_error(const Error& error, RunContext& context,
                 const events::DoneInfo& done = {"error", {}});

// list_models: the server's models, one per line.
int run_list_models(const config::Options& options, RunContext& context);

// list_tools: the tools that would be offered, one per line with their source.
int run_list_tools(const config::Options& options, RunContext& context);

// list_conversations: the saved conversations, newest first, one per line.
int run_list_conversations(const config::Options& options, RunContext& context);

// show: a saved conversation as text, or with --events as the events its runs wrote.
int run_show(const config::Options& options, RunContext& context);

}  // namespace ochat::cmd
