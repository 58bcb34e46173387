#include "core/ollama/content_chunk.hpp"

#include <cstdint>
#include <string>

#include "core/text/json_scanner.hpp"

namespace ochat::ollama {
namespace {

bool message(text::JsonScanner& r, std::string& content) {
  if (!r.eat('{')) return false;
  bool role = false, got_content = false;
  std::string name;
  if (r.eat('}')) return false;  // no content: leave it to the DOM path
  do {
    if (!r.key(name)) return false;
    if (name == "role" && !role) {
      role = true;
      if (!r.string(nullptr)) return false;
    } else if (name == "content" && !got_content) {
      got_content = true;
      if (!r.string(&content)) return false;
    } else {
      return false;
    }
  } while (r.eat(','));
  return r.eat('}') && got_content;
}

}  // namespace

std::optional<chat::Chunk> parse_content_chunk(std::string_view line) {
  text::JsonScanner r(line);
  if (!r.eat('{')) return std::nullopt;
  bool model = false, created = false, msg = false, done = false;
  chat::Chunk chunk;
  std::string name;
  if (r.peek('}')) return std::nullopt;
  do {
    if (!r.key(name)) return std::nullopt;
    if (name == "model" && !model) {
      model = true;
      if (!r.string(nullptr)) return std::nullopt;
    } else if (name == "created_at" && !created) {
      created = true;
      if (!r.string(nullptr)) return std::nullopt;
    } else if (name == "message" && !msg) {
      msg = true;
      if (!message(r, chunk.content)) return std::nullopt;
    } else if (name == "done" && !done) {
      done = true;
      if (!r.eat_literal("false")) return std::nullopt;
    } else {
      return std::nullopt;
    }
  } while (r.eat(','));
  if (!r.eat('}') || !r.at_end() || !msg) return std::nullopt;
  return chunk;
}

}  // namespace ochat::ollama
