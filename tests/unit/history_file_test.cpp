#include "core/io/history_file.hpp"

#include <histedit.h>
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "temp_dir.hpp"

using ochat::io::append_history;
using ochat::test::TempDir;

namespace {

// The entries of a history file as libedit reads them, oldest first.
std::vector<std::string> entries(const std::string& path) {
  History* h = ::history_init();
  HistEvent ev{};
  ::history(h, &ev, H_SETSIZE, 100000);
  ::history(h, &ev, H_LOAD, path.c_str());
  std::vector<std::string> out;
  for (int ok = ::history(h, &ev, H_LAST); ok == 0; ok = ::history(h, &ev, H_PREV))
    out.emplace_back(ev.str);
  ::history_end(h);
  return out;
}

std::size_t files_in(const std::string& dir) {
  std::size_t n = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir)) ++n;
  return n;
}

}  // namespace

TEST_CASE("io::append_history adds each entry to the file, 0600, keeping the last max") {
  TempDir dir;
  const std::string path = dir.file("history");
  const mode_t old = ::umask(0);
  CHECK(append_history(path, "one", 3).empty());
  ::umask(old);
  struct stat st {};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777u) == 0600u);
  CHECK(append_history(path, "two words\tand a tab", 3).empty());
  CHECK(append_history(path, "three", 3).empty());
  CHECK(append_history(path, "four", 3).empty());
  CHECK(entries(path) == std::vector<std::string>{"two words\tand a tab", "three", "four"});
  CHECK(files_in(dir.path()) == 1);  // no temporary file left behind
}

TEST_CASE("io::append_history keeps what another session added since this one started") {
  // Two sessions, each with its own lines in memory: the file gets both sessions' lines (it
  // used to be rewritten from one session's memory, dropping the other's).
  TempDir dir;
  const std::string path = dir.file("history");
  CHECK(append_history(path, "a1", 100).empty());
  CHECK(append_history(path, "b1", 100).empty());
  CHECK(append_history(path, "a2", 100).empty());
  CHECK(entries(path) == std::vector<std::string>{"a1", "b1", "a2"});
}

TEST_CASE("io::append_history from two sessions at once loses no line and mixes no file") {
  TempDir dir;
  const std::string path = dir.file("history");
  auto session = [&path](char name) {
    for (int i = 0; i < 40; ++i)
      append_history(path, std::string(1, name) + std::to_string(i), 1000);
  };
  std::thread a(session, 'a'), b(session, 'b');
  a.join();
  b.join();
  const auto got = entries(path);
  CHECK(got.size() == 80);
  CHECK(files_in(dir.path()) == 1);
}

TEST_CASE("io::append_history that cannot write says why and leaves the old file as it was") {
  if (::geteuid() == 0) return;  // root writes anywhere
  TempDir dir;
  const std::string path = dir.file("history");
  REQUIRE(append_history(path, "kept", 10).empty());
  const std::string before = ochat::test::slurp(path);
  ::chmod(dir.path().c_str(), 0500);
  const std::string error = append_history(path, "lost", 10);
  ::chmod(dir.path().c_str(), 0700);
  CHECK(error == "Permission denied");
  CHECK(ochat::test::slurp(path) == before);
}
