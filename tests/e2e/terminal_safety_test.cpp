// Model text written to a terminal is made safe: escape sequences and control characters are
// shown in caret notation (^[, ^G); on a pipe, or with --raw, the model's bytes pass as they
// are. (Invalid UTF-8 shown as U+FFFD: see the unit tests of text::TerminalFilter.)
#include <catch2/catch.hpp>

#include "e2e_support.hpp"

using namespace ochat::test;

namespace {
// kHostileText as a terminal shows it (the pty turns "\n" into "\r\n").
constexpr std::string_view kShown =
    "clip:^[]52;c;aGk=^G move:^[[2J^[[1;1H title:^[]0;pwned^[\\ bell:^G c1:^[[31m end\r\n";
}  // namespace

TEST_CASE("terminal safety: escape sequences from the model reach a terminal neutralised") {
  Ochat ochat;
  RunOptions o;
  o.terminal = true;
  auto r = ochat.run({"-m", "hostile", "hi"}, o);
  CHECK(r.exit_code == 0);
  CHECK(r.out == kShown);
  CHECK(r.out.find('\x1b') == std::string::npos);
  CHECK(r.out.find('\x07') == std::string::npos);
}

TEST_CASE("terminal safety: a pipe gets the model's bytes unchanged") {
  Ochat ochat;
  auto r = ochat.run({"-m", "hostile", "hi"});
  CHECK(r.exit_code == 0);
  CHECK(r.out == std::string(kHostileText) + "\n");
}

TEST_CASE("terminal safety: --raw writes the model's bytes to a terminal unchanged") {
  Ochat ochat;
  RunOptions o;
  o.terminal = true;
  auto r = ochat.run({"-m", "hostile", "--raw", "hi"}, o);
  CHECK(r.exit_code == 0);
  CHECK_THAT(r.out, Catch::StartsWith("clip:\x1b]52;c;aGk=\x07"));
}

TEST_CASE("terminal safety: --show writes a saved answer to a terminal neutralised") {
  Ochat ochat;
  REQUIRE(ochat.run({"-m", "hostile", "hi"}).exit_code == 0);  // saved in the test's state
  RunOptions o;
  o.terminal = true;
  auto shown = ochat.run({"--show"}, o);
  CHECK(shown.exit_code == 0);
  CHECK_THAT(shown.out, Catch::Contains("clip:^[]52;c;aGk=^G"));
  CHECK(shown.out.find('\x1b') == std::string::npos);
  auto piped = ochat.run({"--show"});
  CHECK_THAT(piped.out, Catch::Contains(std::string(kHostileText)));
}
