#pragma once
// Shared helpers for the end-to-end tests: a fake Ollama server per test and the real binary.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "fake_ollama.hpp"
#include "process.hpp"

namespace ochat::test {

struct Ochat {
  FakeOllama server;

  // Runs `ochat --host SERVER args...`.
  RunResult run(std::vector<std::string> args, RunOptions options = {}) {
    options.args = {"--host", server.url()};
    options.args.insert(options.args.end(), args.begin(), args.end());
    return run_process(ochat_binary(), options);
  }

  // The body of the n-th request the server received, parsed.
  nlohmann::json request_body(std::size_t n = 0) const {
    auto reqs = server.requests();
    if (n >= reqs.size()) return nullptr;
    return nlohmann::json::parse(reqs[n].body, nullptr, false);
  }
};

// What ochat prints on stdout (not a terminal) for an answer: its bytes, and a newline when it
// does not end with one (-n/--no-newline leaves it out).
inline std::string printed(std::string_view answer) {
  std::string out(answer);
  if (!out.empty() && out.back() != '\n') out += '\n';
  return out;
}

// The answer in what ochat printed for an answer cut short (interrupted, timed out): `out` less
// the final newline ochat added, which must be there.
inline std::string answer_of(const std::string& out) {
  CHECK_FALSE(out.empty());
  if (out.empty() || out.back() != '\n') return "NO FINAL NEWLINE: " + out;
  return out.substr(0, out.size() - 1);
}

// Parses JSON Lines; every line must be one JSON object (a failed parse gives a "discarded" entry).
inline std::vector<nlohmann::json> parse_lines(const std::string& text) {
  std::vector<nlohmann::json> events;
  std::size_t pos = 0;
  while (pos < text.size()) {
    auto nl = text.find('\n', pos);
    if (nl == std::string::npos) nl = text.size();
    events.push_back(nlohmann::json::parse(text.substr(pos, nl - pos), nullptr, false));
    pos = nl + 1;
  }
  return events;
}

// The number of lines in `text` (a final line without '\n' counts).
inline std::size_t count_lines(const std::string& text) {
  std::size_t n = 0;
  for (char c : text) n += c == '\n';
  if (!text.empty() && text.back() != '\n') ++n;
  return n;
}

// Concatenation of the `text` of all events of `type`.
inline std::string joined_text(const std::vector<nlohmann::json>& events, const std::string& type) {
  std::string out;
  for (const auto& e : events) {
    if (e.is_object() && e.value("type", "") == type) out += e["data"]["text"].get<std::string>();
  }
  return out;
}

// The nth event of `type`, or nullptr.
inline const nlohmann::json* find_event(const std::vector<nlohmann::json>& events,
                                        const std::string& type, std::size_t nth = 0) {
  for (const auto& e : events) {
    if (e.value("type", "") == type && nth-- == 0) return &e;
  }
  return nullptr;
}

// A failed run says so in one line on stderr.
inline void check_one_error_line(const RunResult& r) {
  INFO(r.err);
  CHECK_THAT(r.err, Catch::StartsWith("ochat: error: "));
  CHECK(count_lines(r.err) == 1);
}

// A loopback port with nothing listening on it.
inline int closed_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

}  // namespace ochat::test
