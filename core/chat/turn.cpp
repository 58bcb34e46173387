#include "core/chat/turn.hpp"

#include <fmt/format.h>

#include "core/chat/retry_policy.hpp"
#include "core/chat/transfer_error.hpp"

namespace ochat::chat {
namespace {

using std::chrono::milliseconds;

constexpr std::size_t kMaxErrorBody = 64 * 1024;
constexpr milliseconds kLoadingNoticeAfter{3000};

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; };
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

class ReplyReader final : public http::ResponseHandler, public ChunkHandler {
 public:
  ReplyReader(const TurnContext& context, const ChatRequest& request, TurnResult& into,
              ContinuationGuard* guard)
      : context_(context),
        request_(request),
        result_(into),
        guard_(guard),
        decoder_(context.backend.decoder()) {}

  void on_status(long status) override { status_ = status; }

  void on_header(std::string_view name, std::string_view value) override {
    if (iequals(name, "Retry-After")) retry_after_.assign(value);
  }

  bool on_body(std::string_view bytes) override {
    if (!success()) {
      if (error_body_.size() < kMaxErrorBody)
        error_body_.append(bytes.substr(0, kMaxErrorBody - error_body_.size()));
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
      context_.sink.notice(
          fmt::format("waiting for {} to answer (the model may be loading)...", request_.model));
    }
  }

  void on_chunk(Chunk& chunk) override {
    if (done_) return;
    if (chunk.error) {
      context_.sink.flush();
      midstream_error_ = *chunk.error;
      throw Error(ErrorKind::stream,
                  fmt::format("the server reported an error mid-stream: {}", *chunk.error));
    }
    if (!chunk.thinking.empty()) {
      started_ = true;
      result_.thinking.append(chunk.thinking);
      context_.sink.thinking(chunk.thinking);
    }
    if (!chunk.content.empty()) {
      started_ = true;
      if (guard_) {
        answer(guard_->feed(chunk.content));
        check_restart();
      } else {
        answer(chunk.content);
      }
    }
    for (auto& call : chunk.tool_calls) result_.tool_calls.push_back(std::move(call));
    if (chunk.done) {
      if (guard_) {
        answer(guard_->finish());
        check_restart();
      }
      done_ = true;
      result_.done_reason = chunk.done_reason.empty() ? "stop" : chunk.done_reason;
      result_.stats = chunk.stats;
    }
  }

  std::optional<AttemptFailure> finish(const http::Result& r) {
    switch (r.outcome) {
      case http::Outcome::cancelled:
        context_.sink.flush();
        result_.end = TurnResult::End::interrupted;
        result_.signal = context_.cancel.requested();
        return std::nullopt;
      case http::Outcome::stopped:
        result_.end = TurnResult::End::output_closed;
        return std::nullopt;
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
          } catch (const Error& e) {
            context_.sink.flush();  // what was decoded before the bad bytes stays printed
            return failed(e);
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
    if (auto error = transfer_error(r, exchange)) {
      AttemptFailure failure{std::move(*error), {}, {}, started_};
      const ExchangeEnd end{status_, started_, done_};
      failure.retry_reason = retry_reason(r, end, context_.timeouts).value_or("");
      if (is_retryable_status(status_)) failure.retry_after = retry_after_;
      return failure;
    }
    if (!done_) {
      AttemptFailure failure{
          Error(ErrorKind::stream, "the stream ended before the model finished (no final message)"),
          "the stream ended before the model finished",
          {},
          started_};
      return failure;
    }
    result_.end = TurnResult::End::done;
    return std::nullopt;
  }

  // The failure for an error thrown while the reply was read (by on_chunk or the decoder),
  // once what was decoded before it is flushed.
  AttemptFailure failed(const Error& error) {
    AttemptFailure failure{error, {}, {}, started_};
    if (midstream_error_ && (!guard_ || !guard_->restarted())) {
      failure.retry_reason = fmt::format("the server reported an error ({})", *midstream_error_);
    }
    return failure;
  }

 private:
  bool success() const { return status_ >= 200 && status_ < 300; }

  void answer(std::string_view text) {
    if (text.empty()) return;
    result_.content.append(text);
    context_.sink.token(text);
  }

  void check_restart() {
    if (!guard_->restarted()) return;
    context_.sink.flush();
    throw Error(
        ErrorKind::stream,
        fmt::format("the model restarted its answer instead of continuing it; the answer is "
                    "cut after {} bytes",
                    result_.content.size()),
        "this model's prompt format may not continue a message (see RECOVERY in ochat(1)); "
        "--retries 0 keeps the break as it was");
  }

  const TurnContext& context_;
  const ChatRequest& request_;
  TurnResult& result_;
  ContinuationGuard* guard_;
  std::unique_ptr<ChunkDecoder> decoder_;
  long status_ = 0;
  bool done_ = false;
  bool noticed_ = false;
  bool started_ = false;
  std::optional<std::string> midstream_error_;
  std::string retry_after_;
  std::string error_body_;
};

}  // namespace

Message TurnResult::reply() const {
  Message m = Message::text("assistant", content.str());
  m.thinking = thinking.str();
  m.tool_calls = tool_calls;
  return m;
}

std::optional<AttemptFailure> run_attempt(const TurnContext& context, const ChatRequest& request,
                                          TurnResult& into, const AttemptOptions& options) {
  ReplyReader reader(context, request, into, options.guard);
  const http::Request http_request = context.backend.chat_request(request);
  http::Result result;
  try {
    result = context.transport.perform(http_request, reader, options.timeouts, context.cancel);
  } catch (const Error& e) {
    return reader.failed(e);
  }
  return reader.finish(result);
}

TurnResult run_turn(const TurnContext& context, const ChatRequest& request) {
  TurnResult result;
  if (auto failure = run_attempt(context, request, result, {context.timeouts, nullptr})) {
    throw std::move(failure->error);
  }
  return result;
}

}  // namespace ochat::chat
