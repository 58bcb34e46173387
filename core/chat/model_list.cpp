#include "core/chat/model_list.hpp"

#include <fmt/format.h>

#include "core/chat/transfer_error.hpp"

namespace ochat::chat {
namespace {

constexpr std::size_t kMaxModelList = 16 << 20;

class BodyCollector final : public http::ResponseHandler {
 public:
  void on_status(long status) override { status_ = status; }
  bool on_body(std::string_view bytes) override {
    if (body_.size() + bytes.size() > kMaxModelList) return false;
    body_.append(bytes);
    return true;
  }
  long status() const { return status_; }
  const std::string& body() const { return body_; }

 private:
  long status_ = 0;
  std::string body_;
};

}  // namespace

std::optional<std::vector<std::string>> list_models(const TurnContext& context) {
  BodyCollector collector;
  const http::Result r = context.transport.perform(context.backend.models_request(), collector,
                                                   context.timeouts, context.cancel);
  const ChatRequest no_request;
  const Exchange exchange{context.backend, context.timeouts, no_request, collector.status(),
                          collector.body()};
  if (auto error = transfer_error(r, exchange)) throw std::move(*error);
  switch (r.outcome) {
    case http::Outcome::cancelled:
      return std::nullopt;
    case http::Outcome::stopped:
      throw Error(ErrorKind::stream, fmt::format("the model list of {} is larger than 16 MiB",
                                                 context.backend.host()));
    default:
      break;
  }
  return context.backend.parse_models(collector.body());
}

}  // namespace ochat::chat
