#include "core/batch/item_reader.hpp"

#include <fmt/format.h>
#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace ochat::batch {

ItemReader::ItemReader(ReadFunction read, ItemFormat format)
    : read_(std::move(read)), format_(format) {}

std::optional<std::string> ItemReader::next_line() {
  for (;;) {
    const std::size_t nl = buffer_.find('\n', start_);
    if (nl != std::string::npos) {
      std::string line = buffer_.substr(start_, nl - start_);
      start_ = nl + 1;
      return line;
    }
    if (eof_) {
      if (start_ >= buffer_.size()) return std::nullopt;
      std::string line = buffer_.substr(start_);
      buffer_.clear();
      start_ = 0;
      return line;
    }
    // Keep only the part not handed out yet, then read more after it.
    buffer_.erase(0, start_);
    start_ = 0;
    if (buffer_.size() > kMaxLine) {
      throw Error(ErrorKind::usage,
                  fmt::format("item {} is longer than {} MiB", count_ + 1, kMaxLine >> 20));
    }
    const std::size_t old = buffer_.size();
    buffer_.resize(old + 64 * 1024);
    const std::size_t got = read_(buffer_.data() + old, 64 * 1024);
    buffer_.resize(old + got);
    if (got == 0) eof_ = true;
  }
}

std::optional<Item> ItemReader::next() {
  while (auto line = next_line()) {
    if (!line->empty() && line->back() == '\r') line->pop_back();
    if (line->find_first_not_of(" \t\r") == std::string::npos) continue;
    const std::size_t index = count_++;
    return format_ == ItemFormat::jsonl ? jsonl_item(index, *line) : plain_item(index, *line);
  }
  return std::nullopt;
}

ReadFunction fd_reader(int fd, int wake_fd, std::function<int()> signal) {
  return [fd, wake_fd, signal = std::move(signal)](char* buffer, std::size_t size) -> std::size_t {
    for (;;) {
      if (wake_fd >= 0) {
        pollfd fds[2] = {{fd, POLLIN, 0}, {wake_fd, POLLIN, 0}};
        const int ready = ::poll(fds, 2, -1);
        if (ready < 0 && errno != EINTR) {
          throw Error(ErrorKind::internal,
                      fmt::format("cannot read the items: {}", std::strerror(errno)));
        }
        if (const int sig = signal ? signal() : 0; sig != 0) throw Error::interrupted(sig);
        if (ready <= 0 || (fds[0].revents == 0 && fds[1].revents != 0)) continue;
      }
      const ssize_t got = ::read(fd, buffer, size);
      if (got >= 0) return static_cast<std::size_t>(got);
      if (errno == EINTR || errno == EAGAIN) continue;
      throw Error(ErrorKind::internal,
                  fmt::format("cannot read the items: {}", std::strerror(errno)));
    }
  };
}

}  // namespace ochat::batch
