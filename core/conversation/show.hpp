#pragma once
// `ochat --show`: a saved conversation as text for people, or as the --events a live run writes.
#include <string>

#include "core/conversation/reader.hpp"
#include "core/events/event_sink.hpp"

namespace ochat::conversation {

// The conversation as readable text: a heading per message ("[user]", "[assistant]",
// "[tool NAME]", ...) then its text; thinking, tool calls and tool results summarised; a cut
// answer marked with its reason.
std::string render_text(const Transcript& transcript);

// Plays the conversation into `sink` as the runs that wrote it emitted their events: for each
// turn (a user message and what followed it) `start`, a `message` event per system and user
// message, then `thinking`, `token`, `tool_call` and `tool_result` in order, an `error` for an
// answer cut by an error, and `done` (reason stop, length, interrupted or error). `path`
// names the conversation in `start`.
void replay(const Transcript& transcript, const std::string& path, events::EventSink& sink);

}  // namespace ochat::conversation
