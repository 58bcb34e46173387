#include "core/events/text_sink.hpp"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "core/events/stats_format.hpp"
#include "core/text/excerpt.hpp"

namespace ochat::events {

namespace {
constexpr std::string_view kDim = "\x1b[2m";
constexpr std::string_view kReset = "\x1b[0m";
// With --hide-thinking, on a terminal, while the model thinks unseen; erased by writing spaces
// over it (no escape sequence, so NO_COLOR holds too).
constexpr std::string_view kThinkingIndicator = "ochat: thinking...";
// Without colour (NO_COLOR) on a terminal, thinking and answer are told apart by these.
constexpr std::string_view kThinkingLabel = "Thinking:\n";
constexpr std::string_view kAnswerLabel = "Answer:\n";
}  // namespace

void TextSink::start(const StartInfo&) {
  wrote_answer_ = false;
  thought_ = false;
  failed_ = false;
}

void TextSink::token(std::string_view text) {
  if (text.empty()) return;
  end_thinking();
  if (thought_ && labels() && out_.is_terminal()) {
    err_.append(kAnswerLabel);
    err_.flush();
    thought_ = false;
  }
  if (options_.safe_out) {
    const std::string safe = answer_filter_.filter(text);
    out_.append(safe);
    out_.note_last_byte(safe);
  } else {
    out_.append(text);
    out_.note_last_byte(text);
  }
  wrote_answer_ = true;
}

void TextSink::thinking(std::string_view text) {
  if (text.empty()) return;
  if (options_.hide_thinking) {
    if (err_.is_terminal() && !indicator_) {
      err_.append(kThinkingIndicator);
      err_.flush();
      indicator_ = true;
    }
    return;
  }
  if (!in_thinking_) {
    if (options_.color) {
      err_.append(kDim);
    } else if (labels()) {
      err_.append(kThinkingLabel);
    }
    in_thinking_ = true;
    thought_ = true;
  }
  if (options_.safe_err) {
    const std::string safe = thinking_filter_.filter(text);
    err_.append(safe);
    err_.note_last_byte(safe);
  } else {
    err_.append(text);
    err_.note_last_byte(text);
  }
}

// One line per call on stderr: "ochat: tool NAME {args...} -> ok (12 ms)". The name and
// arguments are written before the tool runs, the outcome when it is known.
void TextSink::tool_call(const ToolCallInfo& info) {
  if (!err_.is_terminal() && !options_.verbose) return;
  end_lines();
  std::string args =
      info.arguments
          ? info.arguments->dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace)
          : "{}";
  if (args.size() > 60) args = text::excerpt(args, 57);
  err_.append(fmt::format("ochat: tool {} {} -> ", for_err(info.name), args));
  err_.flush();
}

void TextSink::tool_result(const ToolResultInfo& info) {
  if (!err_.is_terminal() && !options_.verbose) return;
  if (info.is_error) {
    std::string first = info.content.substr(0, info.content.find('\n'));
    err_.append(
        fmt::format("error ({} ms): {}\n", info.duration_ms, for_err(text::excerpt(first, 100))));
  } else {
    err_.append(fmt::format("ok ({} ms, {} bytes)\n", info.duration_ms, info.content.size()));
  }
  err_.note_last_byte("\n");
  err_.flush();
}

void TextSink::retry(const RetryInfo& info) {
  end_thinking();
  out_.flush();  // the answer so far first
  // On a terminal the answer's line may be open: the notice goes on a line of its own.
  if (out_.is_terminal() && err_.is_terminal() && wrote_answer_ && out_.last_byte() != '\n') {
    err_.append("\n");
  }
  const std::string delay = fmt::format("{:.1f} s", static_cast<double>(info.delay_ms) / 1000.0);
  std::string what;
  if (info.continues) {
    what = fmt::format("{} after {} bytes of the answer; continuing it in {}", info.reason,
                       info.answer_bytes, delay);
  } else if (info.after_thinking) {
    what = fmt::format("{} during the model's thinking; restarting the request in {}", info.reason,
                       delay);
  } else {
    what = fmt::format("{}; retrying in {}", info.reason, delay);
  }
  err_.append(fmt::format("ochat: {} ({} of {})\n", what, info.attempt, info.max_retries));
  err_.note_last_byte("\n");
  err_.flush();
}

void TextSink::notice(std::string_view text) {
  if (!err_.is_terminal()) return;  // progress notes are for people, not logs
  end_thinking();
  err_.append("ochat: ");
  err_.append(text);
  err_.append("\n");
  err_.flush();
}

void TextSink::before_question() {
  end_lines();
  err_.flush();
}

void TextSink::end_lines() {
  end_thinking();
  out_.flush();
  if (out_.is_terminal() && out_.last_byte() != '\n' && out_.last_byte() != 0) {
    out_.append("\n");  // the answer so far and the line that follows share the terminal
    out_.note_last_byte("\n");
    out_.flush();
  }
}

void TextSink::erase_indicator() {
  if (!indicator_) return;
  indicator_ = false;
  err_.append("\r" + std::string(kThinkingIndicator.size(), ' ') + "\r");
  err_.flush();  // before the answer, on stdout, takes its place
}

std::string TextSink::for_err(std::string_view text) const {
  return options_.safe_err ? text::terminal_safe(text) : std::string(text);
}

bool TextSink::labels() const { return err_.is_terminal() && !options_.color; }

void TextSink::end_thinking() {
  erase_indicator();
  if (!in_thinking_) return;
  in_thinking_ = false;
  if (options_.safe_err) {
    const std::string rest = thinking_filter_.finish();
    err_.append(rest);
    err_.note_last_byte(rest);
  }
  if (options_.color) err_.append(kReset);
  if (err_.last_byte() != '\n') {
    err_.append("\n");
    err_.note_last_byte("\n");
  }
  // The thinking must reach the terminal before the answer that follows it.
  err_.flush();
}

void TextSink::done(const DoneInfo& info) {
  end_thinking();
  if (options_.safe_out) {
    const std::string rest = answer_filter_.finish();
    out_.append(rest);
    out_.note_last_byte(rest);
  }
  if (options_.final_newline && wrote_answer_ && out_.last_byte() != '\n') {
    out_.append("\n");  // Unix text ends with a newline: `| while read`, `wc -l`, `>> log`
    out_.note_last_byte("\n");
  }
  if (options_.verbose) {
    const std::string stats = format_stats(info.stats);
    if (!stats.empty()) {
      out_.flush();  // the answer first, then the block below it
      err_.append(stats);
    }
  }

  if (info.reason == "length" && err_.is_terminal() && !failed_) {
    out_.flush();  // below the answer it is about
    err_.append("ochat: the answer stopped at the token limit (raise it with -o num_predict=N)\n");
  }
  flush();
}

bool TextSink::flush() {
  err_.flush();
  return out_.flush();
}

}  // namespace ochat::events
