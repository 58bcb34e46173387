// tools::McpServer driven through a scripted fake process (fake_process.hpp): the handshake,
// start-up failures (timeout, interruption, a server that dies), calls and their failures, and
// shutting the process down. The real process layer has its own tests (child_process_test.cpp);
// real servers are in tests/e2e/mcp_test.cpp.
#include "core/tools/mcp_server.hpp"

#include <signal.h>

#include <atomic>
#include <catch2/catch.hpp>

#include "core/error.hpp"
#include "fake_process.hpp"

using namespace ochat;
using ochat::test::FakeServer;
using Json = nlohmann::ordered_json;
using std::chrono::milliseconds;

namespace {

const Json kEchoTool = {{"name", "echo"},
                        {"description", "Echoes"},
                        {"inputSchema", {{"type", "object"}, {"properties", Json::object()}}}};

// Answers initialize and tools/list (two pages); tools/call and the client's responses go to
// `on_call`, notifications nowhere.
void serve(FakeServer& server, std::function<void(const Json&, FakeServer&)> on_call = {}) {
  server.on_message = [on_call](const Json& m, FakeServer& s) {
    const std::string method = m.value("method", "");
    if (method == "initialize") {
      s.answer(m, {{"protocolVersion", m["params"]["protocolVersion"]},
                   {"capabilities", {{"tools", Json::object()}}},
                   {"serverInfo", {{"name", "fake"}, {"version", "1"}}}});
    } else if (method == "tools/list" && !m["params"].contains("cursor")) {
      s.answer(m, {{"tools", Json::array({kEchoTool})}, {"nextCursor", "page 2"}});
    } else if (method == "tools/list") {
      Json add = kEchoTool;
      add["name"] = "add";
      s.answer(m, {{"tools", Json::array({add})}});
    } else if (on_call && (method == "tools/call" || method.empty())) {
      on_call(m, s);
    }
  };
}

tools::McpOptions quick() {
  tools::McpOptions o;
  o.startup_timeout = milliseconds(50);
  o.call_timeout = milliseconds(50);
  return o;
}

std::unique_ptr<tools::McpServer> start(FakeServer& server, tools::McpOptions options = quick()) {
  return tools::McpServer::attach({"fake", {"fake-server", "--flag"}, {}}, server.process(),
                                  std::move(options));
}

// The error finish_startup() throws (fails the test when it throws none).
Error startup_error(tools::McpServer& mcp, const sys::CancelToken& cancel = {}) {
  try {
    mcp.finish_startup(cancel);
  } catch (const Error& e) {
    return e;
  }
  FAIL("finish_startup() did not throw");
  return Error(ErrorKind::internal, "");
}

const Json* find(const std::vector<Json>& messages, const std::string& method) {
  for (const auto& m : messages) {
    if (m.value("method", "") == method) return &m;
  }
  return nullptr;
}

}  // namespace

TEST_CASE("tools::McpServer starts: initialize, notifications/initialized, every tools/list page") {
  FakeServer server;
  serve(server);
  auto mcp = start(server);
  CHECK(server.methods() == std::vector<std::string>{"initialize"});  // sent at once, not awaited
  mcp->finish_startup({});
  CHECK(server.methods() == std::vector<std::string>{"initialize", "notifications/initialized",
                                                     "tools/list", "tools/list"});
  const Json& init = server.received[0];
  CHECK(init["params"]["protocolVersion"] == "2025-11-25");
  CHECK(init["params"]["clientInfo"]["name"] == "ochat");
  CHECK(server.received[3]["params"]["cursor"] == "page 2");
  REQUIRE(mcp->tools().size() == 2);
  CHECK(mcp->tools()[0].name == "echo");
  CHECK(mcp->tools()[1].name == "add");
  CHECK(mcp->source() == "mcp:fake");
}

