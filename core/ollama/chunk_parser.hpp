#pragma once
// Parses one NDJSON line of an Ollama /api/chat stream into the backend-neutral Chunk.
#include <string>
#include <string_view>

#include "core/chat/chunk.hpp"

namespace ochat::ollama {

// Returns the chunk. A line holding {"error": ...} gives a chunk with `error` set.
// Throws ochat::Error (stream) when the line is not JSON or a known field has the wrong type;
// the message quotes the start of the line.
// The common content-chunk shape takes a fast path (content_chunk.hpp) with the same results.
chat::Chunk parse_chunk(std::string_view line);

// parse_chunk without the fast path: a JSON DOM for every line (for tests that compare them).
chat::Chunk parse_chunk_dom(std::string_view line);

}  // namespace ochat::ollama
