#include <utime.h>

#include <catch2/catch.hpp>
#include <string>

#include "core/conversation/codec.hpp"
#include "core/conversation/lister.hpp"
#include "core/conversation/reader.hpp"
#include "core/conversation/recorder.hpp"
#include "core/conversation/show.hpp"
#include "core/error.hpp"
#include "recording_sink.hpp"
#include "temp_dir.hpp"

using namespace ochat::conversation;
using ochat::chat::Cut;
using ochat::chat::Message;
using ochat::test::TempDir;

namespace {

class FixedClock final : public Clock {
 public:
  TimePoint now() const override { return std::chrono::system_clock::from_time_t(1777629600); }
};

std::string header(const std::string& model = "llama3.2") {
  Header h;
  h.created = "2026-05-01T10:00:00.000Z";
  h.settings.api = "ollama";
  h.settings.host = "http://h";
  h.settings.model = model;
  return encode_header(h);
}

std::string line(const Message& m, const Note& note = {}) { return encode_message(m, note); }
std::string line(const std::string& role, const std::string& content, const Note& note = {}) {
  return line(Message::text(role, content), note);
}

// A turn with a tool round, then a turn cut by SIGINT.
std::string with_tools() {
  Message call = Message::text("assistant", "Checking.");
  ochat::chat::ToolCall c;
  c.name = "get_weather";
  c.arguments = {{"city", "Paris"}};
  call.tool_calls = {c};
  Message result = Message::text("tool", "sunny");
  result.tool_name = "get_weather";
  Note stats;
  stats.message.done_reason = "stop";
  stats.message.stats.generated_tokens = 5;
  Note cut;
  cut.message.cut = Cut::interrupted;
  Note change;
  change.settings.model = "qwen3";
  return header() + line("system", "be brief") + line("user", "weather?") + line(call, stats) +
         line(result) + line("assistant", "It is sunny.", stats) +
         line("user", "and tomorrow?", change) + line("assistant", "Tomor", cut);
}

}  // namespace

TEST_CASE("conversation::first_words keeps the start of a message on one line") {
  CHECK(first_words("  Why is\nthe\tsky   blue?  ") == "Why is the sky blue?");
  CHECK(first_words("one two three four", 9) == "one two...");
  CHECK(first_words(std::string(100, 'x'), 10) == "xxxxxxxxxx...");
  CHECK(first_words("\xE4\xBD\xA0\xE5\xA5\xBD\xE4\xBD\xA0", 4) ==
        "\xE4\xBD\xA0...");  // not inside a character
  CHECK(first_words("") == "");
}

TEST_CASE(
    "conversation::summarize gives the model now, the message count and the first user words") {
  const Summary s = summarize(with_tools(), "c.jsonl");
  CHECK(s.model == "qwen3");
  CHECK(s.messages == 7);
  CHECK(s.first_words == "weather?");
  CHECK_THROWS_WITH(summarize("[]\n", "x.jsonl"), "x.jsonl is not an ochat conversation");
  const Summary plain =
      summarize(header("m1") + line("user", "hi there") + line("assistant", "yo"), "c");
  CHECK(plain.model == "m1");
  CHECK(plain.messages == 2);
  // A hand-edited line whose role is not a string is counted, not taken as the user's.
  const Summary odd = summarize(header("m1") +
                                    R"({"role":1,"content":"user"})"
                                    "\n" +
                                    line("user", "hi there"),
                                "c");
  CHECK(odd.messages == 2);
  CHECK(odd.first_words == "hi there");
}

TEST_CASE(
    "conversation::list_conversations lists NAME.jsonl files newest first and skips what is not "
    "one") {
  TempDir dir;
  ochat::test::write_file(dir.file("a.jsonl"),
                          header("m-a") + line("user", "first\tquestion") + line("assistant", "x"));
  ochat::test::write_file(dir.file("b.jsonl"), header("m-b") + line("user", "second"));
  ochat::test::write_file(dir.file("junk.jsonl"), "not json\n");
  ochat::test::write_file(dir.file("empty.jsonl"), "");
  ochat::test::write_file(dir.file("other.txt"), "x");
  utimbuf old{1000, 1000}, newer{2000, 2000};
  ::utime(dir.file("a.jsonl").c_str(), &old);
  ::utime(dir.file("b.jsonl").c_str(), &newer);
  std::vector<std::string> warnings;
  const auto list = list_conversations(dir.path(), warnings);
  REQUIRE(list.size() == 2);
  CHECK(listing_line(list[0]) == "b\t1970-01-01T00:33:20Z\tm-b\t1\tsecond\n");
  CHECK(listing_line(list[1]) == "a\t1970-01-01T00:16:40Z\tm-a\t2\tfirst question\n");
  REQUIRE(warnings.size() == 1);
  CHECK(warnings[0] == "skipped " + dir.file("junk.jsonl") + " is not an ochat conversation");
  CHECK(list_conversations(dir.file("none"), warnings).empty());
}

