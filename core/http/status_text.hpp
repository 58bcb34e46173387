#pragma once
// The reason phrase of an HTTP status code, for error messages.
#include <string_view>

namespace ochat::http {

// "Not Found" for 404, ...; empty for a code it does not know.
std::string_view status_text(long status) noexcept;

}  // namespace ochat::http
