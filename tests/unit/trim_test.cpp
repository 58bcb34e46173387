#include "core/text/trim.hpp"

#include <catch2/catch.hpp>

using ochat::text::trim;
using ochat::text::trim_right;

TEST_CASE("text::trim cuts white space, or the characters given, from both ends") {
  CHECK(trim(" \t\r\n\f\vhello world \r\n") == "hello world");
  CHECK(trim("  ") == "");
  CHECK(trim("") == "");
  CHECK(trim("x") == "x");
  CHECK(trim(" 'http://h:1' ", " '") == "http://h:1");
  CHECK(trim("\n/model x\n", " \t") == "\n/model x\n");
  CHECK(trim(std::string_view("\0a\0", 3)) == std::string_view("\0a\0", 3));  // NUL is no space
  static_assert(trim(" a ") == "a");
}

TEST_CASE("text::trim_right cuts only the end") {
  CHECK(trim_right("  {\"a\":1} \r\n") == "  {\"a\":1}");
  CHECK(trim_right("\t\t") == "");
  CHECK(trim_right("a\tb", "b") == "a\t");
}