TEST_CASE(
    "tools::McpServer: a server that does not answer initialize in time is a timeout error naming "
    "it") {
  FakeServer server;  // answers nothing
  server.err = "fake: still loading\n";
  auto mcp = start(server);
  const Error e = startup_error(*mcp);
  CHECK(e.kind() == ErrorKind::timeout);
  CHECK(exit_status(e) == 124);
  CHECK(
      std::string(e.what()) ==
      "MCP server fake (fake-server --flag) did not answer initialize within 0.05 s; its last line "
      "on stderr: fake: still loading");
  CHECK(e.hint() == "raise --mcp-timeout if the server is only slow to start");
}

TEST_CASE(
    "tools::McpServer: a start-up interrupted by a signal is ErrorKind::interrupted, not a "
    "failure") {
  for (int sig : {SIGINT, SIGTERM}) {
    FakeServer server;                              // answers nothing
    auto mcp = start(server, tools::McpOptions{});  // the 30 s default: the signal comes first
    const std::atomic<int> signal{sig};
    const Error e = startup_error(*mcp, sys::CancelToken{&signal, -1});
    CHECK(e.kind() == ErrorKind::interrupted);
    CHECK(e.signal() == sig);
    CHECK(exit_status(e) == 128 + sig);
  }
}

TEST_CASE(
    "tools::McpServer: a server that exits before answering is an error with its status and last "
    "words") {
  FakeServer server;
  server.on_message = [](const Json&, FakeServer& s) { s.die({3, 0}, "fake: no config\n"); };
  auto mcp = start(server);
  const Error e = startup_error(*mcp);
  CHECK(e.kind() == ErrorKind::internal);
  CHECK(
      std::string(e.what()) ==
      "MCP server fake (fake-server --flag) exited with status 3 before answering initialize; its "
      "last line on stderr: fake: no config");
}

TEST_CASE(
    "tools::McpServer: a refused initialize and an unknown protocol version are errors naming the "
    "server") {
  FakeServer refusing;
  refusing.on_message = [](const Json& m, FakeServer& s) {
    s.reply(
        {{"jsonrpc", "2.0"}, {"id", m["id"]}, {"error", {{"code", -32603}, {"message", "no"}}}});
  };
  auto mcp = start(refusing);
  CHECK_THAT(startup_error(*mcp).what(),
             Catch::Contains("MCP server fake (fake-server --flag) refused initialize: "));

  FakeServer old;
  old.on_message = [](const Json& m, FakeServer& s) {
    s.answer(m, {{"protocolVersion", "1999-01-01"}});
  };
  auto old_mcp = start(old);
  CHECK_THAT(startup_error(*old_mcp).what(), Catch::Contains("'1999-01-01'"));
}

TEST_CASE("tools::McpServer::call sends tools/call and hands the result to the model") {
  FakeServer server;
  serve(server, [](const Json& m, FakeServer& s) {
    s.answer(m,
             {{"content",
               {{{"type", "text"},
                 {"text", "echo: " + m["params"]["arguments"]["message"].get<std::string>()}}}}});
  });
  auto mcp = start(server);
  mcp->finish_startup({});
  const auto outcome = mcp->call("echo", Json{{"message", "hi"}}, {});
  CHECK_FALSE(outcome.is_error);
  CHECK(outcome.content == "echo: hi");
  const Json* call = find(server.received, "tools/call");
  REQUIRE(call);
  CHECK(call->at("params") == Json{{"name", "echo"}, {"arguments", {{"message", "hi"}}}});

  SECTION("arguments given as a JSON string are sent as the object") {
    mcp->call("echo", Json("{\"message\":\"str\"}"), {});
    CHECK(server.received.back()["params"]["arguments"] == Json{{"message", "str"}});
  }
  SECTION("arguments that are not an object are not sent") {
    const auto bad = mcp->call("echo", Json::array({1}), {});
    CHECK(bad.is_error);
    CHECK(bad.content == "The arguments must be a JSON object.");
    CHECK(server.received.back().value("method", "") == "tools/call");
    CHECK(server.received.size() == 5);  // no second call
  }
}

