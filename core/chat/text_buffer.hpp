#pragma once
// Text that only grows, such as a streamed answer, kept in fixed-size blocks. Appending never
// moves what is already stored, so memory stays the text plus one partly filled block, where a
// std::string would double its capacity, copy, and leave the old buffers to the heap.
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace ochat::chat {

class TextBuffer {
 public:
  static constexpr std::size_t kBlockSize = 64 * 1024;  // below glibc's mmap threshold

  void append(std::string_view text);
  std::size_t size() const noexcept { return size_; }
  // Empties it, giving the memory back.
  void clear() noexcept {
    blocks_.clear();
    size_ = 0;
  }
  bool empty() const noexcept { return size_ == 0; }
  // The whole text, in a string of exactly its size.
  std::string str() const;

 private:
  std::vector<std::unique_ptr<char[]>> blocks_;
  std::size_t size_ = 0;
};

}  // namespace ochat::chat
