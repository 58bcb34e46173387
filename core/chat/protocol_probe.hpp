#pragma once
// "Is this server speaking another protocol?": one cheap request after a refusal that suggests so.
#include <string_view>

#include "core/chat/turn.hpp"

namespace ochat::chat {

// The bounds of the probe: it must not make a failing run much slower.
inline constexpr std::chrono::milliseconds kProbeConnectTimeout{2000};
inline constexpr std::chrono::milliseconds kProbeTotalTimeout{3000};

// When the backend has a protocol_probe() for this refusal (`status`, `body`), sends it once and,
// when the server's answer confirms the other protocol, returns `error` with the probe's hint
// instead of its own. Otherwise, or when the probe fails in any way, `error` as it is.
Error probe_protocol(const TurnContext& context, Error error, long status, std::string_view body,
                     const ChatRequest& request);

}  // namespace ochat::chat
