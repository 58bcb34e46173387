#include "core/error.hpp"

namespace ochat {

int exit_status(ErrorKind kind) noexcept {
  switch (kind) {
    case ErrorKind::internal: return 1;
    case ErrorKind::usage: return 2;
    case ErrorKind::connect: return 3;
    case ErrorKind::http: return 4;
    case ErrorKind::stream: return 5;
    case ErrorKind::timeout: return 124;
  }
  return 1;
}

std::string_view kind_name(ErrorKind kind) noexcept {
  switch (kind) {
    case ErrorKind::internal: return "internal";
    case ErrorKind::usage: return "usage";
    case ErrorKind::connect: return "connect";
    case ErrorKind::http: return "http";
    case ErrorKind::stream: return "stream";
    case ErrorKind::timeout: return "timeout";
  }
  return "internal";
}

}  // namespace ochat
