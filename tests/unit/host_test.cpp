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

TEST_CASE("ollama::resolve_host: --host with an invalid port is a usage error (issue 12.5)") {
  using ochat::ollama::PortRule;
  for (const char* bad :
       {"127.0.0.1:99999", "127.0.0.1:notaport", "example.com:", "http://x:0", "[::1]:65536"}) {
    INFO(bad);
    try {
      resolve_host(bad, PortRule::strict, "--host");
      FAIL("no exception");
    } catch (const ochat::Error& e) {
      CHECK(e.kind() == ochat::ErrorKind::usage);
      CHECK_THAT(e.what(), Catch::StartsWith("--host: invalid port '"));
      CHECK_THAT(e.hint(), Catch::Contains("1 to 65535"));
    }
  }
  CHECK(resolve_host("127.0.0.1:8080", PortRule::strict, "--host") == "http://127.0.0.1:8080");
  CHECK(resolve_host("https://example.com", PortRule::strict, "--host") ==
        "https://example.com:443");
  CHECK(resolve_host("::1", PortRule::strict, "--host") == "http://[::1]:11434");
}

TEST_CASE(
    "ollama::resolve_host: OLLAMA_HOST with an invalid port falls back as Ollama does, and says "
    "so") {
  std::string note;
  CHECK(resolve_host("127.0.0.1:notaport", ochat::ollama::PortRule::fall_back, "OLLAMA_HOST",
                     &note) == "http://127.0.0.1:11434");
  CHECK(note ==
        "OLLAMA_HOST: invalid port 'notaport' in '127.0.0.1:notaport'; using port 11434, as Ollama "
        "does");
  note.clear();
  CHECK(resolve_host("http://example.com:99999", ochat::ollama::PortRule::fall_back, "OLLAMA_HOST",
                     &note) == "http://example.com:80");
  CHECK_THAT(note, Catch::Contains("using port 80"));
  note.clear();
  CHECK(resolve_host("example.com:1234", ochat::ollama::PortRule::fall_back, "OLLAMA_HOST",
                     &note) == "http://example.com:1234");
  CHECK(note.empty());
}
