// sys::run_subprocess, the plugin runner: a program run to its end with bytes on its stdin, its
// output collected up to a cap, a timeout and the cancel token; no process of its group survives.
#include "core/sys/subprocess.hpp"

#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <fstream>
#include <thread>

#include "sigpipe_ignored.hpp"

using ochat::sys::SubprocessResult;

namespace {

// Waits (up to 5 s) for a process to disappear; true once it has.
bool gone(int pid) {
  for (int i = 0; i < 250; ++i) {
    if (::kill(pid, 0) != 0) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

}  // namespace

TEST_CASE("sys::run_subprocess passes stdin and collects stdout, stderr and the exit status") {
  ochat::sys::SubprocessOptions o;
  o.argv = {"/bin/sh", "-c", "cat; echo err >&2; exit 7"};
  o.stdin_data = "hello";
  auto r = ochat::sys::run_subprocess(o);
  CHECK(r.end == ochat::sys::SubprocessResult::End::exited);
  CHECK(r.exit_code == 7);
  CHECK(r.out == "hello");
  CHECK(r.err == "err\n");
}

TEST_CASE("sys::run_subprocess kills the whole group at the timeout") {
  const std::string pid_file = "/tmp/ochat-unit-sub-" + std::to_string(::getpid());
  ochat::sys::SubprocessOptions o;
  o.argv = {"/bin/sh", "-c", "sleep 100 & echo $! > " + pid_file + "; wait"};
  o.timeout = std::chrono::milliseconds(300);
  auto r = ochat::sys::run_subprocess(o);
  CHECK(r.end == ochat::sys::SubprocessResult::End::timed_out);
  int pid = 0;
  std::ifstream(pid_file) >> pid;
  REQUIRE(pid > 0);
  bool gone = false;
  for (int i = 0; i < 100 && !gone; ++i) {
    gone = ::kill(pid, 0) != 0;
    if (!gone) ::usleep(20000);
  }
  CHECK(gone);
  std::remove(pid_file.c_str());
}

TEST_CASE("sys::run_subprocess caps the output and stops the writer") {
  ochat::sys::SubprocessOptions o;
  o.argv = {"/bin/sh", "-c", "yes"};
  o.output_cap = 1000;
  auto r = ochat::sys::run_subprocess(o);
  CHECK(r.end == ochat::sys::SubprocessResult::End::capped);
  CHECK(r.out.size() == 1000);
  CHECK(r.out_truncated);
}

TEST_CASE("sys::run_subprocess stops when the cancel token fires") {
  std::atomic<int> signal{SIGINT};
  ochat::sys::SubprocessOptions o;
  o.argv = {"/bin/sleep", "100"};
  o.cancel = ochat::sys::CancelToken{&signal, -1};
  auto r = ochat::sys::run_subprocess(o);
  CHECK(r.end == ochat::sys::SubprocessResult::End::cancelled);
  CHECK(r.duration < std::chrono::seconds(5));
}

TEST_CASE("sys::run_subprocess reports a program that cannot start") {
  ochat::sys::SubprocessOptions o;
  o.argv = {"/nonexistent/program"};
  auto r = ochat::sys::run_subprocess(o);
  CHECK(r.end == ochat::sys::SubprocessResult::End::not_started);
  CHECK_FALSE(r.error.empty());
}

TEST_CASE("sys::run_subprocess reports death by a signal") {
  ochat::sys::SubprocessOptions o;
  o.argv = {"/bin/sh", "-c", "echo partial; kill -KILL $$"};
  auto r = ochat::sys::run_subprocess(o);
  CHECK(r.end == SubprocessResult::End::signaled);
  CHECK(r.signal == SIGKILL);
  CHECK(r.out == "partial\n");
}

TEST_CASE("sys::run_subprocess: a program that closes its stdout early runs to its end") {
  ochat::sys::SubprocessOptions o;
  o.argv = {"/bin/sh", "-c", "echo first; exec >&-; sleep 0.1; echo done >&2; exit 4"};
  auto r = ochat::sys::run_subprocess(o);
  CHECK(r.end == SubprocessResult::End::exited);
  CHECK(r.exit_code == 4);
  CHECK(r.out == "first\n");
  CHECK(r.err == "done\n");
}

TEST_CASE(
    "sys::run_subprocess: a program that never reads its stdin does not hang on a big input") {
  const ochat::test::SigpipeIgnored ignored;  // as in ochat
  ochat::sys::SubprocessOptions o;
  o.argv = {"/bin/sh", "-c", "echo ignored the input"};
  o.stdin_data = std::string(8 << 20, 'x');  // far more than a pipe holds
  auto r = ochat::sys::run_subprocess(o);
  CHECK(r.end == SubprocessResult::End::exited);
  CHECK(r.exit_code == 0);
  CHECK(r.out == "ignored the input\n");
}

TEST_CASE(
    "sys::run_subprocess: what the program leaves running in its group is killed when it exits") {
  ochat::sys::SubprocessOptions o;
  // The background sleep holds stdout open: without the group kill, this would take 100 s.
  o.argv = {"/bin/sh", "-c", "sleep 100 & echo $!"};
  auto r = ochat::sys::run_subprocess(o);
  CHECK(r.end == SubprocessResult::End::exited);
  CHECK(r.exit_code == 0);
  REQUIRE_FALSE(r.out.empty());
  CHECK(gone(std::stoi(r.out)));
  CHECK(r.duration < std::chrono::seconds(30));
}

TEST_CASE("sys::run_subprocess stops, group and all, when the cancel token fires while it runs") {
  const std::string pid_file = "/tmp/ochat-unit-cancel-" + std::to_string(::getpid());
  std::atomic<int> signal{0};
  int wake[2];
  REQUIRE(::pipe(wake) == 0);
  std::thread user([&] {  // the user presses Ctrl-C once the grandchild runs
    int pid = 0;
    for (int i = 0; i < 500 && pid == 0; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      std::ifstream(pid_file) >> pid;
    }
    signal = SIGTERM;
    const char byte = 1;
    [[maybe_unused]] ssize_t n = ::write(wake[1], &byte, 1);
  });
  ochat::sys::SubprocessOptions o;
  o.argv = {"/bin/sh", "-c", "sleep 100 & echo $! > " + pid_file + "; wait"};
  o.cancel = ochat::sys::CancelToken{&signal, wake[0]};
  auto r = ochat::sys::run_subprocess(o);
  user.join();
  ::close(wake[0]);
  ::close(wake[1]);
  CHECK(r.end == SubprocessResult::End::cancelled);
  CHECK(r.duration < std::chrono::seconds(30));
  int pid = 0;
  std::ifstream(pid_file) >> pid;
  std::remove(pid_file.c_str());
  REQUIRE(pid > 0);
  CHECK(gone(pid));
}
