// The one spawner (sys::ChildProcess) and the one I/O pump (sys::pump), with real programs:
// exit statuses, signals, the environment, process groups, inherited descriptors, pipes closed
// early or never read, and the cancel token.
#include "core/sys/child_process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <string>
#include <thread>

#include "sigpipe_ignored.hpp"

using namespace ochat;
using std::chrono::milliseconds;

namespace {

std::unique_ptr<sys::ChildProcess> spawn(std::vector<std::string> argv,
                                         std::optional<std::vector<std::string>> env = {}) {
  std::string error;
  auto child = sys::ChildProcess::spawn({std::move(argv), std::move(env), false}, error);
  INFO(error);
  REQUIRE(child);
  return child;
}

std::unique_ptr<sys::ChildProcess> shell(const std::string& script) {
  return spawn({"/bin/sh", "-c", script});
}

struct Output {
  std::string out, err;
};

// Pumps until stdout and stderr are at end of file (at most about 10 s: only catches hangs).
Output drain(sys::ChildProcess& child, std::string input = {}) {
  Output o;
  const sys::OutputSinks sinks{[&](std::string_view b) { return o.out.append(b), true; },
                               [&](std::string_view b) { o.err.append(b); }};
  for (int i = 0; i < 1000 && (child.stdout_open() || child.stderr_open()); ++i) {
    child.pump(input, sinks, milliseconds(10), {});
    if (input.empty()) child.close_stdin();
  }
  return o;
}

// Pumps until stdout holds a whole line; returns it without the newline.
std::string first_line(sys::ChildProcess& child) {
  std::string out, none;
  const sys::OutputSinks sinks{[&](std::string_view b) { return out.append(b), true; }, {}};
  for (int i = 0; i < 1000 && out.find('\n') == std::string::npos && child.stdout_open(); ++i) {
    child.pump(none, sinks, milliseconds(10), {});
  }
  return out.substr(0, out.find('\n'));
}

// Waits (up to 5 s) for a process to disappear; true once it has.
bool gone(pid_t pid) {
  for (int i = 0; i < 250; ++i) {
    if (::kill(pid, 0) != 0) return true;
    std::this_thread::sleep_for(milliseconds(20));
  }
  return false;
}

}  // namespace

TEST_CASE("sys::ChildProcess reports the exit status") {
  for (int code : {0, 1, 7, 255}) {
    auto child = shell("exit " + std::to_string(code));
    const sys::ExitStatus s = child->wait();
    CHECK(s.code == code);
    CHECK(s.signal == 0);
    CHECK(s.describe() == "exited with status " + std::to_string(code));
    REQUIRE(child->poll_exit());
    CHECK(child->poll_exit()->code == code);  // asked again: the same answer
  }
}

TEST_CASE("sys::ChildProcess reports death by a signal") {
  auto child = shell("kill -TERM $$");
  const sys::ExitStatus s = child->wait();
  CHECK(s.signal == SIGTERM);
  CHECK(s.code == -1);
  CHECK(s.describe() == "was killed by signal 15");
}

TEST_CASE("sys::ChildProcess::poll_exit never blocks while the child runs") {
  auto child = spawn({"/bin/sleep", "100"});
  CHECK_FALSE(child->poll_exit());
  child->kill_group(SIGKILL);
  CHECK(child->wait().signal == SIGKILL);
}

TEST_CASE("sys::ChildProcess cannot start a program that does not exist") {
  std::string error;
  CHECK_FALSE(sys::ChildProcess::spawn({{"/nonexistent/program"}, std::nullopt, false}, error));
  CHECK(error == "No such file or directory");
  error.clear();
  CHECK_FALSE(sys::ChildProcess::spawn({{}, std::nullopt, false}, error));
  CHECK(error == "no program");
}

TEST_CASE("sys::ChildProcess looks the program up in PATH only when asked") {
  std::string error;
  CHECK_FALSE(sys::ChildProcess::spawn({{"true"}, std::nullopt, false}, error));
  auto child = sys::ChildProcess::spawn({{"true"}, std::nullopt, true}, error);
  REQUIRE(child);
  CHECK(child->wait().code == 0);
}

TEST_CASE("sys::ChildProcess gives exactly the environment asked for, or ochat's own") {
  auto exact = spawn({"/usr/bin/env"}, std::vector<std::string>{"A=1", "B=two words"});
  CHECK(drain(*exact).out == "A=1\nB=two words\n");
  ::setenv("OCHAT_UNIT_INHERITED", "yes", 1);
  auto inherited = spawn({"/usr/bin/env"});
  CHECK_THAT(drain(*inherited).out, Catch::Contains("OCHAT_UNIT_INHERITED=yes\n"));
  ::unsetenv("OCHAT_UNIT_INHERITED");
}

TEST_CASE("sys::ChildProcess leads a process group of its own") {
  auto child = spawn({"/bin/sleep", "100"});
  CHECK(::getpgid(child->pid()) == child->pid());
  CHECK(::getpgid(child->pid()) != ::getpgrp());
}

