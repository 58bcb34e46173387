#include <catch2/catch.hpp>
#include <memory>
#include <string>

#include "core/conversation/codec.hpp"
#include "core/error.hpp"

using ochat::Error;
using ochat::chat::Cut;
using ochat::chat::Message;
using ochat::conversation::decode_header;
using ochat::conversation::decode_message;
using ochat::conversation::encode_header;
using ochat::conversation::encode_message;
using ochat::conversation::Header;
using ochat::conversation::Note;
using Json = nlohmann::ordered_json;

namespace {

Json parse(const std::string& line) {
  REQUIRE(!line.empty());
  REQUIRE(line.back() == '\n');
  REQUIRE(line.find('\n') == line.size() - 1);  // one line
  return Json::parse(line);
}

Message assistant_with_calls() {
  Message m = Message::text("assistant", "Let me check.");
  m.thinking = "hmm";
  ochat::chat::ToolCall a;
  a.id = "c1";
  a.name = "get_weather";
  a.arguments = {{"city", "Paris"}};
  a.arguments_text = R"({"city": "Paris"})";  // as an OpenAI server wrote it
  ochat::chat::ToolCall b;
  b.name = "now";
  m.tool_calls = {a, b};
  return m;
}

}  // namespace

TEST_CASE("conversation::encode_header writes the marker, version, time and settings on one line") {
  Header h;
  h.created = "2026-05-01T10:00:00.000Z";
  h.settings.api = "ollama";
  h.settings.host = "http://127.0.0.1:11434";
  h.settings.model = "llama3.2";
  h.settings.options = {{"temperature", 0.2}};
  using Kind = ochat::conversation::ToolEntry::Kind;
  h.settings.tools = std::vector<ochat::conversation::ToolEntry>{{Kind::plugin, "/p/now"},
                                                                 {Kind::tools_dir, "/d"},
                                                                 {Kind::mcp, "srv x"},
                                                                 {Kind::mcp_config, "/m.json"}};
  const std::string line = encode_header(h);
  CHECK(
      line ==
      R"({"ochat":"conversation","version":1,"created":"2026-05-01T10:00:00.000Z","settings":{"api":"ollama",)"
      R"("host":"http://127.0.0.1:11434","model":"llama3.2","options":{"temperature":0.2},"tools":[{"plugin":"/p/now"},)"
      R"({"tools_dir":"/d"},{"mcp":"srv x"},{"mcp_config":"/m.json"}]}})"
      "\n");
  const Header back = decode_header(parse(line), "f:1");
  CHECK(back.created == h.created);
  CHECK(back.settings == h.settings);
}

TEST_CASE("conversation::decode_header refuses an unknown or missing format version") {
  CHECK_THROWS_WITH(decode_header(Json::parse(R"({"ochat":"conversation","version":2})"), "f:1"),
                    "f:1: the conversation is in format version 2; this ochat reads version 1");
  try {
    decode_header(Json::parse(R"({"ochat":"conversation","version":2})"), "f:1");
  } catch (const Error& e) {
    CHECK(e.hint() == "it was written by a newer ochat");
  }
  CHECK_THROWS_WITH(decode_header(Json::parse(R"({"ochat":"conversation"})"), "f:1"),
                    "f:1: the conversation header has no format version");
  CHECK_THROWS_WITH(decode_header(Json::parse(R"({"ochat":"conversation","version":"1"})"), "f:1"),
                    "f:1: the conversation header has no format version");
}

TEST_CASE("conversation::decode_header refuses settings of the wrong type") {
  CHECK_THROWS_WITH(
      decode_header(Json::parse(R"({"ochat":"conversation","version":1,"settings":{"model":3}})"),
                    "f:1"),
      "f:1: settings: 'model' is not a string");
  CHECK_THROWS_WITH(
      decode_header(
          Json::parse(R"({"ochat":"conversation","version":1,"settings":{"api":"grpc"}})"), "f:1"),
      "f:1: settings: 'api' is 'grpc', not ollama or openai");
  CHECK_THROWS_WITH(
      decode_header(
          Json::parse(R"({"ochat":"conversation","version":1,"settings":{"tools":[{"x":"y"}]}})"),
          "f:1"),
      "f:1: settings: unknown kind of tool 'x'");
  CHECK_THROWS(decode_header(
      Json::parse(R"({"ochat":"conversation","version":1,"settings":{"options":[1]}})"), "f:1"));
}

