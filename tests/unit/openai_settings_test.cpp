// --api, the OpenAI base URL and the API key: how settings.cpp picks them.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <map>
#include <string>

#include "core/config/settings.hpp"
#include "core/error.hpp"

using ochat::config::Api;
using ochat::config::Options;
using ochat::config::Settings;

namespace {

using Env = std::map<std::string, std::string, std::less<>>;

Settings resolve(const Options& options, Env env = {}) {
  return ochat::config::resolve_settings(
      options, [env = std::move(env)](std::string_view name) -> std::optional<std::string> {
        auto it = env.find(name);
        if (it == env.end()) return std::nullopt;
        return it->second;
      });
}

Options openai() {
  Options o;
  o.api = "openai";
  return o;
}

// The usage error's message and hint, which must contain `needle`.
std::string usage_error(const Options& options, Env env, const std::string& needle) {
  try {
    resolve(options, std::move(env));
  } catch (const ochat::Error& e) {
    CHECK(e.kind() == ochat::ErrorKind::usage);
    CHECK_THAT(e.what(), Catch::Contains(needle));
    return std::string(e.what()) + e.hint();
  }
  FAIL("no exception");
  return {};
}

// A file under /tmp, removed at the end of the test.
class KeyFile {
 public:
  explicit KeyFile(const std::string& contents) {
    char name[] = "/tmp/ochat-key-XXXXXX";
    const int fd = ::mkstemp(name);
    REQUIRE(fd >= 0);
    REQUIRE(::write(fd, contents.data(), contents.size()) == static_cast<ssize_t>(contents.size()));
    ::close(fd);
    path_ = name;
  }
  ~KeyFile() { std::remove(path_.c_str()); }
  KeyFile(const KeyFile&) = delete;
  KeyFile& operator=(const KeyFile&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace

TEST_CASE("config::resolve_settings uses the Ollama protocol unless told otherwise") {
  CHECK(resolve({}).api == Api::ollama);
  CHECK(resolve({}, {{"OCHAT_API", "openai"}}).api == Api::openai);
  CHECK(resolve(openai()).api == Api::openai);
  Options ollama;
  ollama.api = "ollama";
  CHECK(resolve(ollama, {{"OCHAT_API", "openai"}}).api == Api::ollama);  // the flag wins
}

TEST_CASE("config::resolve_settings refuses an unknown protocol, naming where it came from") {
  Options o;
  o.api = "anthropic";
  usage_error(o, {}, "--api takes ollama or openai, got 'anthropic'");
  usage_error({}, {{"OCHAT_API", "OpenAI"}}, "OCHAT_API takes ollama or openai, got 'OpenAI'");
}

TEST_CASE("config::resolve_settings takes the OpenAI base URL from --host, else OPENAI_BASE_URL") {
  CHECK(resolve(openai()).host == "http://127.0.0.1:11434/v1");
  CHECK(resolve(openai(), {{"OLLAMA_HOST", "gpu-box"}}).host == "http://127.0.0.1:11434/v1");
  CHECK(resolve(openai(), {{"OPENAI_BASE_URL", "https://api.example.com/v1/"}}).host ==
        "https://api.example.com/v1");
  Options o = openai();
  o.host = "http://127.0.0.1:8080/v1";
  CHECK(resolve(o, {{"OPENAI_BASE_URL", "https://api.example.com/v1"}}).host ==
        "http://127.0.0.1:8080/v1");
  // And OPENAI_BASE_URL means nothing to the Ollama protocol.
  CHECK(resolve({}, {{"OPENAI_BASE_URL", "https://api.example.com/v1"}}).host ==
        "http://127.0.0.1:11434");
}

TEST_CASE("config::resolve_settings takes the API key from OCHAT_API_KEY, else OPENAI_API_KEY") {
  CHECK(resolve(openai()).api_key.empty());
  CHECK(resolve(openai(), {{"OPENAI_API_KEY", "sk-openai"}}).api_key == "sk-openai");
  CHECK(
      resolve(openai(), {{"OCHAT_API_KEY", "sk-ochat"}, {"OPENAI_API_KEY", "sk-openai"}}).api_key ==
      "sk-ochat");
  CHECK(resolve(openai(), {{"OCHAT_API_KEY", "  "}, {"OPENAI_API_KEY", " sk-openai\n"}}).api_key ==
        "sk-openai");
}

TEST_CASE("config::resolve_settings never sends OPENAI_API_KEY to an Ollama server") {
  CHECK(resolve({}, {{"OPENAI_API_KEY", "sk-openai"}}).api_key.empty());
  CHECK(resolve({}, {{"OCHAT_API_KEY", "proxy"}, {"OPENAI_API_KEY", "sk-openai"}}).api_key ==
        "proxy");
}

TEST_CASE(
    "config::resolve_settings reads the first line of --api-key-file, before the environment") {
  KeyFile file("  sk-from-file \r\nsecond line\n");
  Options o = openai();
  o.api_key_file = file.path();
  CHECK(resolve(o, {{"OCHAT_API_KEY", "sk-ochat"}}).api_key == "sk-from-file");
  Options ollama;
  ollama.api_key_file = file.path();
  CHECK(resolve(ollama).api_key == "sk-from-file");
  KeyFile no_newline("sk-bare");
  o.api_key_file = no_newline.path();
  CHECK(resolve(o).api_key == "sk-bare");
}

TEST_CASE("config::resolve_settings refuses an unreadable or empty key file without quoting it") {
  Options o = openai();
  o.api_key_file = "/nonexistent/ochat-key";
  usage_error(o, {}, "--api-key-file: cannot read '/nonexistent/ochat-key'");
  o.api_key_file = "/tmp";
  usage_error(o, {}, "is a directory");
  KeyFile empty("");
  o.api_key_file = empty.path();
  usage_error(o, {}, "is empty");
  KeyFile blank_first("\nsk-on-line-two\n");
  o.api_key_file = blank_first.path();
  CHECK_THAT(usage_error(o, {}, "is empty"), !Catch::Contains("sk-on-line-two"));
}

TEST_CASE("config::resolve_settings refuses a key with control characters without quoting it") {
  KeyFile file(
      "sk-a\x01"
      "b\n");
  Options o = openai();
  o.api_key_file = file.path();
  CHECK_THAT(usage_error(o, {}, "control character"), !Catch::Contains("sk-a"));
  CHECK_THAT(usage_error(openai(), {{"OPENAI_API_KEY", "sk-x\ny"}}, "OPENAI_API_KEY"),
             !Catch::Contains("sk-x"));
}

TEST_CASE(
    "config::resolve_settings refuses --keep-alive and unsendable options with --api openai") {
  Options o = openai();
  o.keep_alive = "5m";
  usage_error(o, {}, "--keep-alive works only with --api ollama");
  Options p = openai();
  p.option_pairs = {"stream=false"};
  usage_error(p, {}, "ochat sets 'stream' itself");
  Options ok = openai();
  ok.option_pairs = {"temperature=0.2", "num_ctx=8192"};
  CHECK_NOTHROW(resolve(ok));
}
