#pragma once
// One item of a batch run as a chat of its own: the item's message (with the command line's
// prompt), its overrides (model, system prompt, options), the tool loop, retries.
#include <atomic>
#include <string>

#include "core/batch/item.hpp"
#include "core/batch/item_result.hpp"
#include "core/chat/conversation.hpp"
#include "core/config/backend_table.hpp"

namespace ochat::batch {

// What every item shares (read-only while the batch runs).
struct ItemChat {
  chat::ChatRequest base;  // model, options, format, think, keep_alive, tools; no messages
  std::string system;      // -s (an item's "system" replaces it)
  std::string prompt;      // the PROMPT words, joined: after each item's text
  config::Api api = config::Api::ollama;  // whose documented options an item's "options" use
  http::Timeouts timeouts;
  chat::ConversationOptions conversation;  // tools, max_rounds, recovery
  // The API key: masked ("[API key]") in every error an item reports, should a server quote it.
  std::string secret;
};

// Runs `item` through `backend` and `transport` (this worker's own), its events into a sink
// that fills the result and hands them on to `forward` (may be null). Never throws: a failure
// is the result's `error`, with chat.secret masked (and, to `forward`, an `error` event and
// `done` with reason "error");
// a signal sets `interrupted`. `stop` (may be null): stdout was closed.
ItemResult run_item(const Item& item, const ItemChat& chat, const chat::Backend& backend,
                    http::Transport& transport, events::EventSink* forward,
                    const sys::CancelToken& cancel, const std::atomic<bool>* stop);

// The options of an item's "options" object on top of `base`: a key the protocol does not
// document, or a reserved one, is an error (usage) unless written "!KEY"; values are sent as
// given.
nlohmann::ordered_json item_options(const nlohmann::ordered_json& base,
                                    const nlohmann::ordered_json& given, config::Api api);

}  // namespace ochat::batch
