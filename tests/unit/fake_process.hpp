#pragma once
// A scripted sys::Process for testing McpServer without a program: each JSON-RPC message the
// client writes on the fake's stdin is recorded and handed to `on_message`, which answers by
// queueing bytes for the fake's stdout and stderr, closing its stdout, or exiting. The script
// (FakeServer) is owned by the test and outlives the process it hands out, so that what the
// client did can be checked after the server is gone.
#include <chrono>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "core/sys/process.hpp"

namespace ochat::test {

struct FakeServer {
  using Json = nlohmann::ordered_json;

  // Called for each message the client sends, in order; may be empty (nothing is answered).
  std::function<void(const Json&, FakeServer&)> on_message;

  std::vector<Json> received;  // every message read from its stdin
  std::string out, err;        // bytes waiting for the client to read
  bool stdin_open = true, stdout_open = true, stderr_open = true;
  bool close_stdout_once_read = false;  // end of file once `out` has been read
  std::optional<sys::ExitStatus> exit;  // it has exited, like this
  std::optional<std::chrono::milliseconds>
      shut_down_with;  // shutdown() was called, with this grace

  void reply(const Json& message) { out += message.dump() + "\n"; }
  void answer(const Json& request, Json result) {
    reply({{"jsonrpc", "2.0"}, {"id", request["id"]}, {"result", std::move(result)}});
  }
  // It writes `last_words` on stderr, closes its stdout and exits.
  void die(sys::ExitStatus status, std::string last_words = {}) {
    err += last_words;
    close_stdout_once_read = true;
    exit = status;
  }
  // The methods received, in order ("" for a response).
  std::vector<std::string> methods() const {
    std::vector<std::string> m;
    for (const auto& message : received) m.push_back(message.value("method", ""));
    return m;
  }

  std::unique_ptr<sys::Process> process();

 private:
  std::string partial_;  // a line the client has not finished writing
  friend class FakeProcess;
};

class FakeProcess final : public sys::Process {
 public:
  explicit FakeProcess(FakeServer& server) : s_(server) {}

  void pump(std::string& input, const sys::OutputSinks& sinks, std::chrono::milliseconds wait,
            const sys::CancelToken&) override {
    bool busy = false;
    if (s_.stdin_open && !input.empty()) {
      s_.partial_ += input;
      input.clear();
      busy = true;
      for (auto nl = s_.partial_.find('\n'); nl != std::string::npos; nl = s_.partial_.find('\n')) {
        const auto message = FakeServer::Json::parse(s_.partial_.substr(0, nl));
        s_.partial_.erase(0, nl + 1);
        s_.received.push_back(message);
        if (s_.on_message) s_.on_message(message, s_);
      }
    }
    if (s_.stdout_open && !s_.out.empty()) {
      const std::string bytes = std::exchange(s_.out, {});
      busy = true;
      if (sinks.out && !sinks.out(bytes)) s_.stdout_open = false;
    } else if (s_.stdout_open && s_.close_stdout_once_read) {
      s_.stdout_open = false;
      busy = true;
    }
    if (s_.stderr_open && !s_.err.empty()) {
      const std::string bytes = std::exchange(s_.err, {});
      busy = true;
      if (sinks.err) sinks.err(bytes);
    }
    // Nothing happened: like poll(), wait a little (not all of `wait`: tests stay quick).
    if (!busy && wait.count() > 0) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  bool stdin_open() const override { return s_.stdin_open; }
  bool stdout_open() const override { return s_.stdout_open; }
  bool stderr_open() const override { return s_.stderr_open; }
  void close_stdin() override { s_.stdin_open = false; }
  std::optional<sys::ExitStatus> poll_exit() override { return s_.exit; }
  void shutdown(std::chrono::milliseconds grace) override {
    s_.shut_down_with = grace;
    s_.stdin_open = false;
    if (!s_.exit) s_.exit = sys::ExitStatus{0, 0};
  }

 private:
  FakeServer& s_;
};

inline std::unique_ptr<sys::Process> FakeServer::process() {
  return std::make_unique<FakeProcess>(*this);
}

}  // namespace ochat::test
