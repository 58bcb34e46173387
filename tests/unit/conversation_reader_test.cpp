#include <algorithm>
#include <catch2/catch.hpp>
#include <string>

#include "core/conversation/codec.hpp"
#include "core/conversation/reader.hpp"
#include "core/error.hpp"

using ochat::chat::Message;
using ochat::conversation::encode_header;
using ochat::conversation::encode_message;
using ochat::conversation::Header;
using ochat::conversation::Note;
using ochat::conversation::read_transcript;

namespace {

std::string header(const std::string& model = "llama3.2") {
  Header h;
  h.created = "2026-05-01T10:00:00.000Z";
  h.settings.api = "ollama";
  h.settings.host = "http://h";
  h.settings.model = model;
  return encode_header(h);
}

std::string line(const std::string& role, const std::string& content, const Note& note = {}) {
  return encode_message(Message::text(role, content), note);
}

std::string two_turns() {
  return header() + line("system", "be brief") + line("user", "hi") +
         line("assistant", "Hello caf\xC3\xA9!") + line("user", "more") +
         line("assistant", "More.");
}

}  // namespace

TEST_CASE("conversation::read_transcript reads the header and every message in order") {
  const auto t = read_transcript(two_turns(), "c.jsonl");
  REQUIRE(t.header);
  CHECK(t.header->settings.model == "llama3.2");
  REQUIRE(t.entries.size() == 5);
  CHECK(t.entries[0].message.role == "system");
  CHECK(t.entries[2].message.content == "Hello caf\xC3\xA9!");
  CHECK(t.entries[4].line == 6);
  CHECK(t.warnings.empty());
  CHECK_FALSE(t.ends_mid_line);
}

TEST_CASE("conversation::read_transcript: an empty file holds no conversation yet") {
  const auto t = read_transcript("", "c.jsonl");
  CHECK_FALSE(t.header);
  CHECK(t.entries.empty());
  CHECK_FALSE(read_transcript("\n  \n", "c.jsonl").header);
}

TEST_CASE(
    "conversation::read_transcript skips a cut last line with a warning, at every cut point") {
  const std::string whole = two_turns();
  const std::size_t header_end = whole.find('\n') + 1;
  for (std::size_t cut = 1; cut < whole.size(); ++cut) {
    INFO("cut at " << cut);
    const std::string bytes = whole.substr(0, cut);
    const auto t = read_transcript(bytes, "c.jsonl");
    const std::size_t complete_lines =
        static_cast<std::size_t>(std::count(bytes.begin(), bytes.end(), '\n'));
    const bool mid_line = bytes.back() != '\n';
    // A line cut just before its '\n' is still a whole message.
    const bool last_parses = mid_line && whole[cut] == '\n';
    CHECK(t.ends_mid_line == mid_line);
    CHECK(t.header.has_value() == (cut >= header_end - 1));
    const std::size_t expected =
        (complete_lines > 0 ? complete_lines - 1 : 0) + (last_parses && cut >= header_end ? 1 : 0);
    CHECK(t.entries.size() == expected);
    CHECK(t.warnings.size() == (mid_line && !last_parses ? 1u : 0u));
    if (!t.warnings.empty()) CHECK_THAT(t.warnings[0], Catch::StartsWith("c.jsonl:"));

    // The next run appends on a fresh line: everything after reads, the cut line stays skipped.
    const std::string appended = bytes + (mid_line ? "\n" : "") + (t.header ? "" : header()) +
                                 line("user", "again") + line("assistant", "Again.");
    const auto u = read_transcript(appended, "c.jsonl");
    CHECK(u.entries.size() == expected + 2);
    CHECK(u.entries.back().message.content == "Again.");
    CHECK(u.warnings.size() == t.warnings.size());
  }
}

TEST_CASE(
    "conversation::read_transcript reads hand edits: removed lines, blank lines, an added "
    "message") {
  const std::string bytes = header() + "\n" + line("user", "hi") + "   \n" +
                            R"({"role":"assistant","content":"edited by hand","extra":[1,2]})" +
                            "\n" + R"({"role": "user", "content": "added"})";  // no final newline
  const auto t = read_transcript(bytes, "c.jsonl");
  REQUIRE(t.entries.size() == 3);
  CHECK(t.entries[1].message.content == "edited by hand");
  CHECK(t.entries[2].message.content == "added");
  CHECK(t.ends_mid_line);
  CHECK(t.warnings.empty());
}

