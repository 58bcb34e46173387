#pragma once
// Writes a run's messages to its conversation file as they become complete. The messages the
// run begins with (a new file's header, a changed system prompt, the user's message) wait for
// the first reply and go with it in one write: a run that never got a reply writes nothing.
#include <functional>
#include <string>
#include <vector>

#include "core/chat/message_log.hpp"
#include "core/conversation/clock.hpp"
#include "core/conversation/conversation_file.hpp"
#include "core/conversation/record.hpp"

namespace ochat::conversation {

class Recorder final : public chat::MessageLog {
 public:
  Recorder(ConversationFile& file, const Clock& clock) : file_(file), clock_(clock) {}

  // For a file that holds no conversation yet: the header goes first (once).
  void begin(const SavedSettings& settings);
  // Forgets the staged messages (not a header): their turn ended without a reply.
  void drop_staged() { staged_.clear(); }
  // A message of this run other than a reply; `changed`: the settings this turn changed (on
  // the user message).
  void stage(const chat::Message& message, const SavedSettings& changed = {});
  // Writes what is staged and `message` (one line each) with one write. Throws ochat::Error
  // (internal) "this turn was not saved: ..." when the write fails.
  void append(const chat::Message& message, const chat::MessageNote& note) override;

  // Called after each successful write.
  std::function<void()> on_write;

 private:
  ConversationFile& file_;
  const Clock& clock_;
  std::string header_;  // written with the first reply
  std::string staged_;
};

}  // namespace ochat::conversation
