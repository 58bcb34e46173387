#include "core/events/text_sink.hpp"

#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <termios.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <stdexcept>
#include <string>

#include "core/events/stats_format.hpp"
#include "core/io/fd_stream.hpp"
#include "fd_capture.hpp"

using ochat::events::TextSink;
using ochat::events::TextSinkOptions;

namespace {

struct Files {
  ochat::test::FdCapture out_file;
  ochat::test::FdCapture err_file;
  ochat::io::FdStream out{out_file.fd()};
  ochat::io::FdStream err{err_file.fd()};
};

ochat::events::Stats some_stats() {
  ochat::events::Stats s;
  s.prompt_tokens = 3;
  s.generated_tokens = 4;
  s.eval_ns = 2'000'000'000;
  s.total_ns = 3'000'000'000;
  return s;
}

// A pseudo-terminal in raw mode: the FdStream on its terminal side is_terminal(), and what
// it writes can be read back from the other side unchanged.
class Pty {
 public:
  Pty() {
    master_ = ::posix_openpt(O_RDWR | O_NOCTTY);
    if (master_ < 0 || ::grantpt(master_) != 0 || ::unlockpt(master_) != 0)
      throw std::runtime_error("no pty");
    const char* name = ::ptsname(master_);
    if (name == nullptr) throw std::runtime_error("no pty name");
    terminal_ = ::open(name, O_RDWR | O_NOCTTY);
    if (terminal_ < 0) throw std::runtime_error("cannot open the pty");
    termios t{};
    ::tcgetattr(terminal_, &t);
    ::cfmakeraw(&t);
    ::tcsetattr(terminal_, TCSANOW, &t);
  }
  ~Pty() {
    ::close(terminal_);
    ::close(master_);
  }
  Pty(const Pty&) = delete;
  Pty& operator=(const Pty&) = delete;

  int terminal() const { return terminal_; }

  // What arrived so far (waits briefly for it to cross the pty).
  std::string read_available() {
    std::string out;
    pollfd p{master_, POLLIN, 0};
    while (::poll(&p, 1, 200) > 0) {
      char buf[256];
      const ssize_t n = ::read(master_, buf, sizeof buf);
      if (n <= 0) break;
      out.append(buf, static_cast<std::size_t>(n));
    }
    return out;
  }

 private:
  int master_ = -1;
  int terminal_ = -1;
};

}  // namespace

TEST_CASE("events::TextSink writes exactly the token bytes to stdout") {
  Files f;
  TextSink sink(f.out, f.err, TextSinkOptions{});
  sink.start({"m", "h"});
  sink.token("Caf\xC3");  // a character split between two tokens stays split: bytes are bytes
  sink.token("\xA9 ");
  sink.token("");
  sink.token("\xF0\x9F\x98\x80");
  CHECK(sink.flush());
  CHECK(f.out_file.contents() == "Caf\xC3\xA9 \xF0\x9F\x98\x80");
  sink.done({"stop", some_stats()});
  CHECK(f.out_file.contents() ==
        "Caf\xC3\xA9 \xF0\x9F\x98\x80\n");  // and a final newline, on a file too
  CHECK(f.err_file.contents().empty());     // no thinking, no statistics without -v
}

TEST_CASE("events::TextSink adds a final newline on a pipe or file, whatever the done reason") {
  for (const char* reason : {"stop", "length", "interrupted", "error"}) {
    Files f;
    TextSink sink(f.out, f.err, TextSinkOptions{});
    sink.token("cut sho");
    sink.done({reason, {}});
    INFO(reason);
    CHECK(f.out_file.contents() == "cut sho\n");
  }
}

TEST_CASE(
    "events::TextSink adds no newline after an answer that ends in one, nor after no answer") {
  Files f;
  TextSink sink(f.out, f.err, TextSinkOptions{});
  sink.token("line\n");
  sink.done({"stop", {}});
  CHECK(f.out_file.contents() == "line\n");
  Files g;
  TextSink empty(g.out, g.err, TextSinkOptions{});
  empty.thinking("only thoughts");
  empty.done({"stop", {}});
  CHECK(g.out_file.contents().empty());
}

TEST_CASE("events::TextSink with final_newline off (-n) writes exactly the answer's bytes") {
  Files f;
  TextSinkOptions options;
  options.final_newline = false;
  TextSink sink(f.out, f.err, options);
  sink.token("no newline");
  sink.done({"stop", {}});
  CHECK(f.out_file.contents() == "no newline");
}

TEST_CASE("events::TextSink writes tokens only when flushed") {
  Files f;
  TextSink sink(f.out, f.err, TextSinkOptions{});
  sink.token("Hello");
  CHECK(f.out_file.contents().empty());
  sink.flush();
  CHECK(f.out_file.contents() == "Hello");
}

