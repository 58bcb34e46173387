#include "core/chat/turn.hpp"

#include <fmt/format.h>

namespace ochat::chat {
namespace {

using std::chrono::milliseconds;

constexpr std::size_t kMaxErrorBody = 64 * 1024;
constexpr milliseconds kLoadingNoticeAfter{3000};

std::string seconds(milliseconds ms) {
  std::string text = fmt::format("{}.{:03}", ms.count() / 1000, ms.count() % 1000);
  while (text.back() == '0') text.pop_back();
  if (text.back() == '.') text.pop_back();
  return text + " s";
}

class ReplyReader final : public http::ResponseHandler, public ChunkHandler {
 public:
  ReplyReader(const TurnContext& context, const ChatRequest& request, TurnResult& result)
      : context_(context),
        request_(request),
        decoder_(context.backend.decoder()),
        result_(result) {}

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

  void finish(const http::Result& r) {
    const std::string& host = context_.backend.host();
    switch (r.outcome) {
      case http::Outcome::cancelled:
        context_.sink.flush();
        result_.end = TurnResult::End::interrupted;
        result_.signal = context_.cancel.requested();
        return;
      case http::Outcome::stopped:
        result_.end = TurnResult::End::output_closed;
        return;
      case http::Outcome::timed_out:
        context_.sink.flush();
        throw timeout_error(r);
      case http::Outcome::connect_failed:
        throw Error(ErrorKind::connect, fmt::format("cannot connect to the server at {}: {}", host, r.message),
                    context_.backend.connect_hint());
      case http::Outcome::broken:
        if (success() && !done_) {
          try {
            decoder_->finish(*this);  // a complete last line may lack only its newline
          } catch (const Error&) {
            // a half line: the reply is incomplete, as reported below
          }
        }
        context_.sink.flush();
        if (status_ != 0 && !success()) throw context_.backend.http_error(status_, error_body_, request_);
        if (!r.got_bytes || status_ == 0) {
          throw Error(ErrorKind::connect,
                      fmt::format("the server at {} closed the connection without replying: {}", host, r.message));
        }
        if (done_) break;  // the reply was complete; the connection broke afterwards
        throw Error(ErrorKind::stream,
                    fmt::format("the connection to the server broke before the reply was complete: {}", r.message));
      case http::Outcome::completed:
        if (!success()) throw context_.backend.http_error(status_, error_body_, request_);
        if (!done_) {
          decoder_->finish(*this);  // a last line without its newline
          context_.sink.flush();
        }
        if (!done_) {
          throw Error(ErrorKind::stream, "the stream ended before the model finished (no final message)");
        }
        break;
    }
    result_.end = TurnResult::End::done;
  }

 private:
  bool success() const { return status_ >= 200 && status_ < 300; }

  Error timeout_error(const http::Result& r) const {
    const auto& t = context_.timeouts;
    switch (r.timeout) {
      case http::TimeoutKind::connect:
        return Error(ErrorKind::timeout,
                     fmt::format("connect timeout: no connection to {} within {} (--connect-timeout)",
                                 context_.backend.host(), seconds(t.connect)));
      case http::TimeoutKind::total:
        return Error(ErrorKind::timeout,
                     fmt::format("total timeout: the reply took longer than {} (--timeout)", seconds(*t.total)));
      case http::TimeoutKind::idle:
      case http::TimeoutKind::none:
        break;
    }
    if (!r.got_bytes) {
      return Error(ErrorKind::timeout,
                   fmt::format("idle timeout: the server sent nothing for {} (--idle-timeout)", seconds(t.idle)),
                   "a model that is still loading may need a longer --idle-timeout");
    }
    return Error(ErrorKind::timeout,
                 fmt::format("idle timeout: the server sent nothing more for {} (--idle-timeout)", seconds(t.idle)));
  }

  const TurnContext& context_;
  const ChatRequest& request_;
  std::unique_ptr<ChunkDecoder> decoder_;
  long status_ = 0;
  bool done_ = false;
  bool noticed_ = false;
  std::string error_body_;
  TurnResult& result_;
};

}  // namespace

Message TurnResult::reply() const {
  Message m = Message::text("assistant", content.str());
  m.thinking = thinking.str();
  m.tool_calls = tool_calls;
  return m;
}

void run_turn(const TurnContext& context, const ChatRequest& request, TurnResult& result) {
  ReplyReader reader(context, request, result);
  const http::Request http_request = context.backend.chat_request(request);
  reader.finish(context.transport.perform(http_request, reader, context.timeouts, context.cancel));
}

TurnResult run_turn(const TurnContext& context, const ChatRequest& request) {
  TurnResult result;
  run_turn(context, request, result);
  return result;
}

}  // namespace ochat::chat
