#include "core/sys/environment.hpp"

#include <cstdlib>

namespace ochat::sys {

Getenv process_environment() {
  return [](std::string_view name) -> std::optional<std::string> {
    const char* v = std::getenv(std::string(name).c_str());
    if (v == nullptr) return std::nullopt;
    return std::string(v);
  };
}

}  // namespace ochat::sys
