#include "core/tools/confirming_runner.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "core/error.hpp"
#include "core/text/excerpt.hpp"

namespace ochat::tools {

TtyConfirmer::TtyConfirmer() : fd_(::open("/dev/tty", O_RDWR | O_CLOEXEC)) {
  if (fd_ < 0) {
    throw Error(ErrorKind::usage, fmt::format("--confirm needs a terminal to ask on: /dev/tty: {}",
                                              std::strerror(errno)));
  }
}

TtyConfirmer::~TtyConfirmer() { ::close(fd_); }

bool TtyConfirmer::confirm(const std::string& question, const sys::CancelToken& cancel) {
  const std::string prompt = question + " [y/N] ";
  if (::write(fd_, prompt.data(), prompt.size()) < 0) return false;
  std::string answer;
  char c = 0;
  for (;;) {
    pollfd fds[2] = {{fd_, POLLIN, 0}, {cancel.wake_fd, POLLIN, 0}};
    ::poll(fds, cancel.wake_fd >= 0 ? 2 : 1, -1);
    if (cancel.requested() != 0) {  // Ctrl-C while asking: the terminal's line ends here
      [[maybe_unused]] const ssize_t w = ::write(fd_, "\n", 1);
      return false;
    }
    const ssize_t n = ::read(fd_, &c, 1);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0 || c == '\n') break;
    answer += c;
  }
  return answer == "y" || answer == "Y" || answer == "yes" || answer == "YES" || answer == "Yes";
}

std::optional<chat::ToolOutcome> ConfirmingRunner::approve(const chat::ToolCall& call,
                                                           const sys::CancelToken& cancel) {
  const std::string args = text::excerpt(
      call.arguments.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace), 200);
  if (before_asking_) before_asking_();
  if (confirmer_.confirm(fmt::format("ochat: run tool {} {}?", call.name, args), cancel)) {
    return std::nullopt;
  }
  chat::ToolOutcome outcome;
  outcome.is_error = true;
  outcome.interrupted = cancel.requested() != 0;
  outcome.content = outcome.interrupted ? "The run was interrupted before this tool call."
                                        : "The user declined to run this tool call.";
  return outcome;
}

}  // namespace ochat::tools