TEST_CASE(
    "conversation::render_text shows each message under its role, tools and cuts summarised") {
  const auto t = read_transcript(with_tools(), "c");
  CHECK(render_text(t) ==
        "[system]\nbe brief\n\n"
        "[user]\nweather?\n\n"
        "[assistant]\nChecking.\n-> get_weather {\"city\":\"Paris\"}\n\n"
        "[tool result: get_weather]\nsunny\n\n"
        "[assistant]\nIt is sunny.\n\n"
        "[user]\nand tomorrow?\n\n"
        "[assistant]\nTomor\n[cut: interrupted (SIGINT)]\n");
  const auto long_result = read_transcript(header() + line("tool", std::string(300, 'r')), "c");
  CHECK(render_text(long_result) ==
        "[tool result: ?]\n" + std::string(200, 'r') + "... (300 bytes in all)\n");
}

TEST_CASE("conversation::replay plays each turn as the events its run wrote") {
  const auto t = read_transcript(with_tools(), "c");
  ochat::test::RecordingSink sink;
  replay(t, "/s/c.jsonl", sink);
  CHECK(sink.calls == std::vector<std::string>{
                          "start:llama3.2@http://h",
                          "message:system:be brief",
                          "message:user:weather?",
                          "token:Checking.",
                          "tool_call:call_1:get_weather:{\"city\":\"Paris\"}",
                          "tool_result:call_1:get_weather:ok:sunny",
                          "token:It is sunny.",
                          "done:stop",
                          "start:qwen3@http://h",
                          "message:user:and tomorrow?",
                          "token:Tomor",
                          "done:interrupted",
                          "flush",
                      });
  CHECK(sink.dones[0].stats.generated_tokens == 10);
  REQUIRE(sink.starts.size() == 2);
  CHECK(sink.starts[0].conversation == "/s/c.jsonl");
  CHECK(sink.starts[0].earlier_messages == 0);
  CHECK(sink.starts[1].earlier_messages == 5);
}

TEST_CASE(
    "conversation::Recorder writes the header and the staged messages with the first reply, in one "
    "write") {
  TempDir dir;
  const std::string path = dir.file("c.jsonl");
  int writes = 0;
  ochat::conversation::LockOptions options;
  options.write = [&](int fd, const void* data, std::size_t size) {
    ++writes;
    return ::write(fd, data, size);
  };
  FixedClock clock;
  {
    auto file = ConversationFile::open(path, ConversationFile::Mode::create, options);
    Recorder recorder(*file, clock);
    int first_writes = 0;
    recorder.on_write = [&] { ++first_writes; };
    ochat::conversation::SavedSettings settings;
    settings.model = "m";
    recorder.begin(settings);
    recorder.stage(Message::text("system", "s"));
    recorder.stage(Message::text("user", "u"));
    CHECK(writes == 0);
    ochat::chat::MessageNote stop;
    stop.done_reason = "stop";
    recorder.append(Message::text("assistant", "a"), stop);
    CHECK(writes == 1);
    recorder.append(Message::text("tool", "t"), {});
    CHECK(writes == 2);
    CHECK(first_writes == 2);
  }
  const auto t = read_transcript(ochat::test::slurp(path), path);
  REQUIRE(t.header);
  CHECK(t.header->created == "2026-05-01T10:00:00.000Z");
  CHECK(t.header->settings.model == "m");
  REQUIRE(t.entries.size() == 4);
  CHECK(t.entries[2].note.time == "2026-05-01T10:00:00.000Z");
  CHECK(t.entries[2].note.message.done_reason == "stop");
}

TEST_CASE("conversation::Recorder says the turn was not saved when the write fails") {
  TempDir dir;
  ochat::conversation::LockOptions options;
  options.write = [](int, const void*, std::size_t) -> ssize_t {
    errno = ENOSPC;
    return -1;
  };
  FixedClock clock;
  auto file = ConversationFile::open(dir.file("c.jsonl"), ConversationFile::Mode::create, options);
  Recorder recorder(*file, clock);
  recorder.stage(Message::text("user", "u"));
  CHECK_THROWS_WITH(recorder.append(Message::text("assistant", "a"), {}),
                    "this turn was not saved: cannot append to the conversation " +
                        dir.file("c.jsonl") + ": No space left on device");
}
