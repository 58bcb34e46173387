#pragma once
// The server's own words in a reply that reports an error, for one line of a message.
//
// Servers word errors in several ways: {"error": "..."} (Ollama), {"error": {"message": ...}}
// (the OpenAI protocol), plain text ("404 page not found"), or an HTML page from a proxy
// (nginx's "<html>\r\n<head><title>502 Bad Gateway</title>..."). Every backend reads them here,
// so that the same body reads the same whatever the protocol.
#include <cstddef>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace ochat::http {

// The longest server message shown, in bytes (longer ones are cut, marked with "...").
inline constexpr std::size_t kMaxServerMessage = 300;

struct ServerMessage {
  // One line: valid UTF-8, no control characters (line breaks become spaces), at most `max`
  // bytes plus "..." when cut. Empty when the body says nothing.
  std::string text;
  bool from_json = false;  // from {"error": ...}: the server's own message, not a page or text
};

// The message of an error reply's body: the "error" member of a JSON object when it is a
// string or holds a string "message" (or, without "error", a string "message" or "detail", as
// vLLM and FastAPI servers send); else, for an HTML page, its <title> (else its first
// <h1>, else its first line of text); else the body's first non-blank line.
ServerMessage server_message(std::string_view body, std::size_t max = kMaxServerMessage);

// "the server refused the request (HTTP 404 Not Found): MESSAGE", or without ": MESSAGE" when
// the message is empty.
std::string refusal_message(long status, std::string_view message);

// The text of an "error" member's value: a string, or an object's string "message".
// std::nullopt for any other value. Not cleaned: see clean_message().
std::optional<std::string> error_member_text(const nlohmann::ordered_json& error);

// What an {"error": ...} that arrives inside a stream says, cleaned as ServerMessage::text:
// error_member_text(), else the value as JSON; "unknown error" when that is empty.
std::string stream_error_text(const nlohmann::ordered_json& error,
                              std::size_t max = kMaxServerMessage);

// `text` as one printable line: invalid UTF-8 replaced, runs of line breaks and tabs turned into
// one space, other control characters shown as '?', spaces around removed, cut at `max` bytes.
std::string clean_message(std::string_view text, std::size_t max = kMaxServerMessage);

}  // namespace ochat::http
