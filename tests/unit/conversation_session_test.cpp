#include <catch2/catch.hpp>
#include <string>

#include "core/conversation/reader.hpp"
#include "core/conversation/session.hpp"
#include "core/conversation/state_dir.hpp"
#include "core/error.hpp"
#include "temp_dir.hpp"

using namespace ochat::conversation;
using ochat::chat::Message;
using ochat::test::slurp;
using ochat::test::TempDir;

namespace {

class FixedClock final : public Clock {
 public:
  TimePoint now() const override { return std::chrono::system_clock::from_time_t(1777629600); }
};

SavedSettings settings(const std::string& model) {
  SavedSettings s;
  s.api = "ollama";
  s.host = "http://h";
  s.model = model;
  return s;
}

// One turn: the user's message and the model's reply.
void turn(Session& session, const SavedSettings& now, const std::string& system,
          const std::string& text) {
  std::vector<Message> messages = session.history();
  session.begin_turn(now, system, Message::text("user", text), messages);
  session.log()->append(Message::text("assistant", "re: " + text), {});
}

}  // namespace

TEST_CASE(
    "conversation::Session creates an automatic name in the directory and records it as the last") {
  TempDir state;
  FixedClock clock;
  SessionOptions options;
  options.dir = state.file("conversations");
  options.state = state.path();
  options.clock = &clock;
  auto first = Session::open(options);
  auto second = Session::open(options);  // the same second: another name
  CHECK(first->path() == options.dir + "/20260501-100000.jsonl");
  CHECK(second->path() == options.dir + "/20260501-100000-2.jsonl");
  turn(*second, settings("m"), "", "hi");
  CHECK(most_recent(state.path(), options.dir) == second->path());
}

TEST_CASE(
    "conversation::Session: the header goes with the first reply; a turn without a reply writes "
    "nothing") {
  TempDir dir;
  FixedClock clock;
  SessionOptions options;
  options.path = dir.file("c.jsonl");
  options.clock = &clock;
  {
    auto session = Session::open(options);
    std::vector<Message> messages;
    session->begin_turn(settings("m"), "sys", Message::text("user", "lost"), messages);
    CHECK(messages.size() == 2);
    // No reply: the next turn begins afresh.
    turn(*session, settings("m"), "sys", "kept");
  }
  const auto t = read_transcript(slurp(dir.file("c.jsonl")), "c");
  REQUIRE(t.header);
  CHECK(t.header->settings == settings("m"));
  REQUIRE(t.entries.size() == 3);
  CHECK(t.entries[0].message.role == "system");
  CHECK(t.entries[1].message.content == "kept");
  CHECK(t.entries[1].note.settings.empty());
}

TEST_CASE(
    "conversation::Session adds a system message only when the prompt changes, and records changed "
    "settings") {
  TempDir dir;
  SessionOptions options;
  options.path = dir.file("c.jsonl");
  {
    auto session = Session::open(options);
    turn(*session, settings("m1"), "S1", "one");
  }
  {
    auto session = Session::open(options);
    CHECK(session->system_prompt() == "S1");
    CHECK(session->history().size() == 3);
    std::vector<Message> messages = session->history();
    session->begin_turn(settings("m1"), "S1", Message::text("user", "two"), messages);
    CHECK(messages.size() == 4);  // S1 again: nothing added
    session->log()->append(Message::text("assistant", "a"), {});
    messages = {};
    session->begin_turn(settings("m2"), "S2", Message::text("user", "three"), messages);
    REQUIRE(messages.size() == 2);
    CHECK(messages[0].content == "S2");
    session->log()->append(Message::text("assistant", "b"), {});
  }
  const auto t = read_transcript(slurp(dir.file("c.jsonl")), "c");
  REQUIRE(t.entries.size() == 8);
  CHECK(t.entries[3].note.settings.empty());  // "two": nothing changed
  CHECK(t.entries[5].message.content == "S2");
  CHECK(t.entries[6].note.settings.model == "m2");
  CHECK(t.settings.model == "m2");
}

TEST_CASE(
    "conversation::Session without saving reads the conversation, or nothing when it is missing") {
  TempDir dir;
  SessionOptions options;
  options.path = dir.file("c.jsonl");
  options.save = false;
  auto none = Session::open(options);
  CHECK(none->history().empty());
  CHECK(none->log() == nullptr);
  CHECK(none->path().empty());
  std::vector<Message> messages;
  none->begin_turn(settings("m"), "", Message::text("user", "x"), messages);
  CHECK(messages.size() == 1);
  CHECK_FALSE(ochat::test::slurp(dir.file("c.jsonl")).size());
}

TEST_CASE("conversation::saving_enabled reads OCHAT_SAVE") {
  CHECK(saving_enabled(std::nullopt));
  CHECK(saving_enabled(std::string("1")));
  CHECK(saving_enabled(std::string("")));
  CHECK_FALSE(saving_enabled(std::string("0")));
  CHECK_FALSE(saving_enabled(std::string("off")));
  CHECK_THROWS_WITH(saving_enabled(std::string("maybe")), "OCHAT_SAVE takes 0 or 1, got 'maybe'");
}
