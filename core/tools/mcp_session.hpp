#pragma once
// The JSON-RPC side of one MCP stdio session, without the process (MCP's stdio transport):
// the bytes the server writes on its stdout go in; responses to our requests come out by id;
// answers to the server's own requests (`{}` for ping, -32601 for anything else) and our
// requests and notifications queue up as bytes for its stdin. McpServer moves the bytes.
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "core/ndjson/line_splitter.hpp"

namespace ochat::tools {

class McpSession {
 public:
  using Json = nlohmann::ordered_json;
  using Log = std::function<void(const std::string&)>;

  // `log` gets one line per message that is skipped, refused or only noted; it may be empty.
  explicit McpSession(Log log = {}, std::size_t max_line = ndjson::LineSplitter::kDefaultMaxLine);

  // Queues a request with a fresh id (1, 2, ...) and returns the id.
  long long request(const std::string& method, Json params);
  // Queues a notification (a message without id); `params` is left out when null.
  void notify(const std::string& method, Json params = nullptr);

  // Takes bytes from the server's stdout: one message per line (or a batch: an array of them);
  // a line that is not JSON, or a message that is neither request, notification nor response,
  // is logged and skipped. Answers to its requests are queued, never sent from here. Throws
  // ochat::Error (stream) for a line longer than `max_line`.
  void feed(std::string_view bytes);

  // The response (the whole message, with "result" or "error") to our request `id` once it has
  // arrived; it is handed out once.
  std::optional<Json> take_response(long long id);

  // Bytes for the server's stdin not yet written; the caller erases what it wrote.
  std::string& outbox() noexcept { return outbox_; }
  // The last stdout line (or message) that was not JSON-RPC, at most 200 bytes; for messages.
  const std::string& last_garbage() const noexcept { return last_garbage_; }

 private:
  void send(const Json& message);
  void on_line(std::string_view line);
  void on_message(const Json& message);
  void log(const std::string& line) const;

  Log log_;
  ndjson::LineSplitter lines_;
  long long next_id_ = 1;
  std::map<long long, Json> responses_;  // arrived, not yet taken
  std::string outbox_;
  std::string last_garbage_;
};

}  // namespace ochat::tools