TEST_CASE("conversation::read_transcript refuses a file that is not a conversation") {
  CHECK_THROWS_WITH(read_transcript("hello world\n", "x.txt"),
                    "x.txt is not an ochat conversation (line 1 is not JSON)");
  CHECK_THROWS_WITH(read_transcript("[1,2,3]\n", "x.json"),
                    "x.json is not an ochat conversation (line 1 is not a conversation header)");
  CHECK_THROWS_WITH(read_transcript(line("user", "hi"), "x.jsonl"),
                    "x.jsonl is not an ochat conversation (line 1 is not a conversation header)");
  CHECK_THROWS_WITH(read_transcript(std::string("\x7F"
                                                "ELF\x02\x01\x01\0\0\0",
                                                10),
                                    "a.out"),
                    "a.out is not an ochat conversation (line 1 is not JSON)");
  CHECK_THROWS_WITH(read_transcript(header() + header(), "c"), "c:2: a second conversation header");
}

TEST_CASE(
    "conversation::read_transcript refuses an unknown version and a message line without a role") {
  CHECK_THROWS_WITH(read_transcript(R"({"ochat":"conversation","version":7})"
                                    "\n",
                                    "c"),
                    "c:1: the conversation is in format version 7; this ochat reads version 1");
  CHECK_THROWS_WITH(read_transcript(header() + R"({"content":"no role"})" + "\n", "c"),
                    "c:2: the line is not a message: it has no 'role'");
}

TEST_CASE(
    "conversation::read_transcript skips a cut header and reads the header written after it") {
  const std::string h = header();
  const std::string bytes =
      h.substr(0, 30) + "\n" + h + line("user", "hi") + line("assistant", "yo");
  const auto t = read_transcript(bytes, "c");
  REQUIRE(t.header);
  CHECK(t.entries.size() == 2);
  CHECK(t.warnings.size() == 1);
}

TEST_CASE("conversation::read_transcript applies each turn's settings changes in order") {
  Note change;
  change.settings.model = "qwen3";
  change.settings.options = {{"temperature", 0.5}};
  Note change2;
  change2.settings.options = {{"num_ctx", 4096}};
  const auto t = read_transcript(
      header() + line("user", "a", change) + line("assistant", "b") + line("user", "c", change2),
      "c");
  CHECK(t.settings.model == "qwen3");
  CHECK(t.settings.api == "ollama");
  CHECK(t.settings.options == nlohmann::ordered_json{{"temperature", 0.5}, {"num_ctx", 4096}});
}

TEST_CASE("conversation::TranscriptReader reads the same whatever pieces the bytes come in") {
  const std::string whole = two_turns() + line("user", "a cut").substr(0, 12);
  const auto expected = read_transcript(whole, "c");
  for (std::size_t piece : {std::size_t{1}, std::size_t{2}, std::size_t{7}, std::size_t{64}}) {
    ochat::conversation::TranscriptReader reader("c", true);
    for (std::size_t at = 0; at < whole.size(); at += piece)
      reader.feed(std::string_view(whole).substr(at, piece));
    const auto t = reader.finish();
    REQUIRE(t.entries.size() == expected.entries.size());
    for (std::size_t i = 0; i < t.entries.size(); ++i) {
      CHECK(t.entries[i].message.content == expected.entries[i].message.content);
      CHECK(t.entries[i].line == expected.entries[i].line);
    }
    CHECK(t.warnings == expected.warnings);
    CHECK(t.ends_mid_line);
  }
}

TEST_CASE(
    "conversation::read_transcript, lean: the messages and the settings, without ochat's other "
    "fields") {
  Note change;
  change.time = "t";
  change.settings.model = "qwen3";
  const auto t =
      read_transcript(header() + line("user", "a", change) + line("assistant", "b"), "c", false);
  CHECK(t.entries.empty());
  REQUIRE(t.messages.size() == 2);
  CHECK(t.messages[0].content == "a");
  CHECK(t.settings.model == "qwen3");
}

TEST_CASE("conversation::read_transcript keeps a text file's attachment entry (no image with it)") {
  Message m = Message::text("user", "<file name=\"notes.txt\">x</file>\n\nhi");
  m.attachments.push_back({"notes.txt", "text/plain", 2, nullptr});
  const std::string file = header() + encode_message(m, {}) + line("assistant", "ok");
  for (const bool notes : {true, false}) {
    const auto t = read_transcript(file, "c.jsonl", notes);
    const auto& first = notes ? t.entries.at(0).message : t.messages.at(0);
    REQUIRE(first.attachments.size() == 1);
    CHECK(first.attachments[0].name == "notes.txt");
    CHECK(first.attachments[0].size == 2);
  }
}
