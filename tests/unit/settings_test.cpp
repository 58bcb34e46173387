#include "core/config/settings.hpp"

#include <unistd.h>

#include <catch2/catch.hpp>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <limits>
#include <map>
#include <string>

#include "core/error.hpp"

using namespace std::chrono_literals;
using ochat::config::Options;
using ochat::config::resolve_settings;
using ochat::config::Settings;

namespace {

using Env = std::map<std::string, std::string, std::less<>>;

ochat::sys::Getenv fake_env(Env env) {
  return [env = std::move(env)](std::string_view name) -> std::optional<std::string> {
    auto it = env.find(name);
    if (it == env.end()) return std::nullopt;
    return it->second;
  };
}

Settings resolve(const Options& options, Env env = {}) {
  return resolve_settings(options, fake_env(std::move(env)));
}

// Expects a usage error whose message contains `needle`.
void expect_usage_error(const Options& options, const std::string& needle) {
  try {
    resolve(options);
    FAIL("no exception");
  } catch (const ochat::Error& e) {
    CHECK(e.kind() == ochat::ErrorKind::usage);
    CHECK_THAT(e.what(), Catch::Contains(needle));
  }
}

// A file that is removed at the end of the test.
class TempFile {
 public:
  explicit TempFile(const std::string& contents) {
    char name[] = "/tmp/ochat-unit-XXXXXX";
    const int fd = ::mkstemp(name);
    if (fd < 0) throw std::runtime_error("mkstemp failed");
    ::close(fd);
    path_ = name;
    std::ofstream(path_, std::ios::binary) << contents;
  }
  ~TempFile() { std::remove(path_.c_str()); }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace

TEST_CASE("config::resolve_settings takes --host over OLLAMA_HOST over the default") {
  Options options;
  CHECK(resolve(options).host == "http://127.0.0.1:11434");
  CHECK(resolve(options, {{"OLLAMA_HOST", "0.0.0.0:9999"}}).host == "http://127.0.0.1:9999");
  options.host = "https://example.com/ollama";
  CHECK(resolve(options, {{"OLLAMA_HOST", "0.0.0.0:9999"}}).host ==
        "https://example.com:443/ollama");
}

TEST_CASE("config::resolve_settings takes -m over OCHAT_MODEL") {
  Options options;
  CHECK(resolve(options).model.empty());
  CHECK(resolve(options, {{"OCHAT_MODEL", "qwen3"}}).model == "qwen3");
  options.model = "llama3.2";
  CHECK(resolve(options, {{"OCHAT_MODEL", "qwen3"}}).model == "llama3.2");
}

TEST_CASE("config::resolve_settings turns --think and --no-think into the think field") {
  Options options;
  CHECK_FALSE(resolve(options).request.think.has_value());
  SECTION("bare --think") {
    options.think = "";
    const auto think = resolve(options).request.think;
    REQUIRE(think.has_value());
    REQUIRE(std::holds_alternative<bool>(*think));
    CHECK(std::get<bool>(*think));
  }
  SECTION("--think=high") {
    options.think = "high";
    const auto think = resolve(options).request.think;
    REQUIRE(think.has_value());
    REQUIRE(std::holds_alternative<std::string>(*think));
    CHECK(std::get<std::string>(*think) == "high");
  }
  SECTION("--think=false") {
    options.think = "false";
    const auto think = resolve(options).request.think;
    REQUIRE(think.has_value());
    REQUIRE(std::holds_alternative<bool>(*think));
    CHECK_FALSE(std::get<bool>(*think));
  }
  SECTION("--no-think") {
    options.no_think = true;
    const auto think = resolve(options).request.think;
    REQUIRE(think.has_value());
    REQUIRE(std::holds_alternative<bool>(*think));
    CHECK_FALSE(std::get<bool>(*think));
  }
  SECTION("both") {
    options.think = "";
    options.no_think = true;
    expect_usage_error(options, "--no-think");
  }
  SECTION("an unknown level") {
    options.think = "extreme";
    expect_usage_error(options, "'extreme'");
  }
}

TEST_CASE("config::resolve_settings sends keep-alive durations as strings and seconds as numbers") {
  Options options;
  CHECK_FALSE(resolve(options).request.keep_alive.has_value());
  options.keep_alive = "5m";
  CHECK(resolve(options).request.keep_alive->dump() == R"("5m")");
  options.keep_alive = "1h30m";
  CHECK(resolve(options).request.keep_alive->dump() == R"("1h30m")");
  options.keep_alive = "300";
  CHECK(resolve(options).request.keep_alive->dump() == "300");
  options.keep_alive = "-1";
  CHECK(resolve(options).request.keep_alive->dump() == "-1");
  options.keep_alive = "0";
  CHECK(resolve(options).request.keep_alive->dump() == "0");
  options.keep_alive = "soon";
  expect_usage_error(options, "--keep-alive");
}

TEST_CASE("config::resolve_settings converts timeouts to milliseconds") {
  Options options;
  const Settings defaults = resolve(options);
  CHECK(defaults.timeouts.connect == 10'000ms);
  CHECK(defaults.timeouts.idle == 600'000ms);
  CHECK_FALSE(defaults.timeouts.total.has_value());

  options.connect_timeout = 1.5;
  options.idle_timeout = 0.25;
  options.timeout = 90;
  const Settings s = resolve(options);
  CHECK(s.timeouts.connect == 1500ms);
  CHECK(s.timeouts.idle == 250ms);
  REQUIRE(s.timeouts.total.has_value());
  CHECK(*s.timeouts.total == 90'000ms);
}

TEST_CASE("config::resolve_settings treats --timeout 0 as no total timeout") {
  Options options;
  options.timeout = 0;
  CHECK_FALSE(resolve(options).timeouts.total.has_value());
}

TEST_CASE("config::resolve_settings throws a usage error naming the flag for a bad timeout") {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  for (double bad : {-1.0, 0.0, nan, inf}) {
    INFO("value " << bad);
    Options options;
    options.connect_timeout = bad;
    expect_usage_error(options, "--connect-timeout");
    options = Options{};
    options.idle_timeout = bad;
    expect_usage_error(options, "--idle-timeout");
  }
  for (double bad : {-1.0, -0.5, nan, inf}) {
    INFO("value " << bad);
    Options options;
    options.timeout = bad;
    expect_usage_error(options, "--timeout");
  }
}

TEST_CASE("config::resolve_settings takes - out of the prompt and asks for standard input") {
  Options options;
  options.prompt = {"explain", "-", "this"};
  const Settings s = resolve(options);
  CHECK(s.force_stdin);
  CHECK(s.prompt == std::vector<std::string>{"explain", "this"});

  options.prompt = {"explain", "this"};
  const Settings s2 = resolve(options);
  CHECK_FALSE(s2.force_stdin);
  CHECK(s2.prompt == std::vector<std::string>{"explain", "this"});
}

TEST_CASE("config::resolve_settings reads --format json or a schema file") {
  Options options;
  CHECK_FALSE(resolve(options).request.format.has_value());
  options.format = "json";
  CHECK(resolve(options).request.format->dump() == R"("json")");

  const TempFile schema(
      R"({"type": "object", "properties": {"name": {"type": "string"}, "age": {"type": "integer"}}, "required": ["name", "age"]})");
  options.format = schema.path();
  CHECK(
      resolve(options).request.format->dump() ==
      R"({"type":"object","properties":{"name":{"type":"string"},"age":{"type":"integer"}},"required":["name","age"]})");
}

TEST_CASE("config::resolve_settings throws a usage error naming a missing or invalid schema file") {
  Options options;
  options.format = "/nonexistent/ochat-schema.json";
  expect_usage_error(options, "/nonexistent/ochat-schema.json");

  const TempFile not_object("[1, 2]");
  options.format = not_object.path();
  expect_usage_error(options, not_object.path());
}

TEST_CASE("config::resolve_settings passes options and flags through") {
  Options options;
  options.option_pairs = {"temperature=0.2", "stop=###"};
  options.system = "Be brief.";
  options.output = ochat::config::Output::events;
  options.hide_thinking = true;
  options.verbose = true;
  const Settings s = resolve(options);
  CHECK(s.request.options.dump() == R"({"temperature":0.2,"stop":["###"]})");
  CHECK(s.system == "Be brief.");
  CHECK(s.output == ochat::config::Output::events);
  CHECK(s.hide_thinking);
  CHECK(s.verbose);

  options.option_pairs = {"temperature"};
  expect_usage_error(options, "temperature");
}

TEST_CASE("config::resolve_settings checks the tool settings") {
  Options options;
  const Settings defaults = resolve(options);
  CHECK(defaults.tool_timeout == 60'000ms);
  CHECK(defaults.max_rounds == 10);
  CHECK_FALSE(defaults.confirm);

  options.tool_timeout = 2.5;
  options.max_rounds = 1;
  options.confirm = true;
  const Settings s = resolve(options);
  CHECK(s.tool_timeout == 2500ms);
  CHECK(s.max_rounds == 1);
  CHECK(s.confirm);

  options = Options{};
  options.max_rounds = 0;
  expect_usage_error(options, "--max-rounds");
  options = Options{};
  options.tool_timeout = 0;
  expect_usage_error(options, "--tool-timeout");
}

TEST_CASE("config::resolve_settings takes --retries over OCHAT_RETRIES over 2") {
  Options options;
  CHECK(resolve(options).retries == 2);
  CHECK(resolve(options, {{"OCHAT_RETRIES", "5"}}).retries == 5);
  CHECK(resolve(options, {{"OCHAT_RETRIES", " 0 "}}).retries == 0);
  CHECK(resolve(options, {{"OCHAT_RETRIES", ""}}).retries == 2);
  options.retries = 0;
  CHECK(resolve(options, {{"OCHAT_RETRIES", "5"}}).retries == 0);
  options.retries = 100;
  CHECK(resolve(options).retries == 100);
}

TEST_CASE("config::resolve_settings refuses a number of retries out of 0 to 100") {
  Options options;
  options.retries = -1;
  expect_usage_error(options, "--retries takes a number from 0 to 100, got -1");
  options.retries = 101;
  expect_usage_error(options, "--retries");
  for (const char* bad : {"-1", "101", "2x", "1.5", "9999999999999"}) {
    INFO(bad);
    try {
      resolve(Options{}, {{"OCHAT_RETRIES", bad}});
      FAIL("no exception");
    } catch (const ochat::Error& e) {
      CHECK(e.kind() == ochat::ErrorKind::usage);
      CHECK_THAT(e.what(), Catch::Contains("OCHAT_RETRIES takes a number from 0 to 100"));
    }
  }
}
