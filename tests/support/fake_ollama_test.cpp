// Self-test of the fake Ollama server, through a minimal raw-socket HTTP client so that the exact
// bytes (framing, headers, JSON shapes) are checked.
#include "fake_ollama.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "fake_openai.hpp"

using ochat::test::FakeOllama;
using json = nlohmann::json;
using namespace std::chrono_literals;

namespace {

class Client {
 public:
  explicit Client(std::uint16_t port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    REQUIRE(fd_ >= 0);
    timeval tv{10, 0};  // only catches hangs
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
  }
  ~Client() { close(); }
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  void close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }
  void send(std::string_view s) {
    while (!s.empty()) {
      auto n = ::send(fd_, s.data(), s.size(), MSG_NOSIGNAL);
      REQUIRE(n > 0);
      s.remove_prefix(static_cast<std::size_t>(n));
    }
  }
  // Reads at least one more byte into buf_; false on EOF/error.
  bool fill() {
    char b[65536];
    auto n = ::recv(fd_, b, sizeof b, 0);
    if (n <= 0) return false;
    buf_.append(b, static_cast<std::size_t>(n));
    return true;
  }
  std::optional<std::string> line() {
    for (;;) {
      auto p = buf_.find("\r\n");
      if (p != std::string::npos) {
        std::string l = buf_.substr(0, p);
        buf_.erase(0, p + 2);
        return l;
      }
      if (!fill()) return std::nullopt;
    }
  }
  std::optional<std::string> exact(std::size_t n) {
    while (buf_.size() < n)
      if (!fill()) return std::nullopt;
    std::string s = buf_.substr(0, n);
    buf_.erase(0, n);
    return s;
  }
  std::string rest() {
    while (fill()) {
    }
    return std::exchange(buf_, {});
  }

 private:
  int fd_ = -1;
  std::string buf_;
};

struct Response {
  int status = 0;
  std::string status_line;
  std::vector<std::pair<std::string, std::string>> headers;
  std::vector<std::string> chunks;  // chunked: each HTTP chunk
  std::string body;
  bool complete = false;  // chunked body ended with the 0-size chunk

  std::optional<std::string> header(std::string_view name) const {
    for (const auto& [k, v] : headers)
      if (k == name) return v;
    return std::nullopt;
  }
  std::vector<json> lines() const {
    std::vector<json> out;
    std::size_t start = 0;
    while (start < body.size()) {
      auto nl = body.find('\n', start);
      auto end = nl == std::string::npos ? body.size() : nl;
      out.push_back(json::parse(body.substr(start, end - start)));
      start = end + 1;
    }
    return out;
  }
  std::string content() const {
    std::string s;
    for (const auto& l : lines())
      if (l.contains("message")) s += l["message"]["content"].get<std::string>();
    return s;
  }
};

Response read_response(Client& c, bool head = false) {
  Response r;
  auto sl = c.line();
  REQUIRE(sl);
  r.status_line = *sl;
  r.status = std::stoi(sl->substr(9, 3));
  for (;;) {
    auto l = c.line();
    REQUIRE(l);
    if (l->empty()) break;
    auto colon = l->find(':');
    r.headers.emplace_back(l->substr(0, colon), l->substr(colon + 2));
  }
  if (r.status == 100) return r;
  if (r.header("Transfer-Encoding") == "chunked") {
    for (;;) {
      auto sz = c.line();
      if (!sz) return r;
      auto n = std::stoul(*sz, nullptr, 16);
      if (n == 0) {
        REQUIRE(c.line() == std::string());
        r.complete = true;
        return r;
      }
      auto data = c.exact(n);
      if (!data) return r;
      r.chunks.push_back(*data);
      r.body += *data;
      REQUIRE(c.line() == std::string());
    }
  }
  if (auto cl = r.header("Content-Length"); cl && !head) {
    auto b = c.exact(std::stoul(*cl));
    REQUIRE(b);
    r.body = *b;
  }
  r.complete = true;
  return r;
}

std::string request(std::string_view method, std::string_view path, std::string_view body = {},
                    std::string_view extra = {}) {
  std::string r =
      std::string(method) + " " + std::string(path) + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
  r += extra;
  if (!body.empty() || method == "POST")
    r += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  r += "\r\n";
  r += body;
  return r;
}

std::string fmt_hex(std::size_t n) {
  char b[32];
  std::snprintf(b, sizeof b, "%zx", n);
  return b;
}

std::string chat_body(std::string_view model, std::string_view content = "hi") {
  json j = {{"model", model}, {"messages", {{{"role", "user"}, {"content", content}}}}};
  return j.dump();
}

