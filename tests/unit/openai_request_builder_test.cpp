#include <catch2/catch.hpp>
#include <string>

#include "core/config/option_value.hpp"
#include "core/error.hpp"
#include "core/openai/request_builder.hpp"

using ochat::Error;
using ochat::ErrorKind;
using ochat::chat::ChatRequest;
using ochat::chat::Message;
using ochat::openai::chat_body;
using Json = nlohmann::ordered_json;

namespace {

ChatRequest plain_request() {
  ChatRequest request;
  request.model = "qwen3";
  request.messages.push_back(Message::text("system", "Be brief."));
  request.messages.push_back(Message::text("user", "hi"));
  return request;
}

const std::string kPlainPrefix =
    R"({"model":"qwen3","messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"hi"}],)"
    R"("stream":true,"stream_options":{"include_usage":true})";

std::string body_with_options(const std::vector<std::string>& pairs) {
  ChatRequest request = plain_request();
  request.options = ochat::config::parse_option_pairs(pairs);
  return chat_body(request).dump();
}

}  // namespace

TEST_CASE("openai::chat_body of a plain request streams with usage") {
  CHECK(chat_body(plain_request()).dump() == kPlainPrefix + "}");
}

TEST_CASE("openai::chat_body sends -o options as top-level fields with their types") {
  CHECK(
      body_with_options({"temperature=0.2", "top_p=0.9", "max_tokens=100", "seed=42", "stop=END",
                         "presence_penalty=-0.5", "top_k=40", "logit_bias={\"50256\":-100}"}) ==
      kPlainPrefix +
          R"(,"temperature":0.2,"top_p":0.9,"max_tokens":100,"seed":42,"stop":["END"],"presence_penalty":-0.5,)"
          R"("top_k":40,"logit_bias":{"50256":-100}})");
}

TEST_CASE("openai::chat_body sends Ollama's num_predict as max_tokens, and no limit as nothing") {
  CHECK(body_with_options({"num_predict=128"}) == kPlainPrefix + R"(,"max_tokens":128})");
  CHECK(body_with_options({"num_predict=-1"}) == kPlainPrefix + "}");
  CHECK(body_with_options({"num_predict=-2", "temperature=0"}) ==
        kPlainPrefix + R"(,"temperature":0})");
}

TEST_CASE("openai::top_level_options refuses the fields ochat writes itself and a doubled limit") {
  for (const char* pair :
       {"model=x", "messages=[]", "tools=[]", "stream=false", "stream_options={}"}) {
    INFO(pair);
    try {
      body_with_options({pair});
      FAIL("no error");
    } catch (const Error& e) {
      CHECK(e.kind() == ErrorKind::usage);
      CHECK_THAT(e.what(), Catch::Contains("ochat sets"));
    }
  }
  CHECK_THROWS_AS(body_with_options({"num_predict=1", "max_tokens=2"}), Error);
}

TEST_CASE("openai::chat_body maps --format to response_format") {
  ChatRequest request = plain_request();
  SECTION("json") {
    request.format = "json";
    CHECK(chat_body(request).dump() ==
          kPlainPrefix + R"(,"response_format":{"type":"json_object"}})");
  }
  SECTION("a schema") {
    request.format = Json::parse(
        R"({"type":"object","properties":{"age":{"type":"integer"}},"required":["age"]})");
    CHECK(
        chat_body(request).dump() ==
        kPlainPrefix +
            R"(,"response_format":{"type":"json_schema","json_schema":{"name":"response",)"
            R"("schema":{"type":"object","properties":{"age":{"type":"integer"}},"required":["age"]}}}})");
  }
}

TEST_CASE("openai::chat_body maps think levels to reasoning_effort") {
  ChatRequest request = plain_request();
  struct Case {
    ochat::chat::Think think;
    const char* tail;
  };
  for (const auto& c : {Case{std::string("low"), R"(,"reasoning_effort":"low"})"},
                        Case{std::string("medium"), R"(,"reasoning_effort":"medium"})"},
                        Case{std::string("high"), R"(,"reasoning_effort":"high"})"},
                        Case{std::string("max"), R"(,"reasoning_effort":"high"})"},
                        Case{false, R"(,"reasoning_effort":"none"})"}, Case{true, "}"}}) {
    request.think = c.think;
    CHECK(chat_body(request).dump() == kPlainPrefix + c.tail);
  }
}

TEST_CASE("openai::chat_body sends neither keep_alive nor options it has no field for") {
  ChatRequest request = plain_request();
  request.keep_alive = "5m";
  CHECK(chat_body(request).dump() == kPlainPrefix + "}");
}

TEST_CASE("openai::chat_body sends the tools as they are, before stream") {
  ChatRequest request = plain_request();
  request.tools = Json::parse(
      R"([{"type":"function","function":{"name":"get_weather","description":"Weather","parameters":{"type":"object","properties":{"city":{"type":"string"}}}}}])");
  CHECK(
      chat_body(request).dump() ==
      R"({"model":"qwen3","messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"hi"}],)"
      R"("tools":[{"type":"function","function":{"name":"get_weather","description":"Weather","parameters":{"type":"object","properties":{"city":{"type":"string"}}}}}],)"
      R"("stream":true,"stream_options":{"include_usage":true}})");
}

TEST_CASE("openai::chat_body sends a tool round trip as the protocol wants it") {
  ChatRequest request;
  request.model = "qwen3";
  request.messages.push_back(Message::text("user", "weather?"));
  Message reply = Message::text("assistant", "Let me check.");
  reply.thinking = "The user wants the weather.";  // not sent back
  ochat::chat::ToolCall streamed;
  streamed.id = "call_a";
  streamed.name = "get_weather";
  streamed.arguments = Json{{"city", "S\xC3\xA3o Paulo"}};
  streamed.arguments_text = R"({"city": "S\u00e3o Paulo"})";  // kept as the server sent it
  ochat::chat::ToolCall built;
  built.id = "call_b";
  built.name = "now";
  built.arguments = Json::object();
  reply.tool_calls = {streamed, built};
  request.messages.push_back(reply);
  for (const char* id : {"call_a", "call_b"}) {
    Message result = Message::text("tool", std::string("result of ") + id);
    result.tool_name = id[5] == 'a' ? "get_weather" : "now";
    result.tool_call_id = id;
    request.messages.push_back(result);
  }
  CHECK(
      chat_body(request).dump() ==
      R"({"model":"qwen3","messages":[{"role":"user","content":"weather?"},)"
      R"({"role":"assistant","content":"Let me check.","tool_calls":[)"
      R"({"id":"call_a","type":"function","function":{"name":"get_weather","arguments":"{\"city\": \"S\\u00e3o Paulo\"}"}},)"
      R"({"id":"call_b","type":"function","function":{"name":"now","arguments":"{}"}}]},)"
      R"({"role":"tool","tool_call_id":"call_a","content":"result of call_a"},)"
      R"({"role":"tool","tool_call_id":"call_b","content":"result of call_b"}],)"
      R"("stream":true,"stream_options":{"include_usage":true}})");
}

TEST_CASE("openai::chat_body asks to continue the final assistant message of a continuation") {
  ChatRequest request = plain_request();
  request.messages.push_back(Message::text("assistant", "The quick "));
  request.continue_answer = true;
  CHECK(
      chat_body(request).dump() ==
      R"({"model":"qwen3","messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"hi"},)"
      R"({"role":"assistant","content":"The quick "}],"stream":true,"stream_options":{"include_usage":true},)"
      R"("continue_final_message":true,"add_generation_prompt":false})");
}
