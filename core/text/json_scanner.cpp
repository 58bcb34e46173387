#include "core/text/json_scanner.hpp"

#include "core/text/utf8.hpp"

namespace ochat::text {
namespace {

constexpr int kMaxDepth = 64;  // deeper: not sure (the DOM path decides)

bool digit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

bool JsonScanner::string(std::string* out) {
  if (!eat('"')) return false;
  if (out) out->clear();
  while (i_ < s_.size()) {
    // Copy the run of plain ASCII at once.
    const std::size_t start = i_;
    i_ = plain_run_end(s_, i_);
    if (out) out->append(s_.data() + start, i_ - start);
    if (i_ == s_.size()) return false;
    const auto c = static_cast<unsigned char>(s_[i_]);
    if (c == '"') {
      ++i_;
      return true;
    }
    if (c < 0x20) return false;
    if (c >= 0x80) {
      const std::size_t n = utf8_length(i_);
      if (n == 0) return false;
      if (out) out->append(s_.data() + i_, n);
      i_ += n;
      continue;
    }
    if (!escape(out)) return false;
  }
  return false;
}

// The length of the valid UTF-8 sequence at `at` (RFC 3629: no overlongs, no surrogates, at
// most U+10FFFF), or 0.
std::size_t JsonScanner::utf8_length(std::size_t at) const {
  auto b = [&](std::size_t k) {
    return at + k < s_.size() ? static_cast<unsigned char>(s_[at + k]) : 0u;
  };
  auto cont = [](unsigned x) { return (x & 0xC0u) == 0x80u; };
  const unsigned c0 = b(0);
  if (c0 >= 0xC2 && c0 <= 0xDF) return cont(b(1)) ? 2 : 0;
  if (c0 >= 0xE0 && c0 <= 0xEF) {
    const unsigned c1 = b(1);
    if (c0 == 0xE0 && c1 < 0xA0) return 0;
    if (c0 == 0xED && c1 > 0x9F) return 0;
    return cont(c1) && cont(b(2)) ? 3 : 0;
  }
  if (c0 >= 0xF0 && c0 <= 0xF4) {
    const unsigned c1 = b(1);
    if (c0 == 0xF0 && c1 < 0x90) return 0;
    if (c0 == 0xF4 && c1 > 0x8F) return 0;
    return cont(c1) && cont(b(2)) && cont(b(3)) ? 4 : 0;
  }
  return 0;
}

bool JsonScanner::hex4(unsigned& v) {
  if (s_.size() - i_ < 4) return false;
  v = 0;
  for (int k = 0; k < 4; ++k) {
    const char c = s_[i_++];
    v <<= 4;
    if (c >= '0' && c <= '9') {
      v |= static_cast<unsigned>(c - '0');
    } else if (c >= 'a' && c <= 'f') {
      v |= static_cast<unsigned>(c - 'a' + 10);
    } else if (c >= 'A' && c <= 'F') {
      v |= static_cast<unsigned>(c - 'A' + 10);
    } else {
      return false;
    }
  }
  return true;
}

// At a backslash.
bool JsonScanner::escape(std::string* out) {
  ++i_;
  if (i_ == s_.size()) return false;
  const char e = s_[i_++];
  char plain = 0;
  switch (e) {
    case '"':
      plain = '"';
      break;
    case '\\':
      plain = '\\';
      break;
    case '/':
      plain = '/';
      break;
    case 'b':
      plain = '\b';
      break;
    case 'f':
      plain = '\f';
      break;
    case 'n':
      plain = '\n';
      break;
    case 'r':
      plain = '\r';
      break;
    case 't':
      plain = '\t';
      break;
    case 'u':
      break;
    default:
      return false;
  }
  if (plain != 0) {
    if (out) out->push_back(plain);
    return true;
  }
  unsigned cp = 0;
  if (!hex4(cp)) return false;
  if (cp >= 0xDC00 && cp <= 0xDFFF) return false;  // a low surrogate first
  if (cp >= 0xD800 && cp <= 0xDBFF) {
    unsigned lo = 0;
    if (s_.substr(i_, 2) != "\\u") return false;
    i_ += 2;
    if (!hex4(lo) || lo < 0xDC00 || lo > 0xDFFF) return false;
    cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
  }
  if (out) append_utf8(*out, cp);
  return true;
}

// -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
bool JsonScanner::number() {
  if (i_ < s_.size() && s_[i_] == '-') ++i_;
  if (i_ == s_.size() || !digit(s_[i_])) return false;
  if (s_[i_] == '0') {
    ++i_;
  } else {
    while (i_ < s_.size() && digit(s_[i_])) ++i_;
  }
  if (i_ < s_.size() && s_[i_] == '.') {
    ++i_;
    if (i_ == s_.size() || !digit(s_[i_])) return false;
    while (i_ < s_.size() && digit(s_[i_])) ++i_;
  }
  if (i_ < s_.size() && (s_[i_] == 'e' || s_[i_] == 'E')) {
    ++i_;
    if (i_ < s_.size() && (s_[i_] == '+' || s_[i_] == '-')) ++i_;
    if (i_ == s_.size() || !digit(s_[i_])) return false;
    while (i_ < s_.size() && digit(s_[i_])) ++i_;
  }
  return true;
}

bool JsonScanner::skip_value(int depth) {
  if (depth > kMaxDepth) return false;
  skip_ws();
  if (i_ == s_.size()) return false;
  switch (s_[i_]) {
    case '"':
      return string(nullptr);
    case '{': {
      ++i_;
      if (eat('}')) return true;
      std::string name;
      do {
        if (!key(name) || !skip_value(depth + 1)) return false;
      } while (eat(','));
      return eat('}');
    }
    case '[': {
      ++i_;
      if (eat(']')) return true;
      do {
        if (!skip_value(depth + 1)) return false;
      } while (eat(','));
      return eat(']');
    }
    case 't':
      return eat_literal("true");
    case 'f':
      return eat_literal("false");
    case 'n':
      return eat_literal("null");
    default:
      return number();
  }
}

}  // namespace ochat::text
