#include "core/text/terminal_filter.hpp"

#include "core/text/utf8.hpp"

namespace ochat::text {
namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

// Appends the visible form of the C0 control or DEL `c`.
void append_caret(std::string& out, unsigned char c) {
  out.push_back('^');
  out.push_back(c == 0x7F ? '?' : static_cast<char>(c + 0x40));
}

// Appends the safe form of `valid` (whole, valid UTF-8 characters, NUL excluded) except a
// final carriage return, which is returned in `held` (what follows it decides).
void append_valid(std::string& out, std::string_view valid, std::string& held) {
  for (std::size_t i = 0; i < valid.size(); ++i) {
    const auto c = static_cast<unsigned char>(valid[i]);
    if (c == '\r') {
      if (i + 1 == valid.size()) {
        held = "\r";
      } else if (valid[i + 1] != '\n') {
        append_caret(out, c);
      }  // CRLF: the newline alone
    } else if (c == '\n' || c == '\t') {
      out.push_back(static_cast<char>(c));
    } else if (c < 0x20 || c == 0x7F) {
      append_caret(out, c);
    } else if (c == 0xC2 && i + 1 < valid.size() &&
               static_cast<unsigned char>(valid[i + 1]) < 0xA0) {
      // A C1 control (U+0080..U+009F): ESC and its 7-bit equivalent.
      out.append("^[");
      out.push_back(static_cast<char>(static_cast<unsigned char>(valid[i + 1]) - 0x40));
      ++i;
    } else {
      out.push_back(static_cast<char>(c));
    }
  }
}

}  // namespace

std::string TerminalFilter::filter(std::string_view piece) {
  std::string data = std::move(pending_);
  pending_.clear();
  data.append(piece);
  std::string out;
  out.reserve(data.size());
  std::string_view rest = data;
  while (!rest.empty()) {
    const Utf8Scan scan = scan_utf8(rest);
    std::string held;
    append_valid(out, rest.substr(0, scan.valid), held);
    if (!held.empty()) {
      if (scan.valid == rest.size()) {
        pending_ = std::move(held);  // a carriage return at the end: wait for the next byte
        return out;
      }
      if (rest[scan.valid] != '\n') append_caret(out, '\r');
    }
    rest.remove_prefix(scan.valid);
    if (rest.empty()) break;
    if (!scan.bad) {  // the start of a character that the next piece may complete
      pending_ = std::string(rest);
      return out;
    }
    if (rest.front() == '\0') {
      out.append("^@");
    } else {
      out.append(kReplacement);
    }
    rest.remove_prefix(1);
  }
  return out;
}

std::string TerminalFilter::finish() {
  std::string out;
  if (pending_ == "\r") {
    out = "^M";
  } else if (!pending_.empty()) {
    out = kReplacement;
  }
  pending_.clear();
  return out;
}

std::string terminal_safe(std::string_view text) {
  TerminalFilter filter;
  std::string out = filter.filter(text);
  out += filter.finish();
  return out;
}

}  // namespace ochat::text
