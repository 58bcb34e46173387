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

}  // namespace ochat::text
