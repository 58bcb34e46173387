// The OpenAI-compatible side of the fake server: POST /v1/chat/completions streams server-sent
// events the way Ollama's /v1 and llama.cpp's llama-server do (man ochat(1), OPENAI-COMPATIBLE
// SERVERS, says what ochat relies on), and GET /v1/models lists the scenarios. FakeOllama's
// router hands these two paths to the functions below; the reply is chosen by the request's
// "model" (`NAME` or `NAME:ARG`), see the scenario list in fake_openai.cpp.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace ochat::test {

// ---- Expected output of the /v1 scenarios ----

// "text" (Ollama /v1 shapes) and "llama" (llama-server shapes): the content.
inline constexpr std::string_view kOpenAiText = "Hello, world!";
// The usage chunk of every scenario that finishes: prompt_tokens, and completion_tokens (the
// number of events that carried content or reasoning; "text": 4).
inline constexpr std::int64_t kOpenAiPromptTokens = 33;
// "llama": timings of the finish chunk (prompt_ms, predicted_ms).
inline constexpr double kOpenAiPromptMs = 41.25;
inline constexpr double kOpenAiPredictedMs = 80.5;

// "reasoning" (delta.reasoning_content) and "reasoning:field" (delta.reasoning).
inline constexpr std::string_view kOpenAiThinking = "Let me think.";
inline constexpr std::string_view kOpenAiThinkingAnswer = "Answer is 42";

// "split": tokens with multi-byte UTF-8, escapes and a surrogate pair, the body cut anywhere.
inline constexpr std::string_view kOpenAiSplitText =
    "Split: caf\xC3\xA9 \xE4\xBD\xA0\xE5\xA5\xBD \xF0\x9F\x98\x80 \xF0\x9F\x8E\x89 "
    "\"q\" \\ line\nnext\t end.";

// "midstream-error": text before the error event, and its message.
inline constexpr std::string_view kOpenAiMidstreamText = "partial answer";
inline constexpr std::string_view kOpenAiMidstreamMessage = "Context size has been exceeded.";

// "tool", "tool-parallel", "tool-whole": the arguments text sent for a tool, by parameter:
// a string "city" is "São Paulo" (raw UTF-8), any other string "t\u00e9st" (an escape in
// the arguments text), integers and numbers 42, booleans true. With no tools in the request,
// one call get_weather(kOpenAiWeatherArguments).
inline constexpr std::string_view kOpenAiWeatherArguments = "{\"city\": \"S\xC3\xA3o Paulo\"}";
inline constexpr std::string_view kOpenAiCityValue = "S\xC3\xA3o Paulo";
// "tool-length": the arguments text of the last call, cut by the token limit.
inline constexpr std::string_view kOpenAiCutArguments = "{\n  \"city\": \"S\xC3\xA3o Pa";
// The id of call i is kOpenAiCallIdPrefix + i.
inline constexpr std::string_view kOpenAiCallIdPrefix = "call_Zq81kT0";

namespace fake_openai {

// What a reply needs from the connection it is written to. Every call returns false once the
// client has gone (recorded as disconnected_early) or the server is stopping.
class Wire {
 public:
  virtual ~Wire() = default;
  // A whole reply with Content-Length, with extra header lines (each ending in CRLF). Returns
  // whether the connection may be kept.
  virtual bool reply(int status, std::string_view content_type, std::string_view body,
                     std::string_view headers = {}) = 0;
  // Starts a chunked 200 reply (the headers go out with the first write).
  virtual void start(std::string_view content_type) = 0;
  // One write of the body: one HTTP chunk, one send().
  virtual bool write(std::string_view bytes) = 0;
  // Waits `ms` milliseconds (0: only checks that the client is still there).
  virtual bool pause(int ms) = 0;
  // Sends the headers, then nothing until the client leaves or the server stops.
  virtual bool stall() = 0;
  // Ends the body: cleanly (the terminating chunk), or by closing the connection without it.
  // Returns whether the connection may be kept.
  virtual bool end(bool clean) = 0;
};

// POST /v1/chat/completions with this body and Authorization header value; `earlier` is the
// number of requests with the same model the server received before this one.
bool handle_chat_completions(std::string_view body, std::string_view authorization,
                             std::size_t earlier, Wire& wire);
// GET /v1/models.
bool handle_models(Wire& wire);

}  // namespace fake_openai
}  // namespace ochat::test
