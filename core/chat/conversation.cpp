#include "core/chat/conversation.hpp"

#include <fmt/format.h>

#include "core/chat/cut_tool_calls.hpp"

namespace ochat::chat {

namespace {

void add(std::optional<std::int64_t>& total, const std::optional<std::int64_t>& more) {
  if (more) total = total.value_or(0) + *more;
}

// Counts and durations of all the requests of a run.
void accumulate(events::Stats& total, const events::Stats& more) {
  add(total.prompt_tokens, more.prompt_tokens);
  add(total.generated_tokens, more.generated_tokens);
  add(total.total_ns, more.total_ns);
  add(total.load_ns, more.load_ns);
  add(total.prompt_eval_ns, more.prompt_eval_ns);
  add(total.eval_ns, more.eval_ns);
}

// The files attached to the message this run sends (the last one), for the `start` event.
std::vector<events::AttachmentInfo> attachments_of(const ChatRequest& request) {
  std::vector<events::AttachmentInfo> list;
  if (request.messages.empty()) return list;
  for (const auto& a : request.messages.back().attachments)
    list.push_back({a.name, a.media_type, a.size});
  return list;
}

}  // namespace

ConversationResult run_conversation(const TurnContext& context, ChatRequest request,
                                    const ConversationOptions& options) {
  auto& sink = context.sink;
  sink.start({request.model, context.backend.host(), attachments_of(request)});
  if (!sink.flush())
    return {TurnResult::End::output_closed, 0};  // nobody to stream to: send nothing
  events::Stats stats;
  int call_number = 0;
  for (int round = 1;; ++round) {
    TurnResult turn = run_recovering_turn(context, request, options.recovery);
    accumulate(stats, turn.stats);
    switch (turn.end) {
      case TurnResult::End::interrupted:
        sink.done({"interrupted", stats});
        return {TurnResult::End::interrupted, turn.signal};
      case TurnResult::End::output_closed:
        return {TurnResult::End::output_closed, 0};  // nobody is reading: say nothing more
      case TurnResult::End::done:
        break;
    }
    if (turn.done_reason == "length" && !turn.tool_calls.empty()) {
      throw CutToolCallsError(turn.tool_calls, stats);  // none is run: they may be unfinished
    }
    if (turn.tool_calls.empty() || options.tools == nullptr) {
      sink.done({turn.done_reason == "length" ? "length" : "stop", stats});
      return {TurnResult::End::done, 0};
    }
    if (round >= options.max_rounds) {
      throw Error(
          ErrorKind::internal,
          fmt::format("the model still asked for tools after {} request{} (--max-rounds {})", round,
                      round == 1 ? "" : "s", options.max_rounds));
    }
    const std::vector<ToolCall> calls = turn.tool_calls;
    request.messages.push_back(turn.reply());
    for (const auto& call : calls) {
      const std::string id = call.id.empty() ? fmt::format("call_{}", ++call_number) : call.id;
      // Asked first (--confirm), then announced: the question and the progress line do not mix.
      const std::optional<ToolOutcome> decided = options.tools->approve(call, context.cancel);
      if ((decided && decided->interrupted) || context.cancel.requested() != 0) {
        sink.done({"interrupted", stats});  // interrupted at the question: the call is not shown
        return {TurnResult::End::interrupted, context.cancel.requested()};
      }
      sink.tool_call({id, call.name, &call.arguments});
      const ToolOutcome outcome = decided ? *decided : options.tools->run(call, context.cancel);
      sink.tool_result(
          {id, call.name, outcome.content, outcome.is_error, outcome.duration.count()});
      if (!sink.flush()) return {TurnResult::End::output_closed, 0};
      if (outcome.interrupted || context.cancel.requested() != 0) {
        sink.done({"interrupted", stats});
        return {TurnResult::End::interrupted, context.cancel.requested()};
      }
      Message result = Message::text("tool", outcome.content);
      result.tool_name = call.name;
      result.tool_call_id = call.id;
      request.messages.push_back(std::move(result));
    }
  }
}

}  // namespace ochat::chat
