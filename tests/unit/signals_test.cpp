// sys::SignalGuard, in child processes (a later signal may end the process).
#include "core/sys/signals.hpp"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <functional>

using ochat::sys::SecondSignal;
using ochat::sys::SignalGuard;

namespace {

// Runs `body` in a child process; its exit status (128 + N when a signal ended it through the
// handler's _exit), or -1.
int in_child(const std::function<int()>& body) {
  const pid_t pid = ::fork();
  if (pid == 0) ::_exit(body());
  int status = 0;
  if (pid < 0 || ::waitpid(pid, &status, 0) != pid || !WIFEXITED(status)) return -1;
  return WEXITSTATUS(status);
}

}  // namespace

TEST_CASE("sys::SignalGuard records the first signal; a second one leaves at once") {
  CHECK(in_child([] {
          SignalGuard guard;
          ::raise(SIGINT);
          if (guard.token().requested() != SIGINT) return 1;
          ::raise(SIGTERM);
          return 2;  // not reached: exits with 128 + the first signal
        }) == 130);
}

TEST_CASE(
    "sys::SignalGuard, patient: a second Ctrl-C is survived, a third or a SIGTERM leaves at once") {
  CHECK(in_child([] {
          SignalGuard guard(SecondSignal::patient);
          ::raise(SIGINT);
          ::raise(SIGINT);
          if (guard.token().requested() != SIGINT) return 1;
          ::raise(SIGINT);
          return 2;
        }) == 130);
  CHECK(in_child([] {
          SignalGuard guard(SecondSignal::patient);
          ::raise(SIGINT);
          ::raise(SIGTERM);
          return 2;
        }) == 130);
  // After clear(), the next Ctrl-C is a first one again, and the one after it a second.
  CHECK(in_child([] {
          SignalGuard guard(SecondSignal::patient);
          ::raise(SIGINT);
          ::raise(SIGINT);
          guard.clear();
          if (guard.token().requested() != 0) return 1;
          ::raise(SIGINT);
          ::raise(SIGINT);
          return guard.token().requested() == SIGINT ? 0 : 3;
        }) == 0);
}
