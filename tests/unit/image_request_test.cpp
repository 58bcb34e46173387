// Images in requests: the base64 inserts of http::Request, chat::set_body, both request builders
// and the hint for a model that cannot read images.
#include <catch2/catch.hpp>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "core/chat/image_slots.hpp"
#include "core/chat/vision_hint.hpp"
#include "core/error.hpp"
#include "core/http/request_body.hpp"
#include "core/ollama/ollama_backend.hpp"
#include "core/ollama/request_builder.hpp"
#include "core/openai/openai_backend.hpp"
#include "core/openai/request_builder.hpp"
#include "core/text/base64.hpp"

using namespace ochat;
using Json = nlohmann::ordered_json;
using namespace std::string_literals;

namespace {

std::shared_ptr<const std::string> bytes_of(std::string s) {
  return std::make_shared<const std::string>(std::move(s));
}

std::string b64(const std::string& bytes) {
  std::string out;
  text::base64_append(bytes, out);
  return out;
}

const std::string kPng = "\x89PNG\r\n\x1a\n\0\0\0\rIHDR\xFF\xFE"s;
const std::string kGif = "GIF89a\x01\0\x01\0\x80\0\0"s;

chat::Attachment image(std::string name, std::string type, const std::string& bytes) {
  return {std::move(name), std::move(type), bytes.size(), bytes_of(bytes)};
}

// A request whose user message has a text file and two images.
chat::ChatRequest request_with_images() {
  chat::ChatRequest request;
  request.model = "gemma3";
  request.messages.push_back(chat::Message::text("system", "Be brief."));
  chat::Message user =
      chat::Message::text("user", "<file name=\"n.txt\">\nnote\n</file>\n\nwhat differs?");
  user.attachments.push_back(image("a.png", "image/png", kPng));
  user.attachments.push_back({"n.txt", "text/plain", 5, nullptr});
  user.attachments.push_back(image("-", "image/gif", kGif));
  request.messages.push_back(std::move(user));
  return request;
}

}  // namespace

TEST_CASE(
    "http::read_body gives the text with each insert's base64 at its offset, read in any pieces") {
  http::Request r;
  r.body = R"({"a":"","b":["",""]})";
  r.inserts = {{6, bytes_of("foobar")}, {14, bytes_of("f")}, {17, bytes_of("")}};
  const std::string expected = R"({"a":"Zm9vYmFy","b":["Zg==",""]})";
  CHECK(http::body_size(r) == expected.size());
  CHECK(http::whole_body(r) == expected);
  for (std::size_t piece = 1; piece <= expected.size(); ++piece) {
    std::string read;
    std::string buffer(piece, '?');
    for (std::size_t pos = 0;;) {
      const std::size_t n = http::read_body(r, pos, buffer.data(), piece);
      if (n == 0) break;
      read.append(buffer, 0, n);
      pos += n;
    }
    INFO("pieces of " << piece);
    CHECK(read == expected);
  }
  http::Request plain;
  plain.body = "plain";
  CHECK(http::whole_body(plain) == "plain");
  CHECK(http::body_size(plain) == 5);
}

TEST_CASE("chat::set_body replaces each image slot by an insert of that image's bytes") {
  const auto request = request_with_images();
  http::Request r;
  chat::set_body(r, "[\"" + chat::image_slot(0) + "\",\"x" + chat::image_slot(1) + "\"]", request);
  CHECK(r.body == R"(["","x"])");
  REQUIRE(r.inserts.size() == 2);
  CHECK(r.inserts[0].offset == 2);
  CHECK(r.inserts[0].bytes.get() ==
        request.messages[1].attachments[0].bytes.get());  // shared, not copied
  CHECK(r.inserts[1].offset == 6);
  CHECK(http::whole_body(r) == "[\"" + b64(kPng) + "\",\"x" + b64(kGif) + "\"]");
}

TEST_CASE("chat::set_body refuses a body where a slot is missing or twice") {
  const auto request = request_with_images();
  http::Request r;
  CHECK_THROWS_AS(chat::set_body(r, "[\"" + chat::image_slot(0) + "\"]", request), Error);
  const std::string twice = chat::image_slot(0) + chat::image_slot(0) + chat::image_slot(1);
  CHECK_THROWS_AS(chat::set_body(r, twice, request), Error);
  chat::ChatRequest plain;
  plain.messages.push_back(
      chat::Message::text("user", chat::image_slot(0)));  // no image: left as it is
  chat::set_body(r, "text " + chat::image_slot(0), plain);
  CHECK(r.body == "text " + chat::image_slot(0));
  CHECK(r.inserts.empty());
}