TEST_CASE("tools::McpServer answers the server's ping while waiting for a call") {
  FakeServer server;
  Json call;  // answered only once the ping has come back
  serve(server, [&call](const Json& m, FakeServer& s) {
    if (m.value("method", "") == "tools/call") {
      call = m;
      s.reply({{"jsonrpc", "2.0"}, {"id", "ping-1"}, {"method", "ping"}});
    } else if (m.contains("id") && m["id"] == "ping-1" && m.contains("result")) {
      CHECK(m["result"] == Json::object());
      s.answer(call, {{"content", {{{"type", "text"}, {"text", "pong"}}}}});
    }
  });
  auto mcp = start(server);
  mcp->finish_startup({});
  const auto outcome = mcp->call("echo", Json::object(), {});
  CHECK(outcome.content == "pong");
  CHECK_FALSE(outcome.is_error);
}

TEST_CASE("tools::McpServer::call: no answer in time cancels the request and tells the model") {
  FakeServer server;
  serve(server);  // never answers tools/call
  auto mcp = start(server);
  mcp->finish_startup({});
  const auto outcome = mcp->call("echo", Json::object(), {});
  CHECK(outcome.is_error);
  CHECK_FALSE(outcome.interrupted);
  CHECK(outcome.content == "The tool echo did not answer within 0.05 s; the call was cancelled.");
  const Json* call = find(server.received, "tools/call");
  const Json* cancelled = find(server.received, "notifications/cancelled");
  REQUIRE(call);
  REQUIRE(cancelled);
  CHECK(cancelled->at("params") == Json{{"requestId", call->at("id")}, {"reason", "timed out"}});
}

TEST_CASE(
    "tools::McpServer::call: an interrupted call is an interrupted outcome, and the server is "
    "told") {
  FakeServer server;
  serve(server);
  auto mcp = start(server);
  mcp->finish_startup({});
  const std::atomic<int> signal{SIGINT};
  const auto outcome = mcp->call("echo", Json::object(), sys::CancelToken{&signal, -1});
  CHECK(outcome.interrupted);
  CHECK(outcome.is_error);
  const Json* cancelled = find(server.received, "notifications/cancelled");
  REQUIRE(cancelled);
  CHECK(cancelled->at("params")["reason"] == "interrupted by the user");
}

TEST_CASE(
    "tools::McpServer::call: a server that dies during a call is an error outcome, and is not "
    "called again") {
  FakeServer server;
  serve(server, [](const Json&, FakeServer& s) { s.die({-1, SIGSEGV}, "fake: crashed\n"); });
  auto mcp = start(server);
  mcp->finish_startup({});
  const auto first = mcp->call("echo", Json::object(), {});
  CHECK(first.is_error);
  CHECK(first.content ==
        "The MCP server fake was killed by signal 11 during the call; its last line on stderr: "
        "fake: crashed.");
  const std::size_t sent = server.received.size();
  const auto second = mcp->call("add", Json::object(), {});
  CHECK(second.is_error);
  CHECK(second.content ==
        "The MCP server fake is not running: it was killed by signal 11; its last line on stderr: "
        "fake: "
        "crashed.");
  CHECK(server.received.size() == sent);
}

TEST_CASE("tools::McpServer: a server that closes its stdout but keeps running is gone too") {
  FakeServer server;
  serve(server, [](const Json&, FakeServer& s) { s.close_stdout_once_read = true; });
  auto mcp = start(server);
  mcp->finish_startup({});
  const auto outcome = mcp->call("echo", Json::object(), {});
  CHECK(outcome.content == "The MCP server fake closed its standard output during the call.");
}

TEST_CASE(
    "tools::McpServer: begin_shutdown closes its stdin, and destroying it shuts the process down") {
  FakeServer server;
  serve(server);
  tools::McpOptions options = quick();
  options.shutdown_grace = milliseconds(1234);
  auto mcp = start(server, options);
  mcp->finish_startup({});
  mcp->begin_shutdown();
  CHECK_FALSE(server.stdin_open);
  CHECK_FALSE(server.shut_down_with);
  mcp.reset();
  CHECK(server.shut_down_with == milliseconds(1234));
}
