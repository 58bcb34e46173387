#include "core/chat/conversation.hpp"

#include <fmt/format.h>

namespace ochat::chat {

ConversationResult run_conversation(const TurnContext& context, ChatRequest request) {
  context.sink.start({request.model, context.backend.host()});
  TurnResult turn = run_turn(context, request);
  ConversationResult result;
  result.end = turn.end;
  result.signal = turn.signal;
  switch (turn.end) {
    case TurnResult::End::done:
      context.sink.done({turn.done_reason == "length" ? "length" : "stop", turn.stats});
      break;
    case TurnResult::End::interrupted:
      context.sink.done({"interrupted", turn.stats});
      break;
    case TurnResult::End::output_closed:
      break;  // nobody is reading: say nothing more
  }
  request.messages.push_back(std::move(turn.reply));
  return result;
}

namespace {

class BodyCollector final : public http::ResponseHandler {
 public:
  void on_status(long status) override { status_ = status; }
  bool on_body(std::string_view bytes) override {
    if (body_.size() + bytes.size() > kMax) return false;
    body_.append(bytes);
    return true;
  }
  long status() const { return status_; }
  const std::string& body() const { return body_; }

 private:
  static constexpr std::size_t kMax = 16 << 20;
  long status_ = 0;
  std::string body_;
};

}  // namespace

std::vector<std::string> list_models(const TurnContext& context) {
  BodyCollector collector;
  const http::Result r = context.transport.perform(context.backend.models_request(), collector,
                                                   context.timeouts, context.cancel);
  if (r.outcome == http::Outcome::connect_failed) {
    throw Error(ErrorKind::connect, fmt::format("cannot connect to the server at {}: {}", context.backend.host(), r.message));
  }
  if (r.outcome != http::Outcome::completed || collector.status() < 200 || collector.status() >= 300) {
    throw Error(ErrorKind::http, fmt::format("cannot list the models of {}", context.backend.host()));
  }
  return context.backend.parse_models(collector.body());
}

}  // namespace ochat::chat
