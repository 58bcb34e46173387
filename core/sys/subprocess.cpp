#include "core/sys/subprocess.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <optional>
#include <cstring>

#include "core/sys/process_groups.hpp"

extern char** environ;

namespace ochat::sys {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

struct Pipe {
  int read = -1;
  int write = -1;
  bool open() {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) return false;
    read = fds[0];
    write = fds[1];
    return true;
  }
};

void close_fd(int& fd) {
  if (fd >= 0) ::close(fd);
  fd = -1;
}

// Reads what is available; appends up to the cap. Returns false at end of file.
bool drain(int fd, std::string& into, std::size_t cap, bool& truncated) {
  char buf[65536];
  ssize_t n = ::read(fd, buf, sizeof buf);
  if (n < 0) return errno == EINTR || errno == EAGAIN;
  if (n == 0) return false;
  const auto got = static_cast<std::size_t>(n);
  const std::size_t room = into.size() < cap ? cap - into.size() : 0;
  into.append(buf, std::min(room, got));
  if (got > room) truncated = true;
  return true;
}

}  // namespace

SubprocessResult run_subprocess(const SubprocessOptions& o) {
  SubprocessResult r;
  const auto start = Clock::now();
  if (o.argv.empty()) {
    r.error = "no program";
    return r;
  }
  Pipe in, out, err;
  if (!in.open() || !out.open() || !err.open()) {
    r.error = std::strerror(errno);
    return r;
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in.read, 0);
  posix_spawn_file_actions_adddup2(&actions, out.write, 1);
  posix_spawn_file_actions_adddup2(&actions, err.write, 2);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t all, none;
  sigfillset(&all);
  sigemptyset(&none);
  posix_spawnattr_setsigdefault(&attr, &all);  // the child does not inherit our handlers' SIG_IGN
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setpgroup(&attr, 0);         // its own process group, killed as a whole
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);

  std::vector<std::string> args = o.argv;
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = 0;
  const int rc = ::posix_spawn(&pid, args[0].c_str(), &actions, &attr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  close_fd(in.read);
  close_fd(out.write);
  close_fd(err.write);
  if (rc != 0) {
    close_fd(in.write);
    close_fd(out.read);
    close_fd(err.read);
    r.error = std::strerror(rc);
    return r;
  }

  const TrackedProcessGroup group(pid);  // a second Ctrl-C kills it on the way out
  ::fcntl(in.write, F_SETFL, O_NONBLOCK);
  std::size_t written = 0;
  if (o.stdin_data.empty()) close_fd(in.write);
  bool exited = false;
  int status = 0;
  // Once the program is gone (or killed), its pipes get one second to reach end of file: a
  // process that left the group could hold them open forever.
  std::optional<Clock::time_point> give_up_at;
  auto kill_group = [&] {
    ::kill(-pid, SIGKILL);
    if (!give_up_at) give_up_at = Clock::now() + std::chrono::seconds(1);
  };

  for (;;) {
    if (!exited && ::waitpid(pid, &status, WNOHANG) == pid) {
      exited = true;
      // The leader is gone; helpers it left in its group must not keep our pipes open.
      kill_group();
      close_fd(in.write);
    }
    if (exited && out.read < 0 && err.read < 0) break;
    if (give_up_at && Clock::now() >= *give_up_at) {
      if (!exited) {
        ::waitpid(pid, &status, 0);  // SIGKILL was sent: this returns promptly
        exited = true;
      }
      break;
    }
    if (o.cancel.requested() != 0 && r.end == SubprocessResult::End::not_started) {
      r.end = SubprocessResult::End::cancelled;
      kill_group();
    }
    const auto elapsed = std::chrono::duration_cast<milliseconds>(Clock::now() - start);
    if (elapsed >= o.timeout && r.end == SubprocessResult::End::not_started) {
      r.end = SubprocessResult::End::timed_out;
      kill_group();
    }
    if ((r.out_truncated || r.err_truncated) && r.end == SubprocessResult::End::not_started) {
      r.end = SubprocessResult::End::capped;
      kill_group();
    }
    pollfd fds[4];
    nfds_t n = 0;
    if (out.read >= 0) fds[n++] = {out.read, POLLIN, 0};
    if (err.read >= 0) fds[n++] = {err.read, POLLIN, 0};
    if (in.write >= 0) fds[n++] = {in.write, POLLOUT, 0};
    if (o.cancel.wake_fd >= 0) fds[n++] = {o.cancel.wake_fd, POLLIN, 0};
    const auto left = o.timeout - elapsed;
    const int wait_ms = static_cast<int>(std::clamp<long long>(left.count(), 1, 50));
    ::poll(fds, n, wait_ms);
    for (nfds_t i = 0; i < n; ++i) {
      if (fds[i].revents == 0 || fds[i].fd == o.cancel.wake_fd) continue;
      if (fds[i].fd == in.write) {
        ssize_t w = ::write(in.write, o.stdin_data.data() + written, o.stdin_data.size() - written);
        if (w > 0) written += static_cast<std::size_t>(w);
        // EPIPE: the program does not read its stdin; that is its business.
        if ((w < 0 && errno != EAGAIN && errno != EINTR) || written >= o.stdin_data.size()) close_fd(in.write);
      } else if (fds[i].fd == out.read) {
        if (!drain(out.read, r.out, o.output_cap, r.out_truncated)) close_fd(out.read);
      } else if (fds[i].fd == err.read) {
        if (!drain(err.read, r.err, o.output_cap, r.err_truncated)) close_fd(err.read);
      }
    }
  }
  close_fd(in.write);
  close_fd(out.read);
  close_fd(err.read);
  r.duration = std::chrono::duration_cast<milliseconds>(Clock::now() - start);
  if (r.end != SubprocessResult::End::not_started) return r;
  if (WIFEXITED(status)) {
    r.end = SubprocessResult::End::exited;
    r.exit_code = WEXITSTATUS(status);
  } else if (WIFSIGNALED(status)) {
    r.end = SubprocessResult::End::signaled;
    r.signal = WTERMSIG(status);
  }
  return r;
}

}  // namespace ochat::sys
