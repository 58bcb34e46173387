// libFuzzer target: the Retry-After header a server sends with a refusal (parse_retry_after).
//
// Oracle: no crash, no sanitizer report, no exception; a wait is never negative and never more
// than a day, whatever the date of "now"; a value of digits only is always read.
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "core/http/retry_after.hpp"

namespace {

void require(bool ok) {
  if (!ok) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  using namespace std::chrono;
  const system_clock::time_point nows[] = {system_clock::time_point{},
                                           sys_days(year(2026) / October / 21) + hours(7)};
  for (const auto now : nows) {
    const auto wait = ochat::http::parse_retry_after(in, now);
    if (wait) require(*wait >= milliseconds(0) && *wait <= milliseconds(hours(24)));
    const bool digits = !in.empty() && in.find_first_not_of("0123456789") == std::string_view::npos;
    if (digits) require(wait.has_value());
  }
  return 0;
}
