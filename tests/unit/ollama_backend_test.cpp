#include "core/ollama/ollama_backend.hpp"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/ollama/request_builder.hpp"
#include "stream_splits.hpp"

using ochat::Error;
using ochat::ErrorKind;
using ochat::ollama::OllamaBackend;

namespace {

// Records what the decoder hands out.
class Recorder final : public ochat::chat::ChunkHandler {
 public:
  void on_chunk(ochat::chat::Chunk& chunk) override {
    ++chunks;
    content += chunk.content;
    thinking += chunk.thinking;
    if (chunk.done) {
      ++done;
      done_reason = chunk.done_reason;
      generated_tokens = chunk.stats.generated_tokens.value_or(-1);
    }
  }
  int chunks = 0;
  int done = 0;
  std::string content;
  std::string thinking;
  std::string done_reason;
  std::int64_t generated_tokens = 0;
};

// What a real server sends: Go's encoding/json (HTML-safe escapes, raw UTF-8), one line per
// message, a thinking chunk, a switch chunk carrying both, and a final done chunk with metrics.
const std::string kStream =
    R"({"model":"qwen3","created_at":"2026-08-21T10:15:02.04213Z","message":{"role":"assistant","content":"","thinking":"Hmm \u003cok\u003e"},"done":false})"
    "\n"
    R"({"model":"qwen3","created_at":"2026-08-21T10:15:02.1Z","message":{"role":"assistant","content":"Caf\u00e9 ","thinking":"."},"done":false})"
    "\n"
    "{\"model\":\"qwen3\",\"created_at\":\"2026-08-21T10:15:02.2Z\",\"message\":{\"role\":"
    "\"assistant\",\"content\":\"\xE4\xBD\xA0\xE5\xA5\xBD \xF0\x9F\x98\x80 \"},\"done\":false}\n"
    R"({"model":"qwen3","created_at":"2026-08-21T10:15:02.3Z","message":{"role":"assistant","content":"a \u0026 b\u2028\ud83d\ude00\n"},"done":false})"
    "\n"
    R"({"model":"qwen3","created_at":"2026-08-21T10:15:02.4Z","message":{"role":"assistant","content":"end"},"done":true,"done_reason":"stop","total_duration":4883583458,"eval_count":4,"eval_duration":1000})"
    "\n";

const std::string kContent =
    "Caf\xC3\xA9 \xE4\xBD\xA0\xE5\xA5\xBD \xF0\x9F\x98\x80 a & b\xE2\x80\xA8\xF0\x9F\x98\x80\nend";
const std::string kThinking = "Hmm <ok>.";

Recorder decode(const OllamaBackend& backend, const std::vector<std::string_view>& reads) {
  Recorder recorder;
  auto decoder = backend.decoder();
  for (auto read : reads) decoder->feed(read, recorder);
  decoder->finish(recorder);
  return recorder;
}

ochat::chat::ChatRequest request_for(std::string model) {
  ochat::chat::ChatRequest request;
  request.model = std::move(model);
  request.messages.push_back(ochat::chat::Message::text("user", "hi"));
  return request;
}

}  // namespace

TEST_CASE("ollama::OllamaBackend decoder gives the same chunks whatever the reads look like") {
  const OllamaBackend backend("http://127.0.0.1:11434");
  for (const auto& delivery : ochat::test::all_deliveries(kStream)) {
    INFO(delivery.name);
    const Recorder r = decode(backend, delivery.reads);
    CHECK(r.chunks == 5);
    CHECK(r.content == kContent);
    CHECK(r.thinking == kThinking);
    CHECK(r.done == 1);
    CHECK(r.done_reason == "stop");
    CHECK(r.generated_tokens == 4);
  }
}

TEST_CASE("ollama::OllamaBackend decoder reads CRLF line endings") {
  std::string crlf;
  for (char c : kStream) {
    if (c == '\n') crlf += '\r';
    crlf += c;
  }
  const OllamaBackend backend("http://127.0.0.1:11434");
  for (const auto& delivery : ochat::test::all_deliveries(crlf)) {
    INFO(delivery.name);
    const Recorder r = decode(backend, delivery.reads);
    CHECK(r.content == kContent);
    CHECK(r.done == 1);
  }
}

TEST_CASE("ollama::OllamaBackend decoder decodes a final line without newline at finish") {
  const OllamaBackend backend("http://127.0.0.1:11434");
  auto decoder = backend.decoder();
  Recorder r;
  decoder->feed(
      R"({"message":{"role":"assistant","content":"hi"},"done":false})"
      "\n"
      R"({"message":{"role":"assistant","content":"!"},"done":true,"done_reason":"stop"})",
      r);
  CHECK(r.content == "hi");
  CHECK(r.done == 0);
  decoder->finish(r);
  CHECK(r.content == "hi!");
  CHECK(r.done == 1);
}

TEST_CASE("ollama::OllamaBackend decoder throws a stream error for a line that is not JSON") {
  const OllamaBackend backend("http://127.0.0.1:11434");
  auto decoder = backend.decoder();
  Recorder r;
  try {
    decoder->feed(R"({"message":{"role":"assistant","content":"ok"},"done":false})"
                  "\nBad Gateway\n",
                  r);
    FAIL("no exception");
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::stream);
    CHECK_THAT(e.what(), Catch::Contains("Bad Gateway"));
  }
  CHECK(r.content == "ok");  // the line before the bad one was delivered
}

