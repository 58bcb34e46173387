#pragma once
// The wire protocols ochat speaks, in one table: a new protocol is one more entry in
// backend_table.cpp (and one more value of Api).
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/chat/backend.hpp"
#include "core/config/model_options.hpp"

namespace ochat::config {

// The wire protocol: Ollama's native /api/chat, or OpenAI-style chat completions.
enum class Api { ollama, openai };

struct Settings;

// The server address as given.
struct HostSetting {
  std::string_view value;   // empty: the protocol's default
  std::string_view source;  // "--host", or the variable it came from, for messages
  bool from_flag = false;   // --host, checked strictly (an invalid port is a usage error)
};

struct BackendEntry {
  Api api;
  std::string_view name;           // the value of --api and OCHAT_API
  std::string_view host_variable;  // the server when --host is not given
  // Turns the value of --host (or of host_variable when --host is empty) into the base URL
  // requests go to. Throws ochat::Error (usage) for a value that cannot be used; adds a line
  // to `warnings` for one it reads otherwise than given.
  std::string (*resolve_host)(const HostSetting& host, std::vector<std::string>& warnings);
  // The model options (-o) the protocol documents, with their types.
  const std::vector<KnownOption>& (*options)();
  // Where the API key comes from after --api-key-file, in order of preference.
  std::vector<std::string_view> key_variables;
  // Refuses (ochat::Error, usage) settings this protocol cannot send; may be empty.
  void (*check)(const Settings& settings);
  std::unique_ptr<chat::Backend> (*make)(const Settings& settings);
};

// Every protocol, the default (ollama) first.
const std::vector<BackendEntry>& backend_table();

// The entry of `api`.
const BackendEntry& backend_entry(Api api);

// The entry called `name`; nullptr when there is none.
const BackendEntry* find_backend(std::string_view name);

// "ollama or openai": the names, for messages.
std::string backend_names();

// The backend the settings ask for.
std::unique_ptr<chat::Backend> make_backend(const Settings& settings);

}  // namespace ochat::config
