#pragma once
// Reading JSON of a known shape without building a DOM, for the hot paths (a stream's content
// chunks, the lines of a long conversation). It accepts exactly what nlohmann::json's parser
// accepts for the parts it reads, and says "not sure" (false) for anything else: callers then
// take the DOM path, so results never differ.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace ochat::text {

// The end of the run of bytes from `at` that a JSON string holds as they are: the index of the
// first '"', '\\', control character (< 0x20) or non-ASCII byte, or s.size(). Eight bytes at a
// time: long plain text is most of what a conversation's lines and request bodies hold.
inline std::size_t plain_run_end(std::string_view s, std::size_t at) {
  constexpr std::uint64_t kOnes = 0x0101010101010101ULL;
  constexpr std::uint64_t kHighs = 0x8080808080808080ULL;
  const auto has_zero_byte = [](std::uint64_t v) { return (v - kOnes) & ~v & kHighs; };
  while (at + 8 <= s.size()) {
    std::uint64_t w = 0;
    std::memcpy(&w, s.data() + at, 8);
    const std::uint64_t special = (w & kHighs) | ((w - kOnes * 0x20) & ~w & kHighs) |
                                  has_zero_byte(w ^ (kOnes * 0x22)) |
                                  has_zero_byte(w ^ (kOnes * 0x5C));
    if (special != 0) break;
    at += 8;
  }
  while (at < s.size()) {
    const auto c = static_cast<unsigned char>(s[at]);
    if (c == '"' || c == '\\' || c < 0x20 || c >= 0x80) break;
    ++at;
  }
  return at;
}

class JsonScanner {
 public:
  explicit JsonScanner(std::string_view s) : s_(s) {}

  void skip_ws() {
    while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\t' || s_[i_] == '\n' || s_[i_] == '\r'))
      ++i_;
  }
  // Skips whitespace, then takes `c` if it is next.
  bool eat(char c) {
    skip_ws();
    if (i_ < s_.size() && s_[i_] == c) {
      ++i_;
      return true;
    }
    return false;
  }
  bool peek(char c) {
    skip_ws();
    return i_ < s_.size() && s_[i_] == c;
  }
  bool at_end() {
    skip_ws();
    return i_ == s_.size();
  }
  bool eat_literal(std::string_view lit) {
    skip_ws();
    if (s_.substr(i_, lit.size()) != lit) return false;
    i_ += lit.size();
    return true;
  }
  std::size_t position() const noexcept { return i_; }

  // A JSON string, decoded into `out` (when given). False on anything the DOM parser would
  // reject (control characters, bad escapes, lone surrogates, invalid UTF-8).
  bool string(std::string* out);
  // A member name and its colon.
  bool key(std::string& name) { return string(&name) && eat(':'); }
  // Any JSON value, checked as the DOM parser checks it, not decoded. `depth` bounds nesting.
  bool skip_value(int depth = 0);

 private:
  std::size_t utf8_length(std::size_t at) const;
  bool hex4(unsigned& v);
  bool escape(std::string* out);
  bool number();

  std::string_view s_;
  std::size_t i_ = 0;
};

}  // namespace ochat::text