TEST_CASE("ollama::OllamaBackend chat_request posts the chat body to host/api/chat") {
  const OllamaBackend backend("https://example.com:443/ollama");
  const auto request = request_for("llama3.2");
  const auto http_request = backend.chat_request(request);
  CHECK(http_request.method == "POST");
  CHECK(http_request.url == "https://example.com:443/ollama/api/chat");
  CHECK(http_request.body == ochat::ollama::chat_body(request).dump());
  CHECK(http_request.body ==
        R"({"model":"llama3.2","messages":[{"role":"user","content":"hi"}],"stream":true})");
  CHECK_THAT(http_request.headers,
             Catch::VectorContains(std::string("Content-Type: application/json")));
}

TEST_CASE(
    "ollama::OllamaBackend models_request gets host/api/tags and parse_models reads the names") {
  const OllamaBackend backend("http://127.0.0.1:11434");
  const auto http_request = backend.models_request();
  CHECK(http_request.method == "GET");
  CHECK(http_request.url == "http://127.0.0.1:11434/api/tags");
  CHECK(backend.parse_models(
            R"({"models":[{"name":"llama3.2:latest","size":1},{"name":"qwen3:8b"}]})") ==
        std::vector<std::string>{"llama3.2:latest", "qwen3:8b"});
  CHECK(backend.parse_models(R"({"models":[]})").empty());
  CHECK_THROWS_AS(backend.parse_models("404 page not found"), Error);
}

TEST_CASE("ollama::OllamaBackend http_error for a missing model suggests ollama pull") {
  const OllamaBackend backend("http://127.0.0.1:11434");
  const Error e =
      backend.http_error(404, R"({"error":"model 'llama9' not found"})", request_for("llama9"));
  CHECK(e.kind() == ErrorKind::http);
  CHECK_THAT(e.what(), Catch::Contains("model 'llama9' not found"));
  CHECK_THAT(e.what(), Catch::Contains("404"));
  CHECK_THAT(e.hint(), Catch::Contains("ollama pull llama9"));
}

TEST_CASE(
    "ollama::OllamaBackend http_error for an older server's missing-model text suggests ollama "
    "pull") {
  const OllamaBackend backend("http://127.0.0.1:11434");
  const Error e =
      backend.http_error(404, R"({"error":"model \"llama9\" not found, try pulling it first"})",
                         request_for("llama9"));
  CHECK_THAT(e.what(), Catch::Contains("model \"llama9\" not found, try pulling it first"));
  CHECK_THAT(e.hint(), Catch::Contains("ollama pull llama9"));
}

TEST_CASE("ollama::OllamaBackend http_error for a plain-text 404 points at the host setting") {
  const OllamaBackend backend("http://example.com:8080");
  const Error e = backend.http_error(404, "404 page not found", request_for("llama3.2"));
  CHECK(e.kind() == ErrorKind::http);
  CHECK_THAT(e.what(), Catch::Contains("404 page not found"));
  CHECK_THAT(e.hint(), Catch::Contains("--host"));
  CHECK_THAT(e.hint(), Catch::Contains("http://example.com:8080"));
  CHECK_THAT(e.hint(), !Catch::Contains("ollama pull"));
}

TEST_CASE("ollama::OllamaBackend http_error keeps the server's 503 message as sent") {
  const OllamaBackend backend("http://127.0.0.1:11434");
  const Error e = backend.http_error(
      503, R"({"error":"server busy, please try again.  maximum pending requests exceeded"})",
      request_for("m"));
  CHECK(e.kind() == ErrorKind::http);
  CHECK_THAT(e.what(),
             Catch::Contains("server busy, please try again.  maximum pending requests exceeded"));
  CHECK_THAT(e.what(), Catch::Contains("503"));
  CHECK_FALSE(e.hint().empty());
}

TEST_CASE("ollama::OllamaBackend http_error for a 403 with an empty body") {
  const OllamaBackend backend("http://127.0.0.1:11434");
  const Error e = backend.http_error(403, "", request_for("m"));
  CHECK(e.kind() == ErrorKind::http);
  CHECK(std::string(e.what()) == "the server refused the request (HTTP 403 Forbidden)");
  CHECK_THAT(e.hint(), Catch::Contains("proxy"));
}

TEST_CASE(
    "ollama::OllamaBackend http_error for a model without thinking suggests dropping --think") {
  const OllamaBackend backend("http://127.0.0.1:11434");
  const Error e = backend.http_error(400, R"({"error":"\"llama3.2\" does not support thinking"})",
                                     request_for("llama3.2"));
  CHECK_THAT(e.what(), Catch::Contains("\"llama3.2\" does not support thinking"));
  CHECK_THAT(e.hint(), Catch::Contains("--think"));
}

TEST_CASE(
    "ollama::OllamaBackend http_error shows only the first line of a text body, made printable") {
  const OllamaBackend backend("http://127.0.0.1:11434");
  const Error e =
      backend.http_error(502, "\n  Bad\x1b[31m Gateway\nsecond line\n", request_for("m"));
  CHECK(std::string(e.what()) ==
        "the server refused the request (HTTP 502 Bad Gateway): Bad?[31m Gateway");
  const Error html =
      backend.http_error(502, "\n  <h1>Bad\x1b[31m Gateway</h1>\nsecond line\n", request_for("m"));
  CHECK(std::string(html.what()) ==
        "the server refused the request (HTTP 502 Bad Gateway): Bad?[31m Gateway");
}