TEST_CASE("chat::image_slot is only letters, digits and dashes, different for each index") {
  const std::string slot = chat::image_slot(12);
  CHECK(slot.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789-") == std::string::npos);
  CHECK(slot != chat::image_slot(1));
  CHECK(chat::image_slot(1).find(chat::image_slot(12)) == std::string::npos);
}

TEST_CASE(
    "ollama::OllamaBackend chat_request sends a message's images base64 in images, after content") {
  const ollama::OllamaBackend backend("http://127.0.0.1:11434");
  const auto request = request_with_images();
  const http::Request r = backend.chat_request(request);
  CHECK(r.body.size() < 300);  // the images are not in the text
  const Json body = Json::parse(http::whole_body(r));
  const Json& user = body["messages"][1];
  CHECK(user.dump() == Json({{"role", "user"},
                             {"content", request.messages[1].content},
                             {"images", {b64(kPng), b64(kGif)}}})
                           .dump());
  CHECK_FALSE(body["messages"][0].contains("images"));
  CHECK(text::base64_decode(user["images"][0].get<std::string>()) == kPng);
}

TEST_CASE(
    "openai::OpenAiBackend chat_request sends content parts: the images in order, then the text") {
  const openai::OpenAiBackend backend("http://127.0.0.1:8080/v1", "");
  const auto request = request_with_images();
  const Json body = Json::parse(http::whole_body(backend.chat_request(request)));
  const Json expected_parts = Json::array({
      {{"type", "image_url"}, {"image_url", {{"url", "data:image/png;base64," + b64(kPng)}}}},
      {{"type", "image_url"}, {"image_url", {{"url", "data:image/gif;base64," + b64(kGif)}}}},
      {{"type", "text"}, {"text", request.messages[1].content}},
  });
  CHECK(body["messages"][1]["content"].dump() == expected_parts.dump());
  CHECK(body["messages"][0]["content"] == "Be brief.");  // no images: a plain string
}

TEST_CASE("openai::chat_body sends an image without text as an image part only") {
  chat::ChatRequest request;
  request.model = "m";
  chat::Message user = chat::Message::text("user", "");
  user.attachments.push_back(image("a.png", "image/png", kPng));
  request.messages.push_back(user);
  http::Request r;
  chat::set_body(r, openai::chat_body(request).dump(), request);
  const Json content = Json::parse(http::whole_body(r))["messages"][0]["content"];
  REQUIRE(content.size() == 1);
  CHECK(content[0]["type"] == "image_url");
}

TEST_CASE("chat::vision_hint speaks only of images the request sent and the server mentioned") {
  const auto with_images = request_with_images();
  CHECK_THAT(chat::vision_hint(with_images, "this model is missing data required for image input"),
             Catch::StartsWith("gemma3 may not be able to read images: use a vision model"));
  CHECK_FALSE(
      chat::vision_hint(with_images,
                        "image input is not supported - hint: you may need to provide the mmproj")
          .empty());
  CHECK_FALSE(chat::vision_hint(with_images, "Model is not a Multimodal model").empty());
  CHECK(chat::vision_hint(with_images, "model runner has unexpectedly stopped").empty());
  chat::ChatRequest text_only;
  text_only.messages.push_back(chat::Message::text("user", "describe the image"));
  CHECK(chat::vision_hint(text_only, "image input is not supported").empty());
}

TEST_CASE(
    "ollama::OllamaBackend and openai::OpenAiBackend http_error hint that a model cannot read "
    "images") {
  const auto request = request_with_images();
  const ollama::OllamaBackend ollama_backend("http://127.0.0.1:11434");
  const Error e = ollama_backend.http_error(
      500, R"({"error":"this model is missing data required for image input"})", request);
  CHECK(e.kind() == ErrorKind::http);
  CHECK_THAT(e.what(), Catch::Contains("missing data required for image input"));
  CHECK_THAT(e.hint(), Catch::Contains("vision model"));
  const openai::OpenAiBackend openai_backend("http://127.0.0.1:8080/v1", "");
  const Error o = openai_backend.http_error(
      500,
      R"({"error":{"code":500,"message":"image input is not supported - hint: if this is unexpected, you may need to provide the mmproj","type":"server_error"}})",
      request);
  CHECK_THAT(o.hint(), Catch::Contains("vision model"));
}
