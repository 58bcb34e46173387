#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/openai/chunk_parser.hpp"
#include "core/openai/stream_decoder.hpp"
#include "core/openai/tool_call_builder.hpp"
#include "stream_splits.hpp"

using ochat::Error;
using ochat::ErrorKind;
using ochat::chat::Chunk;
using ochat::openai::StreamDecoder;
using Json = nlohmann::ordered_json;

namespace {

// Records what the decoder hands out.
class Recorder final : public ochat::chat::ChunkHandler {
 public:
  void on_chunk(Chunk& chunk) override {
    chunks.push_back(chunk);
    content += chunk.content;
    thinking += chunk.thinking;
    if (chunk.error) errors.push_back(*chunk.error);
    if (chunk.done) done.push_back(chunk);
  }
  std::vector<Chunk> chunks;
  std::string content;
  std::string thinking;
  std::vector<std::string> errors;
  std::vector<Chunk> done;
};

Recorder decode(const std::vector<std::string_view>& reads) {
  Recorder recorder;
  StreamDecoder decoder;
  for (auto read : reads) decoder.feed(read, recorder);
  decoder.finish(recorder);
  return recorder;
}

Recorder decode(std::string_view stream) { return decode(std::vector<std::string_view>{stream}); }

std::string event(std::string_view json) { return "data: " + std::string(json) + "\n\n"; }

std::string delta(std::string_view delta_json, std::string_view finish = "null") {
  return event(
      R"({"choices":[{"finish_reason":)" + std::string(finish) + R"(,"index":0,"delta":)" +
      std::string(delta_json) +
      R"(}],"created":1795963727,"id":"chatcmpl-1","model":"m","object":"chat.completion.chunk"})");
}

std::string call_piece(int index, std::string_view arguments_json) {
  return delta(R"({"tool_calls":[{"index":)" + std::to_string(index) +
               R"(,"function":{"arguments":)" + std::string(arguments_json) + "}}]}");
}

std::string call_head(int index, std::string_view id, std::string_view name) {
  return delta(R"({"tool_calls":[{"index":)" + std::to_string(index) + R"(,"id":")" +
               std::string(id) + R"(","type":"function","function":{"name":")" + std::string(name) +
               R"(","arguments":""}}]})");
}

const std::string kUsage = event(
    R"({"choices":[],"created":1795963727,"id":"chatcmpl-1","model":"m","object":"chat.completion.chunk","usage":{"completion_tokens":4,"prompt_tokens":33,"total_tokens":37}})");
const std::string kDone = "data: [DONE]\n\n";

// llama-server: a role chunk with content null, text with multi-byte UTF-8 and escapes, the
// finish chunk with timings, the usage chunk, [DONE]; a keep-alive comment in between.
const std::string kTextStream =
    delta(R"({"role":"assistant","content":null})") + delta(R"({"content":"Caf\u00e9 "})") +
    ": keep-alive\n\n" + delta("{\"content\":\"\xE4\xBD\xA0\xE5\xA5\xBD \xF0\x9F\x98\x80\"}") +
    delta(R"({"content":" \ud83d\ude00\n\"q\""})") +
    event(
        R"({"choices":[{"finish_reason":"stop","index":0,"delta":{}}],"timings":{"prompt_ms":41.25,"predicted_ms":80.5}})") +
    kUsage + kDone;
const std::string kText =
    "Caf\xC3\xA9 \xE4\xBD\xA0\xE5\xA5\xBD \xF0\x9F\x98\x80 \xF0\x9F\x98\x80\n\"q\"";

// Two calls, their pieces interleaved; the arguments cut inside a key, inside a \u escape
// and between the bytes of nothing but whole characters (multi-byte ones included).
const std::string kToolStream =
    delta(R"({"role":"assistant","content":"Let me check."})") +
    call_head(0, "call_a", "get_weather") + call_head(1, "call_b", "first") +
    call_piece(0, R"("{\"ci")") + call_piece(1, R"("{\"x\": \"")") +
    call_piece(0, R"("ty\": \"S")") + call_piece(1, R"("t\\u00")") +
    call_piece(0, "\"\xC3\xA3o \xE6\x9D\xB1\\\"\"") + call_piece(1, R"("e9st\"}")") +
    call_piece(0, R"("}")") + delta("{}", R"("tool_calls")") + kUsage + kDone;

