#pragma once
// The reply of GET {base}/models.
#include <string>
#include <string_view>
#include <vector>

namespace ochat::openai {

// The model ids, in the server's order. Throws ochat::Error (stream) when the body is not
// {"data": [{"id": ...}, ...]}.
std::vector<std::string> parse_model_list(std::string_view body);

}  // namespace ochat::openai