// One request on a fresh connection.
Response roundtrip(const FakeOllama& srv, const std::string& raw, bool head = false) {
  Client c(srv.port());
  c.send(raw);
  return read_response(c, head);
}

Response chat(const FakeOllama& srv, std::string_view model, std::string_view content = "hi") {
  return roundtrip(srv, request("POST", "/api/chat", chat_body(model, content)));
}

void check_done_line(const json& d, std::string_view model, std::string_view reason,
                     std::int64_t eval_count) {
  CHECK(d["model"] == model);
  CHECK(d["done"] == true);
  CHECK(d["done_reason"] == reason);
  CHECK(d["total_duration"] == ochat::test::kTotalDuration);
  CHECK(d["eval_count"] == eval_count);
}

}  // namespace

TEST_CASE("FakeOllama text streams one NDJSON line per HTTP chunk with Go byte shapes") {
  FakeOllama srv;
  auto r = chat(srv, "text");
  CHECK(r.status_line == "HTTP/1.1 200 OK");
  CHECK(r.header("Content-Type") == "application/x-ndjson");
  CHECK(r.header("Transfer-Encoding") == "chunked");
  CHECK(r.header("Date"));
  CHECK_FALSE(r.header("Server"));
  CHECK_FALSE(r.header("Content-Length"));
  REQUIRE(r.complete);
  REQUIRE(r.chunks.size() == 5);
  for (const auto& ch : r.chunks) {
    CHECK(ch.back() == '\n');
    CHECK(ch.find('\n') == ch.size() - 1);
  }
  CHECK(r.content() == ochat::test::kTextText);
  auto first = r.chunks[0];
  // Struct field order, compact, created_at RFC3339Nano UTC.
  CHECK(first.rfind("{\"model\":\"text\",\"created_at\":\"", 0) == 0);
  CHECK(first.find(
            "\",\"message\":{\"role\":\"assistant\",\"content\":\"Hello\"},\"done\":false}\n") !=
        std::string::npos);
  auto ts = r.lines()[0]["created_at"].get<std::string>();
  CHECK(ts.back() == 'Z');
  CHECK(ts.find('T') == 10);
  CHECK(r.chunks[4].find("\"done\":true,\"done_reason\":\"stop\",\"total_duration\":") !=
        std::string::npos);
  check_done_line(r.lines().back(), "text", "stop", 4);
  REQUIRE(srv.wait_finished(1, 5s));
  auto reqs = srv.requests();
  CHECK(reqs[0].method == "POST");
  CHECK(reqs[0].path == "/api/chat");
  CHECK(reqs[0].body == chat_body("text"));
  CHECK(reqs[0].status == 200);
  CHECK_FALSE(reqs[0].disconnected_early);
  CHECK(reqs[0].header("host") == "127.0.0.1");
}

TEST_CASE("FakeOllama escapes uses Go encoding/json escaping") {
  FakeOllama srv;
  auto r = chat(srv, "escapes");
  REQUIRE(r.complete);
  CHECK(r.content() == ochat::test::kEscapesText);
  for (const char* needle :
       {"a \\u003c b \\u0026\\u0026 c \\u003e d", "\\n\\tline two", " caf\xC3\xA9",
        "\\ud83d\\ude00", "\\u2028", "\\\"quoted\\\" back\\\\slash"})
    CHECK(r.body.find(needle) != std::string::npos);
  check_done_line(r.lines().back(), "escapes", "stop", 7);
}

TEST_CASE("FakeOllama split cuts lines, UTF-8 sequences and escapes across HTTP chunks") {
  FakeOllama srv;
  auto r = chat(srv, "split");
  REQUIRE(r.complete);
  CHECK(r.content() == ochat::test::kSplitText);
  bool mid_line = false, mid_utf8 = false, mid_escape = false, several_lines = false;
  for (std::size_t i = 0; i < r.chunks.size(); ++i) {
    const auto& ch = r.chunks[i];
    REQUIRE_FALSE(ch.empty());
    if (ch.back() != '\n') mid_line = true;
    // The next chunk starts with a UTF-8 continuation byte.
    if (i + 1 < r.chunks.size() && (static_cast<unsigned char>(r.chunks[i + 1][0]) & 0xC0) == 0x80)
      mid_utf8 = true;
    auto u = ch.rfind("\\u");
    if (u != std::string::npos && ch.size() - u < 6) mid_escape = true;
    if (std::count(ch.begin(), ch.end(), '\n') >= 3) several_lines = true;
  }
  CHECK(r.chunks.size() > 20);
  CHECK(mid_line);
  CHECK(mid_utf8);
  CHECK(mid_escape);
  CHECK(several_lines);
}

