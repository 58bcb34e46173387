#include "core/io/fd_stream.hpp"

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>

namespace ochat::io {

FdStream::FdStream(int fd) : fd_(fd), terminal_(::isatty(fd) == 1) {}

bool FdStream::flush() {
  if (closed_) {
    buffer_.clear();
    return false;
  }
  std::size_t done = 0;
  while (done < buffer_.size()) {
    ssize_t n = ::write(fd_, buffer_.data() + done, buffer_.size() - done);
    if (n > 0) {
      done += static_cast<std::size_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      pollfd p{fd_, POLLOUT, 0};
      ::poll(&p, 1, -1);
      continue;
    }
    // EPIPE, EBADF, ENOSPC...: nobody can read what we write any more
    error_ = n < 0 ? errno : EIO;  // write() returning 0 for a non-empty buffer: treat as EIO
    closed_ = true;
    break;
  }
  buffer_.clear();
  return !closed_;
}

bool use_color(const FdStream& stream) {
  const char* no_color = std::getenv("NO_COLOR");
  return stream.is_terminal() && (no_color == nullptr || *no_color == '\0');
}

void reserve_standard_fds() {
  for (int fd = 0; fd <= 2; ++fd) {
    if (::fcntl(fd, F_GETFD) != -1 || errno != EBADF) continue;
    const int opened = ::open("/dev/null", O_RDONLY);  // the lowest free fd: this one
    if (opened >= 0 && opened != fd) {
      ::dup2(opened, fd);
      ::close(opened);
    }
  }
}

}  // namespace ochat::io
