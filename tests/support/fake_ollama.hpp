// A fake Ollama HTTP/1.1 server for end-to-end tests.
//
// It speaks the /api/chat wire protocol the way Ollama (Go net/http + gin) does: chunked NDJSON
// streams with one line per HTTP chunk, Go encoding/json byte shapes (compact, struct field order,
// `<>&` and U+2028/U+2029 escaped, non-ASCII raw), single-object JSON error bodies without a
// trailing newline, keep-alive, `Expect: 100-continue`, chunked request bodies.
//
// The reply is chosen by the request's "model" (`NAME` or `NAME:ARG`); see the scenario list in
// fake_ollama.cpp (`make_plan`) and the constants below for the exact expected output. A chat
// request whose last message contains "[wait=MS]" (either protocol) is held MS milliseconds
// before its reply is chosen: per-request delays, for batches.
// POST /v1/chat/completions and GET /v1/models speak the OpenAI-compatible protocol instead
// (server- sent events); see fake_openai.hpp.
//
// Thread-safety: every public member may be called from any thread. The server runs one thread per
// connection; the destructor stops and joins all of them promptly, even while a reply is stalling.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ochat::test {

// ---- Expected output of the scenarios (concatenated message.content) ----

// model "text"
inline constexpr std::string_view kTextText = "Hello, world!";

// model "escapes": tokens that exercise Go's JSON escaping (\u003c \u003e \u0026, \n \t, raw UTF-8,
// a surrogate-pair escape, \u2028, quote and backslash).
inline constexpr std::string_view kEscapesText =
    "a < b && c > d"
    "\n\tline two"
    " caf\xC3\xA9"               // café (raw UTF-8 on the wire)
    " \xE4\xBD\xA0\xE5\xA5\xBD"  // 你好 (raw UTF-8)
    " \xF0\x9F\x98\x80"          // U+1F600, sent as the escape \ud83d\ude00
    " \xE2\x80\xA8"              // U+2028, sent as \u2028
    " \"quoted\" back\\slash";

// model "split": same kind of tokens, body written in tiny pieces cut anywhere.
inline constexpr std::string_view kSplitText =
    "Split: "
    "caf\xC3\xA9 "               // café
    "\xE4\xBD\xA0\xE5\xA5\xBD "  // 你好
    "\xF0\x9F\x98\x80 "          // U+1F600 raw 4-byte UTF-8
    "\xF0\x9F\x8E\x89 "          // U+1F389, sent as the escape \ud83c\udf89
    "x < y & z > w "
    "\xE2\x80\xA8 "  // U+2028, sent as \u2028
    "\"q\" \\ "
    "line\nnext\t"
    "\xC3\xBC\xC3\xB1\xC3\xAF\xC3\xA7\xC3\xB8 "  // üñïçø
    "end.";

// model "hostile": escape sequences and control characters a terminal must not obey: an OSC 52
// clipboard write, CSI cursor movement, a window title, BEL, a C1 CSI (U+009B); in two tokens,
// cut inside a CSI sequence. (Invalid UTF-8 cannot come this way: ochat refuses a line that is
// not JSON, and JSON is UTF-8.)
inline constexpr std::string_view kHostileText =
    "clip:\x1b]52;c;aGk=\x07 move:\x1b[2J\x1b[1;1H title:\x1b]0;pwned\x1b\\ bell:\x07 "
    "c1:\xC2\x9B"
    "31m end";

// model "think"
inline constexpr std::string_view kThinkContent = "Answer is 42";
inline constexpr std::string_view kThinkThinking = "Let me think.!";

// model "done-content": "Hi" in a content chunk, " there" inside the done chunk.
inline constexpr std::string_view kDoneContentText = "Hi there";

// model "midstream-error": text before the error line, and the error message.
inline constexpr std::string_view kMidstreamErrorText = "partial answer";
inline constexpr std::string_view kMidstreamErrorMessage =
    "an error was encountered while running the model: boom";

// model "no-newline": content of the single done chunk (no trailing '\n').
inline constexpr std::string_view kNoNewlineText = "done without newline";