TEST_CASE("FakeOllama many:N streams N tokens") {
  FakeOllama srv;
  auto r = chat(srv, "many:5000");
  REQUIRE(r.complete);
  CHECK(r.chunks.size() == 5001);
  CHECK(r.content() == ochat::test::many_text(5000));
  check_done_line(r.lines().back(), "many:5000", "stop", 5000);
  CHECK(ochat::test::many_text(3) == "w0 w1 w2 ");
}

TEST_CASE("FakeOllama think, done-content, length, garbage, no-newline, echo") {
  FakeOllama srv;
  auto think = chat(srv, "think");
  std::string thinking;
  for (const auto& l : think.lines())
    if (l["message"].contains("thinking")) thinking += l["message"]["thinking"].get<std::string>();
  CHECK(thinking == ochat::test::kThinkThinking);
  CHECK(think.content() == ochat::test::kThinkContent);
  CHECK(think.lines()[3]["message"]["content"] == "Answer");
  CHECK(think.lines()[3]["message"]["thinking"] == "!");
  CHECK(think.chunks[0].find("\"content\":\"\",\"thinking\":\"Let me\"") != std::string::npos);

  auto dc = chat(srv, "done-content");
  CHECK(dc.content() == ochat::test::kDoneContentText);
  CHECK(dc.lines().back()["message"]["content"] == " there");
  check_done_line(dc.lines().back(), "done-content", "stop", 2);

  auto len = chat(srv, "length");
  CHECK(len.content() == "ab");
  check_done_line(len.lines().back(), "length", "length", 2);

  auto garbage = chat(srv, "garbage");
  REQUIRE(garbage.chunks.size() == 3);
  CHECK(garbage.chunks[1] == "<html>proxy error</html>\n");

  auto nn = chat(srv, "no-newline");
  REQUIRE(nn.complete);
  REQUIRE(nn.chunks.size() == 1);
  CHECK(nn.body.back() == '}');
  CHECK(nn.content() == ochat::test::kNoNewlineText);
  CHECK(nn.lines()[0]["done"] == true);

  auto echo = chat(srv, "echo", "a < b \xC3\xA9\n");
  CHECK(echo.content() == "a < b \xC3\xA9\n");
}

TEST_CASE("FakeOllama mid-stream error, missing done, and a dropped connection") {
  FakeOllama srv;
  auto me = chat(srv, "midstream-error");
  REQUIRE(me.complete);
  CHECK(me.status == 200);
  REQUIRE(me.chunks.size() == 3);
  CHECK(me.chunks[2] == "{\"error\":\"an error was encountered while running the model: boom\"}\n");
  CHECK(me.content() == ochat::test::kMidstreamErrorText);

  auto nd = chat(srv, "no-done");
  REQUIRE(nd.complete);
  CHECK(nd.content() == "xy");
  for (const auto& l : nd.lines()) CHECK(l["done"] == false);

  for (const char* model : {"drop", "drop:rst"}) {
    auto dr = chat(srv, model);
    CHECK_FALSE(dr.complete);
    CHECK(dr.content() == "partial");
  }
}

TEST_CASE("FakeOllama error replies are single JSON objects without a trailing newline") {
  FakeOllama srv;
  struct Case {
    std::string body;
    int status;
    std::string reply;
  };
  std::vector<Case> cases = {
      {chat_body("status:400"), 400,
       R"({"error":"registry.ollama.ai/library/nope:latest does not support tools"})"},
      {chat_body("status:401"), 401, R"({"error":"unauthorized"})"},
      {chat_body("status:429"), 429, R"({"error":"rate limit exceeded"})"},
      {chat_body("status:500"), 500,
       R"({"error":"model runner has unexpectedly stopped, this may be due to resource limitations or an internal error, check ollama server logs for details"})"},
      {chat_body("status:503"), 503,
       R"({"error":"server busy, please try again.  maximum pending requests exceeded"})"},
      {chat_body("llama9"), 404, R"({"error":"model 'llama9' not found"})"},
      {chat_body("nope:1b"), 404, R"({"error":"model 'nope:1b' not found"})"},
      {"", 400, R"({"error":"missing request body"})"},
      {R"({"messages":[]})", 400, R"({"error":"model is required"})"},
      {R"({"model":""})", 400, R"({"error":"model is required"})"},
      {"hello", 400, R"({"error":"invalid character 'h' looking for beginning of value"})"},
      {R"({"model":"text",)", 400, R"({"error":"unexpected EOF"})"},
      {R"({"model":"text" "x"})", 400,
       R"({"error":"invalid character '\"' after object key:value pair"})"},
  };
  for (const auto& c : cases) {
    INFO(c.body);
    auto r = roundtrip(srv, request("POST", "/api/chat", c.body));
    CHECK(r.status == c.status);
    CHECK(r.header("Content-Type") == "application/json; charset=utf-8");
    CHECK(r.header("Content-Length") == std::to_string(c.reply.size()));
    CHECK(r.body == c.reply);
  }
  auto forbidden = chat(srv, "status:403");
  CHECK(forbidden.status == 403);
  CHECK(forbidden.body.empty());
  CHECK(forbidden.header("Content-Length") == "0");
}