TEST_CASE(
    "conversation::encode_message writes Ollama's message shape with ochat's fields under "
    "\"ochat\"") {
  Note note;
  note.time = "2026-05-01T10:00:01.000Z";
  note.message.done_reason = "stop";
  note.message.stats.generated_tokens = 7;
  note.message.stats.eval_ns = 1000;
  const std::string line = encode_message(assistant_with_calls(), note);
  CHECK(
      line ==
      R"({"role":"assistant","content":"Let me check.","thinking":"hmm","tool_calls":[{"id":"c1","function":)"
      R"({"index":0,"name":"get_weather","arguments":{"city":"Paris"}},"ochat":{"arguments_text":"{\"city\": \"Paris\"}"}},)"
      R"({"function":{"index":1,"name":"now","arguments":{}}}],"ochat":{"time":"2026-05-01T10:00:01.000Z",)"
      R"("done_reason":"stop","stats":{"generated_tokens":7,"eval_duration_ns":1000}}})"
      "\n");
}

TEST_CASE("conversation::decode_message reads back what encode_message wrote") {
  Note note;
  note.time = "t";
  note.message.cut = Cut::error;
  note.message.error_kind = ochat::ErrorKind::stream;
  note.message.error = "the connection broke";
  note.message.stats.prompt_tokens = 3;
  note.settings.model = "qwen3";
  note.settings.options = {{"num_ctx", 8192}};
  const Message m = assistant_with_calls();
  const auto e = decode_message(parse(encode_message(m, note)), "f:2");
  CHECK(e.message.role == m.role);
  CHECK(e.message.content == m.content);
  CHECK(e.message.thinking == m.thinking);
  REQUIRE(e.message.tool_calls.size() == 2);
  CHECK(e.message.tool_calls[0].id == "c1");
  CHECK(e.message.tool_calls[0].arguments == m.tool_calls[0].arguments);
  CHECK(e.message.tool_calls[0].arguments_text == m.tool_calls[0].arguments_text);
  CHECK(e.message.tool_calls[1].id.empty());
  CHECK(e.message.tool_calls[1].arguments == Json::object());
  CHECK(e.note.time == "t");
  CHECK(e.note.message.cut == Cut::error);
  CHECK(e.note.message.error_kind == ochat::ErrorKind::stream);
  CHECK(e.note.message.error == "the connection broke");
  CHECK(e.note.message.stats.prompt_tokens == 3);
  CHECK(e.note.settings == note.settings);

  Message tool = Message::text("tool", "sunny");
  tool.tool_name = "get_weather";
  tool.tool_call_id = "c1";
  Note tool_note;
  tool_note.message.is_error = true;
  tool_note.message.duration_ms = 12;
  tool_note.message.cut = Cut::interrupted;
  const auto t = decode_message(parse(encode_message(tool, tool_note)), "f:3");
  CHECK(t.message.tool_name == "get_weather");
  CHECK(t.message.tool_call_id == "c1");
  CHECK(t.note.message.is_error);
  CHECK(t.note.message.duration_ms == 12);
  CHECK(t.note.message.cut == Cut::interrupted);
}

TEST_CASE(
    "conversation::decode_message reads hand-written lines: unknown fields, no content, "
    "OpenAI-style arguments") {
  const auto e = decode_message(
      Json::parse(
          R"({"role":"assistant","extra":["x"],"mood":"good","tool_calls":[{"id":"a","type":"function",)"
          R"("function":{"name":"f","arguments":"{\"x\": 1}"}}],"ochat":{"time":5,"cut":"weird"}})"),
      "f:2");
  CHECK(e.message.content.empty());
  REQUIRE(e.message.tool_calls.size() == 1);
  CHECK(e.message.tool_calls[0].arguments == Json{{"x", 1}});
  CHECK(e.message.tool_calls[0].arguments_text == R"({"x": 1})");  // as written: not the plain form
  CHECK(e.note.time.empty());  // ochat's fields of the wrong type are left out
  CHECK(e.note.message.cut == Cut::error);
  CHECK(decode_message(Json::parse(R"({"role":"user","content":null})"), "f:2")
            .message.content.empty());
}

