#include "core/chat/conversation.hpp"

#include <fmt/format.h>

#include <csignal>

#include "core/chat/cut_tool_calls.hpp"
#include "core/events/stats.hpp"

namespace ochat::chat {

namespace {

MessageNote cut_note(Cut cut) {
  MessageNote note;
  note.cut = cut;
  return note;
}

MessageNote done_note(const std::string& reason) {
  MessageNote note;
  note.done_reason = reason;
  return note;
}

// Appends to the log of a run (when there is one).
class Keeper {
 public:
  explicit Keeper(const ConversationOptions& options) : options_(options) {}

  void reply(const TurnResult& turn, MessageNote note) {
    if (options_.log == nullptr || turn.empty()) return;
    note.stats = turn.stats;
    options_.log->append(turn.reply(), note);
  }

  // A reply cut by a signal: a failure to keep it is only a warning.
  void interrupted_reply(const TurnResult& turn, int signal) {
    try {
      reply(turn, cut_note(cut_for_signal(signal)));
    } catch (const Error& e) {
      warn(e.what());
    }
  }

  // A reply cut by `error`, which the caller rethrows: a failure to keep it is a warning.
  void failed_reply(const TurnResult& turn, const Error& error, int signal) {
    MessageNote note;
    if (signal != 0) {
      note.cut = cut_for_signal(signal);
    } else {
      note.cut = Cut::error;
      note.error_kind = error.kind();
      note.error = error.what();
    }
    try {
      reply(turn, note);
    } catch (const Error& e) {
      warn(e.what());
    }
  }

  void result(const ToolCall& call, const ToolOutcome& outcome) {
    if (options_.log == nullptr) return;
    MessageNote note;
    note.is_error = outcome.is_error;
    note.duration_ms = outcome.duration.count();
    if (outcome.interrupted) note.cut = Cut::interrupted;
    options_.log->append(tool_message(call, outcome.content), note);
  }

  // Results for the calls that never ran, so that every call of the saved reply is answered.
  void not_run(const std::vector<ToolCall>& calls, std::size_t from, const std::string& why,
               Cut cut, bool only_warn) {
    if (options_.log == nullptr) return;
    try {
      for (std::size_t i = from; i < calls.size(); ++i) {
        MessageNote note;
        note.cut = cut;
        note.is_error = true;
        options_.log->append(tool_message(calls[i], "The tool was not run: " + why), note);
      }
    } catch (const Error& e) {
      if (!only_warn) throw;
      warn(e.what());
    }
  }

  static Message tool_message(const ToolCall& call, const std::string& content) {
    Message m = Message::text("tool", content);
    m.tool_name = call.name;
    m.tool_call_id = call.id;
    return m;
  }

 private:
  void warn(const std::string& text) const {
    if (options_.warn) options_.warn(text);
  }

  const ConversationOptions& options_;
};

// The files attached to the message this run sends (the last one), for the `start` event.
std::vector<events::AttachmentInfo> attachments_of(const ChatRequest& request) {
  std::vector<events::AttachmentInfo> list;
  if (request.messages.empty()) return list;
  for (const auto& a : request.messages.back().attachments)
    list.push_back({a.name, a.media_type, a.size});
  return list;
}

}  // namespace

Cut cut_for_signal(int signal) noexcept {
  return signal == SIGTERM ? Cut::terminated : Cut::interrupted;
}

ConversationResult run_conversation(const TurnContext& context, ChatRequest request,
                                    const ConversationOptions& options) {
  auto& sink = context.sink;
  sink.start({request.model, context.backend.host(), attachments_of(request), options.conversation,
              options.earlier_messages});
  if (!sink.flush())
    return {TurnResult::End::output_closed, 0};  // nobody to stream to: send nothing
  Keeper keeper(options);
  events::Stats stats;
  int call_number = 0;
  for (int round = 1;; ++round) {
    TurnResult turn;
    try {
      run_recovering_turn(context, request, options.recovery, turn);
    } catch (const Error& e) {
      keeper.failed_reply(turn, e, context.cancel.requested());
      throw;
    }
    events::accumulate(stats, turn.stats);
    switch (turn.end) {
      case TurnResult::End::interrupted:
        keeper.interrupted_reply(turn, turn.signal);
        sink.done({"interrupted", stats});
        return {TurnResult::End::interrupted, turn.signal};
      case TurnResult::End::output_closed:
        keeper.reply(turn, cut_note(Cut::output_closed));
        return {TurnResult::End::output_closed, 0};  // nobody is reading: say nothing more
      case TurnResult::End::done:
        break;
    }
    keeper.reply(turn, done_note(turn.done_reason));
    if (turn.done_reason == "length" && !turn.tool_calls.empty()) {
      keeper.not_run(turn.tool_calls, 0,
                     "the answer reached the token limit before its calls were whole.", Cut::error,
                     false);
      throw CutToolCallsError(turn.tool_calls, stats);  // none is run: they may be unfinished
    }
    if (turn.tool_calls.empty() || options.tools == nullptr) {
      sink.done({turn.done_reason == "length" ? "length" : "stop", stats});
      return {TurnResult::End::done, 0};
    }
    if (round >= options.max_rounds) {
      const std::string message =
          fmt::format("the model still asked for tools after {} request{} (--max-rounds {})", round,
                      round == 1 ? "" : "s", options.max_rounds);
      keeper.not_run(turn.tool_calls, 0, fmt::format("ochat stopped: {}.", message), Cut::error,
                     false);
      throw Error(ErrorKind::internal, message);
    }
    const std::vector<ToolCall> calls = turn.tool_calls;
    request.messages.push_back(turn.reply());
    for (std::size_t i = 0; i < calls.size(); ++i) {
      const ToolCall& call = calls[i];
      const std::string id = call.id.empty() ? fmt::format("call_{}", ++call_number) : call.id;
      // Asked first (--confirm), then announced: the question and the progress line do not mix.
      const std::optional<ToolOutcome> decided = options.tools->approve(call, context.cancel);
      if ((decided && decided->interrupted) || context.cancel.requested() != 0) {
        const int signal = context.cancel.requested();
        keeper.not_run(calls, i, "the user interrupted ochat.", cut_for_signal(signal), true);
        sink.done({"interrupted", stats});  // interrupted at the question: the call is not shown
        return {TurnResult::End::interrupted, signal};
      }
      sink.tool_call({id, call.name, &call.arguments});
      const ToolOutcome outcome = decided ? *decided : options.tools->run(call, context.cancel);
      sink.tool_result(
          {id, call.name, outcome.content, outcome.is_error, outcome.duration.count()});
      const int signal = context.cancel.requested();
      const bool interrupted = outcome.interrupted || signal != 0;
      if (interrupted) {
        try {
          keeper.result(call, outcome);
        } catch (const Error& e) {
          if (options.warn) options.warn(e.what());
        }
        keeper.not_run(calls, i + 1, "the user interrupted ochat.", cut_for_signal(signal), true);
      } else {
        keeper.result(call, outcome);
      }
      if (!sink.flush()) {
        if (!interrupted) {
          keeper.not_run(calls, i + 1, "nobody was reading ochat's output any more.",
                         Cut::output_closed, false);
        }
        return {TurnResult::End::output_closed, 0};
      }
      if (interrupted) {
        sink.done({"interrupted", stats});
        return {TurnResult::End::interrupted, signal};
      }
      request.messages.push_back(Keeper::tool_message(call, outcome.content));
    }
  }
}

}  // namespace ochat::chat
