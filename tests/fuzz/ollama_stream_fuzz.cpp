// libFuzzer target: Ollama NDJSON framing plus chunk parsing, through the decoder that
// OllamaBackend hands to the conversation loop, with the input cut into reads at points the
// input itself chooses (layout: split_decode.hpp).
//
// Oracle: no crash, no sanitizer report, no exception other than ochat::Error, the same
// outcome (chunks, or the same error) as feeding the whole stream in one read, and the
// content-chunk fast path agreeing with the DOM parser on the stream taken as one line.
#include <cstdlib>

#include "core/ollama/chunk_parser.hpp"
#include "core/ollama/content_chunk.hpp"
#include "core/ollama/ollama_backend.hpp"
#include "split_decode.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::vector<std::size_t> sizes;
  std::string_view in = ochat::fuzz::take_sizes({reinterpret_cast<const char*>(data), size}, sizes);
  ochat::ollama::OllamaBackend backend("http://127.0.0.1:1");
  if (ochat::fuzz::decode(backend, in, sizes) != ochat::fuzz::decode(backend, in, {})) std::abort();

  if (auto fast = ochat::ollama::parse_content_chunk(in)) {
    // The DOM parser must accept the line (an ochat::Error escaping is a crash) and agree.
    auto dom = ochat::ollama::parse_chunk_dom(in);
    if (fast->content != dom.content || !dom.thinking.empty() || !dom.tool_calls.empty() ||
        dom.done || dom.error || !dom.done_reason.empty()) {
      std::abort();
    }
  }
  return 0;
}
