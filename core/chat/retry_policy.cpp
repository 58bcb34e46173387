#include "core/chat/retry_policy.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace ochat::chat {
namespace {

using std::chrono::milliseconds;

std::string seconds_text(milliseconds ms) {
  if (ms.count() % 1000 == 0) return fmt::format("{} s", ms.count() / 1000);
  return fmt::format("{:.1f} s", static_cast<double>(ms.count()) / 1000.0);
}

}  // namespace

milliseconds RetryPolicy::delay(int retry, std::optional<milliseconds> retry_after,
                                double unit_random) const {
  milliseconds nominal = base;
  for (int i = 1; i < retry && nominal < max_delay; ++i) nominal *= 2;
  nominal = std::min(nominal, max_delay);
  const double factor = 0.75 + 0.5 * std::clamp(unit_random, 0.0, 1.0);
  auto wait =
      milliseconds(static_cast<std::int64_t>(static_cast<double>(nominal.count()) * factor));
  if (retry_after) wait = std::max(wait, *retry_after);
  return std::clamp(wait, milliseconds(1), max_delay);
}

bool is_retryable_status(long status) noexcept {
  return status == 429 || status == 502 || status == 503 || status == 504;
}

std::optional<std::string> retry_reason(const http::Result& r, const ExchangeEnd& end,
                                        const http::Timeouts& timeouts) {
  const bool refused = end.status >= 300 || (end.status != 0 && end.status < 200);
  if (refused && (r.outcome == http::Outcome::completed || r.outcome == http::Outcome::broken)) {
    switch (end.status) {
      case 429:
        return "too many requests (HTTP 429)";
      case 502:
        return "bad gateway (HTTP 502)";
      case 503:
        return "server busy (HTTP 503)";
      case 504:
        return "gateway timeout (HTTP 504)";
      default:
        return std::nullopt;
    }
  }
  switch (r.outcome) {
    case http::Outcome::completed:
    case http::Outcome::cancelled:
    case http::Outcome::stopped:
      return std::nullopt;
    case http::Outcome::connect_failed:
      if (r.failure == http::NetFailure::resolve) return "cannot resolve the server's name";
      return std::nullopt;
    case http::Outcome::timed_out:
      if (r.timeout == http::TimeoutKind::connect)
        return fmt::format("no connection within {}", seconds_text(timeouts.connect));
      if (r.timeout == http::TimeoutKind::idle && end.reply_started)
        return fmt::format("the server sent nothing for {}", seconds_text(timeouts.idle));
      return std::nullopt;
    case http::Outcome::broken:
      if (end.complete || r.failure != http::NetFailure::dropped) return std::nullopt;
      if (end.status == 0) return "the server closed the connection without replying";
      return "the connection broke";
  }
  return std::nullopt;
}

}  // namespace ochat::chat
