// tools::load_tools: which providers are made, in which order, with a fake factory.
#include "core/tools/tool_loader.hpp"

#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <map>

#include "core/error.hpp"

namespace tools = ochat::tools;
namespace sys = ochat::sys;
using Json = nlohmann::ordered_json;
using Kind = tools::ToolSource::Kind;

namespace {

class NamedProvider final : public tools::ToolProvider {
 public:
  NamedProvider(std::string source, std::string prefix, std::string tool)
      : source_(std::move(source)), prefix_(std::move(prefix)) {
    tools_.push_back({std::move(tool), "", Json::object()});
  }
  const std::string& source() const override { return source_; }
  const std::vector<tools::ToolSpec>& tools() const override { return tools_; }
  std::string clash_prefix() const override { return prefix_; }
  void begin_shutdown() override {
    if (on_begin_shutdown) on_begin_shutdown();
  }
  std::function<void()> on_begin_shutdown;
  ochat::chat::ToolOutcome call(const std::string&, const Json&, const sys::CancelToken&) override {
    return {};
  }

 private:
  std::string source_, prefix_;
  std::vector<tools::ToolSpec> tools_;
};

// Records every step; each plugin offers a tool named after its file, each server one named
// after the server.
class FakeFactory final : public tools::ProviderFactory {
 public:
  std::unique_ptr<tools::ToolProvider> load_plugin(const std::string& path,
                                                   const sys::CancelToken&) override {
    const std::string name = std::filesystem::path(path).filename().string();
    steps.push_back("load " + name);
    if (name.starts_with("broken")) {
      throw ochat::Error(ochat::ErrorKind::internal,
                         "plugin " + path + ": --describe exited with status 2");
    }
    if (name.starts_with("interrupted")) throw ochat::Error::interrupted(SIGINT);
    return std::make_unique<NamedProvider>(path, "", name);
  }
  std::unique_ptr<tools::ToolProvider> launch_server(
      const tools::McpServerConfig& config) override {
    steps.push_back("launch " + config.name);
    envs[config.name] = config.env;
    auto server =
        std::make_unique<NamedProvider>("mcp " + config.name, config.name, config.name + "_tool");
    server->on_begin_shutdown = [this, name = config.name] { steps.push_back("stop " + name); };
    return server;
  }
  std::map<std::string, std::map<std::string, std::string>> envs;  // each server's env
  void finish_startup(tools::ToolProvider& server, const sys::CancelToken&) override {
    steps.push_back("finish " + server.source());
  }
  std::vector<std::string> steps;
};

// A temporary folder with plugins (empty executable files) and an mcp.json; removed at the end.
class Folder {
 public:
  Folder() {
    char name[] = "/tmp/ochat-loader-XXXXXX";
    REQUIRE(::mkdtemp(name) != nullptr);
    path_ = name;
  }
  ~Folder() { std::filesystem::remove_all(path_); }
  Folder(const Folder&) = delete;
  Folder& operator=(const Folder&) = delete;
  std::string file(const std::string& name, const std::string& text = "",
                   bool executable = false) const {
    const std::string p = path_ + "/" + name;
    std::filesystem::create_directories(std::filesystem::path(p).parent_path());
    std::ofstream(p) << text;
    if (executable) ::chmod(p.c_str(), 0755);
    return p;
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

sys::Getenv env_with_config_home(const std::string& dir) {
  return [dir](std::string_view name) -> std::optional<std::string> {
    if (name == "XDG_CONFIG_HOME") return dir;
    return std::nullopt;
  };
}

std::vector<std::string> offered(const tools::Registry& registry) {
  std::vector<std::string> names;
  for (const auto& e : registry.entries()) names.push_back(e.name);
  return names;
}

}  // namespace

TEST_CASE("tools::load_tools starts every server first, then offers tools in command-line order") {
  Folder folder;
  const std::string a = folder.file("bin/a", "", true);
  folder.file("dir/c", "", true);
  folder.file("dir/b", "", true);
  folder.file("dir/not-executable");
  const std::vector<tools::ToolSource> sources = {{Kind::mcp_command, "first-server --flag"},
                                                  {Kind::plugin, a},
                                                  {Kind::plugin_dir, folder.path() + "/dir"},
                                                  {Kind::mcp_command, "/usr/bin/second"}};
  FakeFactory factory;
  tools::Registry registry;
  tools::ToolLoadOptions options;
  options.no_default_config = true;
  tools::load_tools(sources, options, env_with_config_home(folder.path()), factory, {}, registry);
  CHECK(factory.steps == std::vector<std::string>{"launch first-server", "launch second", "load a",
                                                  "load b", "load c", "finish mcp first-server",
                                                  "finish mcp second"});
  CHECK(offered(registry) ==
        std::vector<std::string>{"first-server_tool", "a", "b", "c", "second_tool"});
}

TEST_CASE(
    "tools::load_tools offers the configuration files' servers last, the default file first") {
  Folder folder;
  folder.file("ochat/mcp.json", R"({"mcpServers":{"home":{"command":"h"}}})");
  const std::string extra = folder.file(
      "extra.json", R"({"mcpServers":{"extra":{"command":"e"},"home":{"command":"x"}}})");
  const std::string a = folder.file("a", "", true);
  FakeFactory factory;
  tools::Registry registry;
  tools::ToolLoadOptions options;
  options.config_files = {extra, extra};  // read once
  tools::load_tools({{Kind::plugin, a}, {Kind::mcp_command, "cli"}}, options,
                    env_with_config_home(folder.path()), factory, {}, registry);
  CHECK(factory.steps == std::vector<std::string>{"launch cli", "launch home", "launch extra",
                                                  "launch home-2", "load a", "finish mcp cli",
                                                  "finish mcp home", "finish mcp extra",
                                                  "finish mcp home-2"});
  CHECK(offered(registry) ==
        std::vector<std::string>{"a", "cli_tool", "home_tool", "extra_tool", "home-2_tool"});
}

TEST_CASE(
    "tools::default_config_applies only when the run asks for tools, not with --no-mcp-config") {
  tools::ToolLoadOptions options;
  CHECK_FALSE(tools::default_config_applies({}, options));
  CHECK(tools::default_config_applies({{Kind::plugin, "x"}}, options));
  CHECK(tools::default_config_applies({{Kind::mcp_command, "x"}}, options));
  CHECK(tools::default_config_applies({{Kind::plugin_dir, "x"}}, options));
  options.listing = true;
  CHECK(tools::default_config_applies({}, options));
  options.listing = false;
  options.config_files = {"f.json"};
  CHECK(tools::default_config_applies({}, options));
  options.no_default_config = true;
  CHECK_FALSE(tools::default_config_applies({{Kind::plugin, "x"}}, options));
}

TEST_CASE(
    "tools::load_tools starts nothing for a plain prompt and says when the default file applied") {
  Folder folder;
  const std::string config = folder.file(
      "ochat/mcp.json", R"({"mcpServers":{"home":{"command":"h"},"web":{"url":"http://x"}}})");
  const auto env = env_with_config_home(folder.path());
  FakeFactory factory;
  tools::Registry registry;
  tools::ToolLoadOptions options;
  std::vector<std::string> warnings;
  options.warn = [&](const std::string& w) { warnings.push_back(w); };
  CHECK(tools::load_tools({}, options, env, factory, {}, registry).default_config.empty());
  CHECK(factory.steps.empty());
  CHECK(registry.empty());
  CHECK(warnings.empty());

  options.listing = true;
  CHECK(tools::load_tools({}, options, env, factory, {}, registry).default_config == config);
  CHECK(offered(registry) == std::vector<std::string>{"home_tool"});
  REQUIRE(warnings.size() == 1);
  CHECK_THAT(warnings[0], Catch::Contains("\"web\""));

  FakeFactory unused;
  tools::Registry empty;
  options.no_default_config = true;
  CHECK(tools::load_tools({}, options, env, unused, {}, empty).default_config.empty());
  CHECK(unused.steps.empty());
  CHECK(empty.empty());
}

TEST_CASE("tools::load_tools reports a missing configuration file and a missing plugin") {
  Folder folder;
  FakeFactory factory;
  tools::Registry registry;
  tools::ToolLoadOptions options;
  options.config_files = {folder.path() + "/missing.json"};
  CHECK_THROWS_WITH(
      tools::load_tools({}, options, env_with_config_home(folder.path()), factory, {}, registry),
      Catch::Contains("cannot read the MCP configuration") && Catch::Contains("missing.json"));
  options.config_files.clear();
  CHECK_THROWS_AS(tools::load_tools({{Kind::plugin, folder.path() + "/nope"}}, options,
                                    env_with_config_home(folder.path()), factory, {}, registry),
                  ochat::Error);
}

TEST_CASE(
    "tools::load_tools skips hidden files and warns about a folder's entry that is not a plugin") {
  Folder folder;
  folder.file("dir/.hidden", "", true);
  folder.file("dir/a", "", true);
  folder.file("dir/broken", "", true);
  const std::string broken = folder.file("bin/broken", "", true);
  FakeFactory factory;
  tools::Registry registry;
  tools::ToolLoadOptions options;
  options.no_default_config = true;
  std::vector<std::string> warnings;
  options.warn = [&](const std::string& w) { warnings.push_back(w); };
  tools::load_tools({{Kind::plugin_dir, folder.path() + "/dir"}}, options,
                    env_with_config_home(folder.path()), factory, {}, registry);
  CHECK(factory.steps == std::vector<std::string>{"load a", "load broken"});  // never .hidden
  CHECK(offered(registry) == std::vector<std::string>{"a"});
  CHECK(warnings ==
        std::vector<std::string>{"--tools-dir " + folder.path() + "/dir: plugin " + folder.path() +
                                 "/dir/broken: --describe exited with status 2; "
                                 "skipped as not a plugin"});

  SECTION("named with -t, the same plugin is an error") {
    tools::Registry other;
    CHECK_THROWS_WITH(tools::load_tools({{Kind::plugin, broken}}, options,
                                        env_with_config_home(folder.path()), factory, {}, other),
                      Catch::Contains("--describe exited with status 2"));
  }
  SECTION("an interruption while a folder's plugin describes itself is not skipped") {
    folder.file("dir/interrupted", "", true);
    tools::Registry other;
    try {
      tools::load_tools({{Kind::plugin_dir, folder.path() + "/dir"}}, options,
                        env_with_config_home(folder.path()), factory, {}, other);
      FAIL("no error");
    } catch (const ochat::Error& e) {
      CHECK(e.kind() == ochat::ErrorKind::interrupted);
    }
  }
}

TEST_CASE("tools::load_tools gives every server the --mcp-env variables, over its configured env") {
  Folder folder;
  const std::string file = folder.file(
      "servers.json",
      R"({"mcpServers":{"conf":{"command":"c","env":{"TOKEN":"from-file","KEEP":"k"}}}})");
  FakeFactory factory;
  tools::Registry registry;
  tools::ToolLoadOptions options;
  options.no_default_config = true;
  options.config_files = {file};
  options.server_env = {"TOKEN", "MODE=fast", "UNSET"};
  std::vector<std::string> warnings;
  options.warn = [&](const std::string& w) { warnings.push_back(w); };
  const sys::Getenv getenv = [](std::string_view name) -> std::optional<std::string> {
    if (name == "TOKEN") return std::string("from-ochat");
    return std::nullopt;
  };
  tools::load_tools({{Kind::mcp_command, "cli"}}, options, getenv, factory, {}, registry);
  using Env = std::map<std::string, std::string>;
  CHECK(factory.envs["cli"] == Env{{"MODE", "fast"}, {"TOKEN", "from-ochat"}});
  CHECK(factory.envs["conf"] == Env{{"KEEP", "k"}, {"MODE", "fast"}, {"TOKEN", "from-ochat"}});
  CHECK(warnings ==
        std::vector<std::string>{"--mcp-env UNSET: UNSET is not set, so it is not passed"});
}

TEST_CASE(
    "tools::load_tools: when one source fails, the servers not yet offered are all asked to stop") {
  Folder folder;
  const std::string broken = folder.file("broken", "", true);
  FakeFactory factory;
  tools::Registry registry;
  tools::ToolLoadOptions options;
  options.no_default_config = true;
  CHECK_THROWS(tools::load_tools(
      {{Kind::mcp_command, "one"}, {Kind::plugin, broken}, {Kind::mcp_command, "two"}}, options,
      env_with_config_home(folder.path()), factory, {}, registry));
  CHECK(factory.steps == std::vector<std::string>{"launch one", "launch two", "load broken",
                                                  "stop one", "stop two"});
}
