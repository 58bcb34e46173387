#pragma once
// Shared helpers for the end-to-end tests: a fake Ollama server per test and the real binary.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

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

}  // namespace ochat::test
