#include "core/openai/stream_decoder.hpp"

#include <fmt/format.h>

#include "core/error.hpp"
#include "core/openai/chunk_parser.hpp"
#include "core/text/excerpt.hpp"

namespace ochat::openai {
namespace {

constexpr std::size_t kHeadSize = 200;

// Later values win, field by field: llama-server puts its timings in the finish chunk and
// the token counts in the usage chunk after it.
void merge(events::Stats& into, const events::Stats& more) {
  auto take = [](std::optional<std::int64_t>& a, const std::optional<std::int64_t>& b) {
    if (b) a = b;
  };
  take(into.prompt_tokens, more.prompt_tokens);
  take(into.generated_tokens, more.generated_tokens);
  take(into.total_ns, more.total_ns);
  take(into.load_ns, more.load_ns);
  take(into.prompt_eval_ns, more.prompt_eval_ns);
  take(into.eval_ns, more.eval_ns);
}

}  // namespace

void StreamDecoder::feed(std::string_view bytes, chat::ChunkHandler& handler) {
  if (head_.size() < kHeadSize) head_.append(bytes.substr(0, kHeadSize - head_.size()));
  splitter_.feed(bytes, [&](std::string_view data) { on_event(data, handler); });
}

void StreamDecoder::finish(chat::ChunkHandler& handler) {
  splitter_.finish([&](std::string_view data) { on_event(data, handler); });
  if (!done_ && finish_reason_) emit_done(handler);
  if (!saw_event_) {
    const auto start = head_.find_first_not_of(" \t\r\n");
    if (start != std::string::npos &&
        (head_[start] == '{' || head_[start] == '[' || head_[start] == '<')) {
      throw Error(ErrorKind::stream,
                  fmt::format("the server's reply is not a stream of server-sent events: {}",
                              text::excerpt(std::string_view(head_).substr(start))));
    }
  }
}

void StreamDecoder::on_event(std::string_view data, chat::ChunkHandler& handler) {
  if (done_) return;  // nothing counts after [DONE]
  saw_event_ = true;
  if (data.find_first_not_of(" \t\r\n") == std::string_view::npos) return;  // an empty keep-alive
  StreamEvent event = parse_event(data);
  if (event.done_marker) {
    emit_done(handler);
    return;
  }
  if (event.error) {
    chat::Chunk chunk;
    chunk.error = std::move(event.error);
    handler.on_chunk(chunk);
    return;
  }
  for (const auto& delta : event.tool_calls) tool_calls_.add(delta);
  if (event.usage) merge(stats_, *event.usage);
  if (event.finish_reason) finish_reason_ = std::move(event.finish_reason);
  if (!event.content.empty() || !event.thinking.empty()) {
    chat::Chunk chunk;
    chunk.content = std::move(event.content);
    chunk.thinking = std::move(event.thinking);
    handler.on_chunk(chunk);
  }
}

void StreamDecoder::emit_done(chat::ChunkHandler& handler) {
  done_ = true;
  chat::Chunk chunk;
  chunk.done = true;
  chunk.done_reason = finish_reason_.value_or("stop");
  chunk.stats = stats_;
  chunk.tool_calls = tool_calls_.take(chunk.done_reason == "length");
  handler.on_chunk(chunk);
}

}  // namespace ochat::openai
