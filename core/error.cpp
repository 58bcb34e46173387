#include "core/error.hpp"

#include <signal.h>

namespace ochat {

int exit_status(ErrorKind kind) noexcept {
  switch (kind) {
    case ErrorKind::internal:
      return 1;
    case ErrorKind::usage:
      return 2;
    case ErrorKind::connect:
      return 3;
    case ErrorKind::http:
      return 4;
    case ErrorKind::stream:
      return 5;
    case ErrorKind::timeout:
      return 124;
    case ErrorKind::interrupted:
      return kExitSigint;
  }
  return 1;
}

int exit_status(const Error& error) noexcept {
  if (error.kind() == ErrorKind::interrupted && error.signal() > 0) return 128 + error.signal();
  return exit_status(error.kind());
}

Error Error::interrupted(int signal) {
  Error e(ErrorKind::interrupted, signal == SIGTERM ? "terminated" : "interrupted");
  e.signal_ = signal;
  return e;
}

std::string_view kind_name(ErrorKind kind) noexcept {
  switch (kind) {
    case ErrorKind::internal:
      return "internal";
    case ErrorKind::usage:
      return "usage";
    case ErrorKind::connect:
      return "connect";
    case ErrorKind::http:
      return "http";
    case ErrorKind::stream:
      return "stream";
    case ErrorKind::timeout:
      return "timeout";
    case ErrorKind::interrupted:
      return "interrupted";
  }
  return "internal";
}

}  // namespace ochat
