#include "core/text/excerpt.hpp"

#include <algorithm>

#include "core/text/utf8.hpp"

namespace ochat::text {

std::string excerpt(std::string_view bytes, std::size_t max) {
  std::string out;
  std::size_t n = std::min(bytes.size(), max);
  // Do not cut a UTF-8 sequence: back up over continuation bytes.
  if (n < bytes.size()) {
    while (n > 0 && (static_cast<unsigned char>(bytes[n]) & 0xC0) == 0x80) --n;
  }
  out.reserve(n + 3);
  std::string_view rest = bytes.substr(0, n);
  while (!rest.empty()) {
    const Utf8Scan scan = scan_utf8(rest);
    for (std::size_t i = 0; i < scan.valid; ++i) {
      const auto c = static_cast<unsigned char>(rest[i]);
      if (c < 0x20 || c == 0x7F) {
        out += '?';
      } else if (c == 0xC2 && static_cast<unsigned char>(rest[i + 1]) < 0xA0) {
        out += '?';  // a C1 control (U+0080..U+009F), CSI among them: one character
        ++i;
      } else {
        out += static_cast<char>(c);
      }
    }
    rest.remove_prefix(scan.valid);
    if (rest.empty()) break;
    out += '?';  // a byte that is not UTF-8 (or NUL)
    rest.remove_prefix(1);
  }
  if (n < bytes.size()) out += "...";
  return out;
}

std::string quoted_lines(std::string_view bytes, std::size_t max_lines, std::size_t max_line) {
  std::string out;
  std::size_t shown = 0, more = 0;
  while (!bytes.empty()) {
    const std::size_t nl = bytes.find('\n');
    std::string_view line = bytes.substr(0, nl);
    bytes.remove_prefix(nl == std::string_view::npos ? bytes.size() : nl + 1);
    const auto blank = [](char c) {
      return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
    };
    while (!line.empty() && blank(line.back())) line.remove_suffix(1);
    std::size_t indent = 0;
    while (indent < line.size() && blank(line[indent])) ++indent;
    if (indent == line.size()) continue;
    if (shown == max_lines) {
      ++more;
      continue;
    }
    if (shown++ > 0) out += ", ";
    out += '"' + excerpt(line, max_line) + '"';
  }
  if (more > 0)
    out += more == 1 ? " (and 1 more line)" : " (and " + std::to_string(more) + " more lines)";
  return out;
}

}  // namespace ochat::text
