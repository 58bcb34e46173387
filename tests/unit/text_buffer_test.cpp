#include "core/chat/text_buffer.hpp"

#include <catch2/catch.hpp>
#include <string>

using ochat::chat::TextBuffer;

TEST_CASE("chat::TextBuffer starts empty") {
  TextBuffer buffer;
  CHECK(buffer.empty());
  CHECK(buffer.size() == 0);
  CHECK(buffer.str().empty());
  buffer.append("");
  CHECK(buffer.empty());
}

TEST_CASE("chat::TextBuffer keeps every byte across block boundaries") {
  constexpr std::size_t kBlock = TextBuffer::kBlockSize;
  // Pieces that end just before, on and just after each boundary, and pieces longer than a block.
  for (std::size_t piece :
       {std::size_t{1}, std::size_t{7}, kBlock - 1, kBlock, kBlock + 1, 3 * kBlock + 5}) {
    INFO("piece " << piece);
    TextBuffer buffer;
    std::string expected;
    for (std::size_t i = 0; expected.size() < 3 * kBlock + 11; ++i) {
      std::string text(piece, static_cast<char>('a' + i % 26));
      text.back() = static_cast<char>(i % 251);  // bytes of every value, NUL included
      buffer.append(text);
      expected += text;
      REQUIRE(buffer.size() == expected.size());
    }
    const std::string got = buffer.str();
    CHECK(got.size() == expected.size());
    CHECK(got == expected);
  }
}

TEST_CASE("chat::TextBuffer moves with its text") {
  TextBuffer buffer;
  buffer.append("Hello, ");
  buffer.append(std::string(TextBuffer::kBlockSize, 'x'));
  TextBuffer moved = std::move(buffer);
  CHECK(moved.size() == 7 + TextBuffer::kBlockSize);
  CHECK(moved.str() == "Hello, " + std::string(TextBuffer::kBlockSize, 'x'));
}
