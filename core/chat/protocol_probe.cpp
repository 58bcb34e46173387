#include "core/chat/protocol_probe.hpp"

#include <algorithm>

#include "core/http/body_collector.hpp"

namespace ochat::chat {

Error probe_protocol(const TurnContext& context, Error error, long status, std::string_view body,
                     const ChatRequest& request) {
  if (error.kind() != ErrorKind::http) return error;
  const auto probe = context.backend.protocol_probe(status, body, request);
  if (!probe || !probe->confirms) return error;
  http::Timeouts timeouts;
  timeouts.connect = std::min(context.timeouts.connect, kProbeConnectTimeout);
  timeouts.idle = kProbeTotalTimeout;
  timeouts.total = kProbeTotalTimeout;
  http::BodyCollector collector(1 << 20);
  const http::Result r =
      context.transport.perform(probe->request, collector, timeouts, context.cancel);
  const bool answered = r.outcome == http::Outcome::completed && collector.status() >= 200 &&
                        collector.status() < 300 && probe->confirms(collector.body());
  if (!answered) return error;
  return Error(error.kind(), error.what(), probe->hint);
}

}  // namespace ochat::chat
