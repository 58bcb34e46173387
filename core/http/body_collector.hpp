#pragma once
// A response handler that keeps the status and the whole body, up to a bound: for small
// replies read at once (a model list, a probe), not for streams.
#include <cstddef>
#include <string>
#include <string_view>

#include "core/http/transport.hpp"

namespace ochat::http {

class BodyCollector final : public ResponseHandler {
 public:
  // A body longer than `max` bytes stops the transfer (Outcome::stopped).
  explicit BodyCollector(std::size_t max) : max_(max) {}

  void on_status(long status) override { status_ = status; }
  bool on_body(std::string_view bytes) override {
    if (body_.size() + bytes.size() > max_) return false;
    body_.append(bytes);
    return true;
  }
  long status() const { return status_; }
  const std::string& body() const { return body_; }

 private:
  std::size_t max_;
  long status_ = 0;
  std::string body_;
};

}  // namespace ochat::http
