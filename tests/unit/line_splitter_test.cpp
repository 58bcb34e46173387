#include "core/ndjson/line_splitter.hpp"

#include <catch2/catch.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "stream_splits.hpp"

using ochat::ndjson::LineSplitter;

namespace {

// Multi-byte UTF-8 (é, 你好, an emoji), CRLF endings, empty lines (LF and CRLF), and a last
// line with no newline that only finish() hands out.
const std::string kFixture =
    "first line\n"
    "caf\xC3\xA9 cr\xC3\xA8me\r\n"
    "\n"
    "\r\n"
    "\xE4\xBD\xA0\xE5\xA5\xBD\xEF\xBC\x8C\xE4\xB8\x96\xE7\x95\x8C\n"
    "emoji \xF0\x9F\x98\x80 end\r\n"
    "\n\n"
    "last line without newline";

const std::vector<std::string> kExpected = {
    "first line",
    "caf\xC3\xA9 cr\xC3\xA8me",
    "\xE4\xBD\xA0\xE5\xA5\xBD\xEF\xBC\x8C\xE4\xB8\x96\xE7\x95\x8C",
    "emoji \xF0\x9F\x98\x80 end",
    "last line without newline",
};

std::vector<std::string> split(const std::vector<std::string_view>& reads, LineSplitter& splitter) {
  std::vector<std::string> lines;
  auto collect = [&](std::string_view line) { lines.emplace_back(line); };
  for (auto read : reads) splitter.feed(read, collect);
  splitter.finish(collect);
  return lines;
}

}  // namespace

TEST_CASE("ndjson::LineSplitter gives the same lines whatever the reads look like") {
  for (const auto& delivery : ochat::test::all_deliveries(kFixture)) {
    INFO(delivery.name);
    LineSplitter splitter;
    CHECK(split(delivery.reads, splitter) == kExpected);
    CHECK(splitter.pending() == 0);
  }
}

TEST_CASE("ndjson::LineSplitter joins a line split across reads") {
  LineSplitter splitter;
  std::vector<std::string> lines;
  auto collect = [&](std::string_view line) { lines.emplace_back(line); };
  splitter.feed("{\"a\":", collect);
  CHECK(lines.empty());
  CHECK(splitter.pending() == 5);
  splitter.feed("1}\n{\"b\"", collect);
  REQUIRE(lines == std::vector<std::string>{"{\"a\":1}"});
  CHECK(splitter.pending() == 4);
  splitter.feed(":2}\n", collect);
  CHECK(lines == std::vector<std::string>{"{\"a\":1}", "{\"b\":2}"});
  CHECK(splitter.pending() == 0);
}

TEST_CASE("ndjson::LineSplitter drops the CR of a CRLF split between two reads") {
  LineSplitter splitter;
  std::vector<std::string> lines;
  auto collect = [&](std::string_view line) { lines.emplace_back(line); };
  splitter.feed("abc\r", collect);
  splitter.feed("\ndef\r\n", collect);
  CHECK(lines == std::vector<std::string>{"abc", "def"});
}

TEST_CASE("ndjson::LineSplitter hands out the final line without newline only at finish") {
  LineSplitter splitter;
  std::vector<std::string> lines;
  auto collect = [&](std::string_view line) { lines.emplace_back(line); };
  splitter.feed("one\ntwo", collect);
  CHECK(lines == std::vector<std::string>{"one"});
  CHECK(splitter.pending() == 3);
  splitter.finish(collect);
  CHECK(lines == std::vector<std::string>{"one", "two"});
  CHECK(splitter.pending() == 0);
  splitter.finish(collect);  // nothing left: a second finish adds nothing
  CHECK(lines.size() == 2);
}

TEST_CASE("ndjson::LineSplitter passes lines that lie whole in one read without copying") {
  const std::string bytes = "alpha\nbeta\n";
  LineSplitter splitter;
  std::vector<std::string_view> views;
  splitter.feed(bytes, [&](std::string_view line) { views.push_back(line); });
  REQUIRE(views.size() == 2);
  CHECK(views[0].data() == bytes.data());
  CHECK(views[0] == "alpha");
  CHECK(views[1].data() == bytes.data() + 6);
  CHECK(views[1] == "beta");
}

TEST_CASE("ndjson::LineSplitter skips empty and CR-only lines") {
  LineSplitter splitter;
  int calls = 0;
  auto count = [&](std::string_view) { ++calls; };
  splitter.feed("\n\r\n\n\r\n", count);
  splitter.finish(count);
  CHECK(calls == 0);
  splitter.feed("\r", count);
  splitter.finish(count);
  CHECK(calls == 0);
}

TEST_CASE("ndjson::LineSplitter throws a stream error for a held-back line longer than max_line") {
  LineSplitter splitter(16);
  auto ignore = [](std::string_view) {};
  SECTION("in one read without newline") {
    try {
      splitter.feed(std::string(17, 'x'), ignore);
      FAIL("no exception");
    } catch (const ochat::Error& e) {
      CHECK(e.kind() == ochat::ErrorKind::stream);
    }
  }
  SECTION("across reads") {
    splitter.feed(std::string(10, 'x'), ignore);
    CHECK_THROWS_AS(splitter.feed(std::string(7, 'x'), ignore), ochat::Error);
  }
  SECTION("a line split across reads, newline included") {
    splitter.feed(std::string(10, 'x'), ignore);
    try {
      splitter.feed(std::string(7, 'x') + "\n", ignore);
      FAIL("no exception");
    } catch (const ochat::Error& e) {
      CHECK(e.kind() == ochat::ErrorKind::stream);
    }
  }
}

TEST_CASE("ndjson::LineSplitter accepts a line of exactly max_line bytes") {
  LineSplitter splitter(16);
  std::vector<std::string> lines;
  auto collect = [&](std::string_view line) { lines.emplace_back(line); };
  splitter.feed(std::string(8, 'a'), collect);
  splitter.feed(std::string(8, 'b'), collect);
  splitter.feed("\n", collect);
  CHECK(lines == std::vector<std::string>{std::string(8, 'a') + std::string(8, 'b')});
}

TEST_CASE(
    "ndjson::LineSplitter rejects a too-long line that arrives in one read (bug: only split lines "
    "were checked)") {
  ochat::ndjson::LineSplitter s(16);
  auto ignore = [](std::string_view) {};
  REQUIRE_THROWS_AS(s.feed(std::string(100, 'x') + "\n", ignore), ochat::Error);
  try {
    ochat::ndjson::LineSplitter t(16);
    t.feed(std::string(100, 'x') + "\n", ignore);
  } catch (const ochat::Error& e) {
    CHECK(e.kind() == ochat::ErrorKind::stream);
    CHECK_THAT(e.what(), Catch::Contains("longer than 16 bytes"));
  }
}
