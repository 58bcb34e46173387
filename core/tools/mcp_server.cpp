#include "core/tools/mcp_server.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <optional>

#include "core/error.hpp"
#include "core/sys/child_process.hpp"
#include "core/text/excerpt.hpp"
#include "core/text/utf8.hpp"
#include "core/tools/executable_plugin.hpp"

namespace ochat::tools {
namespace {

using Json = nlohmann::ordered_json;

std::string seconds(std::chrono::milliseconds ms) {
  return fmt::format("{:g} s", static_cast<double>(ms.count()) / 1000.0);
}

// How long a server that failed to start gets to exit before SIGTERM, and again before SIGKILL.
constexpr std::chrono::milliseconds kFailedStartGrace{100};

// "MCP server NAME (COMMAND ...)"
std::string label_of(const McpServerConfig& config) {
  std::string command;
  for (const auto& a : config.argv) command += (command.empty() ? "" : " ") + a;
  return fmt::format("MCP server {} ({})", config.name, text::excerpt(command, 100));
}

}  // namespace

McpServer::McpServer(McpServerConfig config, std::unique_ptr<sys::Process> process,
                     McpOptions options)
    : config_(std::move(config)),
      options_(std::move(options)),
      source_("mcp:" + config_.name),
      process_(std::move(process)),
      launched_(Clock::now()),
      session_([this](const std::string& line) { log(line); }) {}

McpServer::~McpServer() { process_->shutdown(options_.shutdown_grace); }

std::string McpServer::label() const { return label_of(config_); }

std::unique_ptr<McpServer> McpServer::launch(McpServerConfig config, std::vector<std::string> env,
                                             McpOptions options) {
  std::string error;
  auto child = sys::ChildProcess::spawn({config.argv, std::move(env), true}, error);
  if (!child) {
    throw Error(ErrorKind::usage, fmt::format("{} cannot be started: {}", label_of(config), error),
                "check the command, or install the server");
  }
  return attach(std::move(config), std::move(child), std::move(options));
}

std::unique_ptr<McpServer> McpServer::attach(McpServerConfig config,
                                             std::unique_ptr<sys::Process> process,
                                             McpOptions options) {
  std::unique_ptr<McpServer> server(
      new McpServer(std::move(config), std::move(process), std::move(options)));
  Json params = {{"protocolVersion", kMcpProtocolVersions[0]},
                 {"capabilities", Json::object()},
                 {"clientInfo", {{"name", "ochat"}, {"version", OCHAT_VERSION}}}};
  server->initialize_id_ = server->send_request("initialize", std::move(params));
  return server;
}

void McpServer::log(const std::string& line) const {
  if (options_.log) options_.log(fmt::format("ochat: mcp {}: {}", config_.name, line));
}

long long McpServer::send_request(const std::string& method, Json params) {
  const long long id = session_.request(method, std::move(params));
  flush_outbox_now();
  return id;
}

void McpServer::send_notification(const std::string& method, Json params) {
  session_.notify(method, std::move(params));
  flush_outbox_now();
}

// Writes what it can at once. Never called while the session reads its stdout: answers to the
// server's requests queued there go out with the next pump.
void McpServer::flush_outbox_now() {
  if (!process_->stdin_open()) {
    session_.outbox().clear();  // nobody to read it
    return;
  }
  pump(std::chrono::milliseconds(0), {});
}

void McpServer::flush_outbox(std::chrono::milliseconds limit) {
  const auto until = Clock::now() + limit;
  while (!session_.outbox().empty() && process_->stdin_open() && !gone_ && Clock::now() < until) {
    pump(std::chrono::milliseconds(10), {});
  }
}

void McpServer::mark_gone(std::string reason) {
  if (gone_) return;
  gone_ = true;
  // Its stdout closed: give the process a moment to exit, so its status can be told, still
  // reading its stderr (its last words are often there).
  const auto until = Clock::now() + std::chrono::milliseconds(200);
  std::optional<sys::ExitStatus> status;
  std::string nothing;
  while (!(status = process_->poll_exit()) && Clock::now() < until) {
    process_->pump(nothing, {{}, [this](std::string_view b) { on_stderr(b); }},
                   std::chrono::milliseconds(10), {});
  }
  if (reason.empty()) reason = status ? status->describe() : "closed its standard output";
  gone_reason_ = std::move(reason);
  log(gone_reason_);
}

std::string McpServer::garbage_note() const {
  std::string note;
  if (!last_stderr_.empty())
    note += fmt::format("; its last line on stderr: {}", text::excerpt(last_stderr_, 160));
  if (!session_.last_garbage().empty()) {
    note += fmt::format("; it wrote something that is not JSON-RPC on its stdout: {}",
                        text::excerpt(session_.last_garbage(), 80));
  }
  return note;
}

void McpServer::on_stderr(std::string_view bytes) {
  try {
    err_lines_.feed(bytes, [&](std::string_view line) {
      last_stderr_ = text::valid_utf8(line);
      log(last_stderr_);
    });
  } catch (const Error&) {
    err_lines_ = ndjson::LineSplitter(1 << 20);  // a huge stderr line is only logging: drop it
  }
}

void McpServer::pump(std::chrono::milliseconds wait, const sys::CancelToken& cancel) {
  std::string broke;  // why its stdout was given up on, when not at end of file
  const sys::OutputSinks sinks{[&](std::string_view bytes) {
                                 try {
                                   session_.feed(bytes);
                                   return true;
                                 } catch (const Error&) {
                                   broke = "wrote a line longer than 64 MiB on its stdout";
                                   return false;
                                 }
                               },
                               [this](std::string_view bytes) { on_stderr(bytes); }};
  process_->pump(session_.outbox(), sinks, wait, cancel);
  if (!process_->stdout_open()) mark_gone(std::move(broke));
}

McpServer::Wait McpServer::await(long long id, Json& response, Clock::time_point deadline,
                                 const sys::CancelToken& cancel) {
  for (;;) {
    if (auto answer = session_.take_response(id)) {
      response = std::move(*answer);
      return Wait::answered;
    }
    if (gone_) return Wait::gone;
    if (cancel.requested() != 0) return Wait::cancelled;
    const auto now = Clock::now();
    if (now >= deadline) return Wait::timed_out;
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now).count();
    pump(std::chrono::milliseconds(std::clamp<long long>(left, 1, 100)), cancel);
  }
}

