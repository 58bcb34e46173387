#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/sse/event_splitter.hpp"
#include "stream_splits.hpp"

using ochat::Error;
using ochat::ErrorKind;
using ochat::sse::EventSplitter;

namespace {

std::vector<std::string> split(const std::vector<std::string_view>& reads,
                               std::size_t max_event = EventSplitter::kDefaultMaxEvent) {
  EventSplitter splitter(max_event);
  std::vector<std::string> events;
  const EventSplitter::OnEvent on_event = [&](std::string_view data) { events.emplace_back(data); };
  for (auto read : reads) splitter.feed(read, on_event);
  splitter.finish(on_event);
  return events;
}

std::vector<std::string> split(std::string_view stream) {
  return split(std::vector<std::string_view>{stream});
}

// Everything the framing rules allow, in one stream: LF, CRLF and lone CR line ends, comments,
// event/id/retry and unknown fields, a data over three lines, a data line without the space,
// a bare "data" line, an event without data, multi-byte UTF-8, [DONE], and a final event
// without its blank line.
const std::string kStream =
    ": keep-alive\n"
    "\n"
    "data: {\"a\":1}\n"
    "\n"
    "event: message\r\n"
    "id: 7\r\n"
    "retry: 3000\r\n"
    "data: {\"b\":\r\n"
    "data:  2,\r\n"
    "data: \"c\":\"caf\xC3\xA9 \xF0\x9F\x98\x80\"}\r\n"
    "\r\n"
    ": ping\r"
    "data:no-space\r"
    "\r"
    "id: only an id, no data\n"
    "\n"
    "data\n"
    "data: after a bare data line\n"
    "unknown: field\n"
    "\n"
    "data: [DONE]\n"
    "\n"
    "data: last, without the blank line";

const std::vector<std::string> kEvents = {
    "{\"a\":1}", "{\"b\":\n 2,\n\"c\":\"caf\xC3\xA9 \xF0\x9F\x98\x80\"}",
    "no-space",  "\nafter a bare data line",
    "[DONE]",    "last, without the blank line",
};

}  // namespace

TEST_CASE("sse::EventSplitter gives the same events whatever the reads look like") {
  for (const auto& delivery : ochat::test::all_deliveries(kStream)) {
    INFO(delivery.name);
    CHECK(split(delivery.reads) == kEvents);
  }
}

TEST_CASE("sse::EventSplitter gives the same events split in three reads at every pair of points") {
  const std::string stream = "data: x\r\n\r\ndata: caf\xC3\xA9\r\rdata: y\n\n";
  const std::vector<std::string> expected = {"x", "caf\xC3\xA9", "y"};
  for (std::size_t i = 0; i <= stream.size(); ++i) {
    for (std::size_t j = i; j <= stream.size(); ++j) {
      INFO("cuts at " << i << " and " << j);
      const std::string_view s = stream;
      CHECK(split({s.substr(0, i), s.substr(i, j - i), s.substr(j)}) == expected);
    }
  }
}

TEST_CASE("sse::EventSplitter treats a CRLF split between reads as one line end") {
  // With '\r' and '\n' in different reads, a naive splitter sees a blank line in between and
  // cuts "a" and "b" into two events.
  CHECK(split({"data: a\r", "\ndata: b\r\n\r", "\n"}) == std::vector<std::string>{"a\nb"});
}

TEST_CASE("sse::EventSplitter ends an event at a blank line of any kind") {
  CHECK(split("data: a\n\ndata: b\r\n\r\ndata: c\r\rdata: d\n\r\n") ==
        std::vector<std::string>{"a", "b", "c", "d"});
}

TEST_CASE("sse::EventSplitter skips comments, other fields and events without data") {
  CHECK(split(": one\n\n:two\n\nevent: x\nid: 1\nretry: 5\n\nfoo\n\n").empty());
}

TEST_CASE("sse::EventSplitter removes one space after the colon, not more") {
  CHECK(split("data:  two spaces\n\ndata:none\n\n") ==
        std::vector<std::string>{" two spaces", "none"});
}

TEST_CASE("sse::EventSplitter hands out the last event at the end even without its blank line") {
  CHECK(split("data: a\n") == std::vector<std::string>{"a"});
  CHECK(split("data: a") == std::vector<std::string>{"a"});
  CHECK(split("data: a\r") == std::vector<std::string>{"a"});
}

TEST_CASE("sse::EventSplitter hands out nothing at the end for a comment or an empty stream") {
  CHECK(split("").empty());
  CHECK(split(": bye").empty());
  CHECK(split("event: x\n").empty());
}

TEST_CASE("sse::EventSplitter hands out several events of one read in order") {
  std::string stream;
  std::vector<std::string> expected;
  for (int i = 0; i < 100; ++i) {
    stream += "data: " + std::to_string(i) + "\n\n";
    expected.push_back(std::to_string(i));
  }
  CHECK(split(stream) == expected);
}

TEST_CASE("sse::EventSplitter keeps what is pending between reads") {
  EventSplitter splitter;
  int events = 0;
  const EventSplitter::OnEvent on_event = [&](std::string_view) { ++events; };
  splitter.feed("data: ab", on_event);
  CHECK(splitter.pending() == 8);
  splitter.feed("c\n", on_event);
  CHECK(events == 0);
  CHECK(splitter.pending() == 4);  // "abc\n" of the unfinished event
  splitter.feed("\n", on_event);
  CHECK(events == 1);
  CHECK(splitter.pending() == 0);
}

TEST_CASE("sse::EventSplitter refuses an event larger than its limit, in one read or many") {
  const std::string big = "data: " + std::string(100, 'x') + "\n\n";
  CHECK(split({big}, 101) == std::vector<std::string>{std::string(100, 'x')});  // data and its '\n'
  for (const auto& reads : {std::vector<std::string_view>{big},
                            std::vector<std::string_view>{std::string_view(big).substr(0, 50),
                                                          std::string_view(big).substr(50)}}) {
    try {
      split(reads, 100);
      FAIL("no error");
    } catch (const Error& e) {
      CHECK(e.kind() == ErrorKind::stream);
      CHECK_THAT(e.what(), Catch::Contains("larger than 100 bytes"));
    }
  }
}

TEST_CASE("sse::EventSplitter counts all the data lines of an event against the limit") {
  std::string stream;
  for (int i = 0; i < 20; ++i) stream += "data: 0123456789\n";
  stream += "\n";
  CHECK_THROWS_AS(split({stream}, 100), Error);
  CHECK(split({stream}, 1000).size() == 1);
}

TEST_CASE("sse::EventSplitter states its limit in MiB when it is that large") {
  try {
    std::string line = "data: " + std::string((1u << 20) + 1, 'x');
    split({line}, 1u << 20);
    FAIL("no error");
  } catch (const Error& e) {
    CHECK_THAT(e.what(), Catch::Contains("larger than 1 MiB"));
  }
}
