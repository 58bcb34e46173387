#include "core/text/base64.hpp"

#include <array>
#include <cstdint>
#include <cstring>

namespace ochat::text {
namespace {

constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

// The 4 characters for the group of (up to) 3 bytes that starts at bytes[at].
std::array<char, 4> group(std::string_view bytes, std::size_t at) noexcept {
  const std::size_t n = bytes.size() - at < 3 ? bytes.size() - at : 3;
  std::uint32_t v = 0;
  for (std::size_t k = 0; k < 3; ++k) {
    v = (v << 8) | (k < n ? static_cast<unsigned char>(bytes[at + k]) : 0u);
  }
  std::array<char, 4> out{};
  for (std::size_t k = 0; k < 4; ++k) out[k] = kAlphabet[(v >> (18 - 6 * k)) & 0x3Fu];
  if (n < 3) out[3] = '=';
  if (n < 2) out[2] = '=';
  return out;
}

int value_of(char c) noexcept {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

}  // namespace

void base64_append(std::string_view bytes, std::string& out) {
  const std::size_t start = out.size();
  out.resize(start + base64_size(bytes.size()));
  base64_slice(bytes, 0, base64_size(bytes.size()), out.data() + start);
}

void base64_slice(std::string_view bytes, std::size_t pos, std::size_t count, char* out) noexcept {
  // A group cut by the start or the end of the slice is encoded whole and copied in part.
  while (count > 0 && pos % 4 != 0) {
    const auto g = group(bytes, pos / 4 * 3);
    *out++ = g[pos % 4];
    ++pos;
    --count;
  }
  // Whole groups: the bulk of the work, without the padding checks of group().
  std::size_t at = pos / 4 * 3;
  while (count >= 4 && at + 3 <= bytes.size()) {
    const std::uint32_t v = (std::uint32_t{static_cast<unsigned char>(bytes[at])} << 16) |
                            (std::uint32_t{static_cast<unsigned char>(bytes[at + 1])} << 8) |
                            std::uint32_t{static_cast<unsigned char>(bytes[at + 2])};
    out[0] = kAlphabet[(v >> 18) & 0x3Fu];
    out[1] = kAlphabet[(v >> 12) & 0x3Fu];
    out[2] = kAlphabet[(v >> 6) & 0x3Fu];
    out[3] = kAlphabet[v & 0x3Fu];
    out += 4;
    at += 3;
    count -= 4;
  }
  if (count > 0) {
    const auto g = group(bytes, at);
    std::memcpy(out, g.data(), count);
  }
}

std::optional<std::string> base64_decode(std::string_view text) {
  if (text.size() % 4 != 0) return std::nullopt;
  std::string out;
  out.reserve(text.size() / 4 * 3);
  for (std::size_t i = 0; i < text.size(); i += 4) {
    const bool last = i + 4 == text.size();
    int v[4];
    int padding = 0;
    for (std::size_t k = 0; k < 4; ++k) {
      const char c = text[i + k];
      if (c == '=' && last && k >= 2) {
        v[k] = 0;
        ++padding;
        continue;
      }
      if (padding > 0) return std::nullopt;  // a character after '='
      v[k] = value_of(c);
      if (v[k] < 0) return std::nullopt;
    }
    const auto bits = (static_cast<std::uint32_t>(v[0]) << 18) |
                      (static_cast<std::uint32_t>(v[1]) << 12) |
                      (static_cast<std::uint32_t>(v[2]) << 6) | static_cast<std::uint32_t>(v[3]);
    out.push_back(static_cast<char>((bits >> 16) & 0xFFu));
    if (padding < 2) out.push_back(static_cast<char>((bits >> 8) & 0xFFu));
    if (padding < 1) out.push_back(static_cast<char>(bits & 0xFFu));
  }
  return out;
}

}  // namespace ochat::text
