#include "process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <stdexcept>

extern char** environ;

namespace ochat::test {
namespace {

using Clock = std::chrono::steady_clock;

// Whether the file at `path` exists and contains `text`.
bool file_has(const std::string& path, const std::string& text) {
  std::ifstream in(path, std::ios::binary);
  std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return content.find(text) != std::string::npos;
}

void make_pipe(int fds[2]) {
  if (::pipe2(fds, O_CLOEXEC) != 0) throw std::runtime_error("pipe2 failed");
}

// Where the programs a test runs save conversations unless the test says otherwise: a
// directory of this test process, removed when it exits, never the user's own state.
class StateHome {
 public:
  StateHome() {
    std::string pattern = "/tmp/ochat-e2e-state-XXXXXX";
    if (::mkdtemp(pattern.data()) != nullptr) path_ = pattern;
  }
  ~StateHome() {
    if (!path_.empty()) std::system(("rm -rf '" + path_ + "'").c_str());
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

std::vector<std::string> build_env(const RunOptions& o) {
  std::vector<std::string> env;
  bool state_given = false;
  for (const auto& kv : o.env) state_given = state_given || kv.first == "XDG_STATE_HOME";
  for (char** e = environ; *e; ++e) {
    std::string entry(*e);
    const std::string name = entry.substr(0, entry.find('='));
    bool drop = name == "XDG_STATE_HOME" || name == "OCHAT_SAVE";
    for (const auto& u : o.unset_env) drop = drop || u == name;
    for (const auto& kv : o.env) drop = drop || kv.first == name;
    if (!drop) env.push_back(entry);
  }
  for (const auto& [k, v] : o.env) env.push_back(k + "=" + v);
  if (!state_given) {
    static const StateHome state;
    env.push_back("XDG_STATE_HOME=" + state.path());
  }
  return env;
}

}  // namespace

const std::string& ochat_binary() {
  static const std::string path = OCHAT_BINARY;
  return path;
}

RunResult run_process(const std::string& program, const RunOptions& o) {
  int in[2], out[2], err[2];
  make_pipe(in);
  make_pipe(out);
  make_pipe(err);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  if (o.stdin_data) {
    posix_spawn_file_actions_adddup2(&actions, in[0], 0);
  } else {
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  }
  int master = -1;
  if (o.terminal) {
    master = ::posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (master < 0 || ::grantpt(master) != 0 || ::unlockpt(master) != 0)
      throw std::runtime_error("no pty");
    // Without O_NOCTTY: the first terminal a session leader opens becomes its controlling one.
    posix_spawn_file_actions_addopen(&actions, 1, ::ptsname(master), O_RDWR, 0);
    posix_spawn_file_actions_adddup2(&actions, 1, 2);
    if (o.terminal_stdin) posix_spawn_file_actions_adddup2(&actions, 1, 0);
  } else {
    if (o.stdout_path) {
      posix_spawn_file_actions_addopen(&actions, 1, o.stdout_path->c_str(),
                                       O_WRONLY | O_CREAT | O_TRUNC, 0644);
    } else if (o.stdout_closed) {
      posix_spawn_file_actions_addclose(&actions, 1);
    } else {
      posix_spawn_file_actions_adddup2(&actions, out[1], 1);
    }
    posix_spawn_file_actions_adddup2(&actions, err[1], 2);
  }

  // The child starts with default signal handling and an empty mask, as from a shell.
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t all, none;
  sigfillset(&all);
  sigemptyset(&none);
  posix_spawnattr_setsigdefault(&attr, &all);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setflags(&attr,
                           static_cast<short>(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK |
                                              (o.terminal ? POSIX_SPAWN_SETSID : 0)));

  std::vector<std::string> args{program};
  args.insert(args.end(), o.args.begin(), o.args.end());
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  std::vector<std::string> env = build_env(o);
  std::vector<char*> envp;
  for (auto& e : env) envp.push_back(e.data());
  envp.push_back(nullptr);

  pid_t pid = 0;
  const auto start = Clock::now();
  int rc = posix_spawn(&pid, program.c_str(), &actions, &attr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  ::close(in[0]);
  ::close(out[1]);
  ::close(err[1]);
  if (rc != 0) throw std::runtime_error(std::string("posix_spawn failed: ") + std::strerror(rc));

  RunResult r;
  int in_fd = in[1], out_fd = out[0], err_fd = err[0];
  if (o.terminal) {  // the pty's master carries both streams; the pipes stay unused
    ::close(out_fd);
    ::close(err_fd);
    out_fd = master;
    err_fd = -1;
  }
  std::size_t in_done = 0;
  if (!o.stdin_data) {
    ::close(in_fd);
    in_fd = -1;
  } else {
    ::fcntl(in_fd, F_SETFL, O_NONBLOCK);
  }
  bool signalled = false;
  std::optional<std::pair<int, Clock::time_point>>
      first_signal;  // (signal, when), for signal_again_after
  std::optional<Clock::time_point> text_seen_at;
  std::size_t next_typed = 0, typed_from = 0;
  ::signal(SIGPIPE, SIG_IGN);

  while (out_fd >= 0 || err_fd >= 0) {
    const auto now = Clock::now();
    if (now - start > o.timeout) {
      r.timed_out = true;
      ::kill(pid, SIGKILL);
      break;
    }
    if (!signalled && o.signal_at && now - start >= o.signal_at->second) {
      ::kill(pid, o.signal_at->first);
      signalled = true;
      first_signal = {o.signal_at->first, now};
    }
    if (!signalled && o.signal_on_text) {
      if (!text_seen_at && r.out.find(o.signal_on_text->second) != std::string::npos &&
          (!o.signal_gate || file_has(o.signal_gate->first, o.signal_gate->second))) {
        text_seen_at = now;
      }
      if (text_seen_at && now - *text_seen_at >= o.signal_on_text_delay) {
        ::kill(pid, o.signal_on_text->first);
        signalled = true;
        first_signal = {o.signal_on_text->first, now};
      }
    }
    if (o.terminal && next_typed < o.typed.size()) {
      const auto& [wait_for, keys, line_editor] = o.typed[next_typed];
      termios mode{};
      const bool canonical = ::tcgetattr(master, &mode) == 0 && (mode.c_lflag & ICANON) != 0;
      if (const auto at = r.out.find(wait_for, typed_from);
          at != std::string::npos && !(line_editor && canonical)) {
        [[maybe_unused]] const ssize_t w = ::write(master, keys.data(), keys.size());
        typed_from = at + wait_for.size();
        ++next_typed;
      }
    }
    if (first_signal && o.signal_again_after &&
        now - first_signal->second >= *o.signal_again_after) {
      ::kill(pid, first_signal->first);
      first_signal.reset();
    }
    pollfd fds[3];
    nfds_t n = 0;
    if (out_fd >= 0) fds[n++] = {out_fd, POLLIN, 0};
    if (err_fd >= 0) fds[n++] = {err_fd, POLLIN, 0};
    if (in_fd >= 0) fds[n++] = {in_fd, POLLOUT, 0};
    ::poll(fds, n, 10);
    for (nfds_t i = 0; i < n; ++i) {
      if (fds[i].revents == 0) continue;
      const int fd = fds[i].fd;
      if (fd == in_fd) {
        const std::string& data = *o.stdin_data;
        ssize_t w = ::write(in_fd, data.data() + in_done, data.size() - in_done);
        if (w > 0) in_done += static_cast<std::size_t>(w);
        if (w < 0 && errno != EAGAIN && errno != EINTR) in_done = data.size();
        if (in_done >= data.size()) {
          ::close(in_fd);
          in_fd = -1;
        }
        continue;
      }
      char buf[65536];
      ssize_t got = ::read(fd, buf, sizeof buf);
      if (got <= 0) {
        if (got < 0 && errno == EINTR) continue;
        ::close(fd);
        (fd == out_fd ? out_fd : err_fd) = -1;
        continue;
      }
      std::string& sink = fd == out_fd ? r.out : r.err;
      sink.append(buf, static_cast<std::size_t>(got));
      if (fd == out_fd && o.close_stdout_after && r.out.size() >= *o.close_stdout_after) {
        r.out.resize(*o.close_stdout_after);
        ::close(out_fd);
        out_fd = -1;
      }
      if (fd == out_fd && !signalled && o.signal_after && r.out.size() >= o.signal_after->second) {
        ::kill(pid, o.signal_after->first);
        signalled = true;
      }
    }
  }
  if (in_fd >= 0) ::close(in_fd);
  if (out_fd >= 0) ::close(out_fd);
  if (err_fd >= 0) ::close(err_fd);

  // stdout may be closed early while the child still runs: wait for it, within the bound.
  int status = 0;
  for (;;) {
    pid_t w = ::waitpid(pid, &status, WNOHANG);
    if (w == pid) break;
    if (Clock::now() - start > o.timeout) {
      r.timed_out = true;
      ::kill(pid, SIGKILL);
      ::waitpid(pid, &status, 0);
      break;
    }
    ::usleep(2000);
  }
  r.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start);
  if (WIFEXITED(status)) r.exit_code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) r.term_signal = WTERMSIG(status);
  return r;
}

}  // namespace ochat::test
