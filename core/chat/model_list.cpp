#include "core/chat/model_list.hpp"

#include <fmt/format.h>

#include "core/chat/protocol_probe.hpp"
#include "core/chat/transfer_error.hpp"
#include "core/http/body_collector.hpp"

namespace ochat::chat {
namespace {

constexpr std::size_t kMaxModelList = 16 << 20;

}  // namespace

std::optional<std::vector<std::string>> list_models(const TurnContext& context) {
  http::BodyCollector collector(kMaxModelList);
  const http::Result r = context.transport.perform(context.backend.models_request(), collector,
                                                   context.timeouts, context.cancel);
  const ChatRequest no_request;
  const Exchange exchange{context.backend, context.timeouts, no_request, collector.status(),
                          collector.body()};
  if (auto error = transfer_error(r, exchange)) {
    throw probe_protocol(context, std::move(*error), collector.status(), collector.body(),
                         no_request);
  }
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
