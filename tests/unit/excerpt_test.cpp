// text::excerpt: untrusted bytes shown in a message.
#include "core/text/excerpt.hpp"

#include <catch2/catch.hpp>
#include <string>

using ochat::text::excerpt;

TEST_CASE("text::excerpt keeps short printable text as it is") {
  CHECK(excerpt("hello", 120) == "hello");
  CHECK(excerpt("12345", 5) == "12345");
  CHECK(excerpt("", 5).empty());
}

TEST_CASE("text::excerpt cuts at a UTF-8 character boundary and marks the cut") {
  CHECK(excerpt("123456", 5) == "12345...");
  // "h" "é"(2 bytes) "llo": cutting after 2 bytes would split é.
  CHECK(excerpt("h\xC3\xA9llo", 2) == "h...");
  CHECK(excerpt("h\xC3\xA9llo", 3) == "h\xC3\xA9...");
  // 你 好 are 3 bytes each; 4 and 5 bytes both fall inside 好.
  CHECK(excerpt("\xE4\xBD\xA0\xE5\xA5\xBD!", 4) == "\xE4\xBD\xA0...");
  CHECK(excerpt("\xE4\xBD\xA0\xE5\xA5\xBD!", 5) == "\xE4\xBD\xA0...");
  CHECK(excerpt("\xE4\xBD\xA0\xE5\xA5\xBD!", 6) == "\xE4\xBD\xA0\xE5\xA5\xBD...");
  // The 4-byte emoji cut after 1, 2 or 3 of its bytes.
  CHECK(excerpt("a\xF0\x9F\x98\x80z", 2) == "a...");
  CHECK(excerpt("a\xF0\x9F\x98\x80z", 4) == "a...");
  CHECK(excerpt("a\xF0\x9F\x98\x80z", 5) == "a\xF0\x9F\x98\x80...");
}

TEST_CASE("text::excerpt replaces control characters") {
  CHECK(excerpt(std::string("a\tb\nc\rd\x1b[0m\x7f"
                            "e\0f",
                            15),
                120) == "a?b?c?d?[0m?e?f");
}

TEST_CASE("text::excerpt shows C1 controls and bytes that are not UTF-8 as '?'") {
  // CSI (U+009B) is a control; a no-break space (U+00A0) is text.
  CHECK(excerpt("a\xC2\x9B"
                "31m b\xC2\xA0"
                "c") ==
        "a?31m b\xC2\xA0"
        "c");
  CHECK(excerpt("caf\xE9 \xFF\xFE.") == "caf? ??.");
  CHECK(excerpt("\xED\xA0\x80x") == "???x");  // a surrogate: three bytes, none UTF-8
  CHECK(excerpt("ok\xE4\xBD") == "ok??");     // a character cut by the end of the input
}

TEST_CASE("text::excerpt is at most 120 bytes plus the mark by default") {
  const std::string long_line(500, 'x');
  CHECK(excerpt(long_line) == std::string(120, 'x') + "...");
}

TEST_CASE("text::quoted_lines shows the first lines that are not blank, each quoted") {
  using ochat::text::quoted_lines;
  CHECK(quoted_lines("") == "");
  CHECK(quoted_lines(" \n\t\r\n\n") == "");
  CHECK(quoted_lines("one") == "\"one\"");
  CHECK(quoted_lines("one\r\n\n  two  \nthree\n") == "\"one\", \"  two\", \"three\"");
  CHECK(quoted_lines("1\n2\n3\n4\n") == "\"1\", \"2\", \"3\" (and 1 more line)");
  CHECK(quoted_lines("1\n2\n3\n4\n\n5", 2) == "\"1\", \"2\" (and 3 more lines)");
  CHECK(quoted_lines("a\tb\x01"
                     "c\n",
                     3, 100) == "\"a?b?c\"");
  CHECK(quoted_lines("abcdef\n", 3, 3) == "\"abc...\"");
}
