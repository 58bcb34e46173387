#include "core/batch/progress.hpp"

#include <fmt/format.h>

namespace ochat::batch {

std::string clock_text(std::chrono::milliseconds duration) {
  const auto seconds = std::max<std::int64_t>(0, duration.count() / 1000);
  if (seconds >= 3600) {
    return fmt::format("{}:{:02}:{:02}", seconds / 3600, seconds / 60 % 60, seconds % 60);
  }
  return fmt::format("{}:{:02}", seconds / 60, seconds % 60);
}

namespace {

double seconds_of(std::chrono::milliseconds elapsed) {
  return static_cast<double>(elapsed.count()) / 1000.0;
}

}  // namespace

std::string progress_line(const BatchCounts& counts, std::chrono::milliseconds elapsed) {
  const std::size_t done = counts.finished + counts.skipped;
  std::string line = counts.input_done ? fmt::format("{}/{} items", done, counts.items)
                                       : fmt::format("{} items", done);
  if (counts.failed > 0) line += fmt::format(", {} failed", counts.failed);
  if (counts.generated_tokens > 0 && elapsed.count() > 0) {
    line += fmt::format(", {:.1f} tokens/s",
                        static_cast<double>(counts.generated_tokens) / seconds_of(elapsed));
  }
  line += ", " + clock_text(elapsed);
  if (counts.input_done && counts.finished > 0 && done < counts.items) {
    const auto per_item = elapsed / static_cast<std::int64_t>(counts.finished);
    line += ", ETA " + clock_text(per_item * static_cast<std::int64_t>(counts.items - done));
  }
  return line;
}

std::string summary_line(const BatchCounts& counts, std::chrono::milliseconds elapsed) {
  const std::size_t succeeded = counts.finished - counts.failed;
  const std::size_t interrupted = counts.items - counts.finished - counts.skipped;
  std::string line =
      fmt::format("ochat: {} items: {} succeeded, {} failed, {} skipped, {} interrupted",
                  counts.items, succeeded, counts.failed, counts.skipped, interrupted);
  line += fmt::format("; {} tokens in {:.1f} s", counts.generated_tokens, seconds_of(elapsed));
  if (elapsed.count() > 0) {
    line += fmt::format(" ({:.1f} tokens/s)",
                        static_cast<double>(counts.generated_tokens) / seconds_of(elapsed));
  }
  return line;
}

ProgressDisplay::ProgressDisplay(io::FdStream& err, const sys::Clock& clock)
    : err_(err), clock_(clock), enabled_(err.is_terminal()), start_(clock.now()) {}

std::chrono::milliseconds ProgressDisplay::elapsed() const {
  return std::chrono::duration_cast<std::chrono::milliseconds>(clock_.now() - start_);
}

void ProgressDisplay::update(const BatchCounts& counts) {
  if (!enabled_) return;
  const auto now = clock_.now();
  if (shown_ && now - last_ < std::chrono::milliseconds(100)) return;
  last_ = now;
  std::string line = progress_line(counts, elapsed());
  // Blanks over the end of a longer line before: no escape sequence (fine with NO_COLOR too).
  const std::size_t width = line.size();
  if (shown_ && width_ > width) line.append(width_ - width, ' ');
  err_.append("\r" + line);
  err_.flush();
  width_ = width;
  shown_ = true;
}

void ProgressDisplay::erase() {
  if (!shown_) return;
  shown_ = false;
  err_.append("\r" + std::string(width_, ' ') + "\r");
  err_.flush();
  width_ = 0;
}

}  // namespace ochat::batch
