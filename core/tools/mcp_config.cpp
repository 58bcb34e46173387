#include "core/tools/mcp_config.hpp"

#include <fmt/format.h>
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
      if (end == std::string_view::npos) throw Error(ErrorKind::usage, fmt::format("--mcp '{}': unterminated ' quote", s));
      word.append(s.substr(i + 1, end - i - 1));
      in_word = true;
      i = end;
    } else if (c == '"') {
      std::size_t k = i + 1;
      for (; k < s.size() && s[k] != '"'; ++k) {
        if (s[k] == '\\' && k + 1 < s.size() && std::string_view("\"\\$`").find(s[k + 1]) != std::string_view::npos) ++k;
        word += s[k];
      }
      if (k >= s.size()) throw Error(ErrorKind::usage, fmt::format("--mcp '{}': unterminated \" quote", s));
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
  if (words.empty()) throw Error(ErrorKind::usage, "--mcp needs a command", "e.g. --mcp 'npx -y @modelcontextprotocol/server-everything'");
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

std::vector<McpServerConfig> parse_mcp_config(std::string_view text, const std::string& file,
                                              std::vector<std::string>& warnings) {
  using Json = nlohmann::ordered_json;
  const Json j = Json::parse(text, nullptr, false);
  auto bad = [&](const std::string& why) {
    return Error(ErrorKind::usage, fmt::format("MCP configuration {}: {}", file, why),
                 R"(expected {"mcpServers": {"NAME": {"command": "...", "args": [...], "env": {...}}}})");
  };
  if (j.is_discarded()) throw bad("not valid JSON");
  if (!j.is_object()) throw bad("not a JSON object");
  std::vector<McpServerConfig> servers;
  auto list = j.find("mcpServers");
  if (list == j.end()) return servers;
  if (!list->is_object()) throw bad("\"mcpServers\" is not an object");
  for (auto it = list->begin(); it != list->end(); ++it) {
    const Json& entry = it.value();
    if (!entry.is_object()) throw bad(fmt::format("server \"{}\" is not an object", it.key()));
    if (auto d = entry.find("disabled"); d != entry.end() && d->is_boolean() && d->get<bool>()) continue;
    auto command = entry.find("command");
    if (command == entry.end()) {
      warnings.push_back(fmt::format("MCP configuration {}: server \"{}\" has no \"command\"; only stdio servers are supported, so it is skipped",
                                     file, it.key()));
      continue;
    }
    if (!command->is_string() || command->get<std::string>().empty()) throw bad(fmt::format("server \"{}\": \"command\" is not a non-empty string", it.key()));
    McpServerConfig server;
    server.name = server_name_for(it.key());
    server.argv.push_back(command->get<std::string>());
    if (auto args = entry.find("args"); args != entry.end()) {
      if (!args->is_array()) throw bad(fmt::format("server \"{}\": \"args\" is not an array", it.key()));
      for (const auto& a : *args) {
        if (!a.is_string()) throw bad(fmt::format("server \"{}\": \"args\" holds a value that is not a string", it.key()));
        server.argv.push_back(a.get<std::string>());
      }
    }
    if (auto env = entry.find("env"); env != entry.end()) {
      if (!env->is_object()) throw bad(fmt::format("server \"{}\": \"env\" is not an object", it.key()));
      for (auto e = env->begin(); e != env->end(); ++e) {
        if (!e.value().is_string()) throw bad(fmt::format("server \"{}\": env {} is not a string", it.key(), e.key()));
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
