#pragma once
// Reading environment variables, behind a function type so that tests can pass a fake.
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace ochat::sys {

// Reads an environment variable; std::nullopt when unset.
using Getenv = std::function<std::optional<std::string>(std::string_view name)>;

// The real environment of this process.
Getenv process_environment();

}  // namespace ochat::sys
