#include "core/events/json_lines_sink.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/io/fd_stream.hpp"
#include "fd_capture.hpp"

using ochat::events::JsonLinesSink;
using Json = nlohmann::ordered_json;

namespace {

// Each line parsed on its own; every line must end in '\n'.
std::vector<Json> parse_lines(const std::string& text) {
  std::vector<Json> events;
  std::size_t start = 0;
  while (start < text.size()) {
    const auto nl = text.find('\n', start);
    REQUIRE(nl != std::string::npos);
    events.push_back(Json::parse(text.substr(start, nl - start)));
    start = nl + 1;
  }
  return events;
}

}  // namespace

TEST_CASE("events::JsonLinesSink writes one type/data object per line") {
  ochat::test::FdCapture file;
  ochat::io::FdStream out(file.fd());
  JsonLinesSink sink(out);

  sink.start({"qwen3", "http://127.0.0.1:11434"});
  sink.thinking("Let me");
  sink.token("Hello");
  sink.token("");                        // nothing to say: no event
  sink.notice("waiting for the model");  // for people only: no event
  sink.token(", \"world\"\n");
  sink.flush();
  sink.error(ochat::ErrorKind::stream, "the stream broke", "");
  ochat::events::Stats stats;
  stats.prompt_tokens = 26;
  stats.generated_tokens = 282;
  stats.total_ns = 4883583458;
  stats.load_ns = 1334875;
  stats.prompt_eval_ns = 342546000;
  stats.eval_ns = 4535599000;
  sink.done({"stop", stats});

  const auto events = parse_lines(file.contents());
  REQUIRE(events.size() == 6);
  for (const auto& e : events) {
    REQUIRE(e.is_object());
    CHECK(e.size() == 2);
    CHECK(e.begin().key() == "type");
    CHECK(e["data"].is_object());
  }
  CHECK(
      events[0].dump() ==
      R"({"type":"start","data":{"schema_version":1,"model":"qwen3","host":"http://127.0.0.1:11434","conversation":null,"earlier_messages":0}})");
  CHECK(events[1].dump() == R"({"type":"thinking","data":{"text":"Let me"}})");
  CHECK(events[2].dump() == R"({"type":"token","data":{"text":"Hello"}})");
  CHECK(events[3]["type"] == "token");
  CHECK(events[3]["data"]["text"] == ", \"world\"\n");
  CHECK(events[4].dump() ==
        R"({"type":"error","data":{"kind":"stream","message":"the stream broke"}})");
  CHECK(events[5]["type"] == "done");
  const auto& done = events[5]["data"];
  CHECK(done.at("reason") == "stop");
  CHECK(done.at("prompt_tokens") == 26);
  CHECK(done.at("generated_tokens") == 282);
  CHECK(done.at("total_duration_ns") == 4883583458);
  CHECK(done.at("load_duration_ns") == 1334875);
  CHECK(done.at("prompt_eval_duration_ns") == 342546000);
  CHECK(done.at("eval_duration_ns") == 4535599000);
}

TEST_CASE("events::JsonLinesSink done leaves out the figures the server did not send") {
  ochat::test::FdCapture file;
  ochat::io::FdStream out(file.fd());
  JsonLinesSink sink(out);
  sink.done({"interrupted", {}});
  CHECK(file.contents() == "{\"type\":\"done\",\"data\":{\"reason\":\"interrupted\"}}\n");
}

TEST_CASE("events::JsonLinesSink names every error kind") {
  ochat::test::FdCapture file;
  ochat::io::FdStream out(file.fd());
  JsonLinesSink sink(out);
  using K = ochat::ErrorKind;
  for (K kind : {K::internal, K::usage, K::connect, K::http, K::stream, K::timeout})
    sink.error(kind, "m", "");
  const auto events = parse_lines(file.contents());
  REQUIRE(events.size() == 6);
  const char* names[] = {"internal", "usage", "connect", "http", "stream", "timeout"};
  for (std::size_t i = 0; i < 6; ++i) CHECK(events[i]["data"]["kind"] == names[i]);
}

TEST_CASE("events::JsonLinesSink writes tokens only when flushed") {
  ochat::test::FdCapture file;
  ochat::io::FdStream out(file.fd());
  JsonLinesSink sink(out);
  sink.token("a");
  sink.thinking("b");
  CHECK(file.contents().empty());
  CHECK(sink.flush());
  CHECK(file.contents() ==
        "{\"type\":\"token\",\"data\":{\"text\":\"a\"}}\n{\"type\":\"thinking\",\"data\":{\"text\":"
        "\"b\"}}\n");
}

TEST_CASE("events::JsonLinesSink writes a token with invalid UTF-8 as valid JSON") {
  ochat::test::FdCapture file;
  ochat::io::FdStream out(file.fd());
  JsonLinesSink sink(out);
  CHECK_NOTHROW(sink.token("bad \xFF\xFE bytes"));
  CHECK_NOTHROW(sink.token("cut \xE4\xBD"));
  CHECK_NOTHROW(sink.thinking("\xC3"));
  sink.flush();
  const auto events = parse_lines(file.contents());
  REQUIRE(events.size() == 3);
  const std::string first = events[0]["data"]["text"];
  CHECK_THAT(first, Catch::StartsWith("bad ") && Catch::EndsWith(" bytes") &&
                        Catch::Contains("\xEF\xBF\xBD"));
  CHECK(first.find('\xFF') == std::string::npos);
  const std::string second = events[1]["data"]["text"];
  CHECK_THAT(second, Catch::StartsWith("cut ") && Catch::Contains("\xEF\xBF\xBD"));
}

TEST_CASE(
    "events::JsonLinesSink writes token and thinking lines byte for byte as the JSON DOM did") {
  // Since the per-token events skip the DOM, the bytes must stay those of dump() on
  // {"type": ..., "data": {"text": ...}}: quotes, controls, UTF-8 and invalid UTF-8 alike.
  const std::vector<std::string> texts = {"plain",
                                          "\"quoted\" \\ /",
                                          "line\nbreak\ttab\r\b\f",
                                          std::string("nul\x00\x01\x1f\x7f", 8),
                                          "Caf\xC3\xA9 \xF0\x9F\x98\x80",
                                          "bad \xFF\xC0\xAF \xED\xA0\x80",
                                          "cut \xF0\x9F\x98"};
  ochat::test::FdCapture file;
  ochat::io::FdStream out(file.fd());
  JsonLinesSink sink(out);
  std::string expected;
  for (const auto& text : texts) {
    sink.token(text);
    sink.thinking(text);
    for (const char* type : {"token", "thinking"}) {
      Json event = Json::object();
      event["type"] = type;
      event["data"] = {{"text", text}};
      expected += event.dump(-1, ' ', false, Json::error_handler_t::replace) + "\n";
    }
  }
  sink.flush();
  CHECK(file.contents() == expected);
}

TEST_CASE("events::JsonLinesSink writes retry events, and done counts them") {
  ochat::test::FdCapture file;
  ochat::io::FdStream out(file.fd());
  JsonLinesSink sink(out);

  sink.start({"qwen3", "http://127.0.0.1:11434"});
  ochat::events::RetryInfo busy;
  busy.attempt = 1;
  busy.max_retries = 2;
  busy.reason = "server busy (HTTP 503)";
  busy.delay_ms = 500;
  sink.retry(busy);
  sink.token("The ");
  ochat::events::RetryInfo broke;
  broke.attempt = 2;
  broke.max_retries = 2;
  broke.reason = "the connection broke";
  broke.delay_ms = 1000;
  broke.continues = true;
  broke.answer_bytes = 4;
  sink.retry(broke);
  sink.done({"stop", {}});

  const auto events = parse_lines(file.contents());
  REQUIRE(events.size() == 5);
  CHECK(
      events[1].dump() ==
      R"x({"type":"retry","data":{"attempt":1,"max_retries":2,"reason":"server busy (HTTP 503)","delay_ms":500,"continues":false}})x");
  CHECK(
      events[3].dump() ==
      R"({"type":"retry","data":{"attempt":2,"max_retries":2,"reason":"the connection broke","delay_ms":1000,"continues":true,"answer_bytes":4}})");
  CHECK(events[4].dump() == R"({"type":"done","data":{"reason":"stop","retries":2}})");
}

TEST_CASE("events::JsonLinesSink leaves retries out of done when there were none") {
  ochat::test::FdCapture file;
  ochat::io::FdStream out(file.fd());
  JsonLinesSink sink(out);
  sink.done({"stop", {}});
  CHECK(file.contents() == "{\"type\":\"done\",\"data\":{\"reason\":\"stop\"}}\n");
}

TEST_CASE("events::JsonLinesSink start lists the attachments, in order, when there are any") {
  ochat::test::FdCapture file;
  ochat::io::FdStream out(file.fd());
  JsonLinesSink sink(out);
  sink.start({"gemma3", "http://h", {{"photo.jpg", "image/jpeg", 123456}, {"-", "text/plain", 7}}});
  const auto events = parse_lines(file.contents());
  REQUIRE(events.size() == 1);
  CHECK(
      events[0].dump() ==
      R"({"type":"start","data":{"schema_version":1,"model":"gemma3","host":"http://h","attachments":[)"
      R"({"name":"photo.jpg","type":"image/jpeg","size":123456},{"name":"-","type":"text/plain","size":7}],)"
      R"("conversation":null,"earlier_messages":0}})");
}
