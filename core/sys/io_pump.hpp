#pragma once
// The one loop body that moves bytes between ochat and a child's standard streams: used by the
// plugin runner (run_subprocess) and by MCP servers (through sys::Process), so that both write,
// read, see end of file and honour the cancel token the same way.
#include <chrono>
#include <functional>
#include <string>
#include <string_view>

#include "core/sys/cancel_token.hpp"

namespace ochat::sys {

// Our ends of a child's stdin, stdout and stderr: non-blocking descriptors, -1 once closed.
struct Pipes {
  int in = -1;
  int out = -1;
  int err = -1;
};

// Where the bytes a child writes go.
struct OutputSinks {
  // Bytes from its stdout. Returning false stops reading: its stdout is closed. May be empty
  // (the bytes are dropped).
  std::function<bool(std::string_view)> out;
  // Bytes from its stderr. May be empty (the bytes are dropped).
  std::function<void(std::string_view)> err;
};

// One round: waits up to `wait` (0: not at all) until stdout or stderr has bytes (or end of
// file), stdin takes bytes (only asked when `input` holds some), or `cancel` fires; then
// writes what stdin takes of `input` (erasing what was written) and hands what arrived to
// `sinks`, at most one read per stream. A stream at end of file is closed; so is a stdin whose
// reader has gone (EPIPE), and `input` is cleared. With nothing to wait for it sleeps for `wait`.
// SIGPIPE must be ignored (sys::SignalGuard does), or a write to a stdin whose reader has just gone
// kills ochat.
void pump(Pipes& pipes, std::string& input, const OutputSinks& sinks,
          std::chrono::milliseconds wait, const CancelToken& cancel);

}  // namespace ochat::sys
