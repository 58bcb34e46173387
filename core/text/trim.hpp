#pragma once
// Cutting white space (or other characters) from both ends of a piece of text.
#include <string_view>

namespace ochat::text {

// ASCII white space: what std::isspace takes in the C locale.
inline constexpr std::string_view kSpace = " \t\r\n\f\v";

// Whether `c` is ASCII white space (kSpace; NUL is not).
constexpr bool is_space(char c) noexcept {
  return c != '\0' && kSpace.find(c) != std::string_view::npos;
}

// `s` without the characters of `chars` at its end.
constexpr std::string_view trim_right(std::string_view s,
                                      std::string_view chars = kSpace) noexcept {
  const auto last = s.find_last_not_of(chars);
  return last == std::string_view::npos ? std::string_view() : s.substr(0, last + 1);
}

// `s` without the characters of `chars` at either end.
constexpr std::string_view trim(std::string_view s, std::string_view chars = kSpace) noexcept {
  const auto first = s.find_first_not_of(chars);
  return first == std::string_view::npos ? std::string_view() : trim_right(s.substr(first), chars);
}

}  // namespace ochat::text
