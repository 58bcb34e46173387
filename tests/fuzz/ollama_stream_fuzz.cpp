// libFuzzer target: Ollama NDJSON framing plus chunk parsing, through the decoder that
// OllamaBackend hands to the conversation loop, with the input cut into reads at points the
// input itself chooses.
//
// Input layout: byte 0 = k (mod 16), then k bytes of read sizes (each + 1), then the stream.
// The stream is fed in reads of those sizes, cycling; then finish().
//
// Oracle: no crash, no sanitizer report, no exception other than ochat::Error, the same
// outcome (chunks, or the same error) as feeding the whole stream in one read, and the
// content-chunk fast path agreeing with the DOM parser on the stream taken as one line.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "core/chat/backend.hpp"
#include "core/error.hpp"
#include "core/ollama/chunk_parser.hpp"
#include "core/ollama/content_chunk.hpp"
#include "core/ollama/ollama_backend.hpp"

namespace {

struct Recorder final : ochat::chat::ChunkHandler {
  std::string log;
  void on_chunk(ochat::chat::Chunk& c) override {
    log += "content:" + c.content + "\nthinking:" + c.thinking + "\n";
    for (const auto& t : c.tool_calls) log += "tool:" + t.id + "/" + t.name + "/" + t.arguments.dump() + "\n";
    if (c.done) log += "done:" + c.done_reason + "\n";
    if (c.error) log += "error:" + *c.error + "\n";
  }
};

std::string decode(std::string_view stream, const std::vector<std::size_t>& sizes) {
  ochat::ollama::OllamaBackend backend("http://127.0.0.1:1");
  auto decoder = backend.decoder();
  Recorder rec;
  try {
    std::size_t i = 0;
    while (!stream.empty()) {
      std::size_t n = sizes.empty() ? stream.size() : sizes[i++ % sizes.size()];
      if (n > stream.size()) n = stream.size();
      decoder->feed(stream.substr(0, n), rec);
      stream.remove_prefix(n);
    }
    decoder->finish(rec);
  } catch (const ochat::Error& e) {
    rec.log += "throw:" + std::string(e.what()) + "\n";
  }
  return rec.log;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  if (in.empty()) return 0;
  std::size_t k = static_cast<unsigned char>(in[0]) % 16;
  in.remove_prefix(1);
  std::vector<std::size_t> sizes;
  for (; k > 0 && !in.empty(); --k) {
    sizes.push_back(static_cast<std::size_t>(static_cast<unsigned char>(in[0])) + 1);
    in.remove_prefix(1);
  }
  // Any exception but ochat::Error escapes and is reported as a crash.
  std::string split = decode(in, sizes);
  std::string whole = decode(in, {});
  if (split != whole) std::abort();  // the read boundaries changed the outcome

  if (auto fast = ochat::ollama::parse_content_chunk(in)) {
    // The DOM parser must accept the line (an ochat::Error escaping is a crash) and agree.
    auto dom = ochat::ollama::parse_chunk_dom(in);
    if (fast->content != dom.content || !dom.thinking.empty() || !dom.tool_calls.empty() || dom.done ||
        dom.error || !dom.done_reason.empty()) {
      std::abort();
    }
  }
  return 0;
}
