#include "core/openai/openai_backend.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/ollama/ollama_backend.hpp"
#include "core/openai/base_url.hpp"

using ochat::Error;
using ochat::ErrorKind;
using ochat::openai::OpenAiBackend;

namespace {

const std::string kBase = "http://127.0.0.1:8080/v1";

ochat::chat::ChatRequest request_for(std::string model) {
  ochat::chat::ChatRequest request;
  request.model = std::move(model);
  request.messages.push_back(ochat::chat::Message::text("user", "hi"));
  return request;
}

bool has(const std::vector<std::string>& headers, const std::string& header) {
  return std::find(headers.begin(), headers.end(), header) != headers.end();
}

bool mentions(const std::vector<std::string>& headers, const std::string& text) {
  return std::any_of(headers.begin(), headers.end(),
                     [&](const std::string& h) { return h.find(text) != std::string::npos; });
}

Error refusal(long status, std::string_view body, const std::string& key = {},
              const std::string& model = "qwen3") {
  return OpenAiBackend(kBase, key).http_error(status, body, request_for(model));
}

}  // namespace

TEST_CASE("openai::OpenAiBackend posts to {base}/chat/completions asking for events") {
  const OpenAiBackend backend(kBase, "");
  const auto r = backend.chat_request(request_for("qwen3"));
  CHECK(r.method == "POST");
  CHECK(r.url == kBase + "/chat/completions");
  CHECK(has(r.headers, "Content-Type: application/json"));
  CHECK(has(r.headers, "Accept: text/event-stream"));
  CHECK_FALSE(mentions(r.headers, "Authorization"));
  CHECK_THAT(r.body,
             Catch::StartsWith(
                 R"({"model":"qwen3","messages":[{"role":"user","content":"hi"}],"stream":true)"));
  CHECK(backend.host() == kBase);
}

TEST_CASE("openai::OpenAiBackend sends the API key as a bearer token, and only in that header") {
  const OpenAiBackend backend(kBase, "sk-distinctive-123");
  const auto chat = backend.chat_request(request_for("qwen3"));
  CHECK(has(chat.headers, "Authorization: Bearer sk-distinctive-123"));
  CHECK(chat.body.find("sk-distinctive-123") == std::string::npos);
  CHECK(chat.url.find("sk-distinctive-123") == std::string::npos);
  const auto models = backend.models_request();
  CHECK(models.method == "GET");
  CHECK(models.url == kBase + "/models");
  CHECK(has(models.headers, "Authorization: Bearer sk-distinctive-123"));
}

TEST_CASE("ollama::OllamaBackend sends an API key when it is given one, and none otherwise") {
  const ochat::ollama::OllamaBackend with_key("http://127.0.0.1:11434", "proxy-key");
  CHECK(has(with_key.chat_request(request_for("m")).headers, "Authorization: Bearer proxy-key"));
  CHECK(has(with_key.models_request().headers, "Authorization: Bearer proxy-key"));
  const ochat::ollama::OllamaBackend without("http://127.0.0.1:11434");
  CHECK_FALSE(mentions(without.chat_request(request_for("m")).headers, "Authorization"));
  CHECK_FALSE(mentions(without.models_request().headers, "Authorization"));
}

TEST_CASE("openai::OpenAiBackend parses the model list of GET /models") {
  const OpenAiBackend backend(kBase, "");
  CHECK(backend.parse_models(
            R"({"object":"list","data":[{"id":"a","object":"model"},{"id":"b"},{"x":1}]})") ==
        std::vector<std::string>{"a", "b"});
  CHECK(backend.parse_models(R"({"data":[]})").empty());
  CHECK_THROWS_AS(backend.parse_models(R"({"models":[]})"), Error);
  CHECK_THROWS_AS(backend.parse_models("<html>"), Error);
}

TEST_CASE("openai::OpenAiBackend words an HTTP error with the server's own message") {
  const Error e = refusal(
      400,
      R"({"error":{"code":400,"message":"the request exceeds the available context size, try increasing it","type":"exceed_context_size_error"}})");
  CHECK(e.kind() == ErrorKind::http);
  CHECK(std::string(e.what()) ==
        "the server refused the request (HTTP 400 Bad Request): the request exceeds the available "
        "context size, try "
        "increasing it");
  CHECK(e.hint().empty());
}

