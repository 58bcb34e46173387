#include "core/tools/mcp_config.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>

#include "core/error.hpp"

namespace ochat::tools {

std::vector<std::string> split_command(std::string_view s) {
  std::vector<std::string> words;
  std::string word;
  bool in_word = false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (c == ' ' || c == '\t' || c == '\n') {
      if (in_word) words.push_back(std::move(word));
      word.clear();
      in_word = false;
    } else if (c == '\'') {
      const std::size_t end = s.find('\'', i + 1);
      if (end == std::string_view::npos)
        throw Error(ErrorKind::usage, fmt::format("--mcp '{}': unterminated ' quote", s));
      word.append(s.substr(i + 1, end - i - 1));
      in_word = true;
      i = end;
    } else if (c == '"') {
      std::size_t k = i + 1;
      for (; k < s.size() && s[k] != '"'; ++k) {
        if (s[k] == '\\' && k + 1 < s.size() &&
            std::string_view("\"\\$`").find(s[k + 1]) != std::string_view::npos)
          ++k;
        word += s[k];
      }
      if (k >= s.size())
        throw Error(ErrorKind::usage, fmt::format("--mcp '{}': unterminated \" quote", s));
      in_word = true;
      i = k;
    } else if (c == '\\' && i + 1 < s.size()) {
      word += s[++i];
      in_word = true;
    } else {
      word += c;
      in_word = true;
    }
  }
  if (in_word) words.push_back(std::move(word));
  if (words.empty())
    throw Error(ErrorKind::usage, "--mcp needs a command",
                "e.g. --mcp 'npx -y @modelcontextprotocol/server-everything'");
  return words;
}

std::string server_name_for(const std::string& command) {
  const std::size_t slash = command.rfind('/');
  std::string base = slash == std::string::npos ? command : command.substr(slash + 1);
  std::string name;
  for (char c : base) {
    const bool ok = std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
    name += ok ? c : '_';
  }
  return name.empty() ? "mcp" : name;
}

std::string unique_server_name(std::string name, std::vector<std::string>& taken) {
  auto used = [&](const std::string& n) {
    for (const auto& t : taken)
      if (t == n) return true;
    return false;
  };
  std::string candidate = name;
  for (int i = 2; used(candidate); ++i) candidate = fmt::format("{}-{}", name, i);
  taken.push_back(candidate);
  return candidate;
}

namespace {

// "not valid JSON at line L, column C: what is wrong" for a parse error of `text`.
std::string json_error(std::string_view text, const nlohmann::json::parse_error& e) {
  // e.byte: the position (from 1) of the last byte read, where the parser gave up.
  const std::size_t at = std::min<std::size_t>(e.byte > 0 ? e.byte - 1 : 0, text.size());
  std::size_t line = 1, line_start = 0;
  for (std::size_t i = 0; i < at; ++i) {
    if (text[i] == '\n') {
      ++line;
      line_start = i + 1;
    }
  }
  std::size_t column = 1;  // in characters, not bytes
  for (std::size_t i = line_start; i < at; ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) ++column;
  }
  // nlohmann's own wording, without its "[json.exception...] parse error at ...: " prefix.
  std::string what = e.what();
  if (const auto colon = what.find(": "); colon != std::string::npos) what.erase(0, colon + 2);
  return fmt::format("not valid JSON at line {}, column {}: {}", line, column, what);
}

}  // namespace

