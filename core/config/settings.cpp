#include "core/config/settings.hpp"

#include <fmt/format.h>

#include <cctype>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/config/option_value.hpp"
#include "core/error.hpp"
#include "core/text/trim.hpp"

namespace ochat::config {
namespace {

using Json = nlohmann::ordered_json;

std::chrono::milliseconds to_ms(double seconds, std::string_view flag, bool zero_ok) {
  if (!std::isfinite(seconds) || seconds < 0 || (!zero_ok && seconds == 0) || seconds > 1e9) {
    throw Error(ErrorKind::usage,
                fmt::format("{} takes a positive number of seconds, got {}", flag, seconds));
  }
  return std::chrono::milliseconds(static_cast<std::int64_t>(std::ceil(seconds * 1000.0)));
}

chat::Think parse_think(const std::string& value) {
  if (value.empty() || value == "true") return true;
  if (value == "false") return false;
  for (std::string_view level : kThinkLevels) {
    if (value == level) return value;
  }
  throw Error(ErrorKind::usage, fmt::format("--think takes {}, true or false, got '{}'",
                                            fmt::join(kThinkLevels, ", "), value));
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
  throw Error(
      ErrorKind::usage,
      fmt::format("--keep-alive takes a duration such as 5m, 1h or 30s, or seconds, got '{}'",
                  value));
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
    throw Error(ErrorKind::usage,
                fmt::format("--format: '{}' does not hold a JSON object (a JSON Schema)", value));
  }
  return schema;
}

const BackendEntry& parse_api(const std::string& flag, const sys::Getenv& getenv) {
  const std::string value = !flag.empty() ? flag : getenv("OCHAT_API").value_or("");
  if (value.empty()) return backend_table().front();
  if (const BackendEntry* entry = find_backend(value)) return *entry;
  throw Error(ErrorKind::usage,
              fmt::format("{} takes {}, got '{}'", flag.empty() ? "OCHAT_API" : "--api",
                          backend_names(), value));
}

// The key goes into an HTTP header: a line break in it would start a header of its own. The
// messages name where the key came from, never the key.
std::string checked_key(std::string_view key, std::string_view source) {
  for (const char c : key) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7F) {
      throw Error(ErrorKind::usage,
                  fmt::format("the API key in {} contains a control character", source));
    }
  }
  return std::string(key);
}

std::string read_key_file(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    throw Error(ErrorKind::usage, fmt::format("--api-key-file: '{}' is a directory", path));
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw Error(ErrorKind::usage,
                fmt::format("--api-key-file: cannot read '{}': {}", path, std::strerror(errno)));
  }
  std::string line;
  std::getline(in, line);
  if (in.bad())
    throw Error(ErrorKind::usage, fmt::format("--api-key-file: cannot read '{}'", path));
  const std::string_view key = text::trim(line);
  if (key.empty()) {
    throw Error(ErrorKind::usage,
                fmt::format("--api-key-file: the first line of '{}' is empty", path),
                "put the API key on the file's first line");
  }
  return checked_key(key, fmt::format("'{}'", path));
}

std::string api_key(const std::string& file, const BackendEntry& backend,
                    const sys::Getenv& getenv) {
  if (!file.empty()) return read_key_file(file);
  for (std::string_view name : backend.key_variables) {
    const std::optional<std::string> value = getenv(name);
    if (!value) continue;
    const std::string_view key = text::trim(*value);
    if (!key.empty()) return checked_key(key, name);
  }
  return {};
}

int parse_retries(const std::optional<int>& flag, const sys::Getenv& getenv) {
  if (flag) {
    if (*flag < 0 || *flag > kMaxRetries) {
      throw Error(ErrorKind::usage,
                  fmt::format("--retries takes a number from 0 to {}, got {}", kMaxRetries, *flag));
    }
    return *flag;
  }
  const std::optional<std::string> value = getenv("OCHAT_RETRIES");
  if (!value || text::trim(*value).empty()) return 2;
  const std::string_view text = text::trim(*value);
  int n = 0;
  for (const char c : text) {
    if (c < '0' || c > '9' || n > kMaxRetries) {
      n = -1;
      break;
    }
    n = n * 10 + (c - '0');
  }
  if (n < 0 || n > kMaxRetries) {
    throw Error(ErrorKind::usage, fmt::format("OCHAT_RETRIES takes a number from 0 to {}, got '{}'",
                                              kMaxRetries, text));
  }
  return n;
}

}  // namespace

