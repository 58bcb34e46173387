#include "core/http/error_body.hpp"

#include <fmt/format.h>

#include <array>
#include <cctype>
#include <nlohmann/json.hpp>

#include "core/http/status_text.hpp"
#include "core/text/excerpt.hpp"
#include "core/text/trim.hpp"
#include "core/text/utf8.hpp"

namespace ochat::http {
namespace {

using Json = nlohmann::ordered_json;

char lower(char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); }

// The position of `needle` (lower case) in `haystack`, ignoring case; npos when absent.
std::size_t find_nocase(std::string_view haystack, std::string_view needle, std::size_t from = 0) {
  if (needle.size() > haystack.size()) return std::string_view::npos;
  for (std::size_t i = from; i + needle.size() <= haystack.size(); ++i) {
    std::size_t k = 0;
    while (k < needle.size() && lower(haystack[i + k]) == needle[k]) ++k;
    if (k == needle.size()) return i;
  }
  return std::string_view::npos;
}

// The text between <TAG ...> and </TAG>, or std::nullopt.
std::optional<std::string_view> element_text(std::string_view html, std::string_view tag) {
  const std::string open = "<" + std::string(tag);
  std::size_t at = find_nocase(html, open);
  while (at != std::string_view::npos) {
    const std::size_t after = at + open.size();
    if (after < html.size() && (html[after] == '>' || text::is_space(html[after]))) break;
    at = find_nocase(html, open, after);  // <header> is not <h1>, <titles> not <title>
  }
  if (at == std::string_view::npos) return std::nullopt;
  const std::size_t start = html.find('>', at);
  if (start == std::string_view::npos) return std::nullopt;
  const std::size_t end = find_nocase(html, "</" + std::string(tag), start + 1);
  if (end == std::string_view::npos) return std::nullopt;
  return html.substr(start + 1, end - start - 1);
}

// HTML text without its tags, with the usual entities decoded.
std::string strip_tags(std::string_view html) {
  static constexpr std::array<std::pair<std::string_view, char>, 6> kEntities = {{{"&amp;", '&'},
                                                                                  {"&lt;", '<'},
                                                                                  {"&gt;", '>'},
                                                                                  {"&quot;", '"'},
                                                                                  {"&#39;", '\''},
                                                                                  {"&nbsp;", ' '}}};
  std::string out;
  bool in_tag = false;
  for (std::size_t i = 0; i < html.size(); ++i) {
    const char c = html[i];
    if (in_tag) {
      if (c == '>') {
        in_tag = false;
        if (!out.empty() && !text::is_space(out.back()))
          out += ' ';  // <br>, </td><td>: words stay apart
      }
      continue;
    }
    if (c == '<') {
      in_tag = true;
      continue;
    }
    if (c == '&') {
      bool decoded = false;
      for (const auto& [name, value] : kEntities) {
        if (html.substr(i).starts_with(name)) {
          out += value;
          i += name.size() - 1;
          decoded = true;
          break;
        }
      }
      if (decoded) continue;
    }
    out += c;
  }
  return out;
}

// The first line of `text` that holds more than blanks.
std::string_view first_line(std::string_view text) {
  while (!text.empty()) {
    const std::size_t nl = text.find_first_of("\r\n");
    const std::string_view line = text::trim(text.substr(0, nl));
    if (!line.empty()) return line;
    if (nl == std::string_view::npos) break;
    text.remove_prefix(nl + 1);
  }
  return {};
}

std::string html_message(std::string_view html, std::size_t max) {
  for (std::string_view tag : {"title", "h1"}) {
    if (auto text = element_text(html, tag)) {
      std::string message = clean_message(strip_tags(*text), max);
      if (!message.empty()) return message;
    }
  }
  const std::size_t body = find_nocase(html, "<body");
  const std::string text = strip_tags(body == std::string_view::npos ? html : html.substr(body));
  return clean_message(first_line(text), max);
}

}  // namespace

std::string clean_message(std::string_view text, std::size_t max) {
  const std::string valid = text::valid_utf8(text);
  std::string one_line;
  one_line.reserve(valid.size());
  bool in_break = false;
  for (const char c : valid) {
    if (c == '\r' || c == '\n' || c == '\t') {
      if (!in_break) one_line += ' ';
      in_break = true;
      continue;
    }
    in_break = false;
    one_line += c;
  }
  return text::excerpt(text::trim(one_line), max);
}

std::string refusal_message(long status, std::string_view message) {
  const std::string_view reason = status_text(status);
  std::string text = fmt::format("the server refused the request (HTTP {}{}{})", status,
                                 reason.empty() ? "" : " ", reason);
  if (!message.empty()) text += fmt::format(": {}", message);
  return text;
}

std::optional<std::string> error_member_text(const Json& error) {
  if (error.is_string()) return error.get<std::string>();
  if (error.is_object()) {
    if (auto message = error.find("message"); message != error.end() && message->is_string()) {
      return message->get<std::string>();
    }
  }
  return std::nullopt;
}

std::string stream_error_text(const Json& error, std::size_t max) {
  std::string text = clean_message(
      error_member_text(error).value_or(error.dump(-1, ' ', false, Json::error_handler_t::replace)),
      max);
  return text.empty() ? "unknown error" : text;
}

ServerMessage server_message(std::string_view body, std::size_t max) {
  const std::string_view trimmed = text::trim(body);
  if (trimmed.starts_with('{')) {
    const Json j = Json::parse(trimmed, nullptr, false);
    if (j.is_object()) {
      std::optional<std::string> text;
      if (auto error = j.find("error"); error != j.end()) {
        text = error_member_text(*error);
      } else {
        // vLLM: {"object": "error", "message": ...}; FastAPI servers: {"detail": "..."}.
        for (const char* key : {"message", "detail"}) {
          if (auto m = j.find(key); !text && m != j.end() && m->is_string())
            text = m->get<std::string>();
        }
      }
      if (text) {
        std::string message = clean_message(*text, max);
        if (!message.empty()) return {std::move(message), true};
      }
    }
  }
  if (trimmed.starts_with('<')) return {html_message(trimmed, max), false};
  return {clean_message(first_line(trimmed), max), false};
}

}  // namespace ochat::http
