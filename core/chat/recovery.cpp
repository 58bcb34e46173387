#include "core/chat/recovery.hpp"

#include <fmt/format.h>

#include <random>

#include "core/http/retry_after.hpp"

namespace ochat::chat {
namespace {

using std::chrono::milliseconds;

// The request that asks the model to go on with the answer printed so far.
ChatRequest continuation(const ChatRequest& request, const TurnResult& so_far) {
  ChatRequest next = request;
  Message answer = Message::text("assistant", so_far.content.str());
  answer.thinking = so_far.thinking.str();
  next.messages.push_back(std::move(answer));
  next.continue_answer = true;
  return next;
}

// A continuation the server would not take: the answer stays cut, a stream error.
Error not_continued(const Error& error) {
  return Error(ErrorKind::stream,
               fmt::format("the answer could not be continued: {}", error.what()), error.hint());
}

}  // namespace

TurnResult run_recovering_turn(const TurnContext& context, const ChatRequest& request,
                               const RecoveryOptions& options) {
  TurnResult turn;
  run_recovering_turn(context, request, options, turn);
  return turn;
}

void run_recovering_turn(const TurnContext& context, const ChatRequest& request,
                         const RecoveryOptions& options, TurnResult& turn) {
  sys::SystemClock system_clock;
  sys::Clock& clock = options.clock ? *options.clock : system_clock;
  std::mt19937_64 generator(std::random_device{}());
  std::uniform_real_distribution<double> uniform(0.0, 1.0);
  const auto random = [&] { return options.random ? options.random() : uniform(generator); };

  const http::Timeouts& timeouts = context.timeouts;
  std::optional<std::chrono::steady_clock::time_point> deadline;
  if (timeouts.total) deadline = clock.now() + *timeouts.total;

  for (int retries = 0;; ++retries) {
    AttemptOptions attempt{timeouts, nullptr};
    if (deadline) {
      const auto left = std::chrono::duration_cast<milliseconds>(*deadline - clock.now());
      attempt.timeouts.total = std::max(left, milliseconds(1));
    }
    std::optional<ChatRequest> continued;
    std::optional<ContinuationGuard> guard;
    if (!turn.content.empty()) {
      continued = continuation(request, turn);
      guard.emplace(continued->messages.back().content);
      attempt.guard = &*guard;
      turn.continued = true;
    }
    const bool continuing = continued.has_value();
    auto failure = run_attempt(context, continuing ? *continued : request, turn, attempt);
    turn.retries = retries;
    if (!failure) return;

    turn.tool_calls.clear();  // calls of a reply that broke are never run
    if (continuing && !failure->reply_started && failure->retry_reason.empty() &&
        (failure->error.kind() == ErrorKind::http || failure->error.kind() == ErrorKind::connect)) {
      throw not_continued(failure->error);
    }
    if (failure->retry_reason.empty() || retries >= options.policy.retries) throw failure->error;

    std::optional<milliseconds> retry_after;
    if (!failure->retry_after.empty()) {
      retry_after = http::parse_retry_after(failure->retry_after, clock.wall_now());
    }
    const milliseconds delay = options.policy.delay(retries + 1, retry_after, random());
    if (deadline && clock.now() + delay >= *deadline) throw failure->error;  // no time left

    events::RetryInfo info;
    info.attempt = retries + 1;
    info.retries = options.policy.retries;
    info.reason = failure->retry_reason;
    info.delay_ms = delay.count();
    info.continues = !turn.content.empty();
    info.answer_bytes = static_cast<std::int64_t>(turn.content.size());
    info.after_thinking = !info.continues && !turn.thinking.empty();
    if (!info.continues) turn.thinking.clear();  // asked from the start, the model thinks again
    context.sink.retry(info);
    if (!context.sink.flush()) {
      turn.end = TurnResult::End::output_closed;
      return;
    }
    if (const int signal = clock.sleep(delay, context.cancel); signal != 0) {
      turn.end = TurnResult::End::interrupted;
      turn.signal = signal;
      return;
    }
  }
}

}  // namespace ochat::chat
