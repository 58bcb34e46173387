#include "core/chat/prompt.hpp"

#include <catch2/catch.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/error.hpp"

using ochat::chat::compose_prompt;

TEST_CASE("chat::compose_prompt joins the arguments with spaces") {
  CHECK(compose_prompt({"why", "is the", "sky blue?"}, std::nullopt) == "why is the sky blue?");
  CHECK(compose_prompt({"one"}, std::nullopt) == "one");
}

TEST_CASE("chat::compose_prompt keeps standard input exactly when there are no arguments") {
  CHECK(compose_prompt({}, std::string("line one\n  line two\n\n")) == "line one\n  line two\n\n");
  CHECK(compose_prompt({}, std::string("caf\xC3\xA9\r\n")) == "caf\xC3\xA9\r\n");
}

TEST_CASE("chat::compose_prompt puts standard input, a blank line, then the arguments") {
  CHECK(compose_prompt({"write", "a commit message"}, std::string("diff --git a b\n+x\n\n\n")) ==
        "diff --git a b\n+x\n\nwrite a commit message");
  CHECK(compose_prompt({"summarize"}, std::string("text\r\n")) == "text\n\nsummarize");
  CHECK(compose_prompt({"summarize"}, std::string("no newline")) == "no newline\n\nsummarize");
}

TEST_CASE("chat::compose_prompt ignores standard input that is only whitespace") {
  CHECK(compose_prompt({"hello"}, std::string(" \n\t\n")) == "hello");
  CHECK(compose_prompt({"hello"}, std::string()) == "hello");
}

TEST_CASE("chat::compose_prompt throws a usage error when there is no prompt") {
  const std::vector<std::pair<std::vector<std::string>, std::optional<std::string>>> empties = {
      {{}, std::nullopt},
      {{}, std::string()},
      {{"", " "}, std::nullopt},
      {{"\t"}, std::string("\n \r\n")},
  };
  for (const auto& [args, stdin_text] : empties) {
    try {
      compose_prompt(args, stdin_text);
      FAIL("no exception");
    } catch (const ochat::Error& e) {
      CHECK(e.kind() == ochat::ErrorKind::usage);
    }
  }
}
