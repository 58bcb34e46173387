#include "core/ollama/host.hpp"

#include <catch2/catch.hpp>
#include <string>

#include "core/error.hpp"

using ochat::ollama::resolve_host;

TEST_CASE("ollama::resolve_host follows the OLLAMA_HOST table") {
  struct Row {
    const char* value;
    const char* expected;
  };
  const Row rows[] = {
      {"", "http://127.0.0.1:11434"},
      {"1.2.3.4", "http://1.2.3.4:11434"},
      {"example.com:1234", "http://example.com:1234"},
      {":1234", "http://127.0.0.1:1234"},
      {"0.0.0.0", "http://127.0.0.1:11434"},
      {"0.0.0.0:1234", "http://127.0.0.1:1234"},
      {"::1", "http://[::1]:11434"},
      {"[::1]", "http://[::1]:11434"},
      {"[::1]:1337", "http://[::1]:1337"},
      {"::", "http://[::1]:11434"},
      {"[::]:1234", "http://[::1]:1234"},
      {"http://1.2.3.4", "http://1.2.3.4:80"},
      {"https://1.2.3.4", "https://1.2.3.4:443"},
      {"https://example.com/ollama", "https://example.com:443/ollama"},
      {"ollama.com", "https://ollama.com:443"},
      {"\" 1.2.3.4 \"", "http://1.2.3.4:11434"},
      {"'1.2.3.4'", "http://1.2.3.4:11434"},
      {"  example.com:1234\n", "http://example.com:1234"},
      {":66000", "http://127.0.0.1:11434"},
      {"example.com:port", "http://example.com:11434"},
      {"http://example.com:99999", "http://example.com:80"},
      {"https://example.com:-1", "https://example.com:443"},
  };
  for (const auto& row : rows) {
    INFO("OLLAMA_HOST=" << row.value);
    CHECK(resolve_host(row.value) == row.expected);
  }
}

TEST_CASE("ollama::resolve_host gives the default for an empty value") {
  CHECK(resolve_host("") == ochat::ollama::kDefaultHost);
  CHECK(resolve_host("   ") == "http://127.0.0.1:11434");
}

TEST_CASE("ollama::resolve_host keeps a base path without its trailing slash") {
  CHECK(resolve_host("http://proxy.local:8080/ollama/v1") == "http://proxy.local:8080/ollama/v1");
  CHECK(resolve_host("https://example.com/ollama/") == "https://example.com:443/ollama");
  CHECK(resolve_host("http://example.com/") == "http://example.com:80");
}

TEST_CASE("ollama::resolve_host throws a usage error for a scheme other than http or https") {
  try {
    resolve_host("ftp://x");
    FAIL("no exception");
  } catch (const ochat::Error& e) {
    CHECK(e.kind() == ochat::ErrorKind::usage);
    CHECK_THAT(e.what(), Catch::Contains("ftp"));
  }
}