TEST_CASE("sys::ChildProcess starts with default signal dispositions and no signal blocked") {
  const ochat::test::SigpipeIgnored ignored;  // as in ochat
  sigset_t block, old;
  sigemptyset(&block);
  sigaddset(&block, SIGUSR1);
  ::pthread_sigmask(SIG_BLOCK, &block, &old);
  auto child = spawn({"/bin/grep", "-E", "^Sig(Ign|Blk)", "/proc/self/status"});
  ::pthread_sigmask(SIG_SETMASK, &old, nullptr);
  const std::string out = drain(*child).out;  // "SigBlk:\t<hex mask>\nSigIgn:\t<hex mask>\n"
  // Signals 1 to 31, the bits that matter: glibc keeps 32 and 33 for itself, as they came.
  auto classic = [&](const std::string& field) {
    const auto at = out.find(field + ":\t");
    REQUIRE(at != std::string::npos);
    return std::stoull(out.substr(at + field.size() + 2, 16), nullptr, 16) & 0x7fffffffu;
  };
  CHECK(classic("SigBlk") == 0);
  CHECK(classic("SigIgn") == 0);
}

TEST_CASE("sys::ChildProcess: a child gets only its three pipes, not ochat's descriptors") {
  const int leaked =
      ::open("/dev/null", O_RDONLY);  // without O_CLOEXEC, as a careless library might
  REQUIRE(leaked >= 0);
  auto first = spawn({"/bin/cat"});  // its pipes must not reach the second child either
  auto second = spawn({"/bin/ls", "/proc/self/fd"});
  // ls's own directory descriptor is 3: nothing else beyond 0, 1 and 2.
  CHECK(drain(*second).out == "0\n1\n2\n3\n");
  ::close(leaked);
}

TEST_CASE(
    "sys::ChildProcess::shutdown asks, then SIGTERM, then SIGKILL, and takes the grandchildren "
    "along") {
  SECTION("a child that stops at the end of its stdin") {
    auto child = spawn({"/bin/cat"});
    child->shutdown(milliseconds(5000));
    REQUIRE(child->poll_exit());
    CHECK(child->poll_exit()->code == 0);  // it was not killed: the end of its stdin was enough
  }
  SECTION("a child that ignores its stdin and SIGTERM, with a grandchild") {
    // `trap "" TERM` is inherited by the sleeps: only SIGKILL stops them.
    auto child = shell("trap '' TERM; sleep 100 & echo $!; exec sleep 100");
    const pid_t grandchild = std::stoi(first_line(*child));
    child->shutdown(milliseconds(100));
    REQUIRE(child->poll_exit());
    CHECK(child->poll_exit()->signal == SIGKILL);
    CHECK(gone(grandchild));
  }
  SECTION("a child that stops at SIGTERM, with a grandchild") {
    auto child = shell("sleep 100 & echo $!; exec sleep 100");
    const pid_t grandchild = std::stoi(first_line(*child));
    child->shutdown(milliseconds(100));
    REQUIRE(child->poll_exit());
    CHECK(child->poll_exit()->signal == SIGTERM);
    CHECK(gone(grandchild));
  }
}

TEST_CASE("sys::ChildProcess: destroying it kills the whole process group") {
  pid_t leader = 0, grandchild = 0;
  {
    auto child = shell("sleep 100 & echo $!; exec sleep 100");
    grandchild = std::stoi(first_line(*child));
    leader = child->pid();
  }
  CHECK(gone(leader));
  CHECK(gone(grandchild));
}

TEST_CASE(
    "sys::pump: a child that closes its stdout early still has its stderr and exit status read") {
  auto child = shell("exec >&-; sleep 0.1; echo late >&2; exit 3");
  const Output o = drain(*child);
  CHECK(o.out.empty());
  CHECK(o.err == "late\n");
  CHECK(child->wait().code == 3);
}

TEST_CASE("sys::pump: a child that never reads its stdin does not block the writer") {
  const ochat::test::SigpipeIgnored ignored;
  auto child = shell("echo started; exec sleep 100");
  std::string input(8 << 20, 'x');  // far more than a pipe holds
  CHECK(first_line(*child) == "started");
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < 5; ++i) child->pump(input, {}, milliseconds(10), {});
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(5));  // returned each time
  CHECK(child->stdin_open());
  CHECK_FALSE(input.empty());
  CHECK(input.size() < (8u << 20));  // the pipe took what it holds
  // Once it is gone, the rest cannot be written: stdin is closed and the input dropped.
  child->kill_group(SIGKILL);
  child->wait();
  for (int i = 0; i < 100 && child->stdin_open(); ++i) child->pump(input, {}, milliseconds(10), {});
  CHECK_FALSE(child->stdin_open());
  CHECK(input.empty());
}

TEST_CASE("sys::pump: a stdout sink that says stop closes stdout") {
  auto child = spawn({"/usr/bin/yes"});
  std::string none;
  int reads = 0;
  const sys::OutputSinks sinks{[&](std::string_view) { return ++reads < 3; }, {}};
  for (int i = 0; i < 100 && child->stdout_open(); ++i)
    child->pump(none, sinks, milliseconds(10), {});
  CHECK_FALSE(child->stdout_open());
  CHECK(reads == 3);
}

TEST_CASE("sys::pump wakes at once when the cancel token fires") {
  int wake[2];
  REQUIRE(::pipe(wake) == 0);
  auto child = spawn({"/bin/sleep", "100"});
  ssize_t wrote = 0;
  std::thread signaller([&] {
    std::this_thread::sleep_for(milliseconds(50));
    const char byte = 1;
    wrote = ::write(wake[1], &byte, 1);
  });
  std::atomic<int> signal{SIGINT};
  std::string none;
  const auto start = std::chrono::steady_clock::now();
  child->pump(none, {}, milliseconds(60'000), sys::CancelToken{&signal, wake[0]});
  signaller.join();
  CHECK(wrote == 1);
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(30));  // not the 60 s
  ::close(wake[0]);
  ::close(wake[1]);
}
