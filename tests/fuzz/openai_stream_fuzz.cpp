// libFuzzer target: SSE framing plus OpenAI chat-completion chunk parsing, through the decoder
// that OpenAiBackend hands to the conversation loop, with the input cut into reads at points
// the input itself chooses (layout: split_decode.hpp).
//
// Oracle: no crash, no sanitizer report, no exception other than ochat::Error, and the same
// outcome (chunks, or the same error) as feeding the whole stream in one read.
#include <cstdlib>

#include "core/openai/openai_backend.hpp"
#include "split_decode.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::vector<std::size_t> sizes;
  std::string_view in = ochat::fuzz::take_sizes({reinterpret_cast<const char*>(data), size}, sizes);
  ochat::openai::OpenAiBackend backend("http://127.0.0.1:1/v1", "");
  if (ochat::fuzz::decode(backend, in, sizes) != ochat::fuzz::decode(backend, in, {})) std::abort();
  return 0;
}