TEST_CASE("FakeOllama other endpoints, 404, 405, HEAD and the Host check") {
  FakeOllama srv;
  auto root = roundtrip(srv, request("GET", "/"));
  CHECK(root.status == 200);
  CHECK(root.body == "Ollama is running");
  CHECK(root.header("Content-Type") == "text/plain; charset=utf-8");
  auto head = roundtrip(srv, request("HEAD", "/"), true);
  CHECK(head.status == 200);
  CHECK(head.header("Content-Length") == "17");
  CHECK(head.body.empty());

  auto version = roundtrip(srv, request("GET", "/api/version"));
  CHECK(version.body == R"({"version":"0.33.0"})");
  auto tags = roundtrip(srv, request("GET", "/api/tags"));
  auto models = json::parse(tags.body)["models"];
  REQUIRE(models.size() == 2);
  CHECK(models[1]["name"] == "llama3.2:latest");
  CHECK(models[0]["name"] == "qwen3:8b");
  CHECK(models[0]["details"]["family"] == "qwen3");

  auto nf = roundtrip(srv, request("GET", "/api/nope"));
  CHECK(nf.status == 404);
  CHECK(nf.body == "404 page not found");
  CHECK(nf.header("Content-Type") == "text/plain");
  auto na = roundtrip(srv, request("GET", "/api/chat"));
  CHECK(na.status == 405);
  CHECK(na.body == "405 method not allowed");

  Client c(srv.port());
  c.send("GET /api/version HTTP/1.1\r\nHost: evil.example.com\r\n\r\n");
  auto evil = read_response(c);
  CHECK(evil.status == 403);
  c.send("GET /api/version HTTP/1.1\r\nHost: localhost:11434\r\n\r\n");
  CHECK(read_response(c).status == 200);
}

TEST_CASE("FakeOllama keep-alive, Expect: 100-continue and chunked request bodies") {
  FakeOllama srv;
  Client c(srv.port());
  std::string body = chat_body("echo", "first");
  c.send(request("POST", "/api/chat", body, "Expect: 100-continue\r\n"));
  auto cont = read_response(c);
  CHECK(cont.status_line == "HTTP/1.1 100 Continue");
  auto r1 = read_response(c);
  CHECK(r1.content() == "first");

  std::string body2 = chat_body("echo", "second");
  std::string raw =
      "POST /api/chat HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n";
  raw += "5\r\n" + body2.substr(0, 5) + "\r\n";
  raw += fmt_hex(body2.size() - 5) + ";ext=1\r\n" + body2.substr(5) + "\r\n0\r\n\r\n";
  c.send(raw);
  auto r2 = read_response(c);
  CHECK(r2.content() == "second");

  REQUIRE(srv.wait_finished(2, 5s));
  auto reqs = srv.requests();
  REQUIRE(reqs.size() == 2);
  CHECK(reqs[1].body == body2);
  CHECK(reqs[0].connection == reqs[1].connection);
  CHECK(srv.connections_accepted() == 1);
}

TEST_CASE("FakeOllama stream:false aggregates, and no messages gets the load reply") {
  FakeOllama srv;
  auto r = roundtrip(
      srv,
      request("POST", "/api/chat",
              R"({"model":"think","stream":false,"messages":[{"role":"user","content":"q"}]})"));
  CHECK(r.header("Content-Type") == "application/json; charset=utf-8");
  CHECK(r.body.back() == '}');
  auto j = json::parse(r.body);
  CHECK(j["message"]["content"] == ochat::test::kThinkContent);
  CHECK(j["message"]["thinking"] == ochat::test::kThinkThinking);
  CHECK(j["done"] == true);

  auto load = roundtrip(srv, request("POST", "/api/chat", R"({"model":"text","messages":[]})"));
  auto l = json::parse(load.body);
  CHECK(l["done_reason"] == "load");
  CHECK_FALSE(l.contains("total_duration"));
  CHECK(load.body.find(
            R"("message":{"role":"assistant","content":""},"done":true,"done_reason":"load"})") !=
        std::string::npos);
}

