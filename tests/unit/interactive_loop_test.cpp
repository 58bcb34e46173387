#include <signal.h>

#include <catch2/catch.hpp>

#include "core/interactive/loop.hpp"
#include "fake_line_reader.hpp"

using ochat::interactive::LoopOptions;
using ochat::interactive::run_loop;
using ochat::test::FakeLineReader;

namespace {

// Records what the loop hands on; "/bye" ends, a message "term" ends with 143.
struct RecordingHandler final : ochat::interactive::Handler {
  std::vector<std::string> calls;
  std::optional<int> message(const std::string& text) override {
    calls.push_back("message: " + text);
    if (text == "term") return 143;
    return std::nullopt;
  }
  bool command(const std::string& line) override {
    calls.push_back("command: " + line);
    return line != "/bye";
  }
};

struct Loop {
  std::atomic<int> signal{0};
  FakeLineReader reader{signal};
  RecordingHandler handler;
  int clears = 0;

  int run() {
    LoopOptions options;
    options.cancel.signal = &signal;
    options.clear_signal = [this] {
      signal = 0;
      ++clears;
    };
    return run_loop(reader, handler, options);
  }
};

using Calls = std::vector<std::string>;

}  // namespace

TEST_CASE("interactive::run_loop hands on messages and commands until the end of input") {
  Loop loop;
  loop.reader.line("hello").line("").line("/model x").line("again").end();
  CHECK(loop.run() == 0);
  CHECK(loop.handler.calls == Calls{"message: hello", "command: /model x", "message: again"});
  CHECK(loop.reader.history == Calls{"hello", "/model x", "again"});
  CHECK(loop.reader.prompts == Calls{">>> ", ">>> ", ">>> ", ">>> ", ">>> "});
}

TEST_CASE("interactive::run_loop ends with 0 at /bye, without reading on") {
  Loop loop;
  loop.reader.line("/bye").line("never");
  CHECK(loop.run() == 0);
  CHECK(loop.handler.calls == Calls{"command: /bye"});
}

TEST_CASE("interactive::run_loop shows the second prompt inside a block and joins its lines") {
  Loop loop;
  loop.reader.line(R"(""")").line("one").line("two").line(R"(""")").end();
  CHECK(loop.run() == 0);
  CHECK(loop.handler.calls == Calls{"message: one\ntwo"});
  CHECK(loop.reader.prompts == Calls{">>> ", "... ", "... ", "... ", ">>> "});
}

TEST_CASE("interactive::run_loop joins the lines of a paste") {
  Loop loop;
  loop.reader.line("first", true).line("second", true).line("third").end();
  CHECK(loop.run() == 0);
  CHECK(loop.handler.calls == Calls{"message: first\nsecond\nthird"});
}

TEST_CASE("interactive::run_loop: Ctrl-C at the prompt forgets the block begun and goes on") {
  Loop loop;
  loop.reader.line(R"(""")").line("lost").interrupt(SIGINT).line("kept").end();
  CHECK(loop.run() == 0);
  CHECK(loop.handler.calls == Calls{"message: kept"});
  CHECK(loop.clears == 1);
  CHECK(loop.signal == 0);
}

TEST_CASE("interactive::run_loop: SIGTERM at the prompt ends with 143") {
  Loop loop;
  loop.reader.line("one").interrupt(SIGTERM).line("never");
  CHECK(loop.run() == 143);
  CHECK(loop.handler.calls == Calls{"message: one"});
}

TEST_CASE("interactive::run_loop ends with the status a turn returns") {
  Loop loop;
  loop.reader.line("term").line("never");
  CHECK(loop.run() == 143);
  CHECK(loop.handler.calls == Calls{"message: term"});
}
