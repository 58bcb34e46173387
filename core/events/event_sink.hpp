#pragma once
// Where a conversation's events go: plain text (TextSink) or JSON Lines (JsonLinesSink).
// Calls arrive in order: start, then any of token/thinking/notice/tool_call/tool_result/retry,
// then error (if any), and done exactly once as the last call.
#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "core/events/stats.hpp"

namespace ochat::events {

// Version of the --events schema, sent in the `start` event. Bump only when a field changes
// meaning or disappears; new event types and fields do not need it.
inline constexpr int kSchemaVersion = 1;

// A file attached to the user's message (-a FILE, or an image on standard input).
struct AttachmentInfo {
  std::string name;        // as given; "-" for standard input
  std::string type;        // media type: image/png, image/jpeg, image/webp, image/gif, text/plain
  std::uint64_t size = 0;  // in bytes
};

struct StartInfo {
  std::string model;
  std::string host;
  std::vector<AttachmentInfo> attachments = {};  // in command-line order
  std::string conversation = {};     // the conversation's file; empty: the run is not saved
  std::size_t earlier_messages = 0;  // messages sent from the conversation's earlier turns
};

struct ToolCallInfo {
  std::string id;
  std::string name;
  const nlohmann::ordered_json* arguments = nullptr;  // a JSON object
};

struct ToolResultInfo {
  std::string id;
  std::string name;
  std::string content;
  bool is_error = false;
  std::int64_t duration_ms = 0;
};

struct DoneInfo {
  std::string reason;  // "stop", "length", "interrupted" or "error"
  Stats stats;
};

// A request is about to be sent again, after a wait (see chat::RetryPolicy).
struct RetryInfo {
  int attempt = 1;      // 1 for the first retry of an answer
  int max_retries = 0;  // how many retries an answer may have (--retries)
  std::string reason;   // what failed, in a few words: "server busy (HTTP 503)"
  std::int64_t delay_ms = 0;
  // The request continues the answer printed so far (of `answer_bytes` bytes); otherwise it
  // asks again from the start.
  bool continues = false;
  std::int64_t answer_bytes = 0;
  bool after_thinking = false;  // asked again from the start after some thinking was shown
};

class EventSink {
 public:
  virtual ~EventSink() = default;
  virtual void start(const StartInfo& info) = 0;
  virtual void token(std::string_view text) = 0;
  virtual void thinking(std::string_view text) = 0;
  // Before a tool runs, and after it has run.
  virtual void tool_call(const ToolCallInfo& /*info*/) {}
  virtual void tool_result(const ToolResultInfo& /*info*/) {}
  // Before the wait that precedes a retry.
  virtual void retry(const RetryInfo& /*info*/) {}
  // Someone is about to ask on the terminal (--confirm): end the lines in progress and write
  // out what is waiting, so that the question starts on a line of its own.
  virtual void before_question() {}
  // A message of the conversation that no other event carries (a user or system message),
  // when a saved conversation is replayed (ochat --show --events).
  virtual void message(std::string_view /*role*/, std::string_view /*content*/) {}
  // Something for the person at the terminal (e.g. "waiting for the model to load").
  virtual void notice(std::string_view text) = 0;
  // `hint`: what to try (as shown after the message on stderr); may be empty.
  virtual void error(ErrorKind kind, std::string_view message, std::string_view hint) = 0;
  virtual void done(const DoneInfo& info) = 0;
  // Writes what was collected. Returns false once stdout is closed (nobody is reading).
  virtual bool flush() = 0;
};

}  // namespace ochat::events