TEST_CASE("FakeOllama tool scenario emits calls, then answers the tool result") {
  FakeOllama srv;
  auto r1 = chat(srv, "tool");
  auto lines = r1.lines();
  REQUIRE(lines.size() == 3);
  CHECK(
      r1.chunks[1].find(
          R"("tool_calls":[{"id":"call_k3j9x0q0","function":{"index":0,"name":"get_weather","arguments":{"city":"Paris"}}}])") !=
      std::string::npos);
  json req2 = {{"model", "tool"},
               {"messages",
                {{{"role", "user"}, {"content", "w?"}},
                 {{"role", "tool"}, {"content", "22 C"}, {"tool_name", "get_weather"}}}}};
  auto r2 = roundtrip(srv, request("POST", "/api/chat", req2.dump()));
  CHECK(r2.content() == "Tool said: 22 C");

  auto done = chat(srv, "tool-done");
  REQUIRE(done.lines().size() == 1);
  CHECK(done.lines()[0]["done"] == true);
  CHECK(done.lines()[0]["message"]["tool_calls"][0]["id"].get<std::string>().size() == 32);
}

TEST_CASE("FakeOllama slow, stall and stall-headers notice when the client leaves") {
  FakeOllama srv;
  {
    Client c(srv.port());
    c.send(request("POST", "/api/chat", chat_body("slow:20")));
    auto sl = c.line();
    REQUIRE(sl);
    CHECK(*sl == "HTTP/1.1 200 OK");
    c.close();
  }
  for (const char* model : {"stall", "stall-headers"}) {
    Client c(srv.port());
    c.send(request("POST", "/api/chat", chat_body(model)));
    std::this_thread::sleep_for(50ms);
    c.close();
  }
  REQUIRE(srv.wait_finished(3, 10s));
  for (const auto& r : srv.requests()) {
    INFO(r.body);
    CHECK(r.finished);
    CHECK(r.disconnected_early);
  }
}

TEST_CASE("FakeOllama destructor returns promptly while replies are stalling") {
  auto start = std::chrono::steady_clock::now();
  std::mutex mu;
  std::vector<ochat::test::RecordedRequest> seen;
  auto srv = std::make_optional<FakeOllama>();
  srv->set_on_finished([&](const ochat::test::RecordedRequest& r) {
    std::lock_guard lk(mu);
    seen.push_back(r);
  });
  Client a(srv->port()), b(srv->port()), c(srv->port());
  a.send(request("POST", "/api/chat", chat_body("stall")));
  b.send(request("POST", "/api/chat", chat_body("stall-headers")));
  c.send(request("POST", "/api/chat", chat_body("slow:1000")));
  std::this_thread::sleep_for(100ms);
  srv.reset();                                           // the clients are still connected
  CHECK(std::chrono::steady_clock::now() - start < 3s);  // generous: only catches hangs
  CHECK(seen.size() == 3);
  for (const auto& r : seen) CHECK_FALSE(r.disconnected_early);
}

// ---- The OpenAI-compatible endpoint (fake_openai.cpp) ----

namespace {

std::string v1_body(std::string_view model,
                    std::string_view extra = R"(,"stream_options":{"include_usage":true})") {
  return R"({"model":")" + std::string(model) +
         R"(","stream":true,"messages":[{"role":"user","content":"hi"}])" + std::string(extra) +
         "}";
}

Response v1_chat(const FakeOllama& srv, std::string_view body,
                 std::string_view extra_headers = {}) {
  return roundtrip(srv, request("POST", "/v1/chat/completions", body, extra_headers));
}

// The data of each event of an SSE body with LF line ends and one data line per event.
std::vector<std::string> sse_data(std::string_view body) {
  std::vector<std::string> out;
  std::size_t at = 0;
  while (at < body.size()) {
    auto end = body.find("\n\n", at);
    if (end == std::string_view::npos) end = body.size();
    std::string_view event = body.substr(at, end - at);
    if (event.rfind("data: ", 0) == 0) out.emplace_back(event.substr(6));
    at = end + 2;
  }
  return out;
}

std::string sse_content(std::string_view body) {
  std::string s;
  for (const auto& d : sse_data(body)) {
    if (d == "[DONE]") continue;
    auto j = json::parse(d);
    for (const auto& c : j["choices"]) {
      if (c["delta"].contains("content") && c["delta"]["content"].is_string())
        s += c["delta"]["content"];
    }
  }
  return s;
}

}  // namespace

