#pragma once
// Where a run keeps the messages it adds to a conversation, each once it is complete: the
// model's replies (an answer cut short included) and the tools' results, in order.
// conversation::Recorder writes them to the conversation file; runs that save nothing pass none.
#include <cstdint>
#include <optional>
#include <string>

#include "core/chat/chunk.hpp"
#include "core/chat/message.hpp"
#include "core/error.hpp"

namespace ochat::chat {

// Why a reply or a tool result is incomplete.
enum class Cut {
  none,           // complete
  interrupted,    // SIGINT
  terminated,     // SIGTERM
  output_closed,  // nobody was reading stdout any more
  error,          // the stream broke, a timeout fired, ...: see MessageNote::error
};

// What ochat knows about a message beyond the protocol's fields: saved with it, never sent.
struct MessageNote {
  Cut cut = Cut::none;
  std::optional<ErrorKind> error_kind;      // for Cut::error
  std::string error;                        // for Cut::error: the message ochat printed
  std::string done_reason;                  // complete replies: "stop", "length", ...
  events::Stats stats;                      // replies: the server's counts, when it sent them
  bool is_error = false;                    // tool results: the call failed, `content` says why
  std::optional<std::int64_t> duration_ms;  // tool results: how long the call took
};

class MessageLog {
 public:
  virtual ~MessageLog() = default;
  // Keeps one complete message. Throws ochat::Error when it cannot (a full disk, ...); what
  // was kept before stays.
  virtual void append(const Message& message, const MessageNote& note) = 0;
};

// The cut for an interruption by `signal` (SIGTERM: terminated; anything else: interrupted).
Cut cut_for_signal(int signal) noexcept;

}  // namespace ochat::chat