std::string error_of(const std::vector<std::string_view>& reads) {
  try {
    decode(reads);
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::stream);
    return e.what();
  }
  FAIL("no error");
  return {};
}

std::string error_of(std::string_view stream) {
  return error_of(std::vector<std::string_view>{stream});
}

}  // namespace

TEST_CASE("openai::StreamDecoder gives the same chunks whatever the reads look like") {
  for (const auto& delivery : ochat::test::all_deliveries(kTextStream)) {
    INFO(delivery.name);
    const Recorder r = decode(delivery.reads);
    CHECK(r.content == kText);
    CHECK(r.chunks.size() == 4);  // three with content, one done
    REQUIRE(r.done.size() == 1);
    CHECK(r.done[0].done_reason == "stop");
    CHECK(r.done[0].stats.prompt_tokens == 33);
    CHECK(r.done[0].stats.generated_tokens == 4);
    CHECK(r.done[0].stats.prompt_eval_ns == 41'250'000);
    CHECK(r.done[0].stats.eval_ns == 80'500'000);
    CHECK(r.done[0].tool_calls.empty());
    CHECK(r.chunks.back().done);
  }
}

TEST_CASE("openai::StreamDecoder joins tool-call pieces per index, whatever the reads look like") {
  for (const auto& delivery : ochat::test::all_deliveries(kToolStream)) {
    INFO(delivery.name);
    const Recorder r = decode(delivery.reads);
    CHECK(r.content == "Let me check.");
    REQUIRE(r.done.size() == 1);
    CHECK(r.done[0].done_reason == "tool_calls");
    const auto& calls = r.done[0].tool_calls;
    REQUIRE(calls.size() == 2);
    CHECK(calls[0].id == "call_a");
    CHECK(calls[0].name == "get_weather");
    CHECK(calls[0].arguments == Json{{"city", "S\xC3\xA3o \xE6\x9D\xB1"}});
    CHECK(calls[0].arguments_text == "{\"city\": \"S\xC3\xA3o \xE6\x9D\xB1\"}");
    CHECK(calls[1].id == "call_b");
    CHECK(calls[1].name == "first");
    CHECK(calls[1].arguments == Json{{"x", "t\xC3\xA9st"}});
    CHECK(calls[1].arguments_text == R"({"x": "t\u00e9st"})");
  }
}

TEST_CASE("openai::StreamDecoder hands the tool calls out only once the turn has ended") {
  const Recorder r = decode(kToolStream);
  for (std::size_t i = 0; i + 1 < r.chunks.size(); ++i) CHECK(r.chunks[i].tool_calls.empty());
  CHECK(r.chunks.back().tool_calls.size() == 2);
}

TEST_CASE("openai::StreamDecoder takes whole calls as Ollama's /v1 sends them") {
  const Recorder r = decode(
      delta(
          R"({"role":"assistant","content":"","tool_calls":[{"id":"call_x1","index":0,"type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}}]})") +
      delta("{}", R"("tool_calls")") + kDone);
  REQUIRE(r.done.size() == 1);
  REQUIRE(r.done[0].tool_calls.size() == 1);
  CHECK(r.done[0].tool_calls[0].arguments == Json{{"city", "Paris"}});
}

TEST_CASE(
    "openai::StreamDecoder names a call without an id after its index, and empty arguments are "
    "{}") {
  const Recorder r =
      decode(delta(R"({"tool_calls":[{"index":3,"function":{"name":"now"}}]})") +
             delta(R"({"tool_calls":[{"index":3,"function":{"arguments":"  "}}]})") + kDone);
  REQUIRE(r.done.size() == 1);
  REQUIRE(r.done[0].tool_calls.size() == 1);
  CHECK(r.done[0].tool_calls[0].id == "call_3");
  CHECK(r.done[0].tool_calls[0].arguments == Json::object());
  CHECK(r.done[0].tool_calls[0].arguments_text.empty());
}

TEST_CASE("openai::StreamDecoder keeps the first id and name when a server repeats them") {
  const Recorder r = decode(
      call_head(0, "call_a", "get_weather") +
      delta(
          R"({"tool_calls":[{"index":0,"id":"call_a","function":{"name":"get_weather","arguments":"{}"}}]})") +
      kDone);
  REQUIRE(r.done[0].tool_calls.size() == 1);
  CHECK(r.done[0].tool_calls[0].name == "get_weather");
  CHECK(r.done[0].tool_calls[0].id == "call_a");
}

