#include "core/ollama/chunk_parser.hpp"

#include <catch2/catch.hpp>
#include <string>

#include "core/error.hpp"

using ochat::Error;
using ochat::ErrorKind;
using ochat::ollama::parse_chunk;

namespace {

// Expects parse_chunk(line) to throw a stream error; returns its message.
std::string stream_error(const std::string& line) {
  try {
    parse_chunk(line);
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::stream);
    return e.what();
  }
  FAIL("parse_chunk did not throw for: " << line);
  return {};
}

}  // namespace

TEST_CASE("ollama::parse_chunk reads a content chunk") {
  const auto chunk = parse_chunk(
      R"({"model":"llama3.2","created_at":"2026-08-21T10:15:02.04213Z","message":{"role":"assistant","content":"Hello"},"done":false})");
  CHECK(chunk.content == "Hello");
  CHECK(chunk.thinking.empty());
  CHECK(chunk.tool_calls.empty());
  CHECK_FALSE(chunk.done);
  CHECK(chunk.done_reason.empty());
  CHECK_FALSE(chunk.error.has_value());
  CHECK_FALSE(chunk.stats.generated_tokens.has_value());
}

TEST_CASE("ollama::parse_chunk reads the metrics of the done chunk into Stats") {
  const auto chunk = parse_chunk(
      R"({"model":"llama3.2","created_at":"2026-08-21T10:15:02.51Z","message":{"role":"assistant","content":""},"done":true,"done_reason":"stop","total_duration":4883583458,"load_duration":1334875,"prompt_eval_count":26,"prompt_eval_duration":342546000,"eval_count":282,"eval_duration":4535599000})");
  CHECK(chunk.done);
  CHECK(chunk.done_reason == "stop");
  CHECK(chunk.content.empty());
  CHECK(chunk.stats.total_ns == 4883583458);
  CHECK(chunk.stats.load_ns == 1334875);
  CHECK(chunk.stats.prompt_tokens == 26);
  CHECK(chunk.stats.prompt_eval_ns == 342546000);
  CHECK(chunk.stats.generated_tokens == 282);
  CHECK(chunk.stats.eval_ns == 4535599000);
}

TEST_CASE("ollama::parse_chunk leaves metrics the done chunk omits unset") {
  const auto chunk = parse_chunk(
      R"({"model":"m","created_at":"2026-08-21T10:15:02Z","message":{"role":"assistant","content":""},"done":true,"done_reason":"length","total_duration":100,"eval_count":5,"eval_duration":50})");
  CHECK(chunk.done_reason == "length");
  CHECK_FALSE(chunk.stats.prompt_tokens.has_value());
  CHECK_FALSE(chunk.stats.prompt_eval_ns.has_value());
  CHECK_FALSE(chunk.stats.load_ns.has_value());
  CHECK(chunk.stats.total_ns == 100);
  CHECK(chunk.stats.generated_tokens == 5);
  CHECK(chunk.stats.eval_ns == 50);
}

TEST_CASE("ollama::parse_chunk keeps the content of the done chunk") {
  const auto chunk = parse_chunk(
      R"({"model":"m","created_at":"2026-08-21T10:15:02Z","message":{"role":"assistant","content":"!"},"done":true,"done_reason":"stop"})");
  CHECK(chunk.done);
  CHECK(chunk.content == "!");
}

TEST_CASE("ollama::parse_chunk reads a thinking-only chunk") {
  const auto chunk = parse_chunk(
      R"({"model":"qwen3","created_at":"2026-08-21T10:15:02Z","message":{"role":"assistant","content":"","thinking":"Let me"},"done":false})");
  CHECK(chunk.thinking == "Let me");
  CHECK(chunk.content.empty());
  CHECK_FALSE(chunk.done);
}

TEST_CASE("ollama::parse_chunk keeps both thinking and content of one chunk") {
  const auto chunk = parse_chunk(
      R"({"model":"qwen3","created_at":"2026-08-21T10:15:02Z","message":{"role":"assistant","content":"The answer","thinking":" done."},"done":false})");
  CHECK(chunk.thinking == " done.");
  CHECK(chunk.content == "The answer");
}

TEST_CASE("ollama::parse_chunk reads tool calls with ids, names and ordered object arguments") {
  const auto chunk = parse_chunk(
      R"({"model":"llama3.2","created_at":"2026-08-21T10:15:02.1Z","message":{"role":"assistant","content":"","tool_calls":[)"
      R"({"id":"call_k3j9x0qa","function":{"index":0,"name":"get_weather","arguments":{"zone":"CET","city":"Paris","days":3,"metric":true}}},)"
      R"({"function":{"index":1,"name":"get_time"}}]},"done":false})");
  REQUIRE(chunk.tool_calls.size() == 2);
  CHECK(chunk.tool_calls[0].id == "call_k3j9x0qa");
  CHECK(chunk.tool_calls[0].name == "get_weather");
  CHECK(chunk.tool_calls[0].arguments.dump() ==
        R"({"zone":"CET","city":"Paris","days":3,"metric":true})");
  CHECK(chunk.tool_calls[1].id.empty());
  CHECK(chunk.tool_calls[1].name == "get_time");
  CHECK(chunk.tool_calls[1].arguments.is_object());
  CHECK(chunk.tool_calls[1].arguments.dump() == "{}");
  CHECK_FALSE(chunk.done);
}

