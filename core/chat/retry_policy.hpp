#pragma once
// When a failed request is sent again, and how long ochat waits before it does.
//
// Tried again (when retries are left): HTTP 429, 502, 503 and 504; a host name that could not
// be resolved; the connect timeout; a connection the server reset or closed; and, once the
// reply has begun, any break of the stream (a dropped connection, an error reported inside
// the stream, a stream that ends before the model finished, the idle timeout). Never: a
// refused connection (nothing listens), any other HTTP status, the total timeout, bytes that
// do not make a valid stream.
#include <chrono>
#include <optional>
#include <string>

#include "core/http/transport.hpp"

namespace ochat::chat {

struct RetryPolicy {
  int retries = 0;  // requests sent again after the first one, per answer; 0: none
  std::chrono::milliseconds base{500};  // the first wait; each later one doubles
  // The longest wait, whatever the server's Retry-After asks for.
  std::chrono::milliseconds max_delay{60'000};

  // The wait before retry number `retry` (1 for the first): base * 2^(retry-1), times a
  // random factor between 0.75 and 1.25 (`unit_random` in [0, 1) picks it), but at least what
  // the server's Retry-After asked for, and at most max_delay.
  std::chrono::milliseconds delay(int retry, std::optional<std::chrono::milliseconds> retry_after,
                                  double unit_random) const;
};

// The HTTP statuses that mean "busy, try again later".
bool is_retryable_status(long status) noexcept;

// What the end of one request's exchange tells the retry policy.
struct ExchangeEnd {
  long status = 0;             // the reply's HTTP status; 0 when none arrived
  bool reply_started = false;  // a 2xx reply's text or thinking had begun to arrive
  bool complete = false;       // the reply was whole by its own framing
};

// Why a transfer that failed may be tried again, in a few words for the notice ("server busy
// (HTTP 503)", "the connection broke"); std::nullopt when it must not be. A transfer that
// did not fail (completed whole, cancelled, stopped) gives std::nullopt.
std::optional<std::string> retry_reason(const http::Result& result, const ExchangeEnd& end,
                                        const http::Timeouts& timeouts);

}  // namespace ochat::chat