TEST_CASE("openai::StreamDecoder reports arguments that are not a JSON object, naming the tool") {
  for (const char* args : {R"("{\"city\": \"Par")", R"("[1, 2]")", R"("not json")"}) {
    INFO(args);
    const std::string what = error_of(call_head(0, "call_a", "get_weather") + call_piece(0, args) +
                                      delta("{}", R"("tool_calls")") + kDone);
    CHECK_THAT(what, Catch::Contains("'get_weather'"));
    CHECK_THAT(what, Catch::Contains("not a JSON object"));
  }
}

TEST_CASE("openai::StreamDecoder reports a call without a name") {
  CHECK_THAT(error_of(call_piece(0, R"("{}")") + kDone),
             Catch::Contains("without a function name"));
}

TEST_CASE("openai::StreamDecoder reads reasoning_content and reasoning as thinking") {
  CHECK(decode(delta(R"({"reasoning_content":"Hmm."})") + delta(R"({"content":"Hi"})") + kDone)
            .thinking == "Hmm.");
  CHECK(decode(delta(R"({"content":"","reasoning":"Hmm."})") + kDone).thinking == "Hmm.");
  // vLLM has sent both with the same text: it counts once.
  CHECK(decode(delta(R"({"reasoning_content":"Hmm.","reasoning":"Hmm."})") + kDone).thinking ==
        "Hmm.");
}

TEST_CASE("openai::StreamDecoder passes the length finish reason on") {
  const Recorder r = decode(delta(R"({"content":"a"})") + delta("{}", R"("length")") + kDone);
  REQUIRE(r.done.size() == 1);
  CHECK(r.done[0].done_reason == "length");
}

TEST_CASE("openai::StreamDecoder ends at [DONE] without a finish reason with done reason stop") {
  const Recorder r = decode(delta(R"({"content":"a"})") + kDone);
  REQUIRE(r.done.size() == 1);
  CHECK(r.done[0].done_reason == "stop");
}

TEST_CASE("openai::StreamDecoder accepts a stream with a finish reason and no [DONE]") {
  const std::string stream = delta(R"({"content":"a"})") + delta("{}", R"("stop")") + kUsage;
  for (const auto& delivery : ochat::test::all_deliveries(stream)) {
    INFO(delivery.name);
    const Recorder r = decode(delivery.reads);
    REQUIRE(r.done.size() == 1);
    CHECK(r.done[0].stats.generated_tokens == 4);  // the usage chunk after the finish counts
  }
}

TEST_CASE(
    "openai::StreamDecoder gives no final chunk for a stream without a finish reason or [DONE]") {
  const Recorder r = decode(delta(R"({"content":"a"})") + delta(R"({"content":"b"})"));
  CHECK(r.content == "ab");
  CHECK(r.done.empty());
  // Ollama's /v1 after a failure: an empty chunk, then the end.
  CHECK(decode(delta(R"({"role":"assistant","content":""})")).done.empty());
}

TEST_CASE("openai::StreamDecoder reads nothing after [DONE]") {
  const Recorder r =
      decode(delta(R"({"content":"a"})") + kDone + delta(R"({"content":"late"})") + "not even sse");
  CHECK(r.content == "a");
  CHECK(r.done.size() == 1);
}

TEST_CASE("openai::StreamDecoder turns an error event into a chunk with the server's message") {
  const Recorder r = decode(
      delta(R"({"content":"partial"})") +
      event(
          R"({"error":{"code":500,"message":"Context size has been exceeded.","type":"server_error"}})"));
  CHECK(r.content == "partial");
  CHECK(r.errors == std::vector<std::string>{"Context size has been exceeded."});
  CHECK(decode(event(R"({"error":"boom"})")).errors == std::vector<std::string>{"boom"});
  CHECK(decode(event(R"({"error":{"code":1}})")).errors ==
        std::vector<std::string>{R"({"code":1})"});
}

TEST_CASE("openai::StreamDecoder reports data that is not JSON, quoting it") {
  const std::string what =
      error_of(delta(R"({"content":"a"})") + "data: <html>proxy error</html>\n\n");
  CHECK_THAT(what, Catch::Contains("not JSON"));
  CHECK_THAT(what, Catch::Contains("<html>proxy error</html>"));
}

TEST_CASE("openai::StreamDecoder reports fields of the wrong type") {
  struct Case {
    const char* json;
    const char* what;
  };
  for (auto c :
       {Case{R"([1])", "not a JSON object"}, Case{R"({"choices":{}})", "'choices' is not an array"},
        Case{R"({"choices":[{"delta":[]}]})", "'delta' is not an object"},
        Case{R"({"choices":[{"delta":{"content":7}}]})", "'content' is not a string"},
        Case{R"({"choices":[{"delta":{"tool_calls":{}}}]})", "'tool_calls' is not an array"},
        Case{R"({"choices":[{"delta":{"tool_calls":[{"index":-1}]}}]})", "'index' is not a number"},
        Case{R"({"choices":[{"delta":{"tool_calls":[{"function":{"arguments":7}}]}}]})",
             "'arguments' is not a string"},
        Case{R"({"choices":[{"finish_reason":1}]})", "'finish_reason' is not a string"},
        Case{R"({"usage":[]})", "'usage' is not an object"}}) {
    INFO(c.json);
    CHECK_THAT(error_of(event(c.json)), Catch::Contains(c.what));
  }
}

TEST_CASE("openai::StreamDecoder reads choice 0 only") {
  const Recorder r = decode(
      event(
          R"({"choices":[{"index":1,"delta":{"content":"other"}},{"index":0,"delta":{"content":"mine"}}]})") +
      kDone);
  CHECK(r.content == "mine");
}

TEST_CASE("openai::StreamDecoder skips events with blank data") {
  const Recorder r = decode("data: \n\ndata:\n\n" + delta(R"({"content":"a"})") + kDone);
  CHECK(r.content == "a");
}

TEST_CASE(
    "openai::StreamDecoder takes the usage whether it comes before or after the finish reason") {
  const Recorder r = decode(
      event(
          R"({"choices":[{"index":0,"delta":{"content":"a"}}],"usage":{"prompt_tokens":5,"completion_tokens":1}})") +
      delta("{}", R"("stop")") + kDone);
  REQUIRE(r.done.size() == 1);
  CHECK(r.done[0].stats.prompt_tokens == 5);
  CHECK(r.done[0].stats.generated_tokens == 1);
}

TEST_CASE("openai::parse_event recognises [DONE] with surrounding spaces") {
  CHECK(ochat::openai::parse_event("[DONE]").done_marker);
  CHECK(ochat::openai::parse_event(" [DONE] ").done_marker);
  CHECK_FALSE(ochat::openai::parse_event("{}").done_marker);
}

TEST_CASE("openai::ToolCallBuilder empties itself when the calls are taken") {
  ochat::openai::ToolCallBuilder builder;
  CHECK(builder.empty());
  builder.add({0, "id", "name", "{}"});
  CHECK_FALSE(builder.empty());
  CHECK(builder.take().size() == 1);
  CHECK(builder.empty());
  CHECK(builder.take().empty());
}

TEST_CASE("openai::StreamDecoder refuses an event larger than its limit") {
  Recorder r;
  StreamDecoder decoder(64);
  CHECK_THROWS_AS(decoder.feed(delta(R"({"content":")" + std::string(100, 'x') + "\"}"), r), Error);
}

