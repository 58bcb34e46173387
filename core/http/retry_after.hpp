#pragma once
// The Retry-After header of a refusal (429, 503): how long the server asks the client to wait.
#include <chrono>
#include <optional>
#include <string_view>

namespace ochat::http {

// The wait that `value` asks for, `now` being the current date: a number of seconds
// ("120"), or an HTTP date ("Wed, 21 Oct 2026 07:28:00 GMT"; also the obsolete RFC 850 and
// asctime forms), a date in the past meaning no wait. std::nullopt when the value is neither
// (the header is then ignored). Spaces around the value are allowed; a huge number of seconds
// is clamped to a day.
std::optional<std::chrono::milliseconds> parse_retry_after(
    std::string_view value, std::chrono::system_clock::time_point now);

}  // namespace ochat::http
