#include "core/events/json_string.hpp"

#include <catch2/catch.hpp>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

#include "core/text/utf8.hpp"

using ochat::events::append_json_string;

namespace {

// What the JSON DOM path wrote for the same text (the bytes append_json_string must match).
std::string dom_dump(const std::string& text) {
  return nlohmann::ordered_json(text).dump(-1, ' ', false,
                                           nlohmann::ordered_json::error_handler_t::replace);
}

std::string escaped(const std::string& text) {
  std::string out = "prefix:";
  append_json_string(out, text);
  REQUIRE(out.rfind("prefix:", 0) == 0);  // appends, never replaces
  return out.substr(7);
}

std::string hex(const std::string& bytes) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string h;
  for (char ch : bytes) {
    const auto c = static_cast<unsigned char>(ch);
    h += digits[c >> 4];
    h += digits[c & 0xF];
    h += ' ';
  }
  return h;
}

void check_same_as_dom(const std::string& text) {
  const std::string expected = dom_dump(text);
  const std::string got = escaped(text);
  if (got != expected) {
    INFO("text: " << hex(text));
    CHECK(got == expected);
  }
}

}  // namespace

TEST_CASE("events::append_json_string escapes quotes, backslashes and control characters") {
  CHECK(escaped("") == R"("")");
  CHECK(escaped("Hello, world") == R"("Hello, world")");
  CHECK(escaped("say \"hi\" \\ /") == R"("say \"hi\" \\ /")");
  CHECK(escaped("a\nb\tc\rd\be\ff") == R"("a\nb\tc\rd\be\ff")");
  CHECK(escaped(std::string("\x00\x01\x1f\x7f", 4)) == "\"\\u0000\\u0001\\u001f\x7f\"");
  CHECK(escaped("Caf\xC3\xA9 \xE4\xBD\xA0\xF0\x9F\x98\x80") ==
        "\"Caf\xC3\xA9 \xE4\xBD\xA0\xF0\x9F\x98\x80\"");
}

TEST_CASE("events::append_json_string replaces invalid UTF-8 with U+FFFD") {
  CHECK(escaped("bad \xFF\xFE bytes") == "\"bad \xEF\xBF\xBD\xEF\xBF\xBD bytes\"");
  CHECK(escaped("cut \xE4\xBD") == "\"cut \xEF\xBF\xBD\"");      // cut at the end: one
  CHECK(escaped("\xE4\xBDx") == "\"\xEF\xBF\xBDx\"");            // cut before ASCII
  CHECK(escaped("\xC0\xAF") == "\"\xEF\xBF\xBD\xEF\xBF\xBD\"");  // overlong
  CHECK(escaped("\xED\xA0\x80") == "\"\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\"");  // a surrogate
  CHECK(escaped("\xF4\x90\x80\x80") ==
        "\"\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\"");  // above U+10FFFF
}

TEST_CASE("events::append_json_string writes what the JSON DOM writes for every code point") {
  for (std::uint32_t block = 0; block < 0x110000; block += 0x1000) {
    std::string text;
    for (std::uint32_t cp = block; cp < block + 0x1000; ++cp) {
      if (cp < 0xD800 || cp > 0xDFFF) ochat::text::append_utf8(text, cp);
    }
    check_same_as_dom(text);
  }
}

TEST_CASE(
    "events::append_json_string writes what the JSON DOM writes for every one- and two-byte "
    "string") {
  for (int a = 0; a < 256; ++a) {
    check_same_as_dom(std::string(1, static_cast<char>(a)));
    for (int b = 0; b < 256; ++b) check_same_as_dom({static_cast<char>(a), static_cast<char>(b)});
  }
}

TEST_CASE(
    "events::append_json_string writes what the JSON DOM writes for mixes of boundary bytes") {
  // The bytes where UTF-8 validity changes, with ASCII and escapes between them.
  const std::vector<unsigned char> pool = {0x00, 0x1F, 'a',  '"',  0x7F, 0x80, 0x8F,
                                           0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xC2, 0xDF,
                                           0xE0, 0xED, 0xEF, 0xF0, 0xF4, 0xF5, 0xFF};
  for (unsigned char a : pool)
    for (unsigned char b : pool)
      for (unsigned char c : pool)
        for (unsigned char d : pool) {
          check_same_as_dom({static_cast<char>(a), static_cast<char>(b), static_cast<char>(c),
                             static_cast<char>(d)});
        }
  std::mt19937 random(20261129);
  std::uniform_int_distribution<std::size_t> pick(0, pool.size() - 1), length(0, 24);
  for (int n = 0; n < 20000; ++n) {
    std::string text(length(random), ' ');
    for (auto& ch : text) ch = static_cast<char>(pool[pick(random)]);
    check_same_as_dom(text);
  }
}
