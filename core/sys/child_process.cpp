#include "core/sys/child_process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <thread>

namespace ochat::sys {
namespace {

void close_fd(int& fd) {
  if (fd >= 0) ::close(fd);
  fd = -1;
}

}  // namespace

std::unique_ptr<ChildProcess> ChildProcess::start(const std::vector<std::string>& argv,
                                                  const std::vector<std::string>& env, std::string& error) {
  if (argv.empty() || argv[0].empty()) {
    error = "no command";
    return nullptr;
  }
  int in[2], out[2], err[2];
  if (::pipe2(in, O_CLOEXEC) != 0) {
    error = std::strerror(errno);
    return nullptr;
  }
  if (::pipe2(out, O_CLOEXEC) != 0) {
    error = std::strerror(errno);
    ::close(in[0]), ::close(in[1]);
    return nullptr;
  }
  if (::pipe2(err, O_CLOEXEC) != 0) {
    error = std::strerror(errno);
    ::close(in[0]), ::close(in[1]), ::close(out[0]), ::close(out[1]);
    return nullptr;
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in[0], 0);
  posix_spawn_file_actions_adddup2(&actions, out[1], 1);
  posix_spawn_file_actions_adddup2(&actions, err[1], 2);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t all, none;
  sigfillset(&all);
  sigemptyset(&none);
  posix_spawnattr_setsigdefault(&attr, &all);  // not our SIG_IGN for SIGPIPE
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setpgroup(&attr, 0);  // its own group: Ctrl-C reaches only ochat
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);

  std::vector<std::string> args = argv, vars = env;
  std::vector<char*> argp, envp;
  for (auto& a : args) argp.push_back(a.data());
  argp.push_back(nullptr);
  for (auto& v : vars) envp.push_back(v.data());
  envp.push_back(nullptr);
  pid_t pid = -1;
  const int rc = ::posix_spawnp(&pid, args[0].c_str(), &actions, &attr, argp.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  ::close(in[0]);
  ::close(out[1]);
  ::close(err[1]);
  if (rc != 0) {
    ::close(in[1]), ::close(out[0]), ::close(err[0]);
    error = std::strerror(rc);
    return nullptr;
  }
  std::unique_ptr<ChildProcess> child(new ChildProcess());
  child->pid_ = pid;
  child->group_ = TrackedProcessGroup(pid);
  child->in_ = in[1];
  child->out_ = out[0];
  child->err_ = err[0];
  for (int fd : {child->in_, child->out_, child->err_}) ::fcntl(fd, F_SETFL, O_NONBLOCK);
  return child;
}

ChildProcess::~ChildProcess() { shutdown(); }

void ChildProcess::close_stdin() { close_fd(in_); }
void ChildProcess::close_stdout() { close_fd(out_); }
void ChildProcess::close_stderr() { close_fd(err_); }

bool ChildProcess::exited() {
  if (status_) return true;
  int status = 0;
  const pid_t r = ::waitpid(pid_, &status, WNOHANG);
  if (r == pid_) {
    status_ = status;
  } else if (r < 0 && errno == ECHILD) {
    status_ = 0;
  }
  return status_.has_value();
}

std::string ChildProcess::describe_exit() const {
  if (!status_) return "is running";
  if (WIFEXITED(*status_)) return "exited with status " + std::to_string(WEXITSTATUS(*status_));
  if (WIFSIGNALED(*status_)) return "was killed by signal " + std::to_string(WTERMSIG(*status_));
  return "exited";
}

bool ChildProcess::wait_for_exit(std::chrono::milliseconds limit) {
  const auto until = std::chrono::steady_clock::now() + limit;
  char buf[4096];
  while (!exited()) {
    if (std::chrono::steady_clock::now() >= until) return false;
    // Keep draining: a child blocked on a full pipe could not exit.
    for (int fd : {out_, err_}) {
      if (fd >= 0) {
        while (::read(fd, buf, sizeof buf) > 0) {
        }
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return true;
}

void ChildProcess::shutdown(std::chrono::milliseconds grace) {
  if (shut_down_ || pid_ < 0) return;
  shut_down_ = true;
  close_fd(in_);
  if (!wait_for_exit(grace)) {
    ::kill(-pid_, SIGTERM);
    if (!wait_for_exit(grace)) {
      ::kill(-pid_, SIGKILL);
      int status = 0;
      if (::waitpid(pid_, &status, 0) == pid_) status_ = status;
    }
  }
  // Helpers the server left in its group (npx leaves node) must not outlive ochat.
  ::kill(-pid_, SIGKILL);
  group_.release();
  close_fd(out_);
  close_fd(err_);
}

}  // namespace ochat::sys
