#include <catch2/catch.hpp>
#include <filesystem>
#include <map>
#include <string>

#include "core/config/settings.hpp"
#include "core/conversation/saved_settings.hpp"

using namespace ochat::config;
using ochat::conversation::SavedSettings;
using ochat::conversation::ToolEntry;
using Kind = ochat::conversation::ToolEntry::Kind;
using Json = nlohmann::ordered_json;

namespace {

ochat::sys::Getenv env(std::map<std::string, std::string> vars) {
  return [vars](std::string_view name) -> std::optional<std::string> {
    auto it = vars.find(std::string(name));
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

SavedSettings saved_ollama() {
  SavedSettings c;
  c.api = "ollama";
  c.host = "http://saved:11434";
  c.model = "saved-model";
  c.options = {{"temperature", 0.2}, {"num_ctx", 8192}};
  return c;
}

}  // namespace

TEST_CASE("conversation::apply and conversation::changes: a turn records only what it changed") {
  SavedSettings before = saved_ollama();
  SavedSettings now = before;
  now.model = "qwen3";
  now.options["temperature"] = 0.9;
  now.options["seed"] = 1;
  const SavedSettings diff = ochat::conversation::changes(before, now);
  CHECK(diff.api.empty());
  CHECK(diff.host.empty());
  CHECK(diff.model == "qwen3");
  CHECK(diff.options == Json{{"temperature", 0.9}, {"seed", 1}});
  CHECK_FALSE(diff.tools);
  ochat::conversation::apply(before, diff);
  CHECK(before == now);
  CHECK(ochat::conversation::changes(now, now).empty());

  now.tools = std::vector<ToolEntry>{{Kind::plugin, "now"}};
  CHECK(ochat::conversation::changes(before, now).tools == now.tools);
}

TEST_CASE(
    "config::lasting_tools makes paths absolute and keeps plugin names and MCP commands; "
    "tool_sources_of reads them back") {
  using Source = ochat::tools::ToolSource::Kind;
  const std::vector<ochat::tools::ToolSource> sources = {
      {Source::plugin, "./plugins/../now"},
      {Source::plugin, "now"},
      {Source::plugin_dir, "dir"},
      {Source::mcp_command, "npx -y server ./x"}};
  const auto t = lasting_tools(sources, {"mcp.json"});
  const std::string cwd = std::filesystem::current_path().string();
  CHECK(t == std::vector<ToolEntry>{{Kind::plugin, cwd + "/now"},
                                    {Kind::plugin, "now"},
                                    {Kind::tools_dir, cwd + "/dir"},
                                    {Kind::mcp, "npx -y server ./x"},
                                    {Kind::mcp_config, cwd + "/mcp.json"}});
  std::vector<ochat::tools::ToolSource> back;
  std::vector<std::string> configs;
  tool_sources_of(t, back, configs);
  REQUIRE(back.size() == 4);
  for (std::size_t i = 0; i < 4; ++i) CHECK(back[i].kind == sources[i].kind);
  CHECK(back[0].value == cwd + "/now");
  CHECK(back[1].value == "now");
  CHECK(back[2].value == cwd + "/dir");
  CHECK(back[3].value == "npx -y server ./x");
  CHECK(configs == std::vector<std::string>{cwd + "/mcp.json"});
}

TEST_CASE("config::resolve_settings reuses a conversation's settings over the environment") {
  const auto s = resolve_settings(
      {}, env({{"OLLAMA_HOST", "other:1"}, {"OCHAT_MODEL", "env-model"}}), saved_ollama());
  CHECK(s.api == Api::ollama);
  CHECK(s.host == "http://saved:11434");
  CHECK(s.model == "saved-model");
  CHECK(s.request.options == Json{{"temperature", 0.2}, {"num_ctx", 8192}});
  CHECK(lasting_settings(s) == saved_ollama());
}

TEST_CASE("config::resolve_settings: the command line overrides what a conversation saved") {
  Options o;
  o.model = "new-model";
  o.host = "new:2";
  o.option_pairs = {"temperature=0.9", "seed=3"};
  const auto s = resolve_settings(o, env({}), saved_ollama());
  CHECK(s.model == "new-model");
  CHECK(s.host == "http://new:2");
  CHECK(s.request.options == Json{{"temperature", 0.9}, {"num_ctx", 8192}, {"seed", 3}});
}

TEST_CASE(
    "config::resolve_settings: --api given again takes that protocol's server, not the saved one") {
  Options o;
  o.api = "openai";
  const auto s =
      resolve_settings(o, env({{"OPENAI_BASE_URL", "http://oa:8080/v1"}}), saved_ollama());
  CHECK(s.api == Api::openai);
  CHECK(s.host == "http://oa:8080/v1");
  CHECK(s.model == "saved-model");

  SavedSettings openai;
  openai.api = "openai";
  openai.host = "http://saved:8080/v1";
  const auto again = resolve_settings({}, env({{"OCHAT_API", "ollama"}}), openai);
  CHECK(again.api == Api::openai);  // the saved protocol, not the environment's
  CHECK(again.host == "http://saved:8080/v1");
}