TEST_CASE(
    "FakeOllama /v1 text streams one SSE event per HTTP chunk, ending with usage and [DONE]") {
  FakeOllama srv;
  auto r = v1_chat(srv, v1_body("text"), "Authorization: Bearer sk-self-test\r\n");
  CHECK(r.status == 200);
  CHECK(r.header("Content-Type") == "text/event-stream");
  CHECK(r.header("Transfer-Encoding") == "chunked");
  REQUIRE(r.complete);
  REQUIRE(r.chunks.size() == 7);  // 4 tokens, finish, usage, [DONE]
  for (const auto& ch : r.chunks) {
    CHECK(ch.rfind("data: ", 0) == 0);
    CHECK(ch.size() > 8);
    CHECK(ch.substr(ch.size() - 2) == "\n\n");
  }
  CHECK(sse_content(r.body) == ochat::test::kOpenAiText);
  const auto data = sse_data(r.body);
  CHECK(json::parse(data[0])["choices"][0]["delta"]["role"] == "assistant");
  CHECK(json::parse(data[4])["choices"][0]["finish_reason"] == "stop");
  CHECK(json::parse(data[5])["choices"].empty());
  CHECK(json::parse(data[5])["usage"] ==
        json::parse(R"({"completion_tokens":4,"prompt_tokens":33,"total_tokens":37})"));
  CHECK(data[6] == "[DONE]");
  REQUIRE(srv.wait_finished(1, 5s));
  CHECK(srv.requests()[0].path == "/v1/chat/completions");
  CHECK(srv.requests()[0].header("Authorization") == "Bearer sk-self-test");
}

TEST_CASE("FakeOllama /v1 sends the usage chunk only when the request asks for it") {
  FakeOllama srv;
  auto r = v1_chat(srv, v1_body("text", ""));
  CHECK(r.chunks.size() == 6);
  CHECK(r.body.find("\"usage\"") == std::string::npos);
}

TEST_CASE(
    "FakeOllama /v1 split and tool cut the body inside UTF-8 sequences, the same events whole") {
  FakeOllama srv;
  auto r = v1_chat(srv, v1_body("split"));
  REQUIRE(r.complete);
  CHECK(sse_content(r.body) == ochat::test::kOpenAiSplitText);
  CHECK(r.chunks.size() > 20);
  bool cut_in_utf8 = false;
  for (const auto& ch : r.chunks)
    cut_in_utf8 = cut_in_utf8 || (static_cast<unsigned char>(ch[0]) & 0xC0) == 0x80;
  CHECK(cut_in_utf8);
  auto t = v1_chat(srv, v1_body("tool"));
  REQUIRE(t.complete);
  std::string arguments;
  for (const auto& d : sse_data(t.body)) {
    if (d == "[DONE]") continue;
    const auto j = json::parse(d);
    if (j["choices"].empty() || !j["choices"][0]["delta"].contains("tool_calls")) continue;
    arguments +=
        j["choices"][0]["delta"]["tool_calls"][0]["function"]["arguments"].get<std::string>();
  }
  CHECK(arguments == ochat::test::kOpenAiWeatherArguments);
  bool tool_cut_in_utf8 = false;
  for (const auto& ch : t.chunks) {
    tool_cut_in_utf8 = tool_cut_in_utf8 || (static_cast<unsigned char>(ch[0]) & 0xC0) == 0x80;
  }
  CHECK(tool_cut_in_utf8);
}

TEST_CASE("FakeOllama /v1 crlf ends every line with CRLF, cut between CR and LF") {
  FakeOllama srv;
  auto r = v1_chat(srv, v1_body("crlf"));
  REQUIRE(r.complete);
  bool cut = false;
  for (const auto& ch : r.chunks) cut = cut || (ch.back() == '\r');
  CHECK(cut);
  std::string lf;
  for (char c : r.body) {
    if (c != '\r') lf += c;
  }
  CHECK(sse_content(lf) == ochat::test::kOpenAiText);
  CHECK(r.body.find("\n") == r.body.find("\r\n") + 1);
}

