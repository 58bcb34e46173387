#pragma once
// The one exception type for failures that end a run, and the exit-status contract.
// Expected outcomes (interruption, a closed stdout) are values, not exceptions.
#include <stdexcept>
#include <string>
#include <string_view>

namespace ochat {

// What went wrong, in the words of the exit-status contract (see man/ochat.1, EXIT STATUS).
enum class ErrorKind {
  internal,  // 1: any other runtime error
  usage,     // 2: bad flags, no prompt, no model
  connect,   // 3: cannot connect to the server
  http,      // 4: the server refused the request (HTTP status >= 400)
  stream,    // 5: the stream broke after it started
  timeout,   // 124: a timeout fired
  // 128 + the signal (130 for SIGINT, 143 for SIGTERM): the user stopped the run. Not a
  // failure: no message is shown, and --events ends with `done` reason "interrupted".
  interrupted,
};

// The process exit status for a kind (interrupted: 130).
int exit_status(ErrorKind kind) noexcept;
// The name used in --events `error` events: "internal", "usage", "connect", ...
std::string_view kind_name(ErrorKind kind) noexcept;

class Error : public std::runtime_error {
 public:
  Error(ErrorKind kind, std::string message, std::string hint = {})
      : std::runtime_error(std::move(message)), kind_(kind), hint_(std::move(hint)) {}
  // The run was stopped by `signal` (SIGINT or SIGTERM) while it waited for something.
  static Error interrupted(int signal);
  ErrorKind kind() const noexcept { return kind_; }
  // For ErrorKind::interrupted: the signal that stopped the run; otherwise 0.
  int signal() const noexcept { return signal_; }
  // A short suggestion shown after the message ("try: ollama pull llama3.2"), or empty.
  const std::string& hint() const noexcept { return hint_; }

 private:
  ErrorKind kind_;
  std::string hint_;
  int signal_ = 0;
};

// The process exit status for an error: 128 + its signal when interrupted, else that of its kind.
int exit_status(const Error& error) noexcept;

// Exit statuses that are not errors.
inline constexpr int kExitOk = 0;
inline constexpr int kExitSigint = 130;
inline constexpr int kExitSigterm = 143;
// A batch (ochat --each) ran to its end, but some of its items failed: their results carry the
// errors, the others are complete.
inline constexpr int kExitItemsFailed = 6;

}  // namespace ochat
