#pragma once
// SIGPIPE ignored for the scope, as sys::SignalGuard has it in ochat: writing to a pipe whose
// reader has gone then fails with EPIPE instead of killing the test binary.
#include <signal.h>

namespace ochat::test {

class SigpipeIgnored {
 public:
  SigpipeIgnored() {
    struct sigaction ignore {};
    ignore.sa_handler = SIG_IGN;
    sigemptyset(&ignore.sa_mask);
    ::sigaction(SIGPIPE, &ignore, &old_);
  }
  ~SigpipeIgnored() { ::sigaction(SIGPIPE, &old_, nullptr); }
  SigpipeIgnored(const SigpipeIgnored&) = delete;
  SigpipeIgnored& operator=(const SigpipeIgnored&) = delete;

 private:
  struct sigaction old_ {};
};

}  // namespace ochat::test
