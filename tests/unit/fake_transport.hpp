#pragma once
// A scripted http::Transport: it records each request, then plays waiting ticks, a status and
// body pieces into the handler (each piece one network read: on_body, then on_read_end) and
// returns the scripted Result. Exceptions thrown by the handler propagate, as the real
// transport rethrows them from perform().
#include <chrono>
#include <deque>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "core/http/transport.hpp"

namespace ochat::test {

struct Reply {
  long status = 200;                             // 0: no status line
  std::vector<std::string> pieces;               // body reads, in order
  std::vector<std::chrono::milliseconds> waits;  // on_waiting ticks before the status
  http::Result result;                           // returned once every piece went in
  std::vector<std::pair<std::string, std::string>> headers = {};  // given after the status
};

class FakeTransport final : public http::Transport {
 public:
  // The reply to the next requests, in order; once they are used up, every request gets
  // the members below.
  std::deque<Reply> queued;
  long status = 200;
  std::vector<std::string> pieces;
  std::vector<std::chrono::milliseconds> waits;
  http::Result result;
  // Called at the start of each perform() (a test can fire a signal, move a clock...).
  std::function<void(int call)> on_perform;

  // What perform() received.
  int calls = 0;
  http::Request request;                // the last one
  std::vector<http::Request> requests;  // all of them
  http::Timeouts timeouts;
  std::size_t pieces_delivered = 0;

  http::Result perform(const http::Request& req, http::ResponseHandler& handler,
                       const http::Timeouts& t, const sys::CancelToken&) override {
    ++calls;
    request = req;
    requests.push_back(req);
    timeouts = t;
    if (on_perform) on_perform(calls);
    Reply reply{status, pieces, waits, result};
    if (!queued.empty()) {
      reply = std::move(queued.front());
      queued.pop_front();
    }
    for (auto w : reply.waits) handler.on_waiting(w);
    if (reply.status != 0) handler.on_status(reply.status);
    for (const auto& [name, value] : reply.headers) handler.on_header(name, value);
    http::Result r = reply.result;
    r.status = reply.status;
    for (const auto& piece : reply.pieces) {
      ++pieces_delivered;
      r.got_bytes = true;
      if (!handler.on_body(piece) || !handler.on_read_end()) {
        r.outcome = http::Outcome::stopped;  // as CurlTransport does
        return r;
      }
    }
    return r;
  }
};

}  // namespace ochat::test
