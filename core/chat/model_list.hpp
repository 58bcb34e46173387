#pragma once
// The names of the server's models (GET /api/tags, or {base}/models for OpenAI-compatible servers).
#include <optional>
#include <string>
#include <vector>

#include "core/chat/turn.hpp"

namespace ochat::chat {

// For --list-models and for the message shown when no model was given. std::nullopt when the
// user interrupted it (context.cancel says by which signal). Throws ochat::Error as run_turn
// does: connect (with the backend's hint), http (the server's own message), timeout, or stream
// (a broken connection, a body that is not a model list).
std::optional<std::vector<std::string>> list_models(const TurnContext& context);

}  // namespace ochat::chat
