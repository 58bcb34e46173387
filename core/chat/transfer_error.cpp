#include "core/chat/transfer_error.hpp"

#include <fmt/format.h>

namespace ochat::chat {
namespace {

using std::chrono::milliseconds;

std::string seconds(milliseconds ms) {
  std::string text = fmt::format("{}.{:03}", ms.count() / 1000, ms.count() % 1000);
  while (text.back() == '0') text.pop_back();
  if (text.back() == '.') text.pop_back();
  return text + " s";
}

Error timeout_error(const http::Result& r, const Exchange& x) {
  const auto& t = x.timeouts;
  switch (r.timeout) {
    case http::TimeoutKind::connect:
      return Error(ErrorKind::timeout,
                   fmt::format("connect timeout: no connection to {} within {} (--connect-timeout)",
                               x.backend.host(), seconds(t.connect)));
    case http::TimeoutKind::total:
      if (t.total) {
        return Error(ErrorKind::timeout,
                     fmt::format("total timeout: the reply took longer than {} (--timeout)",
                                 seconds(*t.total)));
      }
      break;
    case http::TimeoutKind::idle:
    case http::TimeoutKind::none:
      break;
  }
  if (!r.got_bytes) {
    return Error(ErrorKind::timeout,
                 fmt::format("idle timeout: the server sent nothing for {} (--idle-timeout)",
                             seconds(t.idle)),
                 "a model that is still loading may need a longer --idle-timeout");
  }
  return Error(ErrorKind::timeout,
               fmt::format("idle timeout: the server sent nothing more for {} (--idle-timeout)",
                           seconds(t.idle)));
}

}  // namespace

std::optional<Error> transfer_error(const http::Result& r, const Exchange& x) {
  const bool refused = x.status >= 300 || (x.status != 0 && x.status < 200);
  const std::string& host = x.backend.host();
  switch (r.outcome) {
    case http::Outcome::cancelled:
    case http::Outcome::stopped:
      return std::nullopt;
    case http::Outcome::timed_out:
      return timeout_error(r, x);
    case http::Outcome::connect_failed:
      return Error(ErrorKind::connect,
                   fmt::format("cannot connect to the server at {}: {}", host, r.message),
                   x.backend.connect_hint(r.failure));
    case http::Outcome::broken:
      if (refused) return x.backend.http_error(x.status, x.error_body, x.request);
      if (!r.got_bytes || x.status == 0) {
        return Error(ErrorKind::connect,
                     fmt::format("the server at {} closed the connection without replying: {}",
                                 host, r.message));
      }
      if (x.complete) return std::nullopt;  // the reply was whole; the connection broke afterwards
      return Error(
          ErrorKind::stream,
          fmt::format("the connection to the server broke before the reply was complete: {}",
                      r.message));
    case http::Outcome::completed:
      if (refused) return x.backend.http_error(x.status, x.error_body, x.request);
      return std::nullopt;
  }
  return std::nullopt;
}

}  // namespace ochat::chat
