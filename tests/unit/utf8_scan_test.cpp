// text::scan_utf8: how much of some bytes is UTF-8 text, and whether more bytes could fix the rest.
#include <catch2/catch.hpp>
#include <string>

#include "core/text/utf8.hpp"

using ochat::text::scan_utf8;

TEST_CASE("text::scan_utf8 accepts text of every character length") {
  const std::string text = "a caf\xC3\xA9 \xE4\xBD\xA0 \xF0\x9F\x98\x80 \xF4\x8F\xBF\xBF\t\r\n";
  const auto scan = scan_utf8(text);
  CHECK(scan.valid == text.size());
  CHECK_FALSE(scan.bad);
  CHECK(scan_utf8("").valid == 0);
}

TEST_CASE("text::scan_utf8 stops at the first byte that starts no valid character") {
  struct Case {
    std::string bytes;
    std::size_t valid;
  };
  for (const auto& c : std::vector<Case>{
           {std::string("ab\0c", 4), 2},  // NUL
           {"ab\x80", 2},                 // a continuation byte first
           {"ab\xC0\x80", 2},             // overlong (C0, C1 never occur)
           {"ab\xE0\x80\x80", 2},         // overlong 3-byte form
           {"ab\xF0\x80\x80\x80", 2},     // overlong 4-byte form
           {"ab\xED\xA0\x80", 2},         // a surrogate
           {"ab\xF4\x90\x80\x80", 2},     // past U+10FFFF
           {"ab\xF5\x80\x80\x80", 2},     // no such lead byte
           {"caf\xE9 latin-1", 3},        // Latin-1 é: a lead byte without continuation
           {"\xE4\xBD"
            "A",
            0},  // a sequence cut by an ASCII byte
       }) {
    INFO(c.bytes);
    const auto scan = scan_utf8(c.bytes);
    CHECK(scan.bad);
    CHECK(scan.valid == c.valid);
  }
}

TEST_CASE("text::scan_utf8 tells an unfinished character at the end from an invalid one") {
  for (const std::string unfinished : {"x\xC3", "x\xE4\xBD", "x\xF0\x9F\x98", "x\xF0"}) {
    const auto scan = scan_utf8(unfinished);
    CHECK(scan.valid == 1);
    CHECK_FALSE(scan.bad);
  }
  // Scanning a stream piece by piece, from the offset the last scan returned.
  const std::string text = "caf\xC3\xA9 \xF0\x9F\x98\x80!";
  for (std::size_t cut = 0; cut <= text.size(); ++cut) {
    const auto first = scan_utf8(std::string_view(text).substr(0, cut));
    CHECK_FALSE(first.bad);
    const auto rest = scan_utf8(std::string_view(text).substr(first.valid));
    CHECK_FALSE(rest.bad);
    CHECK(first.valid + rest.valid == text.size());
  }
}
