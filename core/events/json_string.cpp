#include "core/events/json_string.hpp"

#include <cstddef>

#include "core/text/json_scanner.hpp"

namespace ochat::events {
namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

struct Sequence {
  std::size_t length;  // bytes it takes up
  bool valid;          // false: replaced by U+FFFD
};

// The UTF-8 sequence starting at s[at] (a byte >= 0x80), checked as RFC 3629 says: no
// overlong forms, no surrogates, nothing above U+10FFFF. An invalid one takes up the bytes
// that could still have begun a valid sequence, at least one: the same resynchronisation as
// nlohmann::json's serializer.
Sequence utf8_sequence(std::string_view s, std::size_t at) {
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(s[i]); };
  const unsigned lead = byte(at);
  std::size_t more = 0;
  unsigned lo = 0x80, hi = 0xBF;  // the range of the byte after the lead
  if (lead >= 0xC2 && lead <= 0xDF) {
    more = 1;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    more = 2;
    if (lead == 0xE0) lo = 0xA0;  // overlong
    if (lead == 0xED) hi = 0x9F;  // surrogates
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    more = 3;
    if (lead == 0xF0) lo = 0x90;  // overlong
    if (lead == 0xF4) hi = 0x8F;  // above U+10FFFF
  } else {
    return {1, false};
  }
  for (std::size_t k = 1; k <= more; ++k) {
    if (at + k == s.size()) return {k, false};  // cut off at the end
    const unsigned c = byte(at + k);
    if (c < lo || c > hi) return {k, false};
    lo = 0x80;
    hi = 0xBF;
  }
  return {more + 1, true};
}

}  // namespace

void append_json_string(std::string& out, std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  out.push_back('"');
  std::size_t i = 0;
  while (i < text.size()) {
    // The run of bytes that need no escaping, copied at once.
    const std::size_t start = i;
    i = text::plain_run_end(text, i);
    out.append(text.data() + start, i - start);
    if (i == text.size()) break;

    const auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x80) {
      const Sequence seq = utf8_sequence(text, i);
      if (seq.valid) {
        out.append(text.data() + i, seq.length);
      } else {
        out.append(kReplacement);
      }
      i += seq.length;
      continue;
    }
    ++i;
    switch (c) {
      case '"':
        out.append("\\\"");
        break;
      case '\\':
        out.append("\\\\");
        break;
      case '\b':
        out.append("\\b");
        break;
      case '\f':
        out.append("\\f");
        break;
      case '\n':
        out.append("\\n");
        break;
      case '\r':
        out.append("\\r");
        break;
      case '\t':
        out.append("\\t");
        break;
      default: {
        const char escape[] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 0xF]};
        out.append(escape, sizeof escape);
      }
    }
  }
  out.push_back('"');
}

}  // namespace ochat::events
