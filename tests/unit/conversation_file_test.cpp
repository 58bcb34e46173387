#include "core/conversation/conversation_file.hpp"

#include <sys/stat.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <cerrno>
#include <csignal>
#include <string>
#include <thread>

#include "core/error.hpp"
#include "temp_dir.hpp"

using ochat::Error;
using ochat::conversation::ConversationFile;
using ochat::conversation::LockOptions;
using ochat::test::slurp;
using ochat::test::TempDir;
using ochat::test::write_file;
using Mode = ConversationFile::Mode;

namespace {

unsigned mode_of(const std::string& path) {
  struct stat st {};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  return st.st_mode & 0777u;
}

bool exists(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0;
}

}  // namespace

TEST_CASE(
    "conversation::ConversationFile creates a missing file with mode 0600 and appends whole "
    "lines") {
  TempDir dir;
  const std::string path = dir.file("c.jsonl");
  {
    auto file = ConversationFile::open(path, Mode::create, {});
    CHECK(file->created());
    CHECK(file->read().empty());
    file->append("{\"a\":1}\n");
    file->append("{\"b\":2}\n");
  }
  CHECK(mode_of(path) == 0600u);
  CHECK(slurp(path) == "{\"a\":1}\n{\"b\":2}\n");
}

TEST_CASE("conversation::ConversationFile removes a file it created when nothing was written") {
  TempDir dir;
  const std::string path = dir.file("c.jsonl");
  { auto file = ConversationFile::open(path, Mode::create, {}); }
  CHECK_FALSE(exists(path));
  // A file that was there before stays, even empty.
  write_file(path, "");
  { auto file = ConversationFile::open(path, Mode::create, {}); }
  CHECK(exists(path));
}

TEST_CASE("conversation::ConversationFile starts a new line after a cut last line") {
  TempDir dir;
  const std::string path = dir.file("c.jsonl");
  write_file(path, "{\"ochat\":\"conv");
  auto file = ConversationFile::open(path, Mode::append, {});
  file->append("{\"x\":1}\n");
  CHECK(slurp(path) == "{\"ochat\":\"conv\n{\"x\":1}\n");
}

TEST_CASE(
    "conversation::ConversationFile: a failed write (ENOSPC) leaves the file as it was and says "
    "why") {
  TempDir dir;
  const std::string path = dir.file("c.jsonl");
  write_file(path, "{\"h\":1}\n");
  LockOptions options;
  int calls = 0;
  // Half the line goes out, then the disk is full.
  options.write = [&](int fd, const void* data, std::size_t size) -> ssize_t {
    if (++calls == 1) return ::write(fd, data, size / 2);
    errno = ENOSPC;
    return -1;
  };
  auto file = ConversationFile::open(path, Mode::append, options);
  CHECK_THROWS_WITH(file->append("{\"message\":\"a long line\"}\n"),
                    "cannot append to the conversation " + path + ": No space left on device");
  CHECK(slurp(path) == "{\"h\":1}\n");
  CHECK_FALSE(file->written());
}

TEST_CASE(
    "conversation::ConversationFile says what is wrong with a path that cannot be a conversation") {
  TempDir dir;
  CHECK_THROWS_WITH(ConversationFile::open(dir.path(), Mode::create, {}),
                    "the conversation " + dir.path() + " is a directory");
  CHECK_THROWS_WITH(ConversationFile::open(dir.path(), Mode::read, {}),
                    "the conversation " + dir.path() + " is a directory");
  CHECK_THROWS_WITH(
      ConversationFile::open(dir.file("none"), Mode::read, {}),
      "cannot open the conversation " + dir.file("none") + ": No such file or directory");
  CHECK_THROWS_WITH(ConversationFile::open("/dev/null", Mode::read, {}),
                    "the conversation /dev/null is not a regular file");
  CHECK_THROWS_WITH(ConversationFile::open(dir.file("no/such/dir.jsonl"), Mode::create, {}),
                    "cannot create the conversation " + dir.file("no/such/dir.jsonl") +
                        ": No such file or directory");
}

TEST_CASE("conversation::ConversationFile::create_new gives nullptr for a name that is taken") {
  TempDir dir;
  auto first = ConversationFile::create_new(dir.file("a.jsonl"), {});
  REQUIRE(first);
  first->append("x\n");
  CHECK(ConversationFile::create_new(dir.file("a.jsonl"), {}) == nullptr);
}

TEST_CASE(
    "conversation::ConversationFile waits for the lock, says so after the notice delay, and a "
    "signal ends the wait") {
  TempDir dir;
  const std::string path = dir.file("c.jsonl");
  auto holder = ConversationFile::open(path, Mode::create, {});
  holder->append("{}\n");

  std::atomic<int> signal{0};
  LockOptions options;
  options.cancel = ochat::sys::CancelToken{&signal, -1};
  options.notice_after = std::chrono::milliseconds(50);
  std::atomic<int> notices{0};
  std::string noticed;
  options.waiting = [&](const std::string& p) {
    noticed = p;
    ++notices;
    signal = SIGINT;  // Ctrl-C while waiting
  };
  try {
    ConversationFile::open(path, Mode::append, options);
    FAIL("no exception");
  } catch (const ochat::Error& e) {
    CHECK(e.kind() == ochat::ErrorKind::interrupted);
    CHECK(e.signal() == SIGINT);
  }
  CHECK(notices == 1);
  CHECK(noticed == path);
  CHECK(slurp(path) == "{}\n");
}

TEST_CASE("conversation::ConversationFile gets the lock once the other run lets go") {
  TempDir dir;
  const std::string path = dir.file("c.jsonl");
  auto holder = ConversationFile::open(path, Mode::create, {});
  holder->append("{\"first\":1}\n");
  std::thread release([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    holder.reset();
  });
  auto second = ConversationFile::open(path, Mode::append, {});
  release.join();
  CHECK(second->read() == "{\"first\":1}\n");  // read once the lock is held
}

TEST_CASE("conversation::ConversationFile follows a file that the run holding it removed") {
  TempDir dir;
  const std::string path = dir.file("c.jsonl");
  auto holder = ConversationFile::open(path, Mode::create, {});  // created, will write nothing
  std::thread release([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    holder.reset();  // removes the empty file it created
  });
  auto second = ConversationFile::open(path, Mode::create, {});
  release.join();
  second->append("{\"second\":1}\n");
  CHECK(slurp(path) == "{\"second\":1}\n");
}
