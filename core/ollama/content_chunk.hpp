#pragma once
// The fast path of chunk parsing: most lines of a stream are content chunks of one shape,
//   {"model":"..","created_at":"..","message":{"role":"assistant","content":".."},"done":false}
// and building a JSON DOM for each is most of the client's CPU. This recognises that shape
// (members in any order, JSON whitespace anywhere) and decodes it without a DOM.
#include <optional>
#include <string_view>

#include "core/chat/chunk.hpp"

namespace ochat::ollama {

// The chunk, exactly as parse_chunk_dom() would return it, when `line` is an object whose
// members are only "model" and "created_at" (strings), "message" (an object with only "role"
// and "content", strings) and "done" (false), each at most once. Returns nullopt whenever it
// is not sure, including every line that parse_chunk_dom() would reject: the caller then
// takes the DOM path, so the results never differ.
std::optional<chat::Chunk> parse_content_chunk(std::string_view line);

}  // namespace ochat::ollama
