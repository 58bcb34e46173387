#pragma once
// Splits a byte stream into lines, whatever the reads look like: a line split across reads,
// several lines in one read, a final line without a newline. A "\r\n" ending loses its '\r'.
// Lines are handed out whole, so a multi-byte UTF-8 character is never cut.
#include <cstddef>
#include <string>
#include <string_view>

#include "core/error.hpp"

namespace ochat::ndjson {

class LineSplitter {
 public:
  // Longest line accepted; a longer one is a stream error rather than unbounded memory.
  static constexpr std::size_t kDefaultMaxLine = std::size_t{64} << 20;

  explicit LineSplitter(std::size_t max_line = kDefaultMaxLine) : max_line_(max_line) {}

  // Calls on_line(std::string_view) for each complete line in `bytes`. Empty lines are skipped.
  // Lines that lie whole inside `bytes` are passed without copying.
  template <class OnLine>
  void feed(std::string_view bytes, OnLine&& on_line) {
    while (!bytes.empty()) {
      std::size_t nl = bytes.find('\n');
      if (nl == std::string_view::npos) {
        keep(bytes);
        return;
      }
      if (partial_.empty()) {
        if (nl > max_line_) too_long();
        emit(bytes.substr(0, nl), on_line);
      } else {
        keep(bytes.substr(0, nl));
        std::string line = std::move(partial_);
        partial_.clear();
        emit(line, on_line);
      }
      bytes.remove_prefix(nl + 1);
    }
  }

  // End of stream: hands out the last line if it had no newline.
  template <class OnLine>
  void finish(OnLine&& on_line) {
    if (partial_.empty()) return;
    std::string line = std::move(partial_);
    partial_.clear();
    emit(line, on_line);
  }

  // Bytes held back waiting for their newline.
  std::size_t pending() const noexcept { return partial_.size(); }

 private:
  void keep(std::string_view bytes);
  [[noreturn]] void too_long() const;

  template <class OnLine>
  static void emit(std::string_view line, OnLine& on_line) {
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (!line.empty()) on_line(line);
  }

  std::size_t max_line_;
  std::string partial_;
};

}  // namespace ochat::ndjson