TEST_CASE("openai::OpenAiBackend takes Ollama's {\"error\": \"...\"} and text bodies too") {
  CHECK(std::string(refusal(500, R"({"error":"model runner has unexpectedly stopped"})").what()) ==
        "the server refused the request (HTTP 500 Internal Server Error): model runner has "
        "unexpectedly stopped");
  CHECK(std::string(refusal(502, "\n<html>Bad gateway</html>\nmore\n").what()) ==
        "the server refused the request (HTTP 502 Bad Gateway): Bad gateway");
  CHECK(std::string(refusal(404, "\n  404 page not found\r\n").what()) ==
        "the server refused the request (HTTP 404 Not Found): 404 page not found");
  CHECK(std::string(refusal(418, "").what()) == "the server refused the request (HTTP 418)");
}

TEST_CASE("openai::OpenAiBackend hints at the API key on 401 and 403") {
  const std::string body =
      R"({"error":{"message":"Incorrect API key provided","type":"invalid_request_error","code":"invalid_api_key"}})";
  CHECK_THAT(refusal(401, body).hint(), Catch::Contains("set OCHAT_API_KEY or OPENAI_API_KEY"));
  const Error with_key = refusal(401, body, "sk-x");
  CHECK_THAT(with_key.hint(), Catch::Contains("check the API key"));
  CHECK_THAT(with_key.what(), Catch::Contains("Incorrect API key provided"));
  CHECK_THAT(refusal(403, "").hint(), Catch::Contains("API key"));
}

TEST_CASE("openai::OpenAiBackend hints at the model name or the base URL on 404") {
  CHECK_THAT(
      refusal(
          404,
          R"({"error":{"message":"model \"qwen9\" not found, try pulling it first","type":"not_found_error"}})",
          "", "qwen9")
          .hint(),
      Catch::Contains("check the model name"));
  const Error path = refusal(404, "404 page not found");
  CHECK_THAT(path.hint(), Catch::Contains(kBase));
  CHECK_THAT(path.hint(), Catch::Contains("/v1"));
  CHECK_THAT(path.hint(), Catch::Contains("OPENAI_BASE_URL"));
}

TEST_CASE("openai::OpenAiBackend hints at waiting on 429 and 503") {
  CHECK_THAT(refusal(429, R"({"error":{"message":"Rate limit reached"}})").hint(),
             Catch::Contains("try again later"));
  CHECK_THAT(refusal(503, R"({"error":{"code":503,"message":"Loading model"}})").hint(),
             Catch::Contains("try again later"));
}

TEST_CASE("openai::OpenAiBackend's connect hint names its settings, not Ollama") {
  const std::string hint = OpenAiBackend(kBase, "").connect_hint();
  CHECK_THAT(hint, Catch::Contains("OPENAI_BASE_URL"));
  CHECK_THAT(hint, !Catch::Contains("ollama serve"));
}

TEST_CASE("openai::resolve_base_url keeps the value as given, tidied") {
  using ochat::openai::resolve_base_url;
  CHECK(resolve_base_url("") == "http://127.0.0.1:11434/v1");
  CHECK(resolve_base_url("  ") == "http://127.0.0.1:11434/v1");
  CHECK(resolve_base_url("https://api.openai.com/v1") == "https://api.openai.com/v1");
  CHECK(resolve_base_url("http://127.0.0.1:8080/v1/") == "http://127.0.0.1:8080/v1");
  CHECK(resolve_base_url(" HTTPS://example.com/openai/v1// ") == "https://example.com/openai/v1");
  CHECK(resolve_base_url("gpu-box:8000/v1") == "http://gpu-box:8000/v1");
  CHECK(resolve_base_url("http://[::1]:8080") == "http://[::1]:8080");
  for (const char* bad : {"ftp://example.com/v1", "http://", "http:///v1", "/v1"}) {
    INFO(bad);
    CHECK_THROWS_AS(resolve_base_url(bad), Error);
  }
}

TEST_CASE("openai::OpenAiBackend hints at tools when the model or llama-server refuses them") {
  CHECK(
      refusal(
          400,
          R"({"error":{"message":"registry.ollama.ai/library/gemma:latest does not support tools","type":"api_error"}})")
          .hint() == ochat::chat::kToolsRefusedHint);
  CHECK_THAT(
      refusal(
          500,
          R"({"error":{"code":500,"message":"tools param requires --jinja flag","type":"server_error"}})")
          .hint(),
      Catch::Contains("--jinja"));
}
