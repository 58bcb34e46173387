#include "core/chat/text_buffer.hpp"

#include <algorithm>
#include <cstring>

namespace ochat::chat {

void TextBuffer::append(std::string_view text) {
  while (!text.empty()) {
    const std::size_t used = size_ % kBlockSize;
    if (used == 0 && size_ / kBlockSize == blocks_.size()) {
      blocks_.push_back(std::make_unique_for_overwrite<char[]>(kBlockSize));
    }
    const std::size_t n = std::min(text.size(), kBlockSize - used);
    std::memcpy(blocks_.back().get() + used, text.data(), n);
    size_ += n;
    text.remove_prefix(n);
  }
}

std::string TextBuffer::str() const {
  std::string text;
  text.reserve(size_);
  for (std::size_t i = 0; i < blocks_.size(); ++i) {
    text.append(blocks_[i].get(), std::min(kBlockSize, size_ - i * kBlockSize));
  }
  return text;
}

}  // namespace ochat::chat
