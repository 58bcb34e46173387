#pragma once
// The network, behind a small interface: the real one is CurlTransport, tests use fakes.
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/sys/cancel_token.hpp"

namespace ochat::http {

// Bytes sent base64-encoded inside a request body, before the byte at `offset` of the body's
// text. They are encoded while the request is sent: a large image is never held twice.
struct Base64Insert {
  std::size_t offset = 0;
  std::shared_ptr<const std::string> bytes;
};

struct Request {
  std::string method = "POST";  // "GET" or "POST"
  std::string url;
  std::string body;                   // the body, or its text around the inserts
  std::vector<Base64Insert> inserts;  // by increasing offset; see request_body.hpp
  std::vector<std::string> headers;   // "Name: value"
};

struct Timeouts {
  std::chrono::milliseconds connect{10'000};
  std::chrono::milliseconds idle{600'000};  // longest silence between received bytes
  std::optional<std::chrono::milliseconds> total;
};

// How long a reply that is already complete (ResponseHandler::complete()) may stay open in
// silence before the transfer counts as finished: time for a trailing usage chunk or [DONE].
inline constexpr std::chrono::milliseconds kLinger{1000};

// Receives the response as it arrives. Exceptions thrown here are carried across the
// transport and rethrown from perform() once the connection is closed.
class ResponseHandler {
 public:
  virtual ~ResponseHandler() = default;
  virtual void on_status(long status) = 0;
  // Each header of the response as it arrives (name without the colon, value trimmed).
  virtual void on_header(std::string_view /*name*/, std::string_view /*value*/) {}
  // Returns false to stop the transfer (for example when stdout was closed).
  virtual bool on_body(std::string_view bytes) = 0;
  // Called once the bytes of one network read have all gone through on_body(): the moment
  // to write them out, in one write() rather than one per piece. Returns false to stop.
  virtual bool on_read_end() { return true; }
  // Called about once a second while nothing at all has arrived yet (a model may be loading).
  virtual void on_waiting(std::chrono::milliseconds /*waited*/) {}
  // True once the reply is whole by its own framing (a done chunk, a finish_reason). From
  // then on, a server that keeps the body open but says nothing for kLinger has finished.
  virtual bool complete() const { return false; }
};

enum class Outcome {
  completed,       // the whole response was received
  stopped,         // on_body() returned false
  cancelled,       // the cancel token fired
  connect_failed,  // no connection could be made (refused, DNS, TLS...)
  timed_out,       // see Result::timeout
  broken,          // the connection failed after it was made
};

enum class TimeoutKind { none, connect, idle, total };

// What kind of network failure a connect_failed or broken outcome was, as far as deciding
// whether to try again is concerned.
enum class NetFailure {
  other,
  refused,  // nothing listens at the address (connection refused)
  resolve,  // the host name could not be resolved
  dropped,  // the connection was reset or closed by the other end
};

struct Result {
  Outcome outcome = Outcome::completed;
  TimeoutKind timeout = TimeoutKind::none;
  long status = 0;                         // 0 if no status line arrived
  bool got_bytes = false;                  // any response byte arrived
  std::string message;                     // what failed, for connect_failed and broken
  NetFailure failure = NetFailure::other;  // for connect_failed and broken
};

class Transport {
 public:
  virtual ~Transport() = default;
  // Sends `request` and streams the response into `handler`. Never throws for network
  // failures (they are in Result); rethrows what the handler threw.
  virtual Result perform(const Request& request, ResponseHandler& handler, const Timeouts& timeouts,
                         const sys::CancelToken& cancel) = 0;
};

}  // namespace ochat::http