// model "many:N": token i is "w" + i + " ". Returns the concatenation for N tokens.
std::string many_text(std::size_t n);
// model "slow:MS": token i is "s" + i + " ", 100 tokens. Returns the first n tokens.
std::string slow_text(std::size_t n = 100);

// ---- Recovery scenarios (both protocols; see fake_ollama.cpp and fake_openai.cpp) ----
// drop-once:K, error-once:K, refuse-continuation:K, restart:K and drop-always answer
// kContinueText in the tokens of continue_tokens(), cut after K of them (default 3); cut-utf8
// answers kCutUtf8Text (cut_utf8_tokens()), cut after three tokens in the middle of a character.
inline constexpr std::string_view kContinueText = "The quick brown fox jumps over the lazy dog.";
inline constexpr std::string_view kCutUtf8Text =
    "Caf\xC3\xA9 au lait: \xE4\xBD\xA0\xE5\xA5\xBD \xF0\x9F\x98\x80 end.";
std::vector<std::string> continue_tokens();
std::vector<std::string> cut_utf8_tokens();

// Metrics carried by every done chunk (fixed, so a client's --verbose output is deterministic).
// eval_count is the number of chunks that carried content or thinking (text: 4).
inline constexpr std::int64_t kTotalDuration = 4883583458;
inline constexpr std::int64_t kLoadDuration = 1334875;
inline constexpr std::int64_t kPromptEvalCount = 26;
inline constexpr std::int64_t kPromptEvalDuration = 342546000;
inline constexpr std::int64_t kEvalDuration = 4535599000;

// The tool call emitted by the "tool" and "tool-done" scenarios when the request has no "tools".
inline constexpr std::string_view kDefaultToolName = "get_weather";

struct RecordedRequest {
  std::string method, path, body;  // path = request-target as sent; body = raw (de-chunked) bytes
  std::vector<std::pair<std::string, std::string>> headers;  // as received, in order
  // The client closed the connection before the server finished its reply (set when detected).
  bool disconnected_early = false;
  // The server finished handling this request (reply fully written, gave up after a disconnect,
  // or the server is stopping).
  bool finished = false;
  std::size_t connection = 0;  // 1-based id of the TCP connection it arrived on
  int status = 0;              // HTTP status sent (0 if no status line was sent)

  // First header with this name (case-insensitive), or "" if absent.
  std::string header(std::string_view name) const;
};

class FakeOllama {
 public:
  FakeOllama();                             // binds 127.0.0.1:0, starts the accept thread
  explicit FakeOllama(std::uint16_t port);  // throws std::system_error if it cannot listen
  ~FakeOllama();                            // stops promptly, joins all threads
  FakeOllama(const FakeOllama&) = delete;
  FakeOllama& operator=(const FakeOllama&) = delete;

  std::uint16_t port() const;
  std::string url() const;  // "http://127.0.0.1:PORT"

  std::vector<RecordedRequest> requests() const;  // thread-safe snapshot, in arrival order
  // Blocks until `n` requests have finished (finished == true) or the timeout passes.
  bool wait_finished(std::size_t n, std::chrono::milliseconds timeout) const;
  std::size_t connections_accepted() const;  // TCP connections accepted so far

  // Serve only the OpenAI-compatible /v1 paths, as llama.cpp's server does: every other path
  // (Ollama's /api/chat, /api/tags) gets its 404 {"error":{"message":"File Not Found",...}}.
  void set_openai_only(bool on);

  // At most `slots` chat requests (/api/chat, /v1/chat/completions) are served at once; the others
  // wait, connected, for a slot, as a GPU server with that many parallel slots queues them.
  // 0 (the default): no limit.
  void set_chat_slots(std::size_t slots);
  // The most chat requests the server was handling at one time (waiting for a slot included).
  std::size_t most_concurrent_chats() const;

  // Called from a server thread with each request when it finishes. Set it before sending requests.
  void set_on_finished(std::function<void(const RecordedRequest&)> hook);

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace ochat::test
