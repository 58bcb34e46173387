#pragma once
// Shared by the stream fuzz targets: feed a backend's decoder in reads whose sizes the input
// chooses, and record what comes out, so two ways of reading can be compared.
//
// Input layout: byte 0 = k (mod 16), then k bytes of read sizes (each + 1), then the stream.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/chat/backend.hpp"
#include "core/error.hpp"

namespace ochat::fuzz {

struct Recorder final : chat::ChunkHandler {
  std::string log;
  void on_chunk(chat::Chunk& c) override {
    log += "content:" + c.content + "\nthinking:" + c.thinking + "\n";
    for (const auto& t : c.tool_calls)
      log += "tool:" + t.id + "/" + t.name + "/" + t.arguments.dump() + "\n";
    if (c.done) log += "done:" + c.done_reason + "\n";
    if (c.error) log += "error:" + *c.error + "\n";
  }
};

// Everything the decoder handed out, then "throw:MESSAGE" if it threw ochat::Error. Any other
// exception escapes (libFuzzer reports it as a crash).
inline std::string decode(const chat::Backend& backend, std::string_view stream,
                          const std::vector<std::size_t>& sizes) {
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
  } catch (const Error& e) {
    rec.log += "throw:" + std::string(e.what()) + "\n";
  }
  return rec.log;
}

// Splits the fuzz input into read sizes and the stream.
inline std::string_view take_sizes(std::string_view in, std::vector<std::size_t>& sizes) {
  if (in.empty()) return in;
  std::size_t k = static_cast<unsigned char>(in[0]) % 16;
  in.remove_prefix(1);
  for (; k > 0 && !in.empty(); --k) {
    sizes.push_back(static_cast<std::size_t>(static_cast<unsigned char>(in[0])) + 1);
    in.remove_prefix(1);
  }
  return in;
}

}  // namespace ochat::fuzz
