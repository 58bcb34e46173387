#include "core/tools/mcp_session.hpp"

#include "core/text/excerpt.hpp"

namespace ochat::tools {
namespace {

std::string dump(const McpSession::Json& j) {
  return j.dump(-1, ' ', false, McpSession::Json::error_handler_t::replace);
}

}  // namespace

McpSession::McpSession(Log log, std::size_t max_line) : log_(std::move(log)), lines_(max_line) {}

void McpSession::log(const std::string& line) const {
  if (log_) log_(line);
}

void McpSession::send(const Json& message) {
  outbox_ += dump(message);
  outbox_ += '\n';
}

long long McpSession::request(const std::string& method, Json params) {
  const long long id = next_id_++;
  send(Json{{"jsonrpc", "2.0"}, {"id", id}, {"method", method}, {"params", std::move(params)}});
  return id;
}

void McpSession::notify(const std::string& method, Json params) {
  Json message{{"jsonrpc", "2.0"}, {"method", method}};
  if (!params.is_null()) message["params"] = std::move(params);
  send(message);
}

void McpSession::feed(std::string_view bytes) {
  lines_.feed(bytes, [&](std::string_view line) { on_line(line); });
}

std::optional<McpSession::Json> McpSession::take_response(long long id) {
  auto it = responses_.find(id);
  if (it == responses_.end()) return std::nullopt;
  Json response = std::move(it->second);
  responses_.erase(it);
  return response;
}

void McpSession::on_line(std::string_view line) {
  const Json j = Json::parse(line, nullptr, false);
  if (j.is_array()) {  // a 2025-03-26 batch
    for (const auto& m : j) on_message(m);
    return;
  }
  on_message(j);
  if (j.is_discarded() || !j.is_object()) {
    last_garbage_ = std::string(line.substr(0, 200));
    log("ignored a stdout line that is not JSON-RPC: " + text::excerpt(line, 120));
  }
}

void McpSession::on_message(const Json& m) {
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
      send(Json{{"jsonrpc", "2.0"},
                {"id", *id},
                {"error", {{"code", -32601}, {"message", "Method not found"}}}});
    }
    return;
  }
  if (id != m.end() && (m.contains("result") || m.contains("error"))) {
    if (id->is_number_integer()) {
      responses_[id->get<long long>()] = m;
    } else {
      log("ignored a response with an id ochat never sent: " + dump(*id));
    }
    return;
  }
  last_garbage_ = dump(m).substr(0, 200);
  log("ignored a message that is neither request, notification nor response: " +
      text::excerpt(dump(m), 120));
}

}  // namespace ochat::tools
