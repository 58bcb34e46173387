#include "core/config/conversation_settings.hpp"

#include <catch2/catch.hpp>
#include <filesystem>
#include <map>
#include <string>

#include "core/config/settings.hpp"

using namespace ochat::config;
using Json = nlohmann::ordered_json;

namespace {

Getenv env(std::map<std::string, std::string> vars) {
  return [vars](std::string_view name) -> std::optional<std::string> {
    auto it = vars.find(std::string(name));
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

ConversationSettings saved_ollama() {
  ConversationSettings c;
  c.api = "ollama";
  c.host = "http://saved:11434";
  c.model = "saved-model";
  c.options = {{"temperature", 0.2}, {"num_ctx", 8192}};
  return c;
}

}  // namespace

TEST_CASE("config::apply and config::changes: a turn records only what it changed") {
  ConversationSettings before = saved_ollama();
  ConversationSettings now = before;
  now.model = "qwen3";
  now.options["temperature"] = 0.9;
  now.options["seed"] = 1;
  const ConversationSettings diff = changes(before, now);
  CHECK(diff.api.empty());
  CHECK(diff.host.empty());
  CHECK(diff.model == "qwen3");
  CHECK(diff.options == Json{{"temperature", 0.9}, {"seed", 1}});
  CHECK_FALSE(diff.tools);
  apply(before, diff);
  CHECK(before == now);
  CHECK(changes(now, now).empty());

  now.tools = ToolSettings{{{false, "now", false}}, {}};
  CHECK(changes(before, now).tools == now.tools);
}

TEST_CASE("config::lasting_tools makes paths absolute and keeps plugin names and MCP commands") {
  const ToolSettings t = lasting_tools({{false, "./plugins/../now", false},
                                        {false, "now", false},
                                        {true, "dir", false},
                                        {false, "npx -y server ./x", true}},
                                       {"mcp.json"});
  const std::string cwd = std::filesystem::current_path().string();
  REQUIRE(t.sources.size() == 4);
  CHECK(t.sources[0].value == cwd + "/now");
  CHECK(t.sources[1].value == "now");
  CHECK(t.sources[2].value == cwd + "/dir");
  CHECK(t.sources[3].value == "npx -y server ./x");
  CHECK(t.mcp_configs == std::vector<std::string>{cwd + "/mcp.json"});
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

  ConversationSettings openai;
  openai.api = "openai";
  openai.host = "http://saved:8080/v1";
  const auto again = resolve_settings({}, env({{"OCHAT_API", "ollama"}}), openai);
  CHECK(again.api == Api::openai);  // the saved protocol, not the environment's
  CHECK(again.host == "http://saved:8080/v1");
}
