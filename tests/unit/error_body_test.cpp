// http::server_message and friends: what a server said in an error reply, whatever its shape.
#include "core/http/error_body.hpp"

#include <catch2/catch.hpp>
#include <string>

#include "core/chat/message.hpp"
#include "core/ollama/ollama_backend.hpp"
#include "core/openai/openai_backend.hpp"

using ochat::http::clean_message;
using ochat::http::server_message;
using ochat::http::stream_error_text;
using Json = nlohmann::ordered_json;

namespace {

// nginx's default error page, with the CRLF line ends it sends.
constexpr const char* kNginx502 =
    "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
    "<center><h1>502 Bad "
    "Gateway</h1></center>\r\n<hr><center>nginx/1.24.0</center>\r\n</body>\r\n</html>\r\n";

}  // namespace

TEST_CASE("http::server_message reads Ollama's {\"error\": \"...\"}") {
  const auto m = server_message(R"({"error":"model 'llama9' not found"})");
  CHECK(m.text == "model 'llama9' not found");
  CHECK(m.from_json);
}

TEST_CASE("http::server_message reads the OpenAI protocol's {\"error\": {\"message\": ...}}") {
  const auto m = server_message(
      R"({"error":{"message":"Incorrect API key provided","type":"invalid_request_error","code":"invalid_api_key"}})");
  CHECK(m.text == "Incorrect API key provided");
  CHECK(m.from_json);
}

TEST_CASE("http::server_message reads vLLM's top-level message and FastAPI's detail") {
  CHECK(
      server_message(
          R"({"object":"error","message":"The model `x` does not exist.","type":"NotFoundError"})")
          .text == "The model `x` does not exist.");
  CHECK(server_message(R"({"detail":"Not Found"})").text == "Not Found");
  CHECK(server_message(R"({"detail":"Not Found"})").from_json);
}

TEST_CASE("http::server_message shows JSON of another shape as text") {
  const auto m = server_message(R"({"error":42})");
  CHECK(m.text == R"({"error":42})");
  CHECK_FALSE(m.from_json);
  CHECK_FALSE(server_message(R"({"error":""})").from_json);
  CHECK(server_message(R"({"error":{"message":7}})").text == R"({"error":{"message":7}})");
}

TEST_CASE("http::server_message takes the first non-blank line of plain text") {
  const auto m = server_message("\n  404 page not found\nsecond line\n");
  CHECK(m.text == "404 page not found");
  CHECK_FALSE(m.from_json);
  CHECK(server_message("busy\r\ntry later\r\n").text == "busy");
  CHECK(server_message("").text.empty());
  CHECK(server_message(" \r\n\t\n").text.empty());
}

TEST_CASE("http::server_message takes an HTML page's title, else its h1, else its first text") {
  CHECK(server_message(kNginx502).text == "502 Bad Gateway");
  CHECK(server_message(
            "<!DOCTYPE html>\n<html><body><h1>Service &amp; Co unavailable</h1></body></html>")
            .text == "Service & Co unavailable");
  CHECK(server_message(
            "<html><head><title> </title></head><body><h1 class=\"x\">Oops</h1></body></html>")
            .text == "Oops");
  CHECK(server_message(
            "<html><body>\r\n<p>Request <b>blocked</b></p>\r\n<p>by policy</p></body></html>")
            .text == "Request blocked");
  // <header> is not <h1>, nor <titles> a <title>.
  CHECK(server_message("<html><header>menu</header><h1>Real</h1></html>").text == "Real");
}

TEST_CASE("http::server_message replaces invalid UTF-8 and control characters") {
  CHECK(server_message("bad \xFF byte\x1b[31m red").text == "bad \xEF\xBF\xBD byte?[31m red");
  CHECK(server_message("{\"error\":\"two\\nlines\\r\\nand\\ttab\"}").text == "two lines and tab");
  CHECK(server_message("{\"error\":\"nul\\u0000byte\"}").text ==
        "nul\xEF\xBF\xBD"
        "byte");
}

TEST_CASE("http::server_message cuts a long message at the bound, at a character boundary") {
  const std::string body(1000, 'x');
  CHECK(server_message(body).text == std::string(ochat::http::kMaxServerMessage, 'x') + "...");
  CHECK(server_message(R"({"error":")" + body + R"("})").text ==
        std::string(ochat::http::kMaxServerMessage, 'x') + "...");
  CHECK(server_message("h\xC3\xA9llo", 2).text == "h...");
  CHECK(clean_message("  spaced  ", 100) == "spaced");
}

TEST_CASE("http::stream_error_text reads both shapes, else shows the value") {
  CHECK(stream_error_text(Json("CUDA error")) == "CUDA error");
  CHECK(stream_error_text(Json{{"message", "overloaded"}, {"type", "x"}}) == "overloaded");
  CHECK(stream_error_text(Json{{"code", 1}}) == R"({"code":1})");
  CHECK(stream_error_text(Json("")) == "unknown error");
  CHECK(stream_error_text(Json("line\nbreak")) == "line break");
}

TEST_CASE("http::refusal_message names the status and adds the server's words") {
  CHECK(ochat::http::refusal_message(404, "gone") ==
        "the server refused the request (HTTP 404 Not Found): gone");
  CHECK(ochat::http::refusal_message(599, "") == "the server refused the request (HTTP 599)");
}

TEST_CASE("http::server_message: an HTML page with CRLF reads the same from both backends") {
  ochat::chat::ChatRequest request;
  request.model = "m";
  const ochat::ollama::OllamaBackend ollama("http://127.0.0.1:11434");
  const ochat::openai::OpenAiBackend openai("http://127.0.0.1:11434/v1", "");
  const std::string expected =
      "the server refused the request (HTTP 502 Bad Gateway): 502 Bad Gateway";
  CHECK(std::string(ollama.http_error(502, kNginx502, request).what()) == expected);
  CHECK(std::string(openai.http_error(502, kNginx502, request).what()) == expected);
  const std::string text = "Bad gateway\r\nupstream down\r\n";
  CHECK(std::string(ollama.http_error(502, text, request).what()) ==
        std::string(openai.http_error(502, text, request).what()));
}