TEST_CASE(
    "FakeOllama /v1 errors: the OpenAI error object, the key quoted on 401, Ollama's shape "
    "otherwise") {
  FakeOllama srv;
  auto bad = v1_chat(srv, v1_body("status:401"), "Authorization: Bearer sk-quoted\r\n");
  CHECK(bad.status == 401);
  CHECK_THAT(json::parse(bad.body)["error"]["message"].get<std::string>(),
             Catch::Contains("sk-quoted"));
  auto unknown = v1_chat(srv, v1_body("nope"));
  CHECK(unknown.status == 404);
  CHECK(json::parse(unknown.body)["error"]["type"] == "not_found_error");
  auto other = v1_chat(srv, v1_body("status:418"));
  CHECK(other.status == 418);
  CHECK(json::parse(other.body) == json::parse(R"({"error":"fake error with status 418"})"));
}

TEST_CASE("FakeOllama /v1 checks requests as a strict server does") {
  FakeOllama srv;
  CHECK(v1_chat(srv, R"({"model":"text","messages":[{"role":"user","content":"hi"}]})").status ==
        400);  // no stream
  CHECK(v1_chat(srv, "not json").status == 400);
  const std::string orphan =
      R"({"model":"tool","stream":true,"messages":[{"role":"user","content":"hi"},{"role":"tool","tool_call_id":"x","content":"r"}]})";
  CHECK_THAT(v1_chat(srv, orphan).body,
             Catch::Contains("must be a response to a preceding message"));
  const std::string object_args =
      R"({"model":"tool","stream":true,"messages":[{"role":"user","content":"hi"},{"role":"assistant","content":"","tool_calls":[{"id":"a","type":"function","function":{"name":"f","arguments":{}}}]},{"role":"tool","tool_call_id":"a","content":"r"}]})";
  CHECK_THAT(v1_chat(srv, object_args).body, Catch::Contains("arguments as a string"));
  const std::string good =
      R"({"model":"tool","stream":true,"messages":[{"role":"user","content":"hi"},{"role":"assistant","content":"","tool_calls":[{"id":"a","type":"function","function":{"name":"f","arguments":"{}"}}]},{"role":"tool","tool_call_id":"a","content":"r1"}]})";
  auto r = v1_chat(srv, good);
  CHECK(r.status == 200);
  CHECK(sse_content(r.body) == "Tool said: r1");
}

TEST_CASE("FakeOllama /v1/models lists models") {
  FakeOllama srv;
  auto r = roundtrip(srv, request("GET", "/v1/models"));
  CHECK(r.status == 200);
  CHECK(json::parse(r.body)["data"][0]["id"] == "text");
}

TEST_CASE("FakeOllama /v1 slow stops when the client leaves") {
  FakeOllama srv;
  {
    Client c(srv.port());
    c.send(request("POST", "/v1/chat/completions", v1_body("slow:20")));
    auto sl = c.line();
    REQUIRE(sl);
    CHECK(*sl == "HTTP/1.1 200 OK");
    c.close();
  }
  REQUIRE(srv.wait_finished(1, 10s));
  CHECK(srv.requests()[0].disconnected_early);
}

// ---- Recovery scenarios ----

namespace {

std::string continuation_body(std::string_view model, std::string_view so_far,
                              std::string_view extra = {}) {
  return R"({"model":")" + std::string(model) + R"(","messages":[{"role":"user","content":"hi"},)" +
         R"({"role":"assistant","content":)" + json(std::string(so_far)).dump() + "}]" +
         std::string(extra) + "}";
}

}  // namespace

TEST_CASE("FakeOllama busy:N refuses the first N requests of the model, then answers") {
  FakeOllama srv;
  auto first = chat(srv, "busy:2");
  CHECK(first.status == 503);
  CHECK_FALSE(first.header("Retry-After"));
  CHECK(chat(srv, "busy:2").status == 503);
  auto third = chat(srv, "busy:2");
  CHECK(third.status == 200);
  CHECK(third.content() == "Hello, world!");
  auto other = chat(srv, "busy-retry-after:1");  // counted per model
  CHECK(other.status == 503);
  CHECK(other.header("Retry-After") == "1");
  auto limited = chat(srv, "rate-limit:1");
  CHECK(limited.status == 429);
  CHECK(limited.header("Retry-After") == "1");
}

TEST_CASE(
    "FakeOllama drop-once serves the rest only to a continuation of exactly the text so far") {
  FakeOllama srv;
  auto cut = chat(srv, "drop-once");
  CHECK_FALSE(cut.complete);
  CHECK(cut.content() == "The quick brown ");
  auto rest = roundtrip(
      srv, request("POST", "/api/chat", continuation_body("drop-once", "The quick brown ")));
  REQUIRE(rest.complete);
  CHECK(rest.content() == "fox jumps over the lazy dog.");
  auto wrong = roundtrip(
      srv, request("POST", "/api/chat", continuation_body("drop-once", "The quick brown")));
  CHECK(wrong.status == 400);
  CHECK_THAT(wrong.body, Catch::Contains("the continuation does not end with the answer so far"));
  auto restart = roundtrip(
      srv, request("POST", "/api/chat", continuation_body("restart", "The quick brown ")));
  CHECK(restart.content() == ochat::test::kContinueText);
}