TEST_CASE("events::TextSink writes thinking to stderr and ends it with a newline") {
  Files f;
  TextSink sink(f.out, f.err, TextSinkOptions{});
  sink.thinking("Let me ");
  sink.thinking("think.");
  sink.token("Answer");
  sink.done({"stop", {}});
  CHECK(f.err_file.contents() == "Let me think.\n");
  CHECK(f.out_file.contents() == "Answer\n");
}

TEST_CASE("events::TextSink adds no second newline after thinking that ends in one") {
  Files f;
  TextSink sink(f.out, f.err, TextSinkOptions{});
  sink.thinking("Done thinking.\n");
  sink.token("A");
  sink.done({"stop", {}});
  CHECK(f.err_file.contents() == "Done thinking.\n");
}

TEST_CASE("events::TextSink dims thinking when colour is on") {
  Files f;
  TextSink sink(f.out, f.err, TextSinkOptions{false, false, true});
  sink.thinking("hmm");
  sink.token("A");
  sink.done({"stop", {}});
  CHECK(f.err_file.contents() == "\x1b[2mhmm\x1b[0m\n");
  CHECK(f.out_file.contents() == "A\n");
}

TEST_CASE("events::TextSink hides thinking when asked") {
  Files f;
  TextSink sink(f.out, f.err, TextSinkOptions{true, false, false});
  sink.thinking("secret");
  sink.token("A");
  sink.done({"stop", {}});
  CHECK(f.err_file.contents().empty());
  CHECK(f.out_file.contents() == "A\n");
}

TEST_CASE("events::TextSink writes the statistics block to stderr only with verbose") {
  Files f;
  TextSink sink(f.out, f.err, TextSinkOptions{false, true, false});
  sink.token("A");
  sink.done({"stop", some_stats()});
  CHECK(f.out_file.contents() == "A\n");
  CHECK(f.err_file.contents() == ochat::events::format_stats(some_stats()));
  CHECK_FALSE(f.err_file.contents().empty());
}

TEST_CASE("events::TextSink writes no statistics block when the server sent none") {
  Files f;
  TextSink sink(f.out, f.err, TextSinkOptions{false, true, false});
  sink.token("A");
  sink.done({"stop", {}});
  CHECK(f.err_file.contents().empty());
}

TEST_CASE("events::TextSink ends thinking on an error") {
  Files f;
  TextSink sink(f.out, f.err, TextSinkOptions{});
  sink.thinking("half a thought");
  sink.error(ochat::ErrorKind::stream, "broken", "");
  CHECK(f.err_file.contents() == "half a thought\n");
  CHECK(f.out_file.contents().empty());
}

TEST_CASE("events::TextSink keeps notices off stderr when it is not a terminal") {
  Files f;
  TextSink sink(f.out, f.err, TextSinkOptions{});
  sink.notice("waiting for the model");
  sink.flush();
  CHECK(f.err_file.contents().empty());
}

TEST_CASE("events::TextSink ends the answer with a newline on a terminal") {
  Pty pty;
  ochat::test::FdCapture err_file;
  ochat::io::FdStream out(pty.terminal());
  ochat::io::FdStream err(err_file.fd());
  REQUIRE(out.is_terminal());
  TextSink sink(out, err, TextSinkOptions{});
  sink.token("Hello");
  sink.done({"stop", {}});
  CHECK(pty.read_available() == "Hello\n");
}

TEST_CASE("events::TextSink adds no newline on a terminal when the answer ends in one") {
  Pty pty;
  ochat::test::FdCapture err_file;
  ochat::io::FdStream out(pty.terminal());
  ochat::io::FdStream err(err_file.fd());
  TextSink sink(out, err, TextSinkOptions{});
  sink.token("Hello\n");
  sink.done({"stop", {}});
  CHECK(pty.read_available() == "Hello\n");
}

TEST_CASE("events::TextSink writes notices to stderr on a terminal") {
  Pty pty;
  ochat::test::FdCapture out_file;
  ochat::io::FdStream out(out_file.fd());
  ochat::io::FdStream err(pty.terminal());
  TextSink sink(out, err, TextSinkOptions{});
  sink.notice("waiting for m");
  CHECK(pty.read_available() == "ochat: waiting for m\n");
  CHECK(out_file.contents().empty());
}

