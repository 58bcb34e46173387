// Fake OpenAI-compatible chat completions, served by FakeOllama's connections (see
// fake_openai.hpp). Events are `data: JSON\n\n`, JSON as nlohmann writes it (raw UTF-8, as
// llama-server does), one event per HTTP chunk unless said otherwise.
//
// Scenarios (request "model" = NAME or NAME:ARG):
//   text              Ollama /v1 shapes: "Hello", ",", " world", "!" (role in the first delta),
//                     a finish chunk (delta {}, "stop"), the usage chunk, [DONE]
//   llama             llama-server shapes: a role chunk with content null, the same tokens, a
//                     finish chunk with "timings", the usage chunk, [DONE]
//   reasoning         delta.reasoning_content "Let me", " think", "." then the content
//                     "Answer", " is 42"; reasoning:field sends delta.reasoning instead
//   length            "a", "b", finish_reason "length"
//   split             kOpenAiSplitText; the body written in pieces cut inside "data:", between
//                     the two '\n' of a separator, inside UTF-8 sequences, \u escapes and
//                     "[DONE]", with one piece holding the three events before the last three;
//                     2 ms between pieces
//   crlf              like text, with CRLF line ends, each cut between its '\r' and '\n'
//   keepalive[:MS]    ": keep-alive" comments every 100 ms for MS ms (default 1000) before the
//                     answer, then like text with a comment line before each event
//   sse-fields        like text, with event:/id:/retry: lines, a comment, a data spread over
//                     two data: lines, a "data:" without its space, and a final [DONE] without
//                     its blank line (nor any line end)
//   no-done           like text, without [DONE]: the body ends after the usage chunk
//   no-done-open      like no-done, but the body never ends: the connection stays open, silent
//   no-finish         "x", "y", then the body ends: no finish_reason, no [DONE]
//   drop              "partial", then the connection closes without the terminating chunk
//   midstream-error   "partial", " answer", then llama-server's {"error": {...}} and the end
//   ollama-error      Ollama's /v1 mid-stream failure: "partial", an empty chunk, the end
//   stall             headers, then nothing until the client leaves or the server stops
//   slow[:MS]         100 tokens "s<i> ", one every MS ms (default 100); stops when the client goes
//   echo              the content of the last message as one token (the text parts of content
//                     parts, joined)
//   no-vision         with an image_url part anywhere: llama-server's 500 for a model loaded
//                     without its projector; otherwise like echo
//   not-streaming     200 with one chat.completion JSON object, as a server that ignores "stream"
//   status[:CODE]     the error body for CODE: {"error": {"message", "type", "code"}} for 400
//                     401 (quoting the bearer token as OpenAI does) 404 429 500 503, Ollama's
//                     {"error": "..."} for any other code
//   tool              round 1: "Let me check.", then the calls (one per request tool, at most
//                     two; get_weather without tools), each as deltas: index, id, type and name
//                     first with arguments "", then fragments of 1 to 4 bytes (cut inside
//                     strings and \u escapes, never inside a UTF-8 sequence); finish
//                     "tool_calls"; the body cut like split, so also inside UTF-8 sequences.
//                     Round 2 (the last message has role tool): "Tool said: " + the trailing
//                     tool messages' contents joined by "\n"
//   tool-parallel     two calls, their deltas interleaved (0, 1, 0, 1, ...); round 2 as tool
//   tool-whole        Ollama /v1: each call whole in one delta; round 2 as tool
//   tool-length       like tool, but the token limit cuts the last call's arguments
//                     (kOpenAiCutArguments) and the finish_reason is "length"; round 2 as tool
//   busy:N            503 "Loading model" for the first N requests with this model (default 1),
//                     then like text; rate-limit:N is 429 with "Retry-After: 1"
//   drop-once:K, error-once:K, refuse-continuation:K, restart:K, drop-always, cut-utf8
//                     as the /api/chat scenarios of the same names (fake_ollama.cpp), with
//                     llama-server's error event for error-once and its prefill refusal (400)
//                     for refuse-continuation. A continuation is a request whose last message is
//                     the assistant's, with "continue_final_message": true and
//                     "add_generation_prompt": false (without them: 400)
//   think-break       the first request: reasoning "Let me", " think", then the connection
//                     closes; later ones: the reasoning "Let me think." and "Answer is 42"
//   tool-break        round 1: "Let me check.", then one call's deltas, the connection closing
//                     after half of them; its continuation: the whole call again, finish
//                     "tool_calls"; round 2 (a tool result) as tool
//   anything else     404 {"error": {"message": "model \"NAME\" not found, try pulling it first"}}
// Requests are checked as strict servers check them (400 invalid_request_error otherwise):
// a JSON object with a model, "stream": true, messages; a content that is a string, or (user
// messages) an array of {"type": "text", "text"} and {"type": "image_url", "image_url": {"url"}}
// parts whose data: URLs hold padded standard base64; an assistant's tool calls with
// "type": "function" and string arguments; a tool message's tool_call_id naming a call of the
// assistant message before it. The usage chunk is sent only with stream_options.include_usage.
#include "fake_openai.hpp"

