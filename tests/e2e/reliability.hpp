#pragma once
// The README's reliability table is generated from what the fault tests observe (see
// tests/e2e/reliability_table.sh). A test tagged [reliability] calls record_fault() with the
// run it made; when OCHAT_RELIABILITY_LOG names a file, one JSON line is appended to it:
//   {"fault", "exit", "stdout" (Markdown), "stderr", "model" (what a tool result told the model),
//    "test" (the Catch2 test's name)}
// Volatile parts (ports, curl's connect time, temporary paths, the source directory, an MCP
// server's command line) are normalised (see normalised()), and what stdout held is described
// by a rule the test picks (exact text, part of an answer, --events), so the table is the same
// on every run and every machine. Without the variable nothing is written.
#include <catch2/catch.hpp>
#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <string>
#include <string_view>

#include "process.hpp"

namespace ochat::test::reliability {

inline std::string hex_escape(unsigned char c) {
  const char* digits = "0123456789abcdef";
  return std::string("\\x") + digits[c / 16] + digits[c % 16];
}

// `text` with control characters, U+2028 and U+2029 written as escapes, cut after `max`
// characters (never inside one) with "…" when longer; `cut` tells whether it was.
inline std::string shown(std::string_view text, std::size_t max = 40, bool* cut = nullptr) {
  std::string out;
  std::size_t chars = 0, i = 0;
  for (; i < text.size() && chars < max; ++chars) {
    const auto c = static_cast<unsigned char>(text[i]);
    std::size_t len = c < 0x80   ? std::size_t{1}
                      : c < 0xE0 ? std::size_t{2}
                      : c < 0xF0 ? std::size_t{3}
                                 : std::size_t{4};
    if (i + len > text.size()) len = text.size() - i;
    const std::string_view ch = text.substr(i, len);
    if (c == '\n')
      out += "\\n";
    else if (c == '\t')
      out += "\\t";
    else if (c == '\r')
      out += "\\r";
    else if (c < 0x20 || c == 0x7F)
      out += hex_escape(c);
    else if (ch == "\xE2\x80\xA8")
      out += "\\u2028";
    else if (ch == "\xE2\x80\xA9")
      out += "\\u2029";
    else
      out += ch;
    i += len;
  }
  if (i < text.size()) out += "…";
  if (cut) *cut = i < text.size();
  return out;
}

// The first and last characters of a long `text` (a tool result), with its size.
inline std::string ends(std::string_view text) {
  bool cut = false;
  const std::string whole = shown(text, 160, &cut);
  if (!cut) return whole;
  std::size_t from = text.size() - 60;
  while (from < text.size() && (static_cast<unsigned char>(text[from]) & 0xC0) == 0x80) ++from;
  return shown(text, 30) + " " + shown(text.substr(from), 60) + " (" + std::to_string(text.size()) +
         " bytes)";
}

// A Markdown code span holding `text` (which may itself hold backticks).
inline std::string code(const std::string& text) {
  std::string fence = "`";
  while (text.find(fence) != std::string::npos) fence += '`';
  const bool pad = text.front() == '`' || text.back() == '`';
  return fence + (pad ? " " : "") + text + (pad ? " " : "") + fence;
}

// stdout held exactly `out`: "nothing", or the text (cut when long, with its size).
inline std::string exact(const std::string& out) {
  if (out.empty()) return "nothing";
  bool cut = false;
  const std::string s = shown(out, 80, &cut);
  return cut ? code(s) + " (" + std::to_string(out.size()) + " bytes in all)" : code(s);
}

// stdout held the start of `answer`, however much had arrived (it depends on timing), and the
// final newline ochat adds to an answer that lacks one.
inline std::string part_of(const std::string& out, const std::string& answer) {
  if (out.empty()) return "nothing";
  if (out == answer) return "the whole answer";
  if (out.back() == '\n' && answer.rfind(out.substr(0, out.size() - 1), 0) == 0) {
    return "the answer up to that moment, and a final newline";
  }
  return "NOT the start of the answer and a newline: " + exact(out);
}

// stdout held --events JSON Lines: their types in order (a run of one type shown once), and
// the reason of the final `done`.
inline std::string events(const std::string& out) {
  std::string types, last;
  std::string reason;
  std::size_t pos = 0;
  while (pos < out.size()) {
    std::size_t nl = out.find('\n', pos);
    if (nl == std::string::npos) nl = out.size();
    const auto e = nlohmann::json::parse(out.substr(pos, nl - pos), nullptr, false);
    pos = nl + 1;
    const std::string type = e.is_object() && e.contains("type") && e["type"].is_string()
                                 ? e["type"].get<std::string>()
                                 : "(not an event)";
    if (type == "done" && e.contains("data") && e["data"].is_object())
      reason = e["data"].value("reason", "");
    if (type == last) continue;
    types += (types.empty() ? "" : " ") + type;
    last = type;
  }
  if (types.empty()) return "nothing";
  return "`--events`: " + code(types) + (reason.empty() ? "" : " (reason " + code(reason) + ")");
}

// Ports, curl's connect time, the waits before retries, temporary files and the source directory,
// written the same way on every run. An MCP server's command line in a message is cut after 100
// bytes, which with an absolute path depends on where the sources are: such a command becomes
// "(node …)".
inline std::string normalised(std::string text) {
  text = std::regex_replace(text, std::regex(R"(\(node /[^)]*\))"), "(node …)");
  const std::string plugins = OCHAT_TEST_PLUGINS;  // SOURCE/tests/plugins
  const std::string source =
      plugins.substr(0, plugins.size() - std::string_view("/tests/plugins").size());
  for (std::size_t at; !source.empty() && (at = text.find(source + "/")) != std::string::npos;)
    text.erase(at, source.size() + 1);
  text = std::regex_replace(
      text, std::regex(R"(((127\.0\.0\.1|localhost|\[::1\]):|\bport )[0-9]+)"), "$1PORT");
  text = std::regex_replace(text, std::regex(R"(\bafter [0-9]+ ms\b)"), "after N ms");
  // The wait before a retry has a random part.
  text = std::regex_replace(text, std::regex(R"(\bin [0-9]+\.[0-9] s \(([0-9]+) of)"),
                            "in N s ($1 of");
  text = std::regex_replace(text, std::regex(R"((/tmp/ochat-[a-z]+-)[A-Za-z0-9]+)"), "$1XXXXXX");
  return text;
}

// Appends the record of one fault (see the top of this file). `stdout_md` comes from exact(),
// part_of() or events(); `model` is the tool result the model was given, if the fault is a
// tool's.
inline void record_fault(const std::string& fault, const RunResult& r, const std::string& stdout_md,
                         const std::string& model = {}) {
  const char* file = std::getenv("OCHAT_RELIABILITY_LOG");
  if (file == nullptr || *file == '\0') return;
  std::string err = normalised(r.err);
  if (!err.empty() && err.back() == '\n') err.pop_back();
  nlohmann::json line = {{"fault", fault},
                         {"exit", r.exit_code},
                         {"stdout", stdout_md},
                         {"stderr", shown(err, 400)},
                         {"model", ends(normalised(model))},
                         {"test", Catch::getResultCapture().getCurrentTestName()}};
  std::ofstream(file, std::ios::app)
      << line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
}

}  // namespace ochat::test::reliability
