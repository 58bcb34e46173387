#pragma once
// Reads the items of a batch one at a time from a byte stream (standard input or --each-file),
// so that a batch of any length flows through in bounded memory.
#include <cstddef>
#include <functional>
#include <optional>
#include <string>

#include "core/batch/item.hpp"

namespace ochat::batch {

// Reads up to `size` bytes into `buffer`: the number read, 0 at the end of the input. Throws
// ochat::Error when the input cannot be read (or the read was interrupted).
using ReadFunction = std::function<std::size_t(char* buffer, std::size_t size)>;

enum class ItemFormat { lines, jsonl };

class ItemReader {
 public:
  // Longest line accepted: a longer one fails the whole batch (a usage error) rather than
  // holding unbounded memory.
  static constexpr std::size_t kMaxLine = std::size_t{64} << 20;

  ItemReader(ReadFunction read, ItemFormat format);

  // The next item, or nothing at the end of the input. Lines that are empty (or hold only
  // spaces, tabs and a '\r') are skipped and not counted; a "\r\n" ending loses its '\r'; a
  // last line without a newline is an item. Throws ochat::Error for a read that failed.
  std::optional<Item> next();

  // Items handed out so far.
  std::size_t count() const noexcept { return count_; }

 private:
  std::optional<std::string> next_line();

  ReadFunction read_;
  ItemFormat format_;
  std::string buffer_;
  std::size_t start_ = 0;  // where the unread part of buffer_ begins
  bool eof_ = false;
  std::size_t count_ = 0;
};

// A ReadFunction over a file descriptor that also watches `wake_fd` (the CancelToken's, -1:
// none): once it is readable, the read throws the interruption `signal()` gives.
ReadFunction fd_reader(int fd, int wake_fd, std::function<int()> signal);

}  // namespace ochat::batch
