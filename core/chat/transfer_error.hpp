#pragma once
// One way to turn the end of an HTTP exchange with the server into an ochat::Error, for every
// request ochat sends (a chat turn, a model list).
#include <optional>
#include <string_view>

#include "core/chat/backend.hpp"
#include "core/error.hpp"
#include "core/http/transport.hpp"

namespace ochat::chat {

// What the caller saw of the reply.
struct Exchange {
  const Backend& backend;
  const http::Timeouts& timeouts;
  const ChatRequest& request;   // what was asked (for the hints of http_error); may be empty
  long status = 0;              // the reply's HTTP status; 0 when no status line arrived
  std::string_view error_body;  // the body of a reply with a status >= 400 (the start of it)
  bool complete = false;        // the reply was whole by its own framing (a done chunk)
};

// The error for a transfer that failed: a status >= 400 (the backend's http_error), no
// connection (with the backend's hint), a timeout (naming the flag that sets it), or a
// connection that broke before the reply was complete. std::nullopt when there is no error to
// report: a transfer that completed with a 2xx status (the caller checks that the body was
// whole), one the user interrupted (cancelled) or that the caller stopped.
std::optional<Error> transfer_error(const http::Result& result, const Exchange& exchange);

}  // namespace ochat::chat