#include <fmt/format.h>

#include <cctype>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <variant>
#include <vector>

#include "fake_ollama.hpp"

namespace ochat::test::fake_openai {
namespace {

using Json = nlohmann::ordered_json;

constexpr std::string_view kJsonType = "application/json; charset=utf-8";
constexpr std::int64_t kCreated = 1795963727;
constexpr std::string_view kId = "chatcmpl-417";

std::string dump(const Json& j) { return j.dump(-1, ' ', false, Json::error_handler_t::replace); }

std::string error_body(std::string_view message, std::string_view type,
                       const Json& code = nullptr) {
  return dump(
      {{"error", {{"message", message}, {"type", type}, {"param", nullptr}, {"code", code}}}});
}

// ---------------------------------------------------------------------------------------------
// Events.

enum class Style { ollama, llama };

class Events {
 public:
  Events(Style style, std::string model, bool usage)
      : style_(style), model_(std::move(model)), usage_(usage) {}

  void role_only() { chunk({{"role", "assistant"}, {"content", nullptr}}); }

  void content(std::string_view text) {
    ++counted_;
    chunk(with_role({{"content", text}}));
  }

  void reasoning(std::string_view text, const char* field) {
    ++counted_;
    chunk(with_role({{"content", ""}, {field, text}}));
  }

  void tool_calls(Json calls) { chunk(with_role({{"tool_calls", std::move(calls)}})); }

  // The finish chunk, then the usage chunk when the request asked for it.
  void finish(std::string_view reason) {
    chunk(Json::object(), reason);
    if (!usage_) return;
    const Json usage = {{"completion_tokens", counted_},
                        {"prompt_tokens", kOpenAiPromptTokens},
                        {"total_tokens", counted_ + kOpenAiPromptTokens}};
    Json j = envelope(Json::array());
    j["usage"] = usage;
    event(dump(j));
  }

  void done() { list.push_back("data: [DONE]\n\n"); }
  void raw(std::string text) { list.push_back(std::move(text)); }
  void event(std::string_view json) { list.push_back(fmt::format("data: {}\n\n", json)); }

  // The JSON of a chunk with this delta (for scenarios that frame it themselves).
  std::string chunk_json(Json delta, std::optional<std::string_view> reason = std::nullopt) const {
    Json choice;
    if (style_ == Style::llama) {
      choice = {{"finish_reason", reason ? Json(*reason) : Json(nullptr)},
                {"index", 0},
                {"delta", std::move(delta)}};
    } else {
      choice = {{"index", 0},
                {"delta", std::move(delta)},
                {"finish_reason", reason ? Json(*reason) : Json(nullptr)}};
    }
    Json j = envelope(Json::array({std::move(choice)}));
    if (style_ == Style::llama && reason) {
      j["timings"] = {{"cache_n", 0},
                      {"prompt_n", kOpenAiPromptTokens},
                      {"prompt_ms", kOpenAiPromptMs},
                      {"predicted_n", counted_},
                      {"predicted_ms", kOpenAiPredictedMs}};
    }
    return dump(j);
  }

  void chunk(Json delta, std::optional<std::string_view> reason = std::nullopt) {
    event(chunk_json(std::move(delta), reason));
  }

  std::vector<std::string> list;  // each a whole event with its framing

 private:
  Json with_role(Json delta) {
    if (style_ == Style::ollama && !role_sent_) {
      Json d = {{"role", "assistant"}};
      for (auto it = delta.begin(); it != delta.end(); ++it) d[it.key()] = *it;
      delta = std::move(d);
    }
    role_sent_ = true;
    return delta;
  }

  Json envelope(Json choices) const {
    if (style_ == Style::llama) {
      return {{"choices", std::move(choices)},
              {"created", kCreated},
              {"id", kId},
              {"model", model_},
              {"system_fingerprint", "b10573-5c1e4a8f"},
              {"object", "chat.completion.chunk"}};
    }
    return {
        {"id", kId},       {"object", "chat.completion.chunk"}, {"created", kCreated},
        {"model", model_}, {"system_fingerprint", "fp_ollama"}, {"choices", std::move(choices)}};
  }