TEST_CASE(
    "conversation::decode_message drops arguments_text that no longer says what the arguments "
    "say") {
  const auto e = decode_message(
      Json::parse(
          R"({"role":"assistant","content":"","tool_calls":[{"function":{"name":"f","arguments":{"x":2}},)"
          R"("ochat":{"arguments_text":"{\"x\": 1}"}}]})"),
      "f:2");
  CHECK(e.message.tool_calls[0].arguments_text.empty());
}

TEST_CASE("conversation::decode_message names the line of a line that is not a message") {
  CHECK_THROWS_WITH(decode_message(Json::parse(R"([1,2])"), "f:4"),
                    "f:4: the line is not a JSON object (a message)");
  CHECK_THROWS_WITH(decode_message(Json::parse(R"({"content":"x"})"), "f:4"),
                    "f:4: the line is not a message: it has no 'role'");
  CHECK_THROWS_WITH(decode_message(Json::parse(R"({"role":"user","content":3})"), "f:4"),
                    "f:4: 'content' is not a string");
  CHECK_THROWS_WITH(decode_message(Json::parse(R"({"role":"assistant","tool_calls":{}})"), "f:4"),
                    "f:4: 'tool_calls' is not an array");
  CHECK_THROWS_WITH(
      decode_message(Json::parse(R"({"role":"assistant","tool_calls":[{"function":{}}]})"), "f:4"),
      "f:4: a tool call has no function name");
  CHECK_THROWS_WITH(
      decode_message(
          Json::parse(
              R"({"role":"assistant","tool_calls":[{"function":{"name":"f","arguments":"[1]"}}]})"),
          "f:4"),
      "f:4: the arguments of tool call 'f' are not a JSON object");
}

TEST_CASE("conversation::encode_message replaces invalid UTF-8 instead of failing") {
  const std::string line = encode_message(Message::text("assistant", "ok \xFF end"), {});
  CHECK(line == "{\"role\":\"assistant\",\"content\":\"ok \xEF\xBF\xBD end\"}\n");
}

TEST_CASE(
    "conversation::encode_message keeps images as Ollama's base64 images, and each attachment's "
    "name") {
  Message m = Message::text("user", "<file name=\"notes.txt\">\nhi\n</file>\n\nwhat is this?");
  ochat::chat::Attachment text{"notes.txt", "text/plain", 3, nullptr};
  ochat::chat::Attachment png{"cat.png", "image/png", 8,
                              std::make_shared<const std::string>("\x89PNG\r\n\x1a\n")};
  m.attachments = {text, png};
  const std::string line = encode_message(m, {});
  const Json j = parse(line);
  CHECK(j["images"] == Json::array({"iVBORw0KGgo="}));
  CHECK(j["ochat"]["attachments"] ==
        Json::parse(R"([{"name":"notes.txt","type":"text/plain","size":3},)"
                    R"({"name":"cat.png","type":"image/png","size":8}])"));
  const auto e = decode_message(j, "f:2");
  REQUIRE(e.message.attachments.size() == 2);
  CHECK(e.message.attachments[0].name == "notes.txt");
  CHECK(e.message.attachments[0].bytes == nullptr);
  CHECK(e.message.attachments[1].media_type == "image/png");
  REQUIRE(e.message.attachments[1].bytes);
  CHECK(*e.message.attachments[1].bytes == *png.bytes);
}

TEST_CASE(
    "conversation::decode_message reads images added by hand, and refuses one that is not base64") {
  const auto e =
      decode_message(Json::parse(R"({"role":"user","content":"x","images":["/9j/4AA="]})"), "f:2");
  REQUIRE(e.message.attachments.size() == 1);
  CHECK(e.message.attachments[0].media_type == "image/jpeg");
  CHECK(e.message.attachments[0].size == 5);
  CHECK_THROWS_WITH(
      decode_message(Json::parse(R"({"role":"user","images":["not base64!"]})"), "f:2"),
      "f:2: an entry of 'images' is not an image in base64");
}

TEST_CASE(
    "conversation::decode_message skips an attachment entry whose name or type is not a string") {
  const auto e = decode_message(Json::parse(R"({"role":"user","content":"x","ochat":{"attachments":[
        {"name":7,"type":"text/plain"},{"name":"a.txt","type":["x"]},
        {"name":"b.txt","type":"text/plain","size":3}]}})"),
                                "f:2");
  REQUIRE(e.message.attachments.size() == 1);
  CHECK(e.message.attachments[0].name == "b.txt");
}