TEST_CASE("ollama::parse_chunk reads tool calls from the done chunk") {
  const auto chunk = parse_chunk(
      R"({"model":"m","created_at":"2026-08-21T10:15:02Z","message":{"role":"assistant","content":"","tool_calls":[{"id":"Xy12AbCdEfGhIjKlMnOpQrStUvWxYz01","function":{"index":0,"name":"ls","arguments":{"path":"/tmp"}}}]},"done":true,"done_reason":"stop"})");
  CHECK(chunk.done);
  REQUIRE(chunk.tool_calls.size() == 1);
  CHECK(chunk.tool_calls[0].id == "Xy12AbCdEfGhIjKlMnOpQrStUvWxYz01");
  CHECK(chunk.tool_calls[0].arguments.dump() == R"({"path":"/tmp"})");
}

TEST_CASE("ollama::parse_chunk turns null tool call arguments into an empty object") {
  const auto chunk = parse_chunk(
      R"({"message":{"role":"assistant","content":"","tool_calls":[{"function":{"index":0,"name":"now","arguments":null}}]},"done":false})");
  REQUIRE(chunk.tool_calls.size() == 1);
  CHECK(chunk.tool_calls[0].arguments.dump() == "{}");
}

TEST_CASE("ollama::parse_chunk rejects tool call arguments that are not an object") {
  const auto message = stream_error(
      R"({"message":{"role":"assistant","content":"","tool_calls":[{"function":{"index":0,"name":"f","arguments":[1,2]}}]},"done":false})");
  CHECK_THAT(message, Catch::Contains("not a JSON object"));
}

TEST_CASE("ollama::parse_chunk reports an error line in chunk.error") {
  const auto chunk =
      parse_chunk(R"({"error":"an error was encountered while running the model: CUDA error"})");
  REQUIRE(chunk.error.has_value());
  CHECK(*chunk.error == "an error was encountered while running the model: CUDA error");
  CHECK(chunk.content.empty());
  CHECK_FALSE(chunk.done);
}

TEST_CASE("ollama::parse_chunk gives an empty error a text") {
  const auto chunk = parse_chunk(R"({"error":""})");
  REQUIRE(chunk.error.has_value());
  CHECK(*chunk.error == "unknown error");
}

TEST_CASE("ollama::parse_chunk decodes Go's HTML-safe escapes and surrogate pairs") {
  const auto chunk = parse_chunk(
      R"({"model":"m","created_at":"2026-08-21T10:15:02Z","message":{"role":"assistant","content":"\u003cb\u003e \u0026 x\u2028y\u2029 \ud83d\ude00 caf\u00e9\n\t"},"done":false})");
  CHECK(chunk.content == "<b> & x\xE2\x80\xA8y\xE2\x80\xA9 \xF0\x9F\x98\x80 caf\xC3\xA9\n\t");
}

TEST_CASE("ollama::parse_chunk keeps raw UTF-8 as it is") {
  const auto chunk = parse_chunk(
      "{\"message\":{\"role\":\"assistant\",\"content\":\"\xE4\xBD\xA0\xE5\xA5\xBD "
      "\xF0\x9F\x98\x80\"},\"done\":false}");
  CHECK(chunk.content == "\xE4\xBD\xA0\xE5\xA5\xBD \xF0\x9F\x98\x80");
}

TEST_CASE("ollama::parse_chunk throws a stream error quoting a line that is not JSON") {
  const auto message = stream_error("<html><body>502 Bad Gateway</body></html>");
  CHECK_THAT(message, Catch::Contains("not JSON"));
  CHECK_THAT(message, Catch::Contains("<html><body>502 Bad Gateway</body></html>"));
}

TEST_CASE("ollama::parse_chunk throws a stream error for a truncated JSON line") {
  const auto message = stream_error(R"({"message":{"role":"assistant","content":"Hel)");
  CHECK_THAT(message, Catch::Contains(R"({"message":{"role":"assistant","content":"Hel)"));
}

TEST_CASE("ollama::parse_chunk throws a stream error for fields of the wrong type") {
  SECTION("content is a number") {
    const auto message =
        stream_error(R"({"message":{"role":"assistant","content":42},"done":false})");
    CHECK_THAT(message, Catch::Contains("content"));
    CHECK_THAT(message, Catch::Contains(R"("content":42)"));
  }
  SECTION("done is a string") {
    const auto message =
        stream_error(R"({"message":{"role":"assistant","content":"x"},"done":"true"})");
    CHECK_THAT(message, Catch::Contains("done"));
  }
  SECTION("thinking is an object") {
    stream_error(R"({"message":{"role":"assistant","content":"","thinking":{}},"done":false})");
  }
  SECTION("message is a string") { stream_error(R"({"message":"hello","done":false})"); }
  SECTION("tool_calls is an object") {
    stream_error(R"({"message":{"role":"assistant","content":"","tool_calls":{}},"done":false})");
  }
  SECTION("done_reason is a number") {
    stream_error(R"({"message":{"role":"assistant","content":""},"done":true,"done_reason":1})");
  }
  SECTION("the line is a JSON array") { stream_error("[1,2,3]"); }
}
