#include "core/ollama/content_chunk.hpp"

#include <catch2/catch.hpp>
#include <optional>
#include <string>

#include "core/error.hpp"
#include "core/ollama/chunk_parser.hpp"

using ochat::ollama::parse_chunk;
using ochat::ollama::parse_chunk_dom;
using ochat::ollama::parse_content_chunk;

namespace {

// What the DOM path makes of `line`: the chunk's fields, or "throws".
std::string dom_view(const std::string& line) {
  try {
    auto c = parse_chunk_dom(line);
    return "content=" + c.content + "|thinking=" + c.thinking +
           "|calls=" + std::to_string(c.tool_calls.size()) + "|done=" + (c.done ? "1" : "0") +
           "|reason=" + c.done_reason + "|error=" + c.error.value_or("-") +
           "|tokens=" + std::to_string(c.stats.generated_tokens.value_or(-1));
  } catch (const ochat::Error&) {
    return "throws";
  }
}

std::string fast_view(const ochat::chat::Chunk& c) {
  return "content=" + c.content + "|thinking=" + c.thinking +
         "|calls=" + std::to_string(c.tool_calls.size()) + "|done=" + (c.done ? "1" : "0") +
         "|reason=" + c.done_reason + "|error=" + c.error.value_or("-") +
         "|tokens=" + std::to_string(c.stats.generated_tokens.value_or(-1));
}

// The fast path takes `line` and agrees with the DOM path.
void fast_and_same(const std::string& line, const std::string& content) {
  INFO(line);
  auto fast = parse_content_chunk(line);
  REQUIRE(fast.has_value());
  CHECK(fast->content == content);
  CHECK(fast_view(*fast) == dom_view(line));
}

// The fast path declines `line`; parse_chunk still agrees with the DOM path.
void declined(const std::string& line) {
  INFO(line);
  CHECK_FALSE(parse_content_chunk(line).has_value());
  std::string via_parse_chunk;
  try {
    via_parse_chunk = fast_view(parse_chunk(line));
  } catch (const ochat::Error&) {
    via_parse_chunk = "throws";
  }
  CHECK(via_parse_chunk == dom_view(line));
}

}  // namespace

TEST_CASE("ollama::parse_content_chunk takes Ollama's content chunk as Go writes it") {
  fast_and_same(
      R"({"model":"llama3.2","created_at":"2026-08-21T10:15:02.04213Z","message":{"role":"assistant","content":"Hello"},"done":false})",
      "Hello");
  fast_and_same(
      R"({"model":"m","created_at":"t","message":{"role":"assistant","content":""},"done":false})",
      "");
}

TEST_CASE("ollama::parse_content_chunk does not depend on member order or whitespace") {
  fast_and_same(
      R"({"done":false,"message":{"content":"x","role":"assistant"},"created_at":"t","model":"m"})",
      "x");
  fast_and_same(" {\t\"message\" : { \"content\" : \"y\" } , \"done\" : false }\r ", "y");
  fast_and_same(R"({"message":{"content":"only"}})", "only");
}

TEST_CASE("ollama::parse_content_chunk decodes escapes, surrogate pairs and raw UTF-8 exactly") {
  fast_and_same(
      R"({"message":{"role":"assistant","content":"a \u003c b \u0026\u0026 c \u003e d"},"done":false})",
      "a < b && c > d");
  fast_and_same(R"({"message":{"content":"\"q\" \\ \/ \b\f\n\r\t"},"done":false})",
                "\"q\" \\ / \b\f\n\r\t");
  fast_and_same(R"({"message":{"content":"\ud83d\ude00 \u2028 \u00e9 \u00E9"},"done":false})",
                "\xF0\x9F\x98\x80 \xE2\x80\xA8 \xC3\xA9 \xC3\xA9");
  fast_and_same(
      "{\"message\":{\"content\":\"caf\xC3\xA9 \xE4\xBD\xA0 \xF0\x9F\x98\x80 \xF4\x8F\xBF\xBF\"}}",
      "caf\xC3\xA9 \xE4\xBD\xA0 \xF0\x9F\x98\x80 \xF4\x8F\xBF\xBF");
  fast_and_same(R"({"message":{"content":"nul\u0000byte"}})", std::string("nul\0byte", 8));
  fast_and_same(R"({"message":{"con\u0074ent":"escaped name"}})", "escaped name");
}

TEST_CASE("ollama::parse_content_chunk leaves every other shape to the DOM parser") {
  declined(R"({"message":{"role":"assistant","content":"","thinking":"hmm"},"done":false})");
  declined(
      R"({"message":{"role":"assistant","content":"","tool_calls":[{"function":{"name":"f","arguments":{}}}]},"done":false})");
  declined(
      R"({"message":{"role":"assistant","content":"bye"},"done":true,"done_reason":"stop","eval_count":3})");
  declined(R"({"error":"boom"})");
  declined(R"({"message":{"content":"a"},"message":{"content":"b"}})");  // duplicate member
  declined(R"({"message":{"content":"a","content":"b"}})");
  declined(R"({"model":"m","created_at":"t","done":false})");  // no message
  declined(R"({"message":null,"done":false})");
  declined(R"({"message":{"content":null}})");
  declined(R"({"message":{"content":5}})");
  declined(R"({"message":{"role":1,"content":"x"}})");
  declined(R"({"model":7,"message":{"content":"x"}})");
  declined(R"({"message":{"content":"x"},"done":"false"})");
  declined(R"({"message":{"content":"x"},"done":falsey})");
  declined(R"({"message":{"content":"x"}} trailing)");
  declined(R"({"message":{"content":"x"},})");
  declined(R"({"message":{"content":"x"})");
  declined(R"([{"message":{"content":"x"}}])");
  declined("\xEF\xBB\xBF{\"message\":{\"content\":\"bom\"}}");
}

TEST_CASE("ollama::parse_content_chunk declines what the DOM parser rejects") {
  declined(R"({"message":{"content":"\ud83d"}})");        // lone high surrogate
  declined(R"({"message":{"content":"\ud83d\u0041"}})");  // high surrogate, then not a low one
  declined(R"({"message":{"content":"\ude00"}})");        // lone low surrogate
  declined(R"({"message":{"content":"\x"}})");            // unknown escape
  declined(R"({"message":{"content":"\u12G4"}})");        // bad hex
  declined(R"({"message":{"content":"\u12"}})");
  declined("{\"message\":{\"content\":\"raw\ttab\"}}");      // control character
  declined("{\"message\":{\"content\":\"\xC0\x80\"}}");      // overlong
  declined("{\"message\":{\"content\":\"\xED\xA0\x80\"}}");  // UTF-8 surrogate
  declined("{\"message\":{\"content\":\"\xF5\x80\x80\x80\"}}");
  declined("{\"message\":{\"content\":\"\xE4\xBD\"}}");  // cut sequence
  declined("{\"message\":{\"content\":\"\x80\"}}");
  declined(R"({"message":{"content":"unterminated)");
}
