#pragma once
// An MCP server over stdio as a tool provider (what users see: ochat-plugins(7), MCP SERVERS):
// JSON-RPC 2.0, one message per line (the messages themselves: McpSession; what is read out of
// the answers: mcp_results.hpp). Handshake: initialize (2025-11-25; the server may answer
// 2025-06-18, 2025-03-26 or 2024-11-05, anything else is refused), notifications/initialized,
// tools/list following nextCursor. Requests from the server get {} (ping) or -32601; its
// notifications are logged; responses are matched by id, in any order; stdout lines that are
// not JSON are logged and skipped; stderr is drained (logged with -v).
#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "core/ndjson/line_splitter.hpp"
#include "core/sys/process.hpp"
#include "core/tools/mcp_config.hpp"
#include "core/tools/mcp_results.hpp"
#include "core/tools/mcp_session.hpp"
#include "core/tools/tool_provider.hpp"

namespace ochat::tools {

struct McpOptions {
  std::chrono::milliseconds startup_timeout{30'000};  // start + initialize + tools/list
  std::chrono::milliseconds call_timeout{60'000};     // one tools/call
  std::chrono::milliseconds shutdown_grace{2'000};    // before SIGTERM, and again before SIGKILL
  std::function<void(const std::string&)> log;        // verbose lines for stderr; may be empty
};

class McpServer final : public ToolProvider {
 public:
  // Starts the process (config.argv, PATH searched, exactly `env` as its environment) and
  // sends `initialize` without waiting for the answer, so that several servers start at once.
  // Throws ochat::Error (usage) naming the server when it cannot start.
  static std::unique_ptr<McpServer> launch(McpServerConfig config, std::vector<std::string> env,
                                           McpOptions options);
  // The same with a process already running (tests give a fake one).
  static std::unique_ptr<McpServer> attach(McpServerConfig config,
                                           std::unique_ptr<sys::Process> process,
                                           McpOptions options);
  ~McpServer() override;  // shuts the process down (McpOptions::shutdown_grace)

  // Waits for the `initialize` answer (until startup_timeout after launch), then lists the
  // tools. Throws ochat::Error naming the server on any failure: ErrorKind::timeout when it
  // did not answer in time, ErrorKind::interrupted when `cancel` fired; the process is then
  // shut down at once (a grace of 0.1 s, not shutdown_grace).
  void finish_startup(const sys::CancelToken& cancel);

  const std::string& source() const override { return source_; }
  const std::vector<ToolSpec>& tools() const override { return tools_; }
  std::string clash_prefix() const override { return config_.name; }
  void begin_shutdown() override;
  // A failure (timeout, crash, JSON-RPC error, isError) is an error outcome for the model.
  chat::ToolOutcome call(const std::string& name, const nlohmann::ordered_json& arguments,
                         const sys::CancelToken& cancel) override;

  const std::string& name() const { return config_.name; }

 private:
  using Json = nlohmann::ordered_json;
  using Clock = std::chrono::steady_clock;
  enum class Wait { answered, timed_out, cancelled, gone };

  McpServer(McpServerConfig config, std::unique_ptr<sys::Process> process, McpOptions options);
  void list_tools(const sys::CancelToken& cancel);  // finish_startup() without the clean-up
  std::string label() const;                        // "MCP server NAME (COMMAND ...)"
  long long send_request(const std::string& method, Json params);
  void send_notification(const std::string& method, Json params = nullptr);
  void flush_outbox_now();
  void flush_outbox(std::chrono::milliseconds limit);
  std::string garbage_note() const;  // its last stderr line and stdout garbage, for messages
  Wait await(long long id, Json& response, Clock::time_point deadline,
             const sys::CancelToken& cancel);
  void pump(std::chrono::milliseconds wait, const sys::CancelToken& cancel);
  void log(const std::string& line) const;
  void mark_gone(std::string reason);
  void on_stderr(std::string_view bytes);
  // Sends (unless `id` was already sent) and waits; throws ochat::Error naming the server.
  Json request(const std::string& method, Json params, Clock::time_point deadline,
               const sys::CancelToken& cancel, long long id = 0);

  McpServerConfig config_;
  McpOptions options_;
  std::string source_;
  std::unique_ptr<sys::Process> process_;
  Clock::time_point launched_;
  long long initialize_id_ = 0;
  McpSession session_;  // its stdout in, its stdin's bytes out
  ndjson::LineSplitter err_lines_{1 << 20};
  std::string last_stderr_;  // its last stderr line
  bool gone_ = false;        // its stdout closed, or it broke the protocol
  std::string gone_reason_;
  std::vector<ToolSpec> tools_;
};

}  // namespace ochat::tools
