#include "core/sys/process.hpp"

namespace ochat::sys {

std::string ExitStatus::describe() const {
  if (signal != 0) return "was killed by signal " + std::to_string(signal);
  return "exited with status " + std::to_string(code);
}

}  // namespace ochat::sys