TEST_CASE("events::TextSink before_question ends the answer's line on a terminal") {
  Pty pty;
  ochat::test::FdCapture err_file;
  ochat::io::FdStream out(pty.terminal());
  ochat::io::FdStream err(err_file.fd());
  TextSink sink(out, err, TextSinkOptions{});
  sink.token("Let me check.");
  sink.before_question();
  CHECK(pty.read_available() == "Let me check.\n");
  sink.before_question();  // already on a fresh line: nothing more
  CHECK(pty.read_available().empty());
}

TEST_CASE(
    "events::TextSink with hide_thinking shows a thinking indicator on a terminal, erased by the "
    "answer") {
  Pty pty;
  ochat::test::FdCapture out_file;
  ochat::io::FdStream out(out_file.fd());
  ochat::io::FdStream err(pty.terminal());
  TextSink sink(out, err, TextSinkOptions{true, false, false});
  sink.thinking("secret");
  sink.thinking(" thoughts");
  CHECK(pty.read_available() == "ochat: thinking...");
  sink.token("A");
  CHECK(pty.read_available() == "\r                  \r");
  sink.done({"stop", {}});
  CHECK(out_file.contents() == "A\n");
}

TEST_CASE("events::TextSink labels thinking and answer on a terminal without colour") {
  Pty pty;
  ochat::test::FdCapture out_file;
  ochat::io::FdStream out(out_file.fd());
  ochat::io::FdStream err(pty.terminal());
  TextSink sink(out, err, TextSinkOptions{});
  sink.thinking("hmm");
  sink.token("A");
  sink.done({"stop", {}});
  // stdout is a file here: the answer needs no label on the terminal
  CHECK(pty.read_available() == "Thinking:\nhmm\n");
}

TEST_CASE(
    "events::TextSink notes an answer cut at the token limit on a terminal, not after an error") {
  Pty pty;
  ochat::test::FdCapture out_file;
  ochat::io::FdStream out(out_file.fd());
  ochat::io::FdStream err(pty.terminal());
  TextSink sink(out, err, TextSinkOptions{});
  sink.token("ab");
  sink.done({"length", {}});
  CHECK(pty.read_available() ==
        "ochat: the answer stopped at the token limit (raise it with -o num_predict=N)\n");
  TextSink failed(out, err, TextSinkOptions{});
  failed.error(ochat::ErrorKind::internal, "cut tool call", "");
  failed.done({"length", {}});
  CHECK(pty.read_available().empty());
}

TEST_CASE("events::TextSink writes one line per retry on stderr, even off a terminal") {
  Files f;
  TextSink sink(f.out, f.err, {});
  ochat::events::RetryInfo info;
  info.attempt = 1;
  info.max_retries = 2;
  info.reason = "server busy (HTTP 503)";
  info.delay_ms = 1000;
  sink.retry(info);

  sink.thinking("hmm");
  info.attempt = 2;
  info.reason = "the connection broke";
  info.delay_ms = 480;
  info.after_thinking = true;
  sink.retry(info);

  sink.token("The quick");
  info.attempt = 1;
  info.delay_ms = 1550;
  info.after_thinking = false;
  info.continues = true;
  info.answer_bytes = 9;
  sink.retry(info);
  sink.token(" fox");
  sink.done({"stop", {}});

  CHECK(f.out_file.contents() == "The quick fox\n");
  CHECK(
      f.err_file.contents() ==
      "ochat: server busy (HTTP 503); retrying in 1.0 s (1 of 2)\n"
      "hmm\n"
      "ochat: the connection broke during the model's thinking; restarting the request in 0.5 s (2 "
      "of 2)\n"
      "ochat: the connection broke after 9 bytes of the answer; continuing it in 1.6 s (1 of 2)\n");
}

TEST_CASE("events::TextSink with safe_out and safe_err shows the model's escape sequences") {
  Files f;
  TextSinkOptions options;
  options.safe_out = true;
  options.safe_err = true;
  TextSink sink(f.out, f.err, options);
  sink.start({"m", "h"});
  sink.thinking("think\x1b]0;t");
  sink.thinking("itle\x07");
  sink.token("a\x1b[");  // a sequence cut between two tokens
  sink.token("2J \xE4\xBD");
  sink.token("\xA0 \xC2");  // U+4F60, then a character never finished
  sink.done({"stop", {}});
  CHECK(f.out_file.contents() == "a^[[2J \xE4\xBD\xA0 \xEF\xBF\xBD\n");
  CHECK(f.err_file.contents() == "think^[]0;title^G\n");
}

TEST_CASE("events::TextSink without safe_out writes the model's bytes as they are") {
  Files f;
  TextSink sink(f.out, f.err, TextSinkOptions{});
  sink.start({"m", "h"});
  sink.token("a\x1b[2J\x07");
  sink.done({"stop", {}});
  CHECK(f.out_file.contents() == "a\x1b[2J\x07\n");
}
