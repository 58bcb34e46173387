#include "core/ollama/content_chunk.hpp"

#include <cstdint>
#include <string>

#include "core/text/utf8.hpp"

namespace ochat::ollama {
namespace {

class Reader {
 public:
  explicit Reader(std::string_view s) : s_(s) {}

  void skip_ws() {
    while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\t' || s_[i_] == '\n' || s_[i_] == '\r'))
      ++i_;
  }
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

  // A JSON string, decoded into `out` (when given). False on anything the DOM parser would
  // reject (control characters, bad escapes, lone surrogates, invalid UTF-8).
  bool string(std::string* out) {
    if (!eat('"')) return false;
    if (out) out->clear();
    while (i_ < s_.size()) {
      // Copy the run of plain ASCII at once.
      std::size_t start = i_;
      while (i_ < s_.size()) {
        auto c = static_cast<unsigned char>(s_[i_]);
        if (c == '"' || c == '\\' || c < 0x20 || c >= 0x80) break;
        ++i_;
      }
      if (out) out->append(s_.data() + start, i_ - start);
      if (i_ == s_.size()) return false;
      auto c = static_cast<unsigned char>(s_[i_]);
      if (c == '"') {
        ++i_;
        return true;
      }
      if (c < 0x20) return false;
      if (c >= 0x80) {
        std::size_t n = utf8_length(i_);
        if (n == 0) return false;
        if (out) out->append(s_.data() + i_, n);
        i_ += n;
        continue;
      }
      if (!escape(out)) return false;
    }
    return false;
  }

 private:
  // The length of the valid UTF-8 sequence at `at` (RFC 3629: no overlongs, no surrogates,
  // at most U+10FFFF), or 0.
  std::size_t utf8_length(std::size_t at) const {
    auto b = [&](std::size_t k) {
      return at + k < s_.size() ? static_cast<unsigned char>(s_[at + k]) : 0u;
    };
    auto cont = [](unsigned x) { return (x & 0xC0u) == 0x80u; };
    unsigned c0 = b(0);
    if (c0 >= 0xC2 && c0 <= 0xDF) return cont(b(1)) ? 2 : 0;
    if (c0 >= 0xE0 && c0 <= 0xEF) {
      unsigned c1 = b(1);
      if (c0 == 0xE0 && c1 < 0xA0) return 0;
      if (c0 == 0xED && c1 > 0x9F) return 0;
      return cont(c1) && cont(b(2)) ? 3 : 0;
    }
    if (c0 >= 0xF0 && c0 <= 0xF4) {
      unsigned c1 = b(1);
      if (c0 == 0xF0 && c1 < 0x90) return 0;
      if (c0 == 0xF4 && c1 > 0x8F) return 0;
      return cont(c1) && cont(b(2)) && cont(b(3)) ? 4 : 0;
    }
    return 0;
  }

  bool hex4(std::uint32_t& v) {
    if (s_.size() - i_ < 4) return false;
    v = 0;
    for (int k = 0; k < 4; ++k) {
      char c = s_[i_++];
      v <<= 4;
      if (c >= '0' && c <= '9') {
        v |= static_cast<std::uint32_t>(c - '0');
      } else if (c >= 'a' && c <= 'f') {
        v |= static_cast<std::uint32_t>(c - 'a' + 10);
      } else if (c >= 'A' && c <= 'F') {
        v |= static_cast<std::uint32_t>(c - 'A' + 10);
      } else {
        return false;
      }
    }
    return true;
  }

  // At a backslash.
  bool escape(std::string* out) {
    ++i_;
    if (i_ == s_.size()) return false;
    char e = s_[i_++];
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
    std::uint32_t cp = 0;
    if (!hex4(cp)) return false;
    if (cp >= 0xDC00 && cp <= 0xDFFF) return false;  // a low surrogate first
    if (cp >= 0xD800 && cp <= 0xDBFF) {
      std::uint32_t lo = 0;
      if (s_.substr(i_, 2) != "\\u") return false;
      i_ += 2;
      if (!hex4(lo) || lo < 0xDC00 || lo > 0xDFFF) return false;
      cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
    }
    if (out) text::append_utf8(*out, cp);
    return true;
  }

  std::string_view s_;
  std::size_t i_ = 0;
};

// A member name, decoded as the DOM parser decodes it (escapes included), then the colon.
bool key(Reader& r, std::string& name) { return r.string(&name) && r.eat(':'); }

bool message(Reader& r, std::string& content) {
  if (!r.eat('{')) return false;
  bool role = false, got_content = false;
  std::string name;
  if (r.eat('}')) return false;  // no content: leave it to the DOM path
  do {
    if (!key(r, name)) return false;
    if (name == "role" && !role) {
      role = true;
      if (!r.string(nullptr)) return false;
    } else if (name == "content" && !got_content) {
      got_content = true;
      if (!r.string(&content)) return false;
    } else {
      return false;
    }
  } while (r.eat(','));
  return r.eat('}') && got_content;
}

}  // namespace

std::optional<chat::Chunk> parse_content_chunk(std::string_view line) {
  Reader r(line);
  if (!r.eat('{')) return std::nullopt;
  bool model = false, created = false, msg = false, done = false;
  chat::Chunk chunk;
  std::string name;
  if (r.peek('}')) return std::nullopt;
  do {
    if (!key(r, name)) return std::nullopt;
    if (name == "model" && !model) {
      model = true;
      if (!r.string(nullptr)) return std::nullopt;
    } else if (name == "created_at" && !created) {
      created = true;
      if (!r.string(nullptr)) return std::nullopt;
    } else if (name == "message" && !msg) {
      msg = true;
      if (!message(r, chunk.content)) return std::nullopt;
    } else if (name == "done" && !done) {
      done = true;
      if (!r.eat_literal("false")) return std::nullopt;
    } else {
      return std::nullopt;
    }
  } while (r.eat(','));
  if (!r.eat('}') || !r.at_end() || !msg) return std::nullopt;
  return chunk;
}

}  // namespace ochat::ollama
