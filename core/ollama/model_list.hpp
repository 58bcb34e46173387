#pragma once
// The reply of GET /api/tags.
#include <string>
#include <string_view>
#include <vector>

namespace ochat::ollama {

// The model names, in the server's order. Throws ochat::Error (stream) when the body is
// not {"models": [{"name": ...}, ...]}.
std::vector<std::string> parse_model_list(std::string_view body);

}  // namespace ochat::ollama
