#include "core/sys/signals.hpp"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>

#include "core/sys/process_groups.hpp"

namespace ochat::sys {
namespace {

std::atomic<int> g_signal{0};
std::atomic<int> g_later{0};  // signals received after the first
std::atomic<bool> g_patient{false};
int g_wake[2] = {-1, -1};
struct sigaction g_old_int {
}, g_old_term{}, g_old_pipe{};

extern "C" void on_signal(int sig) {
  int expected = 0;
  if (!g_signal.compare_exchange_strong(expected, sig)) {
    // A later signal: stop the plugins and MCP servers (their own process groups, out of the
    // terminal's reach), then leave at once (everything read is already written); patiently,
    // a second Ctrl-C stops only them.
    kill_tracked_process_groups();
    const int later = g_later.fetch_add(1) + 1;
    if (g_patient.load() && sig == SIGINT && expected == SIGINT && later == 1) return;
    _exit(128 + expected);
  }
  if (g_wake[1] >= 0) {
    const char byte = 1;
    [[maybe_unused]] ssize_t n = ::write(g_wake[1], &byte, 1);
  }
}

}  // namespace

SignalGuard::SignalGuard(SecondSignal second) {
  g_signal.store(0);
  g_later.store(0);
  g_patient.store(second == SecondSignal::patient);
  if (::pipe2(g_wake, O_CLOEXEC | O_NONBLOCK) != 0) g_wake[0] = g_wake[1] = -1;
  struct sigaction sa {};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESTART;
  ::sigaction(SIGINT, &sa, &g_old_int);
  ::sigaction(SIGTERM, &sa, &g_old_term);
  struct sigaction ignore {};
  ignore.sa_handler = SIG_IGN;
  sigemptyset(&ignore.sa_mask);
  ::sigaction(SIGPIPE, &ignore, &g_old_pipe);
}

SignalGuard::~SignalGuard() {
  ::sigaction(SIGINT, &g_old_int, nullptr);
  ::sigaction(SIGTERM, &g_old_term, nullptr);
  ::sigaction(SIGPIPE, &g_old_pipe, nullptr);
  for (int& fd : g_wake) {
    if (fd >= 0) ::close(fd);
    fd = -1;
  }
}

CancelToken SignalGuard::token() const { return CancelToken{&g_signal, g_wake[0]}; }

void SignalGuard::clear() {
  char bytes[64];
  while (g_wake[0] >= 0 && ::read(g_wake[0], bytes, sizeof bytes) > 0) {
  }
  g_later.store(0);
  g_signal.store(0);
}

}  // namespace ochat::sys
