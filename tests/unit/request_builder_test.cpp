#include "core/ollama/request_builder.hpp"

#include <catch2/catch.hpp>
#include <string>

using ochat::chat::ChatRequest;
using ochat::chat::Message;
using ochat::ollama::chat_body;
using Json = nlohmann::ordered_json;

namespace {

ChatRequest plain_request() {
  ChatRequest request;
  request.model = "llama3.2";
  request.messages.push_back(Message::text("system", "Be brief."));
  request.messages.push_back(Message::text("user", "hi"));
  return request;
}

const std::string kPlainPrefix =
    R"({"model":"llama3.2","messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"hi"}],"stream":true)";

}  // namespace

TEST_CASE("ollama::chat_body of a plain request has model, messages and stream in that order") {
  CHECK(chat_body(plain_request()).dump() == kPlainPrefix + "}");
}

TEST_CASE("ollama::chat_body sends each optional field only when it is set") {
  ChatRequest request = plain_request();
  SECTION("options") {
    request.options = Json::parse(R"({"temperature":0.2,"num_ctx":8192,"stop":["\n\n"]})");
    CHECK(chat_body(request).dump() ==
          kPlainPrefix + R"(,"options":{"temperature":0.2,"num_ctx":8192,"stop":["\n\n"]}})");
  }
  SECTION("format json") {
    request.format = "json";
    CHECK(chat_body(request).dump() == kPlainPrefix + R"(,"format":"json"})");
  }
  SECTION("format schema") {
    request.format = Json::parse(R"({"type":"object","required":["age"]})");
    CHECK(chat_body(request).dump() ==
          kPlainPrefix + R"(,"format":{"type":"object","required":["age"]}})");
  }
  SECTION("think true") {
    request.think = true;
    CHECK(chat_body(request).dump() == kPlainPrefix + R"(,"think":true})");
  }
  SECTION("think false") {
    request.think = false;
    CHECK(chat_body(request).dump() == kPlainPrefix + R"(,"think":false})");
  }
  SECTION("think level") {
    request.think = std::string("high");
    CHECK(chat_body(request).dump() == kPlainPrefix + R"(,"think":"high"})");
  }
  SECTION("keep_alive duration") {
    request.keep_alive = "5m";
    CHECK(chat_body(request).dump() == kPlainPrefix + R"(,"keep_alive":"5m"})");
  }
  SECTION("keep_alive seconds") {
    request.keep_alive = -1;
    CHECK(chat_body(request).dump() == kPlainPrefix + R"(,"keep_alive":-1})");
  }
  SECTION("everything") {
    request.options = Json::parse(R"({"seed":42})");
    request.format = "json";
    request.think = std::string("low");
    request.keep_alive = 300;
    CHECK(chat_body(request).dump() ==
          kPlainPrefix +
              R"(,"format":"json","think":"low","options":{"seed":42},"keep_alive":300})");
  }
}

TEST_CASE("ollama::chat_body sends tools before stream") {
  ChatRequest request = plain_request();
  request.tools = Json::parse(
      R"([{"type":"function","function":{"name":"get_weather","parameters":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}}}])");
  CHECK(
      chat_body(request).dump() ==
      R"({"model":"llama3.2","messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"hi"}],)"
      R"("tools":[{"type":"function","function":{"name":"get_weather","parameters":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}}}],)"
      R"("stream":true})");
}

TEST_CASE("ollama::chat_body replays tool calls and tool results") {
  ChatRequest request;
  request.model = "llama3.2";
  request.messages.push_back(Message::text("user", "What is the weather in Paris?"));

  Message assistant = Message::text("assistant", "");
  assistant.thinking = "I should call a tool.";
  ochat::chat::ToolCall weather;
  weather.id = "call_k3j9x0qa";
  weather.name = "get_weather";
  weather.arguments = Json::parse(R"({"zone":"CET","city":"Paris"})");
  ochat::chat::ToolCall time;  // no id (older server), no arguments
  time.name = "get_time";
  assistant.tool_calls = {weather, time};
  request.messages.push_back(assistant);

  Message result = Message::text("tool", "22 degrees and sunny");
  result.tool_name = "get_weather";
  result.tool_call_id = "call_k3j9x0qa";
  request.messages.push_back(result);
  Message result2 = Message::text("tool", "10:15");
  result2.tool_name = "get_time";
  request.messages.push_back(result2);

  CHECK(
      chat_body(request).dump() ==
      R"({"model":"llama3.2","messages":[)"
      R"({"role":"user","content":"What is the weather in Paris?"},)"
      R"({"role":"assistant","content":"","thinking":"I should call a tool.","tool_calls":[)"
      R"({"id":"call_k3j9x0qa","function":{"index":0,"name":"get_weather","arguments":{"zone":"CET","city":"Paris"}}},)"
      R"({"function":{"index":1,"name":"get_time","arguments":{}}}]},)"
      R"({"role":"tool","content":"22 degrees and sunny","tool_name":"get_weather","tool_call_id":"call_k3j9x0qa"},)"
      R"({"role":"tool","content":"10:15","tool_name":"get_time"}],)"
      R"("stream":true})");
}

TEST_CASE("ollama::chat_body always sends content, even when empty") {
  ChatRequest request;
  request.model = "m";
  request.messages.push_back(Message::text("user", ""));
  CHECK(chat_body(request).dump() ==
        R"({"model":"m","messages":[{"role":"user","content":""}],"stream":true})");
}