TEST_CASE(
    "openai::StreamDecoder reports a body that is JSON or HTML instead of events, quoting it") {
  CHECK_THAT(
      error_of(R"({"id":"x","object":"chat.completion","choices":[{"message":{"content":"hi"}}]})"),
      Catch::Contains(
          R"(not a stream of server-sent events: {"id":"x","object":"chat.completion")"));
  CHECK_THAT(error_of("\n<html><body>502 Bad Gateway</body></html>"),
             Catch::Contains("not a stream of server-sent events: <html>"));
  // Comments alone, or nothing, are no events either, but not that mistake: no final chunk.
  CHECK(decode(": keep-alive\n\n").done.empty());
  CHECK(decode("").done.empty());
}

TEST_CASE("openai::StreamDecoder ignores timings that are negative or too large for nanoseconds") {
  const Recorder r = decode(std::vector<std::string_view>{
      event(
          R"({"choices":[{"finish_reason":"stop","index":0,"delta":{}}],"timings":{"prompt_ms":-1,"predicted_ms":1e300}})") +
      kDone});
  REQUIRE(r.done.size() == 1);
  CHECK_FALSE(r.done[0].stats.prompt_eval_ns.has_value());
  CHECK_FALSE(r.done[0].stats.eval_ns.has_value());
}
