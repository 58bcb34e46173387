#include "core/chat/model_list.hpp"

#include <fmt/format.h>

namespace ochat::chat {
namespace {

class BodyCollector final : public http::ResponseHandler {
 public:
  void on_status(long status) override { status_ = status; }
  bool on_body(std::string_view bytes) override {
    if (body_.size() + bytes.size() > kMax) return false;
    body_.append(bytes);
    return true;
  }
  long status() const { return status_; }
  const std::string& body() const { return body_; }

 private:
  static constexpr std::size_t kMax = 16 << 20;
  long status_ = 0;
  std::string body_;
};

}  // namespace

std::vector<std::string> list_models(const TurnContext& context) {
  BodyCollector collector;
  const http::Result r = context.transport.perform(context.backend.models_request(), collector,
                                                   context.timeouts, context.cancel);
  const std::string& host = context.backend.host();
  switch (r.outcome) {
    case http::Outcome::completed:
      if (collector.status() >= 200 && collector.status() < 300) return context.backend.parse_models(collector.body());
      throw context.backend.http_error(collector.status(), collector.body(), ChatRequest{});
    case http::Outcome::connect_failed:
      throw Error(ErrorKind::connect, fmt::format("cannot connect to the server at {}: {}", host, r.message),
                  context.backend.connect_hint());
    case http::Outcome::timed_out:
      throw Error(ErrorKind::timeout, fmt::format("the server at {} did not list its models in time", host));
    case http::Outcome::stopped:
      throw Error(ErrorKind::stream, fmt::format("the model list of {} is larger than 16 MiB", host));
    case http::Outcome::cancelled:
      throw Error::interrupted(context.cancel.requested());
    case http::Outcome::broken:
      break;
  }
  throw Error(ErrorKind::stream, fmt::format("the connection to {} broke while listing the models: {}", host, r.message));
}

}  // namespace ochat::chat
