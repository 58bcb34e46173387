#include <catch2/catch.hpp>
#include <string>

#include "core/ollama/request_builder.hpp"
#include "core/openai/request_builder.hpp"

using ochat::chat::ChatRequest;
using ochat::chat::Message;
using ochat::chat::ToolCall;
using Json = nlohmann::ordered_json;

namespace {

std::string dumped(const Json& j) { return j.dump(-1, ' ', false, Json::error_handler_t::replace); }

Message tool_result(const std::string& content, const std::string& name, const std::string& id) {
  Message m = Message::text("tool", content);
  m.tool_name = name;
  m.tool_call_id = id;
  return m;
}

// Requests that exercise every member and the escaping: control characters, quotes, invalid
// UTF-8, calls with and without ids, results that name their call by id only or by nothing.
std::vector<ChatRequest> requests() {
  ChatRequest plain;
  plain.model = "llama3.2";
  plain.messages = {Message::text("system", "be \"brief\"\n\ttabs\x01\x7f"),
                    Message::text("user", "hi \xFF\xC3 caf\xC3\xA9"),
                    Message::text("assistant", "yo")};
  plain.messages[2].thinking = "hmm \xE2\x80\xA8";

  ChatRequest tools = plain;
  tools.tools = Json::parse(R"([{"type":"function","function":{"name":"get_weather"}}])");
  Message calls = Message::text("assistant", "");
  ToolCall a;
  a.name = "a";
  ToolCall b;
  b.id = "given";
  b.name = "b";
  b.arguments = {{"x", 1}};
  b.arguments_text = R"({"x": 1})";
  calls.tool_calls = {a, b};
  tools.messages.push_back(calls);
  tools.messages.push_back(tool_result("A", "", ""));
  tools.messages.push_back(tool_result("B", "", "given"));
  tools.messages.push_back(Message::text("user", "next"));
  tools.options = {{"temperature", 0.2}, {"stop", Json::array({"\n"})}};
  tools.format = "json";
  tools.think = std::string("high");
  return {plain, tools, ChatRequest{}};
}

}  // namespace

TEST_CASE("ollama::chat_body_text writes what chat_body dumps, byte for byte") {
  for (auto request : requests()) {
    CHECK(ochat::ollama::chat_body_text(request) == dumped(ochat::ollama::chat_body(request)));
    request.keep_alive = "5m";
    CHECK(ochat::ollama::chat_body_text(request) == dumped(ochat::ollama::chat_body(request)));
  }
}

TEST_CASE("openai::chat_body_text writes what chat_body dumps, byte for byte") {
  for (const auto& request : requests()) {
    CHECK(ochat::openai::chat_body_text(request) == dumped(ochat::openai::chat_body(request)));
  }
}

TEST_CASE(
    "openai::chat_body gives calls without an id one, and pairs results with calls in order") {
  const ChatRequest request = requests()[1];
  const Json body = ochat::openai::chat_body(request);
  const Json& m = body["messages"];
  REQUIRE(m.size() == 7);
  CHECK(m[3]["tool_calls"][0]["id"] == "ochat_call_1");
  CHECK(m[3]["tool_calls"][1]["id"] == "given");
  CHECK(m[3]["tool_calls"][1]["function"]["arguments"] == R"({"x": 1})");
  CHECK(m[4]["tool_call_id"] == "ochat_call_1");  // the oldest call not answered
  CHECK(m[5]["tool_call_id"] == "given");
}

TEST_CASE(
    "ollama::chat_body names the tool of a result that gives only its call's id, or nothing") {
  const ChatRequest request = requests()[1];
  const Json body = ochat::ollama::chat_body(request);
  const Json& m = body["messages"];
  CHECK(m[4]["tool_name"] == "a");
  CHECK(m[5]["tool_name"] == "b");
  CHECK(m[5]["tool_call_id"] == "given");
}
