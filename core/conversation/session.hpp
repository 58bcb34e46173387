#pragma once
// A conversation as one run uses it: the file chosen, created or continued, held (locked) for
// the run, its history read once the lock is held, and the run's messages appended as they
// become complete. A chat run and the interactive mode each hold one Session.
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/chat/message.hpp"
#include "core/chat/message_log.hpp"
#include "core/conversation/clock.hpp"
#include "core/conversation/conversation_file.hpp"
#include "core/conversation/reader.hpp"
#include "core/conversation/recorder.hpp"

namespace ochat::conversation {

struct SessionOptions {
  // The conversation's file; empty: a new conversation in `dir` under an automatic name.
  std::string path;
  std::string dir;  // the conversations directory (created 0700 for an automatic name)
  std::string
      state;  // the state directory, where the last conversation is recorded; empty: not recorded
  bool save = true;  // false: the file is only read (it may be missing: no history)
  LockOptions lock;
  const Clock* clock = nullptr;  // for the times written; nullptr: the system clock
  // Told about a line of the file that was skipped, and about a failure to record the last
  // conversation (neither stops the run).
  std::function<void(const std::string&)> warn;
};

class Session {
 public:
  // Opens (or creates) the conversation and reads it once its lock is held. Throws
  // ochat::Error (internal) for a file that cannot be used, is not a conversation or is of
  // an unknown version; nothing is written then.
  static std::unique_ptr<Session> open(const SessionOptions& options);

  // The file (absolute when ochat chose it); empty when the run reads none.
  const std::string& path() const noexcept { return path_; }
  const Transcript& transcript() const noexcept { return transcript_; }
  // The messages of the earlier turns, as they are sent.
  std::vector<chat::Message> history() const;
  // The same, moved out of transcript() (which is left without them): a long conversation is
  // not copied.
  std::vector<chat::Message> take_history();
  // The system prompt in effect: that of the last system message, or "".
  const std::string& system_prompt() const noexcept { return system_; }

  // Begins a turn. Adds to `messages` (the request's, the history already in it) a system
  // message when `system` is not empty and differs from the system prompt in effect, then
  // `user`. When saving, stages them (with the settings `now` changes; a new conversation's
  // header records `now` whole): they are written with the turn's first reply.
  void begin_turn(const SavedSettings& now, const std::string& system, const chat::Message& user,
                  std::vector<chat::Message>& messages);
  // Where run_conversation keeps the turn's replies and tool results; nullptr when not saving.
  chat::MessageLog* log() noexcept { return recorder_.get(); }

 private:
  Session() = default;

  std::string path_;
  std::unique_ptr<ConversationFile> file_;
  Transcript transcript_;
  SystemClock system_clock_;
  std::unique_ptr<Recorder> recorder_;
  bool has_header_ = false;     // in the file, or staged to be written with the next reply
  SavedSettings saved_;         // the settings the file records
  SavedSettings pending_;       // those of the turn begun, recorded once it writes
  bool remembered_ = false;     // recorded as the last conversation
  std::string system_;          // the system prompt in effect (saved)
  std::string pending_system_;  // that of the turn begun, in effect once it writes
};

// Whether OCHAT_SAVE (its value, when set) asks for chats to be saved: 0, false, no or off
// say no; 1, true, yes, on or unset say yes. Throws ochat::Error (usage) for anything else.
bool saving_enabled(const std::optional<std::string>& ochat_save);

}  // namespace ochat::conversation
