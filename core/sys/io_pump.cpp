#include "core/sys/io_pump.hpp"

#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <thread>

namespace ochat::sys {
namespace {

void close_fd(int& fd) {
  if (fd >= 0) ::close(fd);
  fd = -1;
}

}  // namespace

void pump(Pipes& pipes, std::string& input, const OutputSinks& sinks,
          std::chrono::milliseconds wait, const CancelToken& cancel) {
  pollfd fds[4];
  nfds_t n = 0;
  if (pipes.out >= 0) fds[n++] = {pipes.out, POLLIN, 0};
  if (pipes.err >= 0) fds[n++] = {pipes.err, POLLIN, 0};
  if (pipes.in >= 0 && !input.empty()) fds[n++] = {pipes.in, POLLOUT, 0};
  if (cancel.wake_fd >= 0) fds[n++] = {cancel.wake_fd, POLLIN, 0};
  if (n == 0) {
    if (wait.count() > 0) std::this_thread::sleep_for(wait);
    return;
  }
  const int ms = static_cast<int>(std::max<long long>(wait.count(), 0));
  if (::poll(fds, n, ms) <= 0) return;

  char buf[65536];
  for (nfds_t i = 0; i < n; ++i) {
    const pollfd& p = fds[i];
    if (p.revents == 0 || p.fd == cancel.wake_fd) continue;
    if (p.fd == pipes.in) {
      // POLLERR: nobody reads it any more; writing would only raise SIGPIPE.
      const ssize_t w = (p.revents & POLLERR) ? -1 : ::write(pipes.in, input.data(), input.size());
      if (w > 0) {
        input.erase(0, static_cast<std::size_t>(w));
      } else if (w < 0 && (p.revents & POLLERR || (errno != EAGAIN && errno != EINTR))) {
        input.clear();  // the child stopped reading its stdin: that is its business
        close_fd(pipes.in);
      }
    } else if (p.fd == pipes.out) {
      const ssize_t r = ::read(pipes.out, buf, sizeof buf);
      if (r == 0 || (r < 0 && errno != EAGAIN && errno != EINTR)) {
        close_fd(pipes.out);
      } else if (r > 0 && sinks.out &&
                 !sinks.out(std::string_view(buf, static_cast<std::size_t>(r)))) {
        close_fd(pipes.out);
      }
    } else if (p.fd == pipes.err) {
      const ssize_t r = ::read(pipes.err, buf, sizeof buf);
      if (r == 0 || (r < 0 && errno != EAGAIN && errno != EINTR)) {
        close_fd(pipes.err);
      } else if (r > 0 && sinks.err) {
        sinks.err(std::string_view(buf, static_cast<std::size_t>(r)));
      }
    }
  }
}

}  // namespace ochat::sys