Settings resolve_settings(const Options& o, const sys::Getenv& getenv,
                          const conversation::SavedSettings& saved) {
  Settings s;
  const BackendEntry& backend = parse_api(!o.api.empty() ? o.api : saved.api, getenv);
  s.api = backend.api;
  const bool same_api = saved.api.empty() || saved.api == backend.name;
  if (o.host.empty() && !saved.host.empty() && same_api) {
    s.host = saved.host;  // as resolved when it was saved
  } else {
    const std::string from_environment =
        o.host.empty() ? getenv(backend.host_variable).value_or("") : "";
    const HostSetting host = o.host.empty()
                                 ? HostSetting{from_environment, backend.host_variable, false}
                                 : HostSetting{o.host, "--host", true};
    s.host = backend.resolve_host(host, s.warnings);
  }
  s.api_key = api_key(o.api_key_file, backend, getenv);
  s.model = o.model;
  if (s.model.empty()) s.model = saved.model;
  if (s.model.empty()) s.model = getenv("OCHAT_MODEL").value_or("");
  s.system = o.system;

  s.request.options = saved.options.is_object() ? saved.options : Json::object();
  const Json given = parse_option_pairs(o.option_pairs, backend.options());
  for (auto it = given.begin(); it != given.end(); ++it) s.request.options[it.key()] = *it;
  if (!o.format.empty()) s.request.format = parse_format(o.format);
  if (o.no_think) {
    s.request.think = false;
  } else if (o.think) {
    s.request.think = parse_think(*o.think);
  }
  if (!o.keep_alive.empty()) s.request.keep_alive = parse_keep_alive(o.keep_alive);
  if (backend.check) backend.check(s);

  s.timeouts.connect = to_ms(o.connect_timeout, "--connect-timeout", false);
  s.timeouts.idle = to_ms(o.idle_timeout, "--idle-timeout", false);
  if (o.timeout != 0) s.timeouts.total = to_ms(o.timeout, "--timeout", false);
  if (o.timeout < 0) to_ms(o.timeout, "--timeout", false);
  s.retries = parse_retries(o.retries, getenv);

  s.tool_timeout = to_ms(o.tool_timeout, "--tool-timeout", false);
  s.describe_timeout = to_ms(o.describe_timeout, "--describe-timeout", false);
  s.mcp_timeout = to_ms(o.mcp_timeout, "--mcp-timeout", false);
  if (o.max_rounds < 1)
    throw Error(ErrorKind::usage,
                fmt::format("--max-rounds must be at least 1, got {}", o.max_rounds));
  s.max_rounds = o.max_rounds;
  s.confirm = o.confirm;
  s.output = o.output;
  s.hide_thinking = o.hide_thinking;
  s.verbose = o.verbose;
  for (const auto& word : o.prompt) {
    if (word == "-") {
      s.force_stdin = true;
    } else {
      s.prompt.push_back(word);
    }
  }
  s.no_stdin = o.no_stdin;
  if (s.force_stdin && s.no_stdin) {
    throw Error(ErrorKind::usage, "'-' reads standard input, which --no-stdin forbids");
  }
  return s;
}

conversation::SavedSettings lasting_settings(const Settings& settings) {
  conversation::SavedSettings c;
  c.api = std::string(backend_entry(settings.api).name);
  c.host = settings.host;
  c.model = settings.model;
  if (!settings.request.options.empty()) c.options = settings.request.options;
  return c;
}

namespace {

std::string absolute(const std::string& path) {
  std::error_code ec;
  const auto full = std::filesystem::absolute(path, ec);
  return ec ? path : full.lexically_normal().string();
}

}  // namespace

std::vector<conversation::ToolEntry> lasting_tools(const std::vector<tools::ToolSource>& sources,
                                                   const std::vector<std::string>& mcp_configs) {
  using Kind = conversation::ToolEntry::Kind;
  std::vector<conversation::ToolEntry> out;
  for (const auto& s : sources) {
    switch (s.kind) {
      case tools::ToolSource::Kind::plugin:
        out.push_back(
            {Kind::plugin, s.value.find('/') == std::string::npos ? s.value : absolute(s.value)});
        break;
      case tools::ToolSource::Kind::plugin_dir:
        out.push_back({Kind::tools_dir, absolute(s.value)});
        break;
      case tools::ToolSource::Kind::mcp_command:
        out.push_back({Kind::mcp, s.value});
        break;
    }
  }
  for (const auto& file : mcp_configs) out.push_back({Kind::mcp_config, absolute(file)});
  return out;
}

void tool_sources_of(const std::vector<conversation::ToolEntry>& tools,
                     std::vector<tools::ToolSource>& sources,
                     std::vector<std::string>& mcp_configs) {
  using Kind = conversation::ToolEntry::Kind;
  using Source = tools::ToolSource::Kind;
  for (const auto& t : tools) {
    switch (t.kind) {
      case Kind::plugin:
        sources.push_back({Source::plugin, t.value});
        break;
      case Kind::tools_dir:
        sources.push_back({Source::plugin_dir, t.value});
        break;
      case Kind::mcp:
        sources.push_back({Source::mcp_command, t.value});
        break;
      case Kind::mcp_config:
        mcp_configs.push_back(t.value);
        break;
    }
  }
}

}  // namespace ochat::config