McpServer::Json McpServer::request(const std::string& method, Json params,
                                   Clock::time_point deadline, const sys::CancelToken& cancel,
                                   long long id) {
  if (id == 0) id = send_request(method, std::move(params));
  Json response;
  switch (await(id, response, deadline, cancel)) {
    case Wait::answered:
      break;
    case Wait::cancelled:
      throw Error::interrupted(cancel.requested());
    case Wait::timed_out:
      throw Error(ErrorKind::timeout,
                  fmt::format("{} did not answer {} within {}{}", label(), method,
                              seconds(options_.startup_timeout), garbage_note()),
                  "raise --mcp-timeout if the server is only slow to start");
    case Wait::gone:
      throw Error(ErrorKind::internal, fmt::format("{} {} before answering {}{}", label(),
                                                   gone_reason_, method, garbage_note()));
  }
  if (auto e = response.find("error"); e != response.end()) {
    throw Error(ErrorKind::internal,
                fmt::format("{} refused {}: {}", label(), method, rpc_error_text(*e)));
  }
  return response.contains("result") ? response["result"] : Json();
}

void McpServer::finish_startup(const sys::CancelToken& cancel) {
  try {
    list_tools(cancel);
  } catch (...) {
    // It will not be used: stop it at once, so that the error is reported at the bound and not
    // one grace period or two later (npx, say, does not stop at the end of its stdin).
    process_->shutdown(kFailedStartGrace);
    throw;
  }
}

void McpServer::list_tools(const sys::CancelToken& cancel) {
  const auto deadline = launched_ + options_.startup_timeout;
  const McpInitializeResult init =
      read_initialize_result(request("initialize", {}, deadline, cancel, initialize_id_));
  if (!init.error.empty())
    throw Error(ErrorKind::internal, fmt::format("{} {}", label(), init.error), init.hint);
  send_notification("notifications/initialized");
  if (!init.has_tools) {
    log("offers no tools (no \"tools\" capability)");
    return;
  }
  Json cursor;
  for (int page = 0; page < 1000; ++page) {
    const Json list =
        request("tools/list", cursor.is_null() ? Json::object() : Json{{"cursor", cursor}},
                deadline, cancel);
    auto next =
        read_tools_page(list, cursor, tools_, [this](const std::string& line) { log(line); });
    if (!next) return;
    cursor = std::move(*next);
  }
}

void McpServer::begin_shutdown() { process_->close_stdin(); }

chat::ToolOutcome McpServer::call(const std::string& name, const Json& arguments,
                                  const sys::CancelToken& cancel) {
  chat::ToolOutcome outcome;
  const auto start = Clock::now();
  auto finish = [&](bool is_error, std::string content) {
    outcome.is_error = is_error;
    outcome.content = std::move(content);
    outcome.duration = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start);
    return outcome;
  };
  if (gone_)
    return finish(true, fmt::format("The MCP server {} is not running: it {}{}.", config_.name,
                                    gone_reason_, garbage_note()));
  Json args = arguments;
  if (args.is_string()) args = Json::parse(args.get<std::string>(), nullptr, false);
  if (args.is_null()) args = Json::object();
  if (!args.is_object()) return finish(true, "The arguments must be a JSON object.");

  const long long id =
      send_request("tools/call", Json{{"name", name}, {"arguments", std::move(args)}});
  Json response;
  const Wait wait = await(id, response, start + options_.call_timeout, cancel);
  auto cancel_request = [&](const char* reason) {
    send_notification("notifications/cancelled", Json{{"requestId", id}, {"reason", reason}});
    flush_outbox(std::chrono::milliseconds(200));
  };
  switch (wait) {
    case Wait::answered:
      break;
    case Wait::cancelled:
      cancel_request("interrupted by the user");
      outcome.interrupted = true;
      return finish(true, "The tool was interrupted by the user.");
    case Wait::timed_out:
      cancel_request("timed out");
      return finish(
          true, fmt::format("The tool {} did not answer within {}; the call was cancelled{}.", name,
                            seconds(options_.call_timeout), garbage_note()));
    case Wait::gone:
      return finish(true, fmt::format("The MCP server {} {} during the call{}.", config_.name,
                                      gone_reason_, garbage_note()));
  }
  chat::ToolOutcome rendered = read_call_response(response, kMaxToolOutput);
  return finish(rendered.is_error, std::move(rendered.content));
}

}  // namespace ochat::tools
