#include "core/config/settings.hpp"

#include <cctype>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "core/config/option_value.hpp"
#include "core/error.hpp"
#include "core/ollama/host.hpp"

namespace ochat::config {
namespace {

using Json = nlohmann::ordered_json;

std::chrono::milliseconds to_ms(double seconds, std::string_view flag, bool zero_ok) {
  if (!std::isfinite(seconds) || seconds < 0 || (!zero_ok && seconds == 0) || seconds > 1e9) {
    throw Error(ErrorKind::usage, fmt::format("{} takes a positive number of seconds, got {}", flag, seconds));
  }
  return std::chrono::milliseconds(static_cast<std::int64_t>(std::ceil(seconds * 1000.0)));
}

chat::Think parse_think(const std::string& value) {
  if (value.empty() || value == "true") return true;
  if (value == "false") return false;
  if (value == "low" || value == "medium" || value == "high" || value == "max") return value;
  throw Error(ErrorKind::usage, fmt::format("--think takes low, medium, high, max, true or false, got '{}'", value));
}

// Reads digits with an optional fraction ("12", "1.5") at `i`; false when there are none.
bool read_decimal(std::string_view s, std::size_t& i) {
  const std::size_t start = i;
  while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i;
  if (i == start) return false;
  if (i < s.size() && s[i] == '.') {
    const std::size_t dot = ++i;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i;
    if (i == dot) return false;
  }
  return true;
}

// A Go duration: an optional sign, then one or more NUMBER UNIT pairs ("5m", "1h30m", "-1s").
bool is_go_duration(std::string_view s) {
  std::size_t i = s.starts_with('-') ? 1 : 0;
  if (i == s.size()) return false;
  while (i < s.size()) {
    if (!read_decimal(s, i)) return false;
    bool unit = false;
    for (std::string_view u : {"ns", "us", "\xC2\xB5s", "ms", "s", "m", "h"}) {
      if (s.substr(i).starts_with(u)) {
        i += u.size();
        unit = true;
        break;
      }
    }
    if (!unit) return false;
  }
  return true;
}

// A number of seconds is sent as a number; a Go duration ("5m", "1h30m", "-1s") as a string.
Json parse_keep_alive(const std::string& value) {
  std::size_t i = value.starts_with('-') ? 1 : 0;
  if (read_decimal(value, i) && i == value.size()) return typed_value(value);
  if (is_go_duration(value)) return value;
  throw Error(ErrorKind::usage,
              fmt::format("--keep-alive takes a duration such as 5m, 1h or 30s, or seconds, got '{}'", value));
}

Json parse_format(const std::string& value) {
  if (value == "json") return "json";
  std::ifstream in(value, std::ios::binary);
  if (!in) {
    throw Error(ErrorKind::usage, fmt::format("--format: cannot read the schema file '{}'", value),
                "use --format json, or a file holding a JSON Schema");
  }
  std::ostringstream text;
  text << in.rdbuf();
  Json schema = Json::parse(text.str(), nullptr, false);
  if (!schema.is_object()) {
    throw Error(ErrorKind::usage, fmt::format("--format: '{}' does not hold a JSON object (a JSON Schema)", value));
  }
  return schema;
}

}  // namespace

Getenv process_environment() {
  return [](std::string_view name) -> std::optional<std::string> {
    const char* v = std::getenv(std::string(name).c_str());
    if (v == nullptr) return std::nullopt;
    return std::string(v);
  };
}

Settings resolve_settings(const Options& o, const Getenv& getenv) {
  Settings s;
  if (!o.host.empty()) {
    s.host = ollama::resolve_host(o.host);
  } else {
    s.host = ollama::resolve_host(getenv("OLLAMA_HOST").value_or(""));
  }
  s.model = o.model;
  if (s.model.empty()) s.model = getenv("OCHAT_MODEL").value_or("");
  s.system = o.system;

  s.request.options = parse_option_pairs(o.option_pairs);
  if (!o.format.empty()) s.request.format = parse_format(o.format);
  if (o.think && o.no_think) throw Error(ErrorKind::usage, "--think and --no-think cannot be used together");
  if (o.think) s.request.think = parse_think(*o.think);
  if (o.no_think) s.request.think = false;
  if (!o.keep_alive.empty()) s.request.keep_alive = parse_keep_alive(o.keep_alive);

  s.timeouts.connect = to_ms(o.connect_timeout, "--connect-timeout", false);
  s.timeouts.idle = to_ms(o.idle_timeout, "--idle-timeout", false);
  if (o.timeout != 0) s.timeouts.total = to_ms(o.timeout, "--timeout", false);
  if (o.timeout < 0) to_ms(o.timeout, "--timeout", false);

  s.tool_timeout = to_ms(o.tool_timeout, "--tool-timeout", false);
  s.mcp_timeout = to_ms(o.mcp_timeout, "--mcp-timeout", false);
  if (o.max_rounds < 1) throw Error(ErrorKind::usage, fmt::format("--max-rounds must be at least 1, got {}", o.max_rounds));
  s.max_rounds = o.max_rounds;
  s.confirm = o.confirm;
  s.events = o.events;
  s.hide_thinking = o.hide_thinking;
  s.verbose = o.verbose;
  for (const auto& word : o.prompt) {
    if (word == "-") {
      s.force_stdin = true;
    } else {
      s.prompt.push_back(word);
    }
  }
  return s;
}

}  // namespace ochat::config