std::vector<McpServerConfig> parse_mcp_config(std::string_view text, const std::string& file,
                                              std::vector<std::string>& warnings) {
  using Json = nlohmann::ordered_json;
  auto bad = [&](const std::string& why) {
    return Error(
        ErrorKind::usage, fmt::format("MCP configuration {}: {}", file, why),
        R"(expected {"mcpServers": {"NAME": {"command": "...", "args": [...], "env": {...}}}})");
  };
  Json j;
  try {
    j = Json::parse(text);
  } catch (const Json::parse_error& e) {
    throw bad(json_error(text, e));
  }
  if (!j.is_object()) throw bad("not a JSON object");
  std::vector<McpServerConfig> servers;
  auto list = j.find("mcpServers");
  if (list == j.end()) {
    std::string note = fmt::format(
        "MCP configuration {} has no \"mcpServers\", so no server of it is started", file);
    if (j.contains("servers")) {
      note +=
          "; its \"servers\" looks like VS Code's format: ochat reads the servers from "
          "{\"mcpServers\": {\"NAME\": {\"command\": ..., \"args\": [...], \"env\": {...}}}}";
    }
    warnings.push_back(std::move(note));
    return servers;
  }
  if (!list->is_object()) throw bad("\"mcpServers\" is not an object");
  for (auto it = list->begin(); it != list->end(); ++it) {
    const Json& entry = it.value();
    if (!entry.is_object()) throw bad(fmt::format("server \"{}\" is not an object", it.key()));
    if (auto d = entry.find("disabled"); d != entry.end() && d->is_boolean() && d->get<bool>())
      continue;
    auto command = entry.find("command");
    if (command == entry.end()) {
      warnings.push_back(
          fmt::format("MCP configuration {}: server \"{}\" has no \"command\"; only stdio servers "
                      "are supported, so it is skipped",
                      file, it.key()));
      continue;
    }
    if (!command->is_string() || command->get<std::string>().empty())
      throw bad(fmt::format("server \"{}\": \"command\" is not a non-empty string", it.key()));
    McpServerConfig server;
    server.name = server_name_for(it.key());
    server.argv.push_back(command->get<std::string>());
    if (auto args = entry.find("args"); args != entry.end()) {
      if (!args->is_array())
        throw bad(fmt::format("server \"{}\": \"args\" is not an array", it.key()));
      for (const auto& a : *args) {
        if (!a.is_string())
          throw bad(
              fmt::format("server \"{}\": \"args\" holds a value that is not a string", it.key()));
        server.argv.push_back(a.get<std::string>());
      }
    }
    if (auto env = entry.find("env"); env != entry.end()) {
      if (!env->is_object())
        throw bad(fmt::format("server \"{}\": \"env\" is not an object", it.key()));
      for (auto e = env->begin(); e != env->end(); ++e) {
        if (!e.value().is_string())
          throw bad(fmt::format("server \"{}\": env {} is not a string", it.key(), e.key()));
        server.env[e.key()] = e.value().get<std::string>();
      }
    }
    servers.push_back(std::move(server));
  }
  return servers;
}

std::string default_mcp_config_path(const sys::Getenv& getenv) {
  if (auto xdg = getenv("XDG_CONFIG_HOME"); xdg && !xdg->empty()) return *xdg + "/ochat/mcp.json";
  if (auto home = getenv("HOME"); home && !home->empty()) return *home + "/.config/ochat/mcp.json";
  return {};
}

std::map<std::string, std::string> passed_environment(const std::vector<std::string>& specs,
                                                      const sys::Getenv& getenv,
                                                      std::vector<std::string>& warnings) {
  std::map<std::string, std::string> env;
  for (const auto& spec : specs) {
    const std::size_t eq = spec.find('=');
    const std::string name = spec.substr(0, eq);
    const bool valid = !name.empty() && !std::isdigit(static_cast<unsigned char>(name[0])) &&
                       std::all_of(name.begin(), name.end(), [](char c) {
                         return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
                       });
    if (!valid) {
      throw Error(ErrorKind::usage,
                  fmt::format("--mcp-env '{}': not NAME or NAME=VALUE (a variable name is letters, "
                              "digits and _)",
                              spec));
    }
    if (eq != std::string::npos) {
      env[name] = spec.substr(eq + 1);
    } else if (auto value = getenv(name)) {
      env[name] = *value;
    } else {
      env.erase(name);
      warnings.push_back(
          fmt::format("--mcp-env {}: {} is not set, so it is not passed", name, name));
    }
  }
  return env;
}

std::vector<std::string> server_environment(const std::map<std::string, std::string>& extra,
                                            const sys::Getenv& getenv) {
  std::vector<std::string> env;
  for (const char* name : {"HOME", "LOGNAME", "PATH", "SHELL", "TERM", "USER"}) {
    if (extra.count(name) != 0) continue;
    if (auto value = getenv(name)) env.push_back(std::string(name) + "=" + *value);
  }
  for (const auto& [name, value] : extra) env.push_back(name + "=" + value);
  return env;
}

}  // namespace ochat::tools
