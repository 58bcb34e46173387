#include <catch2/catch.hpp>

#include "core/interactive/command.hpp"
#include "core/interactive/input.hpp"

using ochat::interactive::Command;
using ochat::interactive::Input;
using ochat::interactive::InputAssembler;
using ochat::interactive::parse_command;

TEST_CASE("interactive::InputAssembler: a line is a message, a blank line nothing") {
  InputAssembler in;
  const Input hi = in.add("hello there", false);
  CHECK(hi.kind == Input::Kind::message);
  CHECK(hi.text == "hello there");
  CHECK(in.add("   ", false).kind == Input::Kind::none);
  CHECK_FALSE(in.continues());
}

TEST_CASE("interactive::InputAssembler: a line starting with / alone is a command") {
  InputAssembler in;
  const Input command = in.add("/model llama3.2", false);
  CHECK(command.kind == Input::Kind::command);
  CHECK(command.text == "/model llama3.2");
}

TEST_CASE("interactive::InputAssembler: \"\"\" opens and closes a block of many lines") {
  InputAssembler in;
  CHECK(in.add(R"(""")", false).kind == Input::Kind::none);
  CHECK(in.continues());
  CHECK(in.add("first", false).kind == Input::Kind::none);
  CHECK(in.add("/not a command", false).kind == Input::Kind::none);
  CHECK(in.add("", false).kind == Input::Kind::none);
  const Input block = in.add(R"(""")", false);
  CHECK(block.kind == Input::Kind::message);
  CHECK(block.text == "first\n/not a command\n");
  CHECK_FALSE(in.continues());
}

TEST_CASE(
    "interactive::InputAssembler: text may follow the opening and precede the closing quotes") {
  InputAssembler in;
  CHECK(in.add(R"("""one)", false).kind == Input::Kind::none);
  const Input block = in.add(R"(two""")", false);
  CHECK(block.kind == Input::Kind::message);
  CHECK(block.text == "one\ntwo");
  const Input single = in.add(R"("""alone""")", false);
  CHECK(single.kind == Input::Kind::message);
  CHECK(single.text == "alone");
}

TEST_CASE("interactive::InputAssembler: lines that arrive together (a paste) are one message") {
  InputAssembler in;
  CHECK(in.add("/first line looks like a command", true).kind == Input::Kind::none);
  CHECK(in.continues());
  CHECK(in.add("second", true).kind == Input::Kind::none);
  const Input pasted = in.add("third", false);
  CHECK(pasted.kind == Input::Kind::message);
  CHECK(pasted.text == "/first line looks like a command\nsecond\nthird");
}

TEST_CASE("interactive::InputAssembler: reset() forgets the block begun") {
  InputAssembler in;
  in.add(R"(""")", false);
  in.add("lost", false);
  in.reset();
  CHECK_FALSE(in.continues());
  CHECK(in.add("kept", false).text == "kept");
}

TEST_CASE("interactive::parse_command names each command and keeps its argument") {
  CHECK(parse_command("/model  qwen3:8b ").name == Command::Name::model);
  CHECK(parse_command("/model  qwen3:8b ").argument == "qwen3:8b");
  CHECK(parse_command("/system be brief, please").argument == "be brief, please");
  CHECK(parse_command("/clear").name == Command::Name::clear);
  CHECK(parse_command("/tools").name == Command::Name::tools);
  CHECK(parse_command("/show").name == Command::Name::show);
  CHECK(parse_command("/help").name == Command::Name::help);
  CHECK(parse_command("/bye").name == Command::Name::bye);
  CHECK(parse_command("/exit").name == Command::Name::bye);
  const Command unknown = parse_command("/frobnicate now");
  CHECK(unknown.name == Command::Name::unknown);
  CHECK(unknown.word == "/frobnicate");
  CHECK(parse_command("/models").name == Command::Name::unknown);
}