  Style style_;
  std::string model_;
  bool usage_;
  bool role_sent_ = false;
  std::int64_t counted_ = 0;
};

// ---------------------------------------------------------------------------------------------
// Plans.

struct Write {
  std::string bytes;
  int delay_ms = 0;  // before this write
};

struct Plan {
  bool fixed = false;  // a whole JSON reply
  int status = 200;
  std::string body;
  std::string headers;  // extra header lines of a fixed reply, each ending in CRLF
  std::vector<Write> writes;
  bool stall = false;  // after the writes: neither end the body nor close
  bool clean_end = true;
};

Plan fixed(int status, std::string body) {
  Plan p;
  p.fixed = true;
  p.status = status;
  p.body = std::move(body);
  return p;
}

Plan bad_request(std::string_view message) {
  return fixed(400, error_body(message, "invalid_request_error"));
}

Plan one_write_each(const std::vector<std::string>& events, int delay_ms = 0) {
  Plan p;
  for (const auto& e : events) p.writes.push_back({e, delay_ms});
  return p;
}

bool is_utf8_continuation(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

// The body cut at every awkward place (see the scenario list); 2 ms between pieces.
Plan cut_everywhere(const std::vector<std::string>& events) {
  std::string body;
  std::vector<std::size_t> starts;
  for (const auto& e : events) {
    starts.push_back(body.size());
    body += e;
  }
  starts.push_back(body.size());
  std::set<std::size_t> cuts;
  for (std::size_t i = 0; i + 1 < starts.size(); ++i) {
    const std::size_t b = starts[i], e = starts[i + 1];
    cuts.insert(b + 3);  // "dat|a:"
    cuts.insert(e - 1);  // between the two '\n'
    if (body.compare(b, 12, "data: [DONE]") == 0) cuts.insert(b + 9);
    for (std::size_t k = b; k < e; ++k) {
      if (is_utf8_continuation(body[k])) cuts.insert(k);  // inside a UTF-8 sequence
      if (body.compare(k, 2, "\\u") == 0) cuts.insert(k + 3);
    }
  }
  // The three events before the last three (finish, usage, [DONE]) in one piece: several
  // events in one read (ASCII ones, so that the cuts inside UTF-8 sequences stay).
  if (events.size() >= 8) {
    const std::size_t mb = starts[events.size() - 6], me = starts[events.size() - 3];
    for (auto it = cuts.begin(); it != cuts.end();)
      it = (*it > mb && *it < me) ? cuts.erase(it) : ++it;
    cuts.insert(mb);
    cuts.insert(me);
  }
  cuts.insert(body.size());
  Plan p;
  std::size_t prev = 0;
  for (std::size_t cut : cuts) {
    if (cut <= prev || cut > body.size()) continue;
    p.writes.push_back({body.substr(prev, cut - prev), prev == 0 ? 0 : 2});
    prev = cut;
  }
  return p;
}

std::string with_crlf(std::string_view event) {
  std::string out;
  for (char c : event) {
    if (c == '\n') out += '\r';
    out += c;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// The request.

struct Request {
  std::string model;
  std::size_t earlier = 0;  // requests with this model the server received before
  // The assistant's text so far, when the request continues an answer: the last message is the
  // assistant's and "continue_final_message" is true.
  std::optional<std::string> continued;
  bool usage = false;
  Json messages = Json::array();
  Json tools = Json::array();
};

bool is_base64(std::string_view text) {
  if (text.size() % 4 != 0) return false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    const bool alphabet = std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '/';
    const bool padding =
        c == '=' && i + 2 >= text.size() && (i + 1 == text.size() || text[i + 1] == '=');
    if (!alphabet && !padding) return false;
  }
  return true;
}

std::optional<std::string> check_parts(const Json& parts) {
  for (const auto& part : parts) {
    const std::string type = part.is_object() && part.contains("type") && part["type"].is_string()
                                 ? part["type"].get<std::string>()
                                 : "";
    if (type == "text") {
      if (!part.contains("text") || !part["text"].is_string())
        return "a text part needs a string text";
    } else if (type == "image_url") {
      if (!part.contains("image_url") || !part["image_url"].is_object() ||
          !part["image_url"].contains("url") || !part["image_url"]["url"].is_string()) {
        return "an image_url part needs an image_url object with a url";
      }
      const std::string url = part["image_url"]["url"];
      const auto comma = url.find(',');
      if (url.rfind("data:image/", 0) != 0 || comma == std::string::npos ||
          url.compare(comma - 7, 7, ";base64") != 0 ||
          !is_base64(std::string_view(url).substr(comma + 1))) {
        return "Invalid image data URL";
      }
    } else {
      return "unknown content part type";
    }
  }
  return std::nullopt;
}

std::optional<std::string> check_messages(const Json& messages) {
  std::set<std::string> call_ids;  // of the last assistant message with tool calls
  for (const auto& m : messages) {
    if (!m.is_object() || !m.contains("role") || !m["role"].is_string())
      return "each message needs a role";
    const std::string role = m["role"];
    if (m.contains("content") && m["content"].is_array()) {
      if (role != "user") return "only user messages may have content parts here";
      if (auto problem = check_parts(m["content"])) return problem;
    }
    if (role == "assistant" && m.contains("tool_calls")) {
      call_ids.clear();
      if (!m["tool_calls"].is_array()) return "'tool_calls' must be an array";
      for (const auto& c : m["tool_calls"]) {
        if (!c.is_object() || c.value("type", "") != "function")
          return "a tool call needs \"type\": \"function\"";
        if (!c.contains("id") || !c["id"].is_string()) return "a tool call needs an id";
        if (!c.contains("function") || !c["function"].is_object() ||
            !c["function"].contains("name") || !c["function"].contains("arguments") ||
            !c["function"]["arguments"].is_string()) {
          return "a tool call's function needs a name and its arguments as a string";
        }
        call_ids.insert(c["id"].get<std::string>());
      }
    } else if (role == "tool") {
      if (!m.contains("tool_call_id") || !m["tool_call_id"].is_string() ||
          call_ids.count(m["tool_call_id"].get<std::string>()) == 0) {
        return "messages with role 'tool' must be a response to a preceding message with "
               "'tool_calls'";
      }
      if (!m.contains("content") || !m["content"].is_string())
        return "a tool message needs a string content";
    }
  }
  return std::nullopt;
}

// The request, or the 400 reply for it.
std::variant<Request, Plan> parse_request(std::string_view body) {
  const Json j = Json::parse(body, nullptr, false);
  if (j.is_discarded() || !j.is_object())
    return bad_request("the request body is not a JSON object");
  Request rq;
  if (!j.contains("model") || !j["model"].is_string() || j["model"].get<std::string>().empty()) {
    return bad_request("you must provide a model parameter");
  }
  rq.model = j["model"];
  if (j.value("stream", false) != true)
    return bad_request("this fake server only streams: \"stream\" must be true");
  if (!j.contains("messages") || !j["messages"].is_array() || j["messages"].empty()) {
    return bad_request("'messages' must be a non-empty array");
  }
  rq.messages = j["messages"];
  if (auto problem = check_messages(rq.messages)) return bad_request(*problem);
  if (j.contains("tools") && j["tools"].is_array()) rq.tools = j["tools"];
  if (auto so = j.find("stream_options"); so != j.end() && so->is_object())
    rq.usage = so->value("include_usage", false);
  const Json& last = rq.messages.back();
  if (last.value("role", "") == "assistant") {
    if (j.value("continue_final_message", false) != true ||
        j.value("add_generation_prompt", true) != false) {
      return bad_request(
          "fake: a final assistant message without \"continue_final_message\": true and "
          "\"add_generation_prompt\": false");
    }
    rq.continued = last.contains("content") && last["content"].is_string()
                       ? last["content"].get<std::string>()
                       : "";
  }
  return rq;
}

// The contents of the trailing role tool messages joined by "\n"; nullopt when the last
// message is not one.
std::optional<std::string> trailing_tool_results(const Request& rq) {
  std::vector<std::string> parts;
  for (auto it = rq.messages.rbegin(); it != rq.messages.rend() && it->value("role", "") == "tool";
       ++it) {
    parts.insert(parts.begin(), it->value("content", ""));
  }
  if (parts.empty()) return std::nullopt;
  std::string out;
  for (std::size_t i = 0; i < parts.size(); ++i) out += (i ? "\n" : "") + parts[i];
  return out;
}

// A message's content: the string, or its text parts joined.
std::string text_of(const Json& message) {
  if (!message.contains("content")) return "";
  const Json& content = message["content"];
  if (content.is_string()) return content.get<std::string>();
  std::string text;
  if (content.is_array()) {
    for (const auto& part : content) {
      if (part.value("type", "") == "text") text += part.value("text", "");
    }
  }
  return text;
}

bool has_image(const Request& rq) {
  for (const auto& m : rq.messages) {
    if (!m.contains("content") || !m["content"].is_array()) continue;
    for (const auto& part : m["content"]) {
      if (part.value("type", "") == "image_url") return true;
    }
  }
  return false;
}

// ---------------------------------------------------------------------------------------------
// Tool calls.

struct Call {
  std::string id;
  std::string name;
  std::string arguments;  // the JSON text
};

std::string arguments_for(const Json& function) {
  std::string out = "{";
  const Json* props = nullptr;
  if (auto p = function.find("parameters"); p != function.end() && p->is_object()) {
    if (auto q = p->find("properties"); q != p->end() && q->is_object()) props = &*q;
  }
  if (props) {
    bool first = true;
    for (auto it = props->begin(); it != props->end(); ++it) {
      const std::string type = it->is_object() ? it->value("type", "string") : "string";
      std::string value;
      if (type == "integer" || type == "number") {
        value = "42";
      } else if (type == "boolean") {
        value = "true";
      } else if (it.key() == "city") {
        value = fmt::format("\"{}\"", kOpenAiCityValue);
      } else {
        value = "\"t\\u00e9st\"";
      }
      out += fmt::format("{}{}: {}", first ? "" : ", ", dump(it.key()), value);
      first = false;
    }
  }
  return out + "}";
}

std::vector<Call> calls_for(const Request& rq) {
  std::vector<Call> calls;
  for (const auto& tool : rq.tools) {
    if (calls.size() == 2) break;
    if (!tool.is_object() || !tool.contains("function") || !tool["function"].is_object()) continue;
    const Json& fn = tool["function"];
    calls.push_back({"", fn.value("name", ""), arguments_for(fn)});
  }
  if (calls.empty()) calls.push_back({"", "get_weather", std::string(kOpenAiWeatherArguments)});
  for (std::size_t i = 0; i < calls.size(); ++i)
    calls[i].id = fmt::format("{}{}", kOpenAiCallIdPrefix, i);
  return calls;
}

// Fragments of 1 to 4 bytes, never cutting a UTF-8 sequence.
std::vector<std::string> fragments(std::string_view text) {
  static constexpr std::size_t kSizes[] = {1, 3, 2, 4};
  std::vector<std::string> out;
  std::size_t at = 0;
  for (std::size_t n = 0; at < text.size(); ++n) {
    std::size_t end = std::min(text.size(), at + kSizes[n % 4]);
    while (end < text.size() && is_utf8_continuation(text[end])) ++end;
    out.emplace_back(text.substr(at, end - at));
    at = end;
  }
  return out;
}

Json call_head(std::size_t index, const Call& call) {
  return Json::array({{{"index", index},
                       {"id", call.id},
                       {"type", "function"},
                       {"function", {{"name", call.name}, {"arguments", ""}}}}});
}

Json call_piece(std::size_t index, const std::string& piece) {
  return Json::array({{{"index", index}, {"function", {{"arguments", piece}}}}});
}

void stream_calls(Events& ev, const std::vector<Call>& calls, std::string_view name) {
  if (name == "tool-whole") {
    for (std::size_t i = 0; i < calls.size(); ++i) {
      ev.tool_calls(Json::array(
          {{{"id", calls[i].id},
            {"index", i},
            {"type", "function"},
            {"function", {{"name", calls[i].name}, {"arguments", calls[i].arguments}}}}}));
    }
    return;
  }
  std::vector<std::vector<std::string>> pieces;
  for (const auto& c : calls) pieces.push_back(fragments(c.arguments));
  if (name == "tool-parallel") {
    for (std::size_t i = 0; i < calls.size(); ++i) ev.tool_calls(call_head(i, calls[i]));
    for (std::size_t k = 0;; ++k) {
      bool any = false;
      for (std::size_t i = 0; i < calls.size(); ++i) {
        if (k < pieces[i].size()) {
          ev.tool_calls(call_piece(i, pieces[i][k]));
          any = true;
        }
      }
      if (!any) break;
    }
    return;
  }
  for (std::size_t i = 0; i < calls.size(); ++i) {
    ev.tool_calls(call_head(i, calls[i]));
    for (const auto& piece : pieces[i]) ev.tool_calls(call_piece(i, piece));
  }
}

// ---------------------------------------------------------------------------------------------
// Scenarios.

std::optional<int> arg_int(std::string_view arg, int def, int min, int max) {
  if (arg.empty()) return def;
  int v = 0;
  for (char c : arg) {
    if (c < '0' || c > '9' || v > 100000000) return std::nullopt;
    v = v * 10 + (c - '0');
  }
  if (v < min || v > max) return std::nullopt;
  return v;
}

Plan not_found(const Request& rq) {
  return fixed(404,
               error_body(fmt::format("model \"{}\" not found, try pulling it first", rq.model),
                          "not_found_error"));
}

Plan status_plan(int code, std::string_view authorization) {
  switch (code) {
    case 400:
      return fixed(
          400,
          dump({{"error",
                 {{"code", 400},
                  {"message", "the request exceeds the available context size, try increasing it"},
                  {"type", "exceed_context_size_error"},
                  {"n_prompt_tokens", 5000},
                  {"n_ctx", 4096}}}}));
    case 401: {
      std::string key(authorization);
      if (key.rfind("Bearer ", 0) == 0) key.erase(0, 7);
      return fixed(
          401,
          error_body(fmt::format("Incorrect API key provided: {}. You can find your API key at "
                                 "https://platform.openai.com/account/api-keys.",
                                 key),
                     "invalid_request_error", "invalid_api_key"));
    }
    case 404:
      return fixed(
          404,
          dump({{"error",
                 {{"code", 404}, {"message", "File Not Found"}, {"type", "not_found_error"}}}}));
    case 429:
      return fixed(
          429, error_body("Rate limit reached for requests", "requests", "rate_limit_exceeded"));
    case 500:
      return fixed(
          500,
          dump(
              {{"error",
                {{"code", 500}, {"message", "Internal server error"}, {"type", "server_error"}}}}));
    case 503:
      return fixed(
          503,
          dump({{"error",
                 {{"code", 503}, {"message", "Loading model"}, {"type", "unavailable_error"}}}}));
    default:
      return fixed(code, dump({{"error", fmt::format("fake error with status {}", code)}}));
  }
}

void text_tokens(Events& ev) {
  for (std::string_view t : {"Hello", ",", " world", "!"}) ev.content(t);
}

// ---------------------------------------------------------------------------------------------
// Recovery scenarios: an answer cut after some tokens, and its continuation.

std::string joined(const std::vector<std::string>& tokens, std::size_t count) {
  std::string out;
  for (std::size_t i = 0; i < std::min(count, tokens.size()); ++i) out += tokens[i];
  return out;
}

// The reply to a continuation that does not end with the text it should: a 400 the test sees.
Plan mismatch(std::string_view expected, std::string_view got) {
  return bad_request(
      fmt::format("fake: the continuation does not end with the answer so far: expected {}, got {}",
                  dump(expected), dump(got)));
}

// The tokens from `from` on, a finish and [DONE].
Plan whole_answer(Events& ev, const std::vector<std::string>& tokens, std::size_t from) {
  for (std::size_t i = from; i < tokens.size(); ++i) ev.content(tokens[i]);
  ev.finish("stop");
  ev.done();
  return one_write_each(ev.list);
}

// For a request that continues `tokens` cut after `cut`: the rest, or the mismatch reply.
Plan continuation_reply(Events& ev, const Request& rq, const std::vector<std::string>& tokens,
                        std::size_t cut) {
  const std::string expected = joined(tokens, cut);
  if (*rq.continued != expected) return mismatch(expected, *rq.continued);
  return whole_answer(ev, tokens, cut);
}

Plan make_plan(const Request& rq, std::string_view authorization) {
  const std::string_view model = rq.model;
  const auto colon = model.find(':');
  const std::string_view name = model.substr(0, colon);
  const std::string_view arg =
      colon == std::string_view::npos ? std::string_view() : model.substr(colon + 1);
  Events ev(name == "llama" ? Style::llama : Style::ollama, rq.model, rq.usage);

  if (name == "no-done-open") {
    text_tokens(ev);
    ev.finish("stop");
    Plan p = one_write_each(ev.list);
    p.stall = true;
    return p;
  }
  if (name == "text" || name == "llama" || name == "no-done" || name == "sse-fields") {
    if (name == "llama") ev.role_only();
    text_tokens(ev);
    ev.finish("stop");
    if (name != "no-done") ev.done();
    if (name != "sse-fields") return one_write_each(ev.list);
    // Rewrite the events with the other SSE fields around them.
    std::vector<std::string> out;
    for (std::size_t i = 0; i < ev.list.size(); ++i) {
      std::string e = ev.list[i];
      if (i == 0) {
        e = "event: message\nid: 1\nretry: 3000\n" + e;
      } else if (i == 1) {
        const auto at = e.find("\"choices\":");  // the JSON over two data: lines
        e = e.substr(0, at) + "\ndata: " + e.substr(at);
      } else if (i == 2) {
        e = ": a comment\ndata:" + e.substr(6);  // no space after the colon
      } else if (i + 1 == ev.list.size()) {
        e = "data: [DONE]";  // neither the blank line nor the line end
      }
      out.push_back(std::move(e));
    }
    return one_write_each(out);
  }
  if (name == "reasoning") {
    if (!arg.empty() && arg != "field") return not_found(rq);
    const char* field = arg == "field" ? "reasoning" : "reasoning_content";
    for (std::string_view t : {"Let me", " think", "."}) ev.reasoning(t, field);
    for (std::string_view t : {"Answer", " is 42"}) ev.content(t);
    ev.finish("stop");
    ev.done();
    return one_write_each(ev.list);
  }
  if (name == "length") {
    ev.content("a");
    ev.content("b");
    ev.finish("length");
    ev.done();
    return one_write_each(ev.list);
  }
  if (name == "split") {
    for (std::string_view t :
         {"Split: ", "caf\xC3\xA9 ", "\xE4\xBD\xA0\xE5\xA5\xBD ", "\xF0\x9F\x98\x80 "}) {
      ev.content(t);
    }
    ev.content("\xF0\x9F\x8E\x89 ");
    // This one as a surrogate-pair escape, hand-written: replace the raw bytes.
    std::string& last = ev.list.back();
    last.replace(last.find("\xF0\x9F\x8E\x89"), 4, "\\ud83c\\udf89");
    for (std::string_view t : {"\"q\" \\ ", "line\nnext\t", " end."}) ev.content(t);
    ev.finish("stop");
    ev.done();
    return cut_everywhere(ev.list);
  }
  if (name == "crlf") {
    text_tokens(ev);
    ev.finish("stop");
    ev.done();
    Plan p;
    for (const auto& e : ev.list) {
      const std::string framed = with_crlf(e);  // "data: ...\r\n\r\n": cut after each '\r'
      std::size_t prev = 0;
      for (std::size_t k = 0; k < framed.size(); ++k) {
        if (framed[k] == '\r') {
          p.writes.push_back({framed.substr(prev, k + 1 - prev)});
          prev = k + 1;
        }
      }
      p.writes.push_back({framed.substr(prev)});
    }
    return p;
  }
  if (name == "keepalive") {
    const auto ms = arg_int(arg, 1000, 0, 600000);
    if (!ms) return not_found(rq);
    Plan p;
    for (int waited = 0; waited < *ms; waited += 100) p.writes.push_back({": keep-alive\n\n", 100});
    text_tokens(ev);
    ev.finish("stop");
    ev.done();
    for (const auto& e : ev.list) p.writes.push_back({": ping\n" + e});
    return p;
  }
  if (name == "no-finish") {
    ev.content("x");
    ev.content("y");
    return one_write_each(ev.list);
  }
  if (name == "drop") {
    ev.content("partial");
    Plan p = one_write_each(ev.list);
    p.clean_end = false;
    return p;
  }
  if (name == "midstream-error") {
    ev.content("partial");
    ev.content(" answer");
    ev.event(
        dump({{"error",
               {{"code", 500}, {"message", kOpenAiMidstreamMessage}, {"type", "server_error"}}}}));
    return one_write_each(ev.list);
  }
  if (name == "ollama-error") {
    ev.content("partial");
    Events empty(Style::ollama, "", false);
    ev.event(empty.chunk_json({{"role", "assistant"}, {"content", ""}}));
    return one_write_each(ev.list);
  }
  if (name == "stall") {
    Plan p;
    p.stall = true;
    return p;
  }
  if (name == "slow") {
    const auto ms = arg_int(arg, 100, 0, 600000);
    if (!ms) return not_found(rq);
    for (int i = 0; i < 100; ++i) ev.content(fmt::format("s{} ", i));
    ev.finish("stop");
    ev.done();
    return one_write_each(ev.list, *ms);
  }
  if (name == "no-vision" && has_image(rq)) {
    return fixed(
        500, dump({{"error",
                    {{"code", 500},
                     {"message",
                      "image input is not supported - hint: if this is unexpected, you may need "
                      "to provide the mmproj"},
                     {"type", "server_error"}}}}));
  }
  if (name == "echo" || name == "no-vision") {
    ev.content(text_of(rq.messages.back()));
    ev.finish("stop");
    ev.done();
    return one_write_each(ev.list);
  }
  if (name == "not-streaming") {
    return fixed(
        200, dump({{"id", kId},
                   {"object", "chat.completion"},
                   {"created", kCreated},
                   {"model", rq.model},
                   {"choices",
                    {{{"index", 0},
                      {"message", {{"role", "assistant"}, {"content", kOpenAiText}}},
                      {"finish_reason", "stop"}}}},
                   {"usage", {{"prompt_tokens", kOpenAiPromptTokens}, {"completion_tokens", 4}}}}));
  }
  if (name == "status") {
    const auto code = arg_int(arg, 500, 400, 599);
    if (!code) return not_found(rq);
    return status_plan(*code, authorization);
  }
  if (name == "tool" || name == "tool-parallel" || name == "tool-whole" || name == "tool-length") {
    if (auto results = trailing_tool_results(rq)) {
      ev.content("Tool said: ");
      ev.content(*results);
      ev.finish("stop");
      ev.done();
      return one_write_each(ev.list);
    }
    if (name == "tool" || name == "tool-length") ev.content("Let me check.");
    std::vector<Call> calls = calls_for(rq);
    if (name == "tool-length") calls.back().arguments = kOpenAiCutArguments;
    stream_calls(ev, calls, name);
    ev.finish(name == "tool-length" ? "length" : "tool_calls");
    ev.done();
    return name == "tool-whole" ? one_write_each(ev.list) : cut_everywhere(ev.list);
  }
  if (name == "busy" || name == "rate-limit") {
    const auto n = arg_int(arg, 1, 0, 1000);
    if (!n) return not_found(rq);
    if (rq.earlier < static_cast<std::size_t>(*n)) {
      if (name == "busy") return status_plan(503, authorization);
      Plan p = status_plan(429, authorization);
      p.headers = "Retry-After: 1\r\n";
      return p;
    }
    text_tokens(ev);
    ev.finish("stop");
    ev.done();
    return one_write_each(ev.list);
  }
  if (name == "drop-once" || name == "error-once" || name == "refuse-continuation" ||
      name == "restart") {
    const auto cut = arg_int(arg, 3, 1, 8);
    if (!cut) return not_found(rq);
    const auto tokens = continue_tokens();
    const auto k = static_cast<std::size_t>(*cut);
    if (rq.continued) {
      if (name == "refuse-continuation") {
        return fixed(
            400,
            dump({{"error",
                   {{"code", 400},
                    {"message", "Assistant response prefill is incompatible with enable_thinking."},
                    {"type", "invalid_request_error"}}}}));
      }
      if (name == "restart") return whole_answer(ev, tokens, 0);
      return continuation_reply(ev, rq, tokens, k);
    }
    for (std::size_t i = 0; i < k; ++i) ev.content(tokens[i]);
    if (name == "error-once") {
      ev.event(dump(
          {{"error",
            {{"code", 500}, {"message", kOpenAiMidstreamMessage}, {"type", "server_error"}}}}));
      return one_write_each(ev.list);
    }
    Plan p = one_write_each(ev.list);
    p.clean_end = false;
    return p;
  }
  if (name == "drop-always") {
    const auto tokens = continue_tokens();
    std::size_t have = 0;
    if (rq.continued) {
      while (have < tokens.size() && joined(tokens, have) != *rq.continued) ++have;
      if (have >= tokens.size() - 1) return mismatch("a shorter part of the answer", *rq.continued);
    }
    ev.content(tokens[have]);
    if (have == 0) ev.content(tokens[1]);
    Plan p = one_write_each(ev.list);
    p.clean_end = false;
    return p;
  }
  if (name == "cut-utf8") {
    const auto tokens = cut_utf8_tokens();
    if (rq.continued) return continuation_reply(ev, rq, tokens, 3);
    for (std::size_t i = 0; i < 3; ++i) ev.content(tokens[i]);
    ev.content(tokens[3]);
    std::string& last = ev.list.back();
    last.erase(last.find('\xE4') + 2);  // the event cut in the middle of its first character
    Plan p = one_write_each(ev.list);
    p.clean_end = false;
    return p;
  }
  if (name == "think-break") {
    if (rq.continued) return mismatch("no assistant message", *rq.continued);
    for (std::string_view t : {"Let me", " think"}) ev.reasoning(t, "reasoning_content");
    if (rq.earlier == 0) {
      Plan p = one_write_each(ev.list);
      p.clean_end = false;
      return p;
    }
    ev.reasoning(".", "reasoning_content");
    for (std::string_view t : {"Answer", " is 42"}) ev.content(t);
    ev.finish("stop");
    ev.done();
    return one_write_each(ev.list);
  }
  if (name == "tool-break") {
    // Round 1: "Let me check.", then the call's deltas, the connection closing in the middle of
    // them. Its continuation: the whole call. Round 2 (a tool result): as "tool".
    if (auto results = trailing_tool_results(rq)) {
      ev.content("Tool said: ");
      ev.content(*results);
      ev.finish("stop");
      ev.done();
      return one_write_each(ev.list);
    }
    const std::vector<Call> calls = calls_for(rq);
    if (rq.continued) {
      if (*rq.continued != "Let me check.") return mismatch("Let me check.", *rq.continued);
      stream_calls(ev, {calls.front()}, "tool");
      ev.finish("tool_calls");
      ev.done();
      return one_write_each(ev.list);
    }
    ev.content("Let me check.");
    const std::size_t before = ev.list.size();
    stream_calls(ev, {calls.front()}, "tool");
    ev.list.resize(before + (ev.list.size() - before) / 2);  // the head and half the arguments
    Plan p = one_write_each(ev.list);
    p.clean_end = false;
    return p;
  }
  return not_found(rq);
}

}  // namespace

bool handle_chat_completions(std::string_view body, std::string_view authorization,
                             std::size_t earlier, Wire& wire) {
  auto parsed = parse_request(body);
  if (auto* rq = std::get_if<Request>(&parsed)) rq->earlier = earlier;
  Plan p = std::holds_alternative<Plan>(parsed)
               ? std::get<Plan>(parsed)
               : make_plan(std::get<Request>(parsed), authorization);
  if (p.fixed) return wire.reply(p.status, kJsonType, p.body, p.headers);
  wire.start("text/event-stream");
  for (std::size_t i = 0; i < p.writes.size(); ++i) {
    if ((i > 0 || p.writes[i].delay_ms > 0) && !wire.pause(p.writes[i].delay_ms)) return false;
    if (!wire.write(p.writes[i].bytes)) return false;
  }
  if (p.stall) return wire.stall();
  return wire.end(p.clean_end);
}

bool handle_models(Wire& wire) {
  Json data = Json::array();
  for (const char* id : {"text", "llama", "reasoning", "tool"}) {
    data.push_back(
        {{"id", id}, {"object", "model"}, {"created", kCreated}, {"owned_by", "library"}});
  }
  return wire.reply(200, kJsonType, dump({{"object", "list"}, {"data", std::move(data)}}), {});
}

}  // namespace ochat::test::fake_openai
