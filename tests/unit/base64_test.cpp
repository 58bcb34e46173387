// text::base64: the encoding of images in requests, whole and in slices.
#include "core/text/base64.hpp"

#include <catch2/catch.hpp>
#include <string>

using namespace ochat::text;

namespace {

std::string encode(const std::string& bytes) {
  std::string out;
  base64_append(bytes, out);
  return out;
}

// Bytes 0..255 and again, so that every value and every padding case occurs.
std::string all_bytes(std::size_t n) {
  std::string s;
  for (std::size_t i = 0; i < n; ++i) s.push_back(static_cast<char>((i * 7 + 3) % 256));
  return s;
}

}  // namespace

TEST_CASE("text::base64_append gives RFC 4648's test vectors") {
  CHECK(encode("") == "");
  CHECK(encode("f") == "Zg==");
  CHECK(encode("fo") == "Zm8=");
  CHECK(encode("foo") == "Zm9v");
  CHECK(encode("foob") == "Zm9vYg==");
  CHECK(encode("fooba") == "Zm9vYmE=");
  CHECK(encode("foobar") == "Zm9vYmFy");
  CHECK(encode(std::string("\x00\xFF\xFE", 3)) == "AP/+");
  std::string out = "prefix:";
  base64_append("foo", out);
  CHECK(out == "prefix:Zm9v");
}

TEST_CASE("text::base64_size is the length of the encoding") {
  for (std::size_t n = 0; n < 20; ++n) CHECK(base64_size(n) == encode(all_bytes(n)).size());
}

TEST_CASE("text::base64_slice gives every slice of the encoding, cut anywhere") {
  for (std::size_t n = 0; n <= 13; ++n) {
    const std::string bytes = all_bytes(n);
    const std::string whole = encode(bytes);
    for (std::size_t pos = 0; pos <= whole.size(); ++pos) {
      for (std::size_t count = 0; pos + count <= whole.size(); ++count) {
        std::string slice(count, '?');
        base64_slice(bytes, pos, count, slice.data());
        INFO("n=" << n << " pos=" << pos << " count=" << count);
        CHECK(slice == whole.substr(pos, count));
      }
    }
  }
}

TEST_CASE("text::base64_decode reverses the encoding") {
  for (std::size_t n = 0; n < 600; n += 37) {
    const std::string bytes = all_bytes(n);
    CHECK(base64_decode(encode(bytes)) == bytes);
  }
  CHECK(base64_decode("Zm9vYmFy") == std::string("foobar"));
}

TEST_CASE("text::base64_decode refuses what is not a padded standard encoding") {
  for (const char* bad :
       {"Zm9", "Zm9v!A==", "Z===", "Zg=a", "=Zm9", "Zm9v\n", "Zm-_", "Zg==Zg=="}) {
    INFO(bad);
    CHECK_FALSE(base64_decode(bad).has_value());
  }
}
