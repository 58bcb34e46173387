#include "core/text/terminal_filter.hpp"

#include <catch2/catch.hpp>

#include "stream_splits.hpp"

using ochat::text::terminal_safe;
using ochat::text::TerminalFilter;

namespace {

// `text` through one filter, delivered in the pieces of `delivery`.
std::string filtered(const ochat::test::Delivery& delivery) {
  TerminalFilter filter;
  std::string out;
  for (std::string_view read : delivery.reads) out += filter.filter(read);
  return out + filter.finish();
}

}  // namespace

TEST_CASE("text::TerminalFilter keeps text, newlines, tabs and UTF-8 as they are") {
  const std::string text = "caf\xC3\xA9\tA\n\xE4\xBD\xA0\xE5\xA5\xBD \xF0\x9F\x98\x80\n";
  for (const auto& d : ochat::test::all_deliveries(text)) {
    INFO(d.name);
    CHECK(filtered(d) == text);
  }
}

TEST_CASE("text::TerminalFilter shows escape sequences and controls in caret notation") {
  CHECK(terminal_safe("\x1b]52;c;aGk=\x07") == "^[]52;c;aGk=^G");            // OSC 52 clipboard
  CHECK(terminal_safe("\x1b]0;title\x1b\\") == "^[]0;title^[\\");            // window title
  CHECK(terminal_safe("\x1b[2J\x1b[H") == "^[[2J^[[H");                      // cursor, clear screen
  CHECK(terminal_safe("\x1b]8;;http://x\x1b\\a") == "^[]8;;http://x^[\\a");  // hyperlink
  CHECK(terminal_safe("bell\x07") == "bell^G");
  CHECK(terminal_safe("\x08\x7f") == "^H^?");
  CHECK(terminal_safe(std::string("a\0b", 3)) == "a^@b");
}

TEST_CASE("text::TerminalFilter shows C1 controls as ESC and their 7-bit equivalent") {
  CHECK(terminal_safe("\xC2\x9B"
                      "2J") == "^[[2J");  // CSI
  CHECK(terminal_safe("\xC2\x9D"
                      "0;t\xC2\x9C") == "^[]0;t^[\\");  // OSC ... ST
  CHECK(terminal_safe("\xC2\xA0") == "\xC2\xA0");       // U+00A0 is no control
}

TEST_CASE("text::TerminalFilter turns invalid UTF-8 into U+FFFD") {
  CHECK(terminal_safe("a\xFF"
                      "b") ==
        "a\xEF\xBF\xBD"
        "b");
  CHECK(terminal_safe("\xC0\xAF") == "\xEF\xBF\xBD\xEF\xBF\xBD");  // overlong
  CHECK(terminal_safe("end\xE4\xBD") == "end\xEF\xBF\xBD");        // cut at the end
}

TEST_CASE("text::TerminalFilter drops the CR of CRLF and shows a lone CR") {
  CHECK(terminal_safe("a\r\nb") == "a\nb");
  CHECK(terminal_safe("a\rb") == "a^Mb");
  CHECK(terminal_safe("a\r") == "a^M");
}

TEST_CASE("text::TerminalFilter gives the same result for a stream cut anywhere") {
  const std::string text =
      "x\x1b[31mred\x1b[0m \xC2\x9B"
      "1A caf\xC3\xA9\r\n\xF0\x9F\x98\x80\xFF\r!\x07\xE4\xBD";
  const std::string expected = terminal_safe(text);
  CHECK(expected ==
        "x^[[31mred^[[0m ^[[1A caf\xC3\xA9\n\xF0\x9F\x98\x80\xEF\xBF\xBD^M!^G\xEF\xBF\xBD");
  for (const auto& d : ochat::test::all_deliveries(text)) {
    INFO(d.name);
    CHECK(filtered(d) == expected);
  }
}

TEST_CASE("text::TerminalFilter can be used again after finish()") {
  TerminalFilter filter;
  CHECK(filter.filter("a\xE4") == "a");
  CHECK(filter.finish() == "\xEF\xBF\xBD");
  CHECK(filter.filter("b") == "b");
  CHECK(filter.finish().empty());
}
