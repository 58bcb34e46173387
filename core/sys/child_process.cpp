#include "core/sys/child_process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

extern char** environ;

namespace ochat::sys {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

void close_fd(int& fd) {
  if (fd >= 0) ::close(fd);
  fd = -1;
}

// Both ends of a pipe, closed on destruction unless taken.
struct Pipe {
  int fd[2] = {-1, -1};
  ~Pipe() {
    close_fd(fd[0]);
    close_fd(fd[1]);
  }
  bool open() { return ::pipe2(fd, O_CLOEXEC) == 0; }
  int take(int end) { return std::exchange(fd[end], -1); }
};

ExitStatus to_exit_status(int status) {
  ExitStatus s;
  if (WIFEXITED(status)) s.code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) s.signal = WTERMSIG(status);
  return s;
}

std::vector<char*> pointers(std::vector<std::string>& strings) {
  std::vector<char*> p;
  for (auto& s : strings) p.push_back(s.data());
  p.push_back(nullptr);
  return p;
}

}  // namespace

std::unique_ptr<ChildProcess> ChildProcess::spawn(const SpawnOptions& options, std::string& error) {
  if (options.argv.empty() || options.argv[0].empty()) {
    error = "no program";
    return nullptr;
  }
  // O_CLOEXEC everywhere: the child gets only the three ends dup2'ed onto 0, 1 and 2, and a
  // child started later does not inherit this one's pipes (which would hide its end of file).
  Pipe in, out, err;
  if (!in.open() || !out.open() || !err.open()) {
    error = std::strerror(errno);
    return nullptr;
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in.fd[0], 0);
  posix_spawn_file_actions_adddup2(&actions, out.fd[1], 1);
  posix_spawn_file_actions_adddup2(&actions, err.fd[1], 2);
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 34))
  // Also what a library opened without O_CLOEXEC (a socket, a file) stays with ochat.
  posix_spawn_file_actions_addclosefrom_np(&actions, 3);
#endif
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t all, none;
  sigfillset(&all);
  sigemptyset(&none);
  posix_spawnattr_setsigdefault(&attr, &all);  // not ochat's SIG_IGN for SIGPIPE
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setpgroup(&attr, 0);  // its own group: Ctrl-C reaches only ochat
  posix_spawnattr_setflags(&attr,
                           POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);

  std::vector<std::string> args = options.argv;
  std::vector<std::string> vars = options.env.value_or(std::vector<std::string>{});
  std::vector<char*> argv = pointers(args);
  std::vector<char*> envp = pointers(vars);
  char** env = options.env ? envp.data() : environ;
  pid_t pid = -1;
  const int rc = options.search_path
                     ? ::posix_spawnp(&pid, args[0].c_str(), &actions, &attr, argv.data(), env)
                     : ::posix_spawn(&pid, args[0].c_str(), &actions, &attr, argv.data(), env);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  if (rc != 0) {
    error = std::strerror(rc);
    return nullptr;
  }
  std::unique_ptr<ChildProcess> child(new ChildProcess());
  child->pid_ = pid;
  child->group_ = TrackedProcessGroup(pid);
  child->pipes_ = {in.take(1), out.take(0), err.take(0)};
  for (int fd : {child->pipes_.in, child->pipes_.out, child->pipes_.err}) {
    ::fcntl(fd, F_SETFL, O_NONBLOCK);
  }
  return child;
}

ChildProcess::~ChildProcess() {
  if (!shut_down_) kill_group(SIGKILL);
  wait();
  group_.release();
  close_stdin();
  close_output();
}

void ChildProcess::pump(std::string& input, const OutputSinks& sinks, milliseconds wait,
                        const CancelToken& cancel) {
  sys::pump(pipes_, input, sinks, wait, cancel);
}

void ChildProcess::close_stdin() { close_fd(pipes_.in); }

void ChildProcess::close_output() {
  close_fd(pipes_.out);
  close_fd(pipes_.err);
}

std::optional<ExitStatus> ChildProcess::poll_exit() {
  if (status_) return status_;
  int status = 0;
  const pid_t r = ::waitpid(pid_, &status, WNOHANG);
  if (r == pid_) {
    status_ = to_exit_status(status);
  } else if (r < 0 && errno == ECHILD) {
    status_ = ExitStatus{};  // reaped elsewhere: how it ended is unknown
  }
  return status_;
}

ExitStatus ChildProcess::wait() {
  while (!status_) {
    int status = 0;
    const pid_t r = ::waitpid(pid_, &status, 0);
    if (r == pid_) {
      status_ = to_exit_status(status);
    } else if (r < 0 && errno != EINTR) {
      status_ = ExitStatus{};
    }
  }
  return *status_;
}

void ChildProcess::kill_group(int sig) noexcept {
  if (pid_ > 0) ::kill(-pid_, sig);
}

std::optional<ExitStatus> ChildProcess::wait_exit(milliseconds limit) {
  const auto until = Clock::now() + limit;
  std::string nothing;
  while (!poll_exit()) {
    const auto left = std::chrono::duration_cast<milliseconds>(until - Clock::now());
    if (left <= milliseconds(0)) return std::nullopt;
    pump(nothing, {}, std::min(left, milliseconds(10)), {});
  }
  return status_;
}

void ChildProcess::shutdown(milliseconds grace) {
  if (shut_down_) return;
  shut_down_ = true;
  close_stdin();
  if (!wait_exit(grace)) {
    kill_group(SIGTERM);
    if (!wait_exit(grace)) {
      kill_group(SIGKILL);
      wait();
    }
  }
  // Helpers it left in its group (npx leaves node) must not outlive ochat.
  kill_group(SIGKILL);
  group_.release();
  close_output();
}

}  // namespace ochat::sys