TEST_CASE("FakeOllama cut-utf8 cuts the stream in the middle of a character") {
  FakeOllama srv;
  auto cut = chat(srv, "cut-utf8");
  CHECK_FALSE(cut.complete);
  const std::string body = cut.body;
  REQUIRE(body.size() >= 2);
  CHECK(body.substr(body.size() - 2) == "\xE4\xBD");  // two of the three bytes of U+4F60
}

TEST_CASE("FakeOllama /v1 continuations need continue_final_message and the exact text so far") {
  FakeOllama srv;
  const std::string flags = R"(,"continue_final_message":true,"add_generation_prompt":false)";
  auto no_flags =
      v1_chat(srv, continuation_body("drop-once", "The quick brown ", R"(,"stream":true)"));
  CHECK(no_flags.status == 400);
  auto rest =
      v1_chat(srv, continuation_body("drop-once", "The quick brown ", R"(,"stream":true)" + flags));
  CHECK(rest.status == 200);
  CHECK(sse_content(rest.body) == "fox jumps over the lazy dog.");
  auto wrong =
      v1_chat(srv, continuation_body("drop-once", "The quick", R"(,"stream":true)" + flags));
  CHECK(wrong.status == 400);
  auto refused = v1_chat(srv, continuation_body("refuse-continuation", "The quick brown ",
                                                R"(,"stream":true)" + flags));
  CHECK(refused.status == 400);
  CHECK_THAT(refused.body, Catch::Contains("prefill is incompatible"));
}

TEST_CASE("FakeOllama counts the chat requests it handles at once and serves at most its slots") {
  FakeOllama srv;
  srv.set_chat_slots(2);
  CHECK(srv.most_concurrent_chats() == 0);
  std::vector<std::thread> clients;
  std::mutex mu;
  std::vector<std::string> contents;
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < 4; ++i) {
    clients.emplace_back([&srv, &mu, &contents, i] {
      auto r = chat(srv, "echo", "[wait=300] item " + std::to_string(i));
      std::lock_guard lk(mu);
      contents.push_back(r.content());
    });
  }
  for (auto& t : clients) t.join();
  const auto took = std::chrono::steady_clock::now() - start;
  CHECK(contents.size() == 4);
  for (const auto& c : contents) CHECK_THAT(c, Catch::StartsWith("[wait=300] item "));
  // All four were connected at once; two slots at 300 ms each make two rounds of waits.
  CHECK(srv.most_concurrent_chats() == 4);
  CHECK(took >= 590ms);  // each wait may end up to a millisecond early
}

TEST_CASE("FakeOllama holds a reply back by the [wait=MS] of its last message, both protocols") {
  FakeOllama srv;
  auto start = std::chrono::steady_clock::now();
  auto r = chat(srv, "text", "please [wait=250]");
  // A wait may end up to a millisecond early (it waits in whole milliseconds).
  CHECK(std::chrono::steady_clock::now() - start >= 245ms);
  CHECK(r.content() == ochat::test::kTextText);
  // The client has the whole reply a moment before the server counts the request done.
  REQUIRE(srv.wait_finished(1, 5s));
  start = std::chrono::steady_clock::now();
  const json body = {{"model", "text"},
                     {"stream", true},
                     {"messages", {{{"role", "user"}, {"content", "[wait=250]"}}}}};
  auto v1 = roundtrip(srv, request("POST", "/v1/chat/completions", body.dump()));
  CHECK(std::chrono::steady_clock::now() - start >= 245ms);
  CHECK(v1.status_line == "HTTP/1.1 200 OK");
  CHECK(srv.most_concurrent_chats() == 1);
}

TEST_CASE("FakeOllama gpu paces 20 tokens like a GPU server") {
  FakeOllama srv;
  const auto start = std::chrono::steady_clock::now();
  auto r = chat(srv, "gpu");
  // 50 + 19 x 5 ms; each wait may end up to a millisecond early (its slices are whole ms).
  CHECK(std::chrono::steady_clock::now() - start >= 120ms);
  REQUIRE(r.complete);
  CHECK(r.content().rfind("g0 g1 ", 0) == 0);
  check_done_line(r.lines().back(), "gpu", "stop", 20);
}
