// chat::probe_protocol: after a 404 from an OpenAI-only server, one GET of /v1/models decides
// whether to suggest --api openai (issue 12.11).
#include "core/chat/protocol_probe.hpp"

#include <atomic>
#include <catch2/catch.hpp>
#include <string>

#include "core/chat/model_list.hpp"
#include "core/error.hpp"
#include "core/ollama/ollama_backend.hpp"
#include "fake_transport.hpp"
#include "recording_sink.hpp"

using ochat::Error;
using ochat::ErrorKind;

namespace {

const std::string kLlamaCpp404 =
    R"({"error":{"code":404,"message":"File Not Found","type":"not_found_error"}})";
const std::string kModels = R"({"object":"list","data":[{"id":"qwen3","object":"model"}]})";

struct Fixture {
  explicit Fixture(std::string host = "http://127.0.0.1:8080") : backend(std::move(host)) {
    request.model = "qwen3";
    request.messages.push_back(ochat::chat::Message::text("user", "hi"));
  }
  ochat::ollama::OllamaBackend backend;
  ochat::test::FakeTransport transport;
  ochat::test::RecordingSink sink;
  std::atomic<int> signal{0};
  ochat::chat::ChatRequest request;

  ochat::chat::TurnContext context() {
    return {backend, transport, sink, {}, ochat::sys::CancelToken{&signal, -1}};
  }
  Error turn_error() {
    try {
      ochat::chat::run_turn(context(), request);
    } catch (const Error& e) {
      return e;
    }
    FAIL("no exception");
    return Error(ErrorKind::internal, "");
  }
};

ochat::test::Reply reply(long status, std::string body) {
  ochat::test::Reply r;
  r.status = status;
  r.pieces = {std::move(body)};
  return r;
}

}  // namespace

TEST_CASE(
    "chat::probe_protocol: a 404 from an OpenAI-only server suggests --api openai when /v1/models "
    "answers") {
  Fixture f;
  f.transport.queued = {reply(404, kLlamaCpp404), reply(200, kModels)};
  const Error e = f.turn_error();
  CHECK(e.kind() == ErrorKind::http);
  CHECK_THAT(e.what(), Catch::Contains("HTTP 404 Not Found): File Not Found"));
  CHECK(e.hint() ==
        "the server speaks the OpenAI protocol (its http://127.0.0.1:8080/v1/models answers): try "
        "--api openai "
        "--host http://127.0.0.1:8080/v1");
  REQUIRE(f.transport.requests.size() == 2);
  CHECK(f.transport.requests[1].method == "GET");
  CHECK(f.transport.requests[1].url == "http://127.0.0.1:8080/v1/models");
  CHECK(f.transport.timeouts.total == ochat::chat::kProbeTotalTimeout);
}

TEST_CASE("chat::probe_protocol: a host that is already a /v1 base URL is asked for /models") {
  Fixture f("http://127.0.0.1:8080/v1");
  f.transport.queued = {reply(404, "404 page not found"), reply(200, kModels)};
  const Error e = f.turn_error();
  CHECK(e.hint() == "http://127.0.0.1:8080/v1 speaks the OpenAI protocol: try --api openai");
  REQUIRE(f.transport.requests.size() == 2);
  CHECK(f.transport.requests[1].url == "http://127.0.0.1:8080/v1/models");
}

TEST_CASE("chat::probe_protocol keeps the usual hint when the probe gets no model list") {
  for (const auto& second : {reply(404, "404 page not found"), reply(200, "<html>hello</html>"),
                             reply(200, R"({"models":[]})")}) {
    Fixture f;
    f.transport.queued = {reply(404, kLlamaCpp404), second};
    const Error e = f.turn_error();
    CHECK(e.hint() == "is http://127.0.0.1:8080 an Ollama server? Check --host or OLLAMA_HOST");
    CHECK(f.transport.requests.size() == 2);  // asked once
  }
}

TEST_CASE("chat::probe_protocol sends nothing for a missing model or another refusal") {
  Fixture f;
  f.transport.queued = {reply(404, R"({"error":"model 'qwen3' not found"})")};
  CHECK(f.turn_error().hint() == "try: ollama pull qwen3");
  CHECK(f.transport.requests.size() == 1);

  Fixture busy;
  busy.transport.queued = {reply(500, R"({"error":"boom"})")};
  busy.turn_error();
  CHECK(busy.transport.requests.size() == 1);
}

TEST_CASE(
    "chat::probe_protocol: --list-models against an OpenAI-only server suggests --api openai too") {
  Fixture f;
  f.transport.queued = {reply(404, kLlamaCpp404), reply(200, kModels)};
  try {
    ochat::chat::list_models(f.context());
    FAIL("no exception");
  } catch (const Error& e) {
    CHECK_THAT(e.hint(), Catch::Contains("try --api openai --host http://127.0.0.1:8080/v1"));
  }
  CHECK(f.transport.requests[0].url == "http://127.0.0.1:8080/api/tags");
  CHECK(f.transport.requests[1].url == "http://127.0.0.1:8080/v1/models");
}
