#include "core/text/excerpt.hpp"

#include <algorithm>

namespace ochat::text {

std::string excerpt(std::string_view bytes, std::size_t max) {
  std::string out;
  std::size_t n = std::min(bytes.size(), max);
  // Do not cut a UTF-8 sequence: back up over continuation bytes.
  if (n < bytes.size()) {
    while (n > 0 && (static_cast<unsigned char>(bytes[n]) & 0xC0) == 0x80) --n;
  }
  out.reserve(n + 3);
  for (std::size_t i = 0; i < n; ++i) {
    const auto c = static_cast<unsigned char>(bytes[i]);
    out += (c < 0x20 || c == 0x7F) ? '?' : static_cast<char>(c);
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
