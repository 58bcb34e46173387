#include "core/chat/turn.hpp"

#include <fmt/format.h>

#include "core/chat/transfer_error.hpp"

namespace ochat::chat {
namespace {

using std::chrono::milliseconds;

constexpr std::size_t kMaxErrorBody = 64 * 1024;
constexpr milliseconds kLoadingNoticeAfter{3000};

class ReplyReader final : public http::ResponseHandler, public ChunkHandler {
 public:
  ReplyReader(const TurnContext& context, const ChatRequest& request)
      : context_(context), request_(request), decoder_(context.backend.decoder()) {}

  void on_status(long status) override { status_ = status; }

  bool on_body(std::string_view bytes) override {
    if (!success()) {
      if (error_body_.size() < kMaxErrorBody) error_body_.append(bytes.substr(0, kMaxErrorBody - error_body_.size()));
      return true;
    }
    if (done_) return true;  // nothing counts after the final chunk
    try {
      decoder_->feed(bytes, *this);
    } catch (...) {
      context_.sink.flush();  // what was decoded before the bad bytes stays printed
      throw;
    }
    return true;
  }

  bool on_read_end() override { return context_.sink.flush(); }

  bool complete() const override { return done_ || (success() && decoder_->complete()); }

  void on_waiting(milliseconds waited) override {
    if (!noticed_ && waited >= kLoadingNoticeAfter) {
      noticed_ = true;
      context_.sink.notice(fmt::format("waiting for {} to answer (the model may be loading)...", request_.model));
    }
  }

  void on_chunk(Chunk& chunk) override {
    if (done_) return;
    if (chunk.error) {
      context_.sink.flush();
      throw Error(ErrorKind::stream, fmt::format("the server reported an error mid-stream: {}", *chunk.error));
    }
    if (!chunk.thinking.empty()) {
      result_.thinking.append(chunk.thinking);
      context_.sink.thinking(chunk.thinking);
    }
    if (!chunk.content.empty()) {
      result_.content.append(chunk.content);
      context_.sink.token(chunk.content);
    }
    for (auto& call : chunk.tool_calls) result_.tool_calls.push_back(std::move(call));
    if (chunk.done) {
      done_ = true;
      result_.done_reason = chunk.done_reason.empty() ? "stop" : chunk.done_reason;
      result_.stats = chunk.stats;
    }
  }

  TurnResult finish(const http::Result& r) {
    switch (r.outcome) {
      case http::Outcome::cancelled:
        context_.sink.flush();
        result_.end = TurnResult::End::interrupted;
        result_.signal = context_.cancel.requested();
        return std::move(result_);
      case http::Outcome::stopped:
        result_.end = TurnResult::End::output_closed;
        return std::move(result_);
      case http::Outcome::broken:
        if (success() && !done_) {
          try {
            decoder_->finish(*this);  // a complete last line may lack only its newline
          } catch (const Error&) {
            // a half line: the reply is incomplete, as reported below
          }
        }
        context_.sink.flush();
        break;
      case http::Outcome::completed:
        if (success() && !done_) {
          try {
            decoder_->finish(*this);  // a last line without its newline
          } catch (...) {
            context_.sink.flush();  // what was decoded before the bad bytes stays printed
            throw;
          }
          context_.sink.flush();
        }
        break;
      case http::Outcome::timed_out:
        context_.sink.flush();
        break;
      case http::Outcome::connect_failed:
        break;
    }
    const Exchange exchange{context_.backend, context_.timeouts, request_,
                            status_,          error_body_,       done_};
    if (auto error = transfer_error(r, exchange)) throw std::move(*error);
    if (!done_)
      throw Error(ErrorKind::stream,
                  "the stream ended before the model finished (no final message)");
    result_.end = TurnResult::End::done;
    return std::move(result_);
  }

 private:
  bool success() const { return status_ >= 200 && status_ < 300; }

  const TurnContext& context_;
  const ChatRequest& request_;
  std::unique_ptr<ChunkDecoder> decoder_;
  long status_ = 0;
  bool done_ = false;
  bool noticed_ = false;
  std::string error_body_;
  TurnResult result_;
};

}  // namespace

Message TurnResult::reply() const {
  Message m = Message::text("assistant", content.str());
  m.thinking = thinking.str();
  m.tool_calls = tool_calls;
  return m;
}

TurnResult run_turn(const TurnContext& context, const ChatRequest& request) {
  ReplyReader reader(context, request);
  const http::Request http_request = context.backend.chat_request(request);
  const http::Result result = context.transport.perform(http_request, reader, context.timeouts, context.cancel);
  return reader.finish(result);
}

}  // namespace ochat::chat
