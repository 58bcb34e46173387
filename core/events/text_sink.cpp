#include "core/events/text_sink.hpp"

#include "core/events/stats_format.hpp"

namespace ochat::events {

namespace {
constexpr std::string_view kDim = "\x1b[2m";
constexpr std::string_view kReset = "\x1b[0m";
}  // namespace

void TextSink::token(std::string_view text) {
  if (text.empty()) return;
  end_thinking();
  out_.append(text);
  out_.note_last_byte(text);
  wrote_answer_ = true;
}

void TextSink::thinking(std::string_view text) {
  if (options_.hide_thinking || text.empty()) return;
  if (!in_thinking_) {
    if (options_.color) err_.append(kDim);
    in_thinking_ = true;
  }
  err_.append(text);
  err_.note_last_byte(text);
}

void TextSink::notice(std::string_view text) {
  if (!err_.is_terminal()) return;  // progress notes are for people, not logs
  end_thinking();
  err_.append("ochat: ");
  err_.append(text);
  err_.append("\n");
  err_.flush();
}

void TextSink::end_thinking() {
  if (!in_thinking_) return;
  in_thinking_ = false;
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
  if (out_.is_terminal() && wrote_answer_ && out_.last_byte() != '\n') out_.append("\n");
  if (options_.verbose) {
    const std::string stats = format_stats(info.stats);
    if (!stats.empty()) {
      out_.flush();  // the answer first, then the block below it
      err_.append(stats);
    }
  }
  flush();
}

bool TextSink::flush() {
  err_.flush();
  return out_.flush();
}

}  // namespace ochat::events
