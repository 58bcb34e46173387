#include "core/config/backend_table.hpp"

#include "core/config/settings.hpp"
#include "core/error.hpp"
#include "core/ollama/host.hpp"
#include "core/ollama/ollama_backend.hpp"
#include "core/openai/base_url.hpp"
#include "core/openai/openai_backend.hpp"
#include "core/openai/request_builder.hpp"

namespace ochat::config {
namespace {

void check_openai(const Settings& s) {
  if (s.request.keep_alive) {
    throw Error(ErrorKind::usage, "--keep-alive works only with --api ollama",
                "OpenAI-compatible servers decide themselves how long a model stays loaded");
  }
  openai::top_level_options(s.request.options);  // refuses options that cannot be sent
}

}  // namespace

const std::vector<BackendEntry>& backend_table() {
  static const std::vector<BackendEntry> table = {
      {
          Api::ollama,
          "ollama",
          "OLLAMA_HOST",
          [](const HostSetting& host, std::vector<std::string>& warnings) {
            std::string note;
            std::string url = ollama::resolve_host(
                host.value, host.from_flag ? ollama::PortRule::strict : ollama::PortRule::fall_back,
                host.source, &note);
            if (!note.empty()) warnings.push_back(std::move(note));
            return url;
          },
          ollama_options,
          // Never OPENAI_API_KEY: an OpenAI key must not go to an Ollama server.
          {"OCHAT_API_KEY"},
          nullptr,
          [](const Settings& s) -> std::unique_ptr<chat::Backend> {
            return std::make_unique<ollama::OllamaBackend>(s.host, s.api_key);
          },
      },
      {
          Api::openai,
          "openai",
          "OPENAI_BASE_URL",
          [](const HostSetting& host, std::vector<std::string>&) {
            return openai::resolve_base_url(host.value, host.source);
          },
          openai_options,
          {"OCHAT_API_KEY", "OPENAI_API_KEY"},
          check_openai,
          [](const Settings& s) -> std::unique_ptr<chat::Backend> {
            return std::make_unique<openai::OpenAiBackend>(s.host, s.api_key);
          },
      },
  };
  return table;
}

const BackendEntry& backend_entry(Api api) {
  for (const auto& entry : backend_table()) {
    if (entry.api == api) return entry;
  }
  throw Error(ErrorKind::internal, "no backend for this protocol");
}

const BackendEntry* find_backend(std::string_view name) {
  for (const auto& entry : backend_table()) {
    if (entry.name == name) return &entry;
  }
  return nullptr;
}

std::string backend_names() {
  const auto& table = backend_table();
  std::string names;
  for (std::size_t i = 0; i < table.size(); ++i) {
    if (i > 0) names += i + 1 == table.size() ? " or " : ", ";
    names += table[i].name;
  }
  return names;
}

std::unique_ptr<chat::Backend> make_backend(const Settings& settings) {
  return backend_entry(settings.api).make(settings);
}

}  // namespace ochat::config
