// fake-ollama: the test fake server as a standalone process (for manual runs and shell tests).
//
//   fake-ollama [--port N] [--port-file PATH] [--log PATH] [--slots N]
//
// Listens on 127.0.0.1:N (0 = ephemeral, the default), writes "PORT\n" to --port-file once
// listening (atomically, via rename), prints "listening on http://127.0.0.1:PORT" to stderr,
// appends one JSON line per finished request to --log
// ({"method","path","body","disconnected_early","status"}), and exits 0 on SIGTERM or SIGINT.
#include <fmt/format.h>
#include <pthread.h>
#include <sys/stat.h>

#include <csignal>
#include <cstdio>
#include <exception>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "fake_ollama.hpp"

namespace {

constexpr std::string_view kUsage =
    "usage: fake-ollama [--port N] [--port-file PATH] [--log PATH] [--slots N]\n";

std::optional<std::uint16_t> parse_port(std::string_view s) {
  if (s.empty() || s.size() > 5) return std::nullopt;
  unsigned v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + static_cast<unsigned>(c - '0');
  }
  if (v > 65535) return std::nullopt;
  return static_cast<std::uint16_t>(v);
}

bool write_port_file(const std::string& path, std::uint16_t port) {
  // Renaming over something that is not a regular file (say /dev/null, as root) would
  // replace it: write such targets in place.
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0 && !S_ISREG(st.st_mode)) {
    std::FILE* f = std::fopen(path.c_str(), "w");
    if (!f) return false;
    bool ok = std::fprintf(f, "%u\n", static_cast<unsigned>(port)) > 0;
    return std::fclose(f) == 0 && ok;
  }
  std::string tmp = path + ".tmp";
  std::FILE* f = std::fopen(tmp.c_str(), "w");
  if (!f) return false;
  bool ok = std::fprintf(f, "%u\n", static_cast<unsigned>(port)) > 0;
  ok = std::fclose(f) == 0 && ok;
  return ok && std::rename(tmp.c_str(), path.c_str()) == 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::uint16_t port = 0;
  std::string port_file, log_path;
  std::size_t slots = 0;  // chat requests served at once (0: any), see FakeOllama::set_chat_slots
  for (int i = 1; i < argc; ++i) {
    std::string_view a = argv[i];
    auto value = [&]() -> std::optional<std::string> {
      if (i + 1 >= argc) return std::nullopt;
      return std::string(argv[++i]);
    };
    std::optional<std::string> v;
    if (a == "--help" || a == "-h") {
      std::fputs(kUsage.data(), stdout);
      return 0;
    } else if (a == "--port" && (v = value())) {
      auto p = parse_port(*v);
      if (!p) {
        std::fprintf(stderr, "fake-ollama: invalid port '%s'\n", v->c_str());
        return 2;
      }
      port = *p;
    } else if (a == "--port-file" && (v = value())) {
      port_file = *v;
    } else if (a == "--log" && (v = value())) {
      log_path = *v;
    } else if (a == "--slots" && (v = value())) {
      const auto n = parse_port(*v);
      if (!n) {
        std::fprintf(stderr, "fake-ollama: invalid --slots '%s'\n", v->c_str());
        return 2;
      }
      slots = *n;
    } else {
      std::fprintf(stderr, "fake-ollama: bad argument '%s'\n%s", argv[i], kUsage.data());
      return 2;
    }
  }

  // Block the stop signals in every thread (threads inherit the mask) and wait for them below.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  std::signal(SIGPIPE, SIG_IGN);

  try {
    std::FILE* log = nullptr;
    if (!log_path.empty()) {
      log = std::fopen(log_path.c_str(), "a");
      if (!log) {
        std::fprintf(stderr, "fake-ollama: cannot open log '%s'\n", log_path.c_str());
        return 1;
      }
    }
    std::mutex log_mu;
    int rc = 0;
    {
      ochat::test::FakeOllama server(port);
      server.set_chat_slots(slots);
      if (log) {
        server.set_on_finished([&](const ochat::test::RecordedRequest& r) {
          nlohmann::ordered_json j = {{"method", r.method},
                                      {"path", r.path},
                                      {"body", r.body},
                                      {"disconnected_early", r.disconnected_early},
                                      {"status", r.status}};
          std::string line =
              j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
          std::lock_guard lk(log_mu);
          std::fputs(line.c_str(), log);
          std::fflush(log);
        });
      }
      if (!port_file.empty() && !write_port_file(port_file, server.port())) {
        std::fprintf(stderr, "fake-ollama: cannot write port file '%s'\n", port_file.c_str());
        rc = 1;
      } else {
        std::fprintf(stderr, "listening on %s\n", server.url().c_str());
        int sig = 0;
        sigwait(&stop_signals, &sig);
      }
    }  // the server stops and joins here, before the log is closed
    if (log) std::fclose(log);
    return rc;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "fake-ollama: %s\n", e.what());
    return 1;
  }
}
