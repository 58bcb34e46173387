#include "core/tools/mcp_server.hpp"

#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include <fmt/format.h>

#include "core/error.hpp"
#include "core/ollama/chunk_parser.hpp"
#include "core/tools/executable_plugin.hpp"
#include "core/tools/mcp_content.hpp"
#include "core/tools/mcp_schema.hpp"
#include "core/tools/utf8.hpp"

namespace ochat::tools {
namespace {

using Json = nlohmann::ordered_json;

std::string seconds(std::chrono::milliseconds ms) {
  return fmt::format("{:g} s", static_cast<double>(ms.count()) / 1000.0);
}

std::string dump(const Json& j) { return j.dump(-1, ' ', false, Json::error_handler_t::replace); }

bool valid_tool_name(const std::string& name) {
  if (name.empty() || name.size() > 128) return false;
  for (char c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-' && c != '.') return false;
  }
  return true;
}

std::string rpc_error_text(const Json& error) {
  if (!error.is_object()) return "MCP error: " + dump(error);
  const long long code = error.contains("code") && error["code"].is_number_integer() ? error["code"].get<long long>() : 0;
  const std::string message = error.contains("message") && error["message"].is_string() ? error["message"].get<std::string>() : "";
  return fmt::format("MCP error {}: {}", code, message.empty() ? "(no message)" : message);
}

}  // namespace

McpServer::McpServer(McpServerConfig config, McpOptions options)
    : config_(std::move(config)), options_(std::move(options)), source_("mcp:" + config_.name) {}

McpServer::~McpServer() = default;  // child_'s destructor shuts the process group down

std::string McpServer::label() const {
  std::string command;
  for (const auto& a : config_.argv) command += (command.empty() ? "" : " ") + a;
  return fmt::format("MCP server {} ({})", config_.name, ollama::excerpt(command, 100));
}

std::unique_ptr<McpServer> McpServer::launch(McpServerConfig config, std::vector<std::string> env, McpOptions options) {
  std::unique_ptr<McpServer> server(new McpServer(std::move(config), std::move(options)));
  std::string error;
  server->child_ = sys::ChildProcess::start(server->config_.argv, env, error);
  if (!server->child_) {
    throw Error(ErrorKind::usage, fmt::format("{} cannot be started: {}", server->label(), error),
                "check the command, or install the server");
  }
  server->launched_ = Clock::now();
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
  const long long id = next_id_++;
  send(Json{{"jsonrpc", "2.0"}, {"id", id}, {"method", method}, {"params", std::move(params)}});
  return id;
}

bool McpServer::send(const Json& message) {
  if (!child_ || child_->stdin_fd() < 0) return false;
  outbox_ += dump(message);
  outbox_ += '\n';
  pump(0, sys::CancelToken{});
  return true;
}

void McpServer::flush_outbox(std::chrono::milliseconds limit) {
  const auto until = Clock::now() + limit;
  while (!outbox_.empty() && child_ && child_->stdin_fd() >= 0 && !gone_ && Clock::now() < until) pump(10, {});
}

void McpServer::mark_gone(std::string reason) {
  if (gone_) return;
  gone_ = true;
  // Its stdout closed: give the process a moment to exit, so its status can be told.
  for (int i = 0; i < 20 && !child_->exited(); ++i) ::usleep(10'000);
  gone_reason_ = reason.empty() ? (child_->exited() ? child_->describe_exit() : "closed its standard output")
                                : std::move(reason);
  log(gone_reason_);
}

std::string McpServer::garbage_note() const {
  std::string note;
  if (!last_stderr_.empty()) note += fmt::format("; its last line on stderr: {}", ollama::excerpt(last_stderr_, 160));
  if (!last_garbage_.empty()) {
    note += fmt::format("; it wrote something that is not JSON-RPC on its stdout: {}", ollama::excerpt(last_garbage_, 80));
  }
  return note;
}

void McpServer::pump(int timeout_ms, const sys::CancelToken& cancel) {
  if (!child_) return;
  pollfd fds[4];
  nfds_t n = 0;
  const int in = child_->stdin_fd(), out = child_->stdout_fd(), err = child_->stderr_fd();
  if (out >= 0) fds[n++] = {out, POLLIN, 0};
  if (err >= 0) fds[n++] = {err, POLLIN, 0};
  if (in >= 0 && !outbox_.empty()) fds[n++] = {in, POLLOUT, 0};
  if (cancel.wake_fd >= 0) fds[n++] = {cancel.wake_fd, POLLIN, 0};
  if (n == 0) {
    if (timeout_ms > 0) ::usleep(static_cast<useconds_t>(timeout_ms) * 1000);
    return;
  }
  if (::poll(fds, n, timeout_ms) <= 0) return;
  char buf[65536];
  for (nfds_t i = 0; i < n; ++i) {
    if (fds[i].revents == 0 || fds[i].fd == cancel.wake_fd) continue;
    if (fds[i].fd == in) {
      const ssize_t w = ::write(in, outbox_.data(), outbox_.size());
      if (w > 0) {
        outbox_.erase(0, static_cast<std::size_t>(w));
      } else if (w < 0 && errno != EAGAIN && errno != EINTR) {
        outbox_.clear();  // EPIPE: it stopped reading; its stdout tells the rest
        child_->close_stdin();
      }
    } else if (fds[i].fd == out) {
      const ssize_t r = ::read(out, buf, sizeof buf);
      if (r == 0) {
        child_->close_stdout();
        mark_gone({});
      } else if (r > 0) {
        try {
          out_lines_.feed(std::string_view(buf, static_cast<std::size_t>(r)), [&](std::string_view line) { on_line(line); });
        } catch (const Error&) {
          child_->close_stdout();
          mark_gone("wrote a line longer than 64 MiB on its stdout");
        }
      }
    } else if (fds[i].fd == err) {
      const ssize_t r = ::read(err, buf, sizeof buf);
      if (r == 0) {
        child_->close_stderr();
      } else if (r > 0) {
        try {
          err_lines_.feed(std::string_view(buf, static_cast<std::size_t>(r)), [&](std::string_view line) {
            last_stderr_ = valid_utf8(line);
            log(last_stderr_);
          });
        } catch (const Error&) {
          err_lines_ = ndjson::LineSplitter(1 << 20);  // a huge stderr line is only logging: drop it
        }
      }
    }
  }
}

void McpServer::on_line(std::string_view line) {
  const Json j = Json::parse(line, nullptr, false);
  if (j.is_array()) {  // a 2025-03-26 batch
    for (const auto& m : j) on_message(m);
    return;
  }
  on_message(j);
  if (j.is_discarded() || !j.is_object()) {
    last_garbage_ = std::string(line.substr(0, 200));
    log("ignored a stdout line that is not JSON-RPC: " + ollama::excerpt(line, 120));
  }
}

void McpServer::on_message(const Json& m) {
  if (!m.is_object()) return;
  auto method = m.find("method");
  auto id = m.find("id");
  if (method != m.end() && method->is_string()) {
    if (id == m.end()) {
      log("notification " + method->get<std::string>());
      return;
    }
    // A request from the server: it waits for exactly one answer.
    if (*method == "ping") {
      send(Json{{"jsonrpc", "2.0"}, {"id", *id}, {"result", Json::object()}});
    } else {
      log("refused request " + method->get<std::string>());
      send(Json{{"jsonrpc", "2.0"}, {"id", *id}, {"error", {{"code", -32601}, {"message", "Method not found"}}}});
    }
    return;
  }
  if (id != m.end() && (m.contains("result") || m.contains("error"))) {
    if (id->is_number_integer()) {
      answers_[id->get<long long>()] = m;
    } else {
      log("ignored a response with an id ochat never sent: " + dump(*id));
    }
    return;
  }
  last_garbage_ = dump(m).substr(0, 200);
  log("ignored a message that is neither request, notification nor response: " + ollama::excerpt(dump(m), 120));
}

McpServer::Wait McpServer::await(long long id, Json& response, Clock::time_point deadline, const sys::CancelToken& cancel) {
  for (;;) {
    if (auto it = answers_.find(id); it != answers_.end()) {
      response = std::move(it->second);
      answers_.erase(it);
      return Wait::answered;
    }
    if (gone_) return Wait::gone;
    if (cancel.requested() != 0) return Wait::cancelled;
    const auto now = Clock::now();
    if (now >= deadline) return Wait::timed_out;
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now).count();
    pump(static_cast<int>(std::clamp<long long>(left, 1, 100)), cancel);
  }
}

McpServer::Json McpServer::request(const std::string& method, Json params, Clock::time_point deadline,
                                   const sys::CancelToken& cancel, long long id) {
  if (id == 0) id = send_request(method, std::move(params));
  Json response;
  switch (await(id, response, deadline, cancel)) {
    case Wait::answered:
      break;
    case Wait::cancelled:
      throw Error(ErrorKind::internal, "interrupted");
    case Wait::timed_out:
      throw Error(ErrorKind::timeout,
                  fmt::format("{} did not answer {} within {}{}", label(), method, seconds(options_.startup_timeout), garbage_note()),
                  "raise --mcp-timeout if the server is only slow to start");
    case Wait::gone:
      throw Error(ErrorKind::internal, fmt::format("{} {} before answering {}{}", label(), gone_reason_, method, garbage_note()));
  }
  if (auto e = response.find("error"); e != response.end()) {
    throw Error(ErrorKind::internal, fmt::format("{} refused {}: {}", label(), method, rpc_error_text(*e)));
  }
  return response.contains("result") ? response["result"] : Json();
}

void McpServer::finish_startup(const sys::CancelToken& cancel) {
  const auto deadline = launched_ + options_.startup_timeout;
  const Json init = request("initialize", {}, deadline, cancel, initialize_id_);
  if (!init.is_object()) throw Error(ErrorKind::internal, fmt::format("{} answered initialize with something that is not an object", label()));
  const std::string version = init.contains("protocolVersion") && init["protocolVersion"].is_string()
                                  ? init["protocolVersion"].get<std::string>()
                                  : std::string();
  bool known = false;
  for (const char* v : kMcpProtocolVersions) known = known || version == v;
  if (!known) {
    throw Error(ErrorKind::internal,
                fmt::format("{} speaks MCP protocol version {}, which ochat does not support (it speaks {})", label(),
                            version.empty() ? "(none given)" : "'" + ollama::excerpt(version, 40) + "'",
                            fmt::join(std::begin(kMcpProtocolVersions), std::end(kMcpProtocolVersions), ", ")),
                "use a newer or older release of the server");
  }
  send(Json{{"jsonrpc", "2.0"}, {"method", "notifications/initialized"}});
  const bool has_tools = init.contains("capabilities") && init["capabilities"].is_object() && init["capabilities"].contains("tools");
  if (!has_tools) {
    log("offers no tools (no \"tools\" capability)");
    return;
  }
  Json params = Json::object();
  for (int page = 0; page < 1000; ++page) {
    const Json list = request("tools/list", params, deadline, cancel);
    if (list.contains("tools") && list["tools"].is_array()) {
      for (const auto& t : list["tools"]) {
        const std::string name = t.is_object() && t.contains("name") && t["name"].is_string() ? t["name"].get<std::string>() : "";
        if (!valid_tool_name(name)) {
          log("skipped a tool without a valid name: " + ollama::excerpt(dump(t), 80));
          continue;
        }
        if (t.contains("execution") && t["execution"].is_object() && t["execution"].value("taskSupport", "") == "required") {
          log("hid tool " + name + ": it requires task support, which ochat does not have");
          continue;
        }
        ToolSpec spec;
        spec.name = name;
        for (const Json* d : {t.contains("description") ? &t["description"] : nullptr, t.contains("title") ? &t["title"] : nullptr}) {
          if (spec.description.empty() && d && d->is_string()) spec.description = d->get<std::string>();
        }
        spec.parameters = clean_schema(t.contains("inputSchema") ? t["inputSchema"] : Json());
        tools_.push_back(std::move(spec));
      }
    }
    if (!list.contains("nextCursor") || !list["nextCursor"].is_string()) return;
    if (params.contains("cursor") && params["cursor"] == list["nextCursor"]) return;  // a server going round in circles
    params["cursor"] = list["nextCursor"];
  }
}

void McpServer::begin_shutdown() {
  if (child_) child_->close_stdin();
}

chat::ToolOutcome McpServer::call(const std::string& name, const Json& arguments, const sys::CancelToken& cancel) {
  chat::ToolOutcome outcome;
  const auto start = Clock::now();
  auto finish = [&](bool is_error, std::string content) {
    outcome.is_error = is_error;
    outcome.content = std::move(content);
    outcome.duration = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start);
    return outcome;
  };
  if (gone_) return finish(true, fmt::format("The MCP server {} is not running: it {}{}.", config_.name, gone_reason_, garbage_note()));
  Json args = arguments;
  if (args.is_string()) args = Json::parse(args.get<std::string>(), nullptr, false);
  if (args.is_null()) args = Json::object();
  if (!args.is_object()) return finish(true, "The arguments must be a JSON object.");

  const long long id = send_request("tools/call", Json{{"name", name}, {"arguments", std::move(args)}});
  Json response;
  const Wait wait = await(id, response, start + options_.call_timeout, cancel);
  auto cancel_request = [&](const char* reason) {
    send(Json{{"jsonrpc", "2.0"}, {"method", "notifications/cancelled"}, {"params", {{"requestId", id}, {"reason", reason}}}});
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
      return finish(true, fmt::format("The tool {} did not answer within {}; the call was cancelled{}.", name,
                                      seconds(options_.call_timeout), garbage_note()));
    case Wait::gone:
      return finish(true, fmt::format("The MCP server {} {} during the call{}.", config_.name, gone_reason_, garbage_note()));
  }
  if (auto e = response.find("error"); e != response.end()) return finish(true, valid_utf8(rpc_error_text(*e)));
  chat::ToolOutcome rendered = render_call_result(response.contains("result") ? response["result"] : Json(), kMaxToolOutput);
  return finish(rendered.is_error, std::move(rendered.content));
}

}  // namespace ochat::tools
