#include <sys/stat.h>
#include <utime.h>

#include <catch2/catch.hpp>
#include <map>
#include <string>

#include "core/conversation/state_dir.hpp"
#include "core/error.hpp"
#include "temp_dir.hpp"

using namespace ochat::conversation;
using ochat::test::TempDir;
using ochat::test::write_file;

namespace {

void set_mtime(const std::string& path, long seconds) {
  utimbuf t{seconds, seconds};
  REQUIRE(::utime(path.c_str(), &t) == 0);
}

}  // namespace

TEST_CASE("conversation::state_dir is XDG_STATE_HOME/ochat, else ~/.local/state/ochat") {
  CHECK(state_dir("/s", "/h") == "/s/ochat");
  CHECK(state_dir("relative", "/h") == "/h/.local/state/ochat");
  CHECK(state_dir(std::nullopt, "/h") == "/h/.local/state/ochat");
  CHECK_THROWS_AS(state_dir(std::nullopt, std::nullopt), ochat::Error);
  CHECK(conversations_dir("/s/ochat") == "/s/ochat/conversations");
}

TEST_CASE("conversation::make_private_dir creates every missing directory with mode 0700") {
  TempDir dir;
  const std::string target = dir.file("a/b/conversations");
  make_private_dir(target);
  for (const std::string& p : {dir.file("a"), dir.file("a/b"), target}) {
    struct stat st {};
    REQUIRE(::stat(p.c_str(), &st) == 0);
    CHECK((st.st_mode & 0777u) == 0700u);
  }
  make_private_dir(target);  // again: nothing to do
  write_file(dir.file("file"), "");
  CHECK_THROWS_AS(make_private_dir(dir.file("file/sub")), ochat::Error);
}

TEST_CASE(
    "conversation::chat_path: a name lives in the directory, a value with a slash is a path") {
  CHECK(chat_path("work", "/d", "--chat") == "/d/work.jsonl");
  CHECK(chat_path("review.jsonl", "/d", "--chat") == "/d/review.jsonl");
  CHECK(chat_path("caf\xC3\xA9 notes", "/d", "--chat") == "/d/caf\xC3\xA9 notes.jsonl");
  CHECK(chat_path("../x", "/d", "--chat") == "../x");
  CHECK(chat_path("./review.jsonl", "/d", "--chat") == "./review.jsonl");
  CHECK(chat_path("/tmp/a", "/d", "--chat") == "/tmp/a");
  CHECK(name_of("/d/work.jsonl") == "work");
  CHECK(name_of("/d/20260501-100000-2.jsonl") == "20260501-100000-2");
}

TEST_CASE("conversation::check_name refuses names that are not plain file names") {
  const std::string long_name(1000, 'a');
  CHECK_THROWS_WITH(chat_path("..", "/d", "--chat"),
                    "--chat: '..' cannot be a conversation's name: it names a directory");
  CHECK_THROWS_WITH(chat_path(".", "/d", "--chat"),
                    "--chat: '.' cannot be a conversation's name: it names a directory");
  CHECK_THROWS_WITH(chat_path(".x", "/d", "--chat"),
                    "--chat: '.x' cannot be a conversation's name: it starts with a dot");
  CHECK_THROWS_WITH(chat_path("", "/d", "--chat"),
                    "--chat: '' cannot be a conversation's name: it is empty");
  CHECK_THROWS_WITH(chat_path(long_name, "/d", "--show"),
                    "--show: '" + std::string(60, 'a') +
                        "...' cannot be a conversation's name: it is longer than 200 bytes");
  CHECK_THROWS_WITH(
      chat_path("a\tb", "/d", "--chat"),
      "--chat: 'a\tb' cannot be a conversation's name: it contains a control character");
  try {
    chat_path("..", "/d", "--chat");
  } catch (const ochat::Error& e) {
    CHECK(e.kind() == ochat::ErrorKind::usage);
  }
  CHECK_NOTHROW(chat_path(std::string(200, 'a'), "/d", "--chat"));
}

TEST_CASE("conversation::automatic_name is the UTC time, so that names sort by time") {
  const TimePoint t = std::chrono::system_clock::from_time_t(1777629600);  // 2026-05-01T10:00:00Z
  CHECK(automatic_name(t) == "20260501-100000");
  CHECK(automatic_name(t + std::chrono::seconds(61)) == "20260501-100101");
}

TEST_CASE("conversation::most_recent: the recorded last conversation, else the newest file") {
  TempDir state;
  const std::string dir = state.file("conversations");
  make_private_dir(dir);
  CHECK_FALSE(most_recent(state.path(), dir));

  write_file(dir + "/old.jsonl", "x");
  write_file(dir + "/new.jsonl", "x");
  write_file(dir + "/.hidden.jsonl", "x");
  write_file(dir + "/notes.txt", "x");
  set_mtime(dir + "/old.jsonl", 1000);
  set_mtime(dir + "/new.jsonl", 2000);
  set_mtime(dir + "/.hidden.jsonl", 3000);
  set_mtime(dir + "/notes.txt", 3000);
  CHECK(most_recent(state.path(), dir) == dir + "/new.jsonl");

  TempDir elsewhere;
  write_file(elsewhere.file("mine.jsonl"), "x");
  remember_last(state.path(), elsewhere.file("mine.jsonl"));
  CHECK(most_recent(state.path(), dir) == elsewhere.file("mine.jsonl"));
  struct stat st {};
  REQUIRE(::stat(state.file("last-conversation").c_str(), &st) == 0);
  CHECK((st.st_mode & 0777u) == 0600u);

  ::unlink(elsewhere.file("mine.jsonl").c_str());  // gone: the newest file again
  CHECK(most_recent(state.path(), dir) == dir + "/new.jsonl");
}
