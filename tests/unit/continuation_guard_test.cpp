#include "core/chat/continuation_guard.hpp"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

using ochat::chat::ContinuationGuard;
using State = ContinuationGuard::State;

namespace {

// Feeds `pieces` and finishes; returns what was released.
std::string run(ContinuationGuard& guard, const std::vector<std::string>& pieces) {
  std::string out;
  for (const auto& p : pieces) out += guard.feed(p);
  out += guard.finish();
  return out;
}

}  // namespace

TEST_CASE(
    "chat::ContinuationGuard lets a continuation through once it differs from the answer's start") {
  ContinuationGuard guard("The quick brown ");
  CHECK(guard.feed("fox ") == "fox ");  // 'f' is not 'T': a continuation at once
  CHECK(guard.state() == State::continuing);
  CHECK(guard.feed("jumps.") == "jumps.");
  CHECK(guard.finish().empty());
  CHECK(guard.state() == State::continuing);
}

TEST_CASE("chat::ContinuationGuard holds text that repeats the answer's start until it differs") {
  ContinuationGuard guard("The quick brown ");
  CHECK(guard.feed("Th").empty());
  CHECK(guard.feed("e q").empty());
  CHECK(guard.state() == State::holding);
  CHECK(guard.feed("ueen said") == "The queen said");  // differs at "e": everything released
  CHECK(guard.state() == State::continuing);
}

TEST_CASE("chat::ContinuationGuard calls it a restart once the answer's first bytes are repeated") {
  ContinuationGuard guard("The quick brown fox jumps over the lazy dog.");
  CHECK(guard.feed("The quick ").empty());
  CHECK(guard.feed("brown fox").empty());  // 16 bytes repeated
  CHECK(guard.restarted());
  CHECK(guard.feed(" jumps").empty());  // nothing of a restart is ever released
  CHECK(guard.finish().empty());
  CHECK(guard.restarted());
}

TEST_CASE("chat::ContinuationGuard compares the whole answer when it is shorter than the probe") {
  ContinuationGuard restart("Hel");
  CHECK(restart.feed("Hello, world!").empty());
  CHECK(restart.restarted());

  ContinuationGuard goes_on("Hel");
  CHECK(goes_on.feed("lo, world!") == "lo, world!");
  CHECK(goes_on.state() == State::continuing);
}

TEST_CASE("chat::ContinuationGuard ignores leading white space on both sides") {
  ContinuationGuard restart("\n\nThe quick brown fox");
  CHECK(restart.feed(" ").empty());
  CHECK(restart.feed("The quick brown fox").empty());
  CHECK(restart.restarted());

  ContinuationGuard goes_on("The quick");
  CHECK(goes_on.feed("\n").empty());  // white space alone decides nothing
  CHECK(goes_on.feed(" brown") == "\n brown");
}

TEST_CASE(
    "chat::ContinuationGuard: a continuation that ends while repeating the start is a restart") {
  ContinuationGuard guard("Hello, world! How are you?");
  CHECK(run(guard, {"Hello"}).empty());
  CHECK(guard.restarted());
}

TEST_CASE("chat::ContinuationGuard: an empty or blank continuation is one") {
  ContinuationGuard empty("Hello");
  CHECK(run(empty, {}).empty());
  CHECK(empty.state() == State::continuing);

  ContinuationGuard blank("Hello");
  CHECK(run(blank, {"\n"}) == "\n");
  CHECK(blank.state() == State::continuing);
}

TEST_CASE("chat::ContinuationGuard: an answer of white space only cannot be restarted") {
  ContinuationGuard guard(" \n");
  CHECK(guard.state() == State::continuing);
  CHECK(guard.feed(" \nHello") == " \nHello");
}

TEST_CASE("chat::ContinuationGuard decides the same however the continuation is cut") {
  const std::string answer = "caf\xC3\xA9 au lait, ";
  for (const std::string& continuation :
       {std::string("caf\xC3\xA9 au lait, s'il vous pla\xC3\xAEt"), std::string("caf\xC3\xA9 noir"),
        std::string("merci")}) {
    ContinuationGuard whole(answer);
    const std::string expected = run(whole, {continuation});
    for (std::size_t cut = 0; cut <= continuation.size(); ++cut) {
      ContinuationGuard guard(answer);
      INFO(continuation << " cut at " << cut);
      CHECK(run(guard, {continuation.substr(0, cut), continuation.substr(cut)}) == expected);
      CHECK(guard.state() == whole.state());
    }
  }
}
