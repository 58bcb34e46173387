#include "core/config/option_value.hpp"

#include <fmt/format.h>

#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdint>

#include "core/error.hpp"

namespace ochat::config {

using Json = nlohmann::ordered_json;

Json typed_value(std::string_view text) {
  if (text == "true") return true;
  if (text == "false") return false;
  const char* first = text.data();
  const char* last = text.data() + text.size();
  std::int64_t i = 0;
  if (auto [p, ec] = std::from_chars(first, last, i);
      !text.empty() && ec == std::errc() && p == last)
    return i;
  double d = 0;
  const bool numeric_start =
      !text.empty() && (std::isdigit(static_cast<unsigned char>(text.front())) ||
                        text.front() == '-' || text.front() == '.');
  if (auto [p, ec] = std::from_chars(first, last, d, std::chars_format::general);
      numeric_start && ec == std::errc() && p == last && std::isfinite(d)) {
    return d;
  }
  if (!text.empty() && (text.front() == '[' || text.front() == '{')) {
    Json j = Json::parse(text, nullptr, false);
    if (j.is_discarded()) {
      throw Error(ErrorKind::usage, fmt::format("option value is not valid JSON: {}", text));
    }
    return j;
  }
  return std::string(text);
}

Json parse_option_pairs(const std::vector<std::string>& pairs) {
  Json options = Json::object();
  for (const auto& pair : pairs) {
    const auto eq = pair.find('=');
    if (eq == std::string::npos || eq == 0) {
      throw Error(ErrorKind::usage, fmt::format("-o expects KEY=VALUE, got '{}'", pair),
                  "for example: -o temperature=0.2 -o num_ctx=8192");
    }
    const std::string key = pair.substr(0, eq);
    Json value = typed_value(std::string_view(pair).substr(eq + 1));
    auto it = options.find(key);
    if (it == options.end()) {
      if (key == "stop" && !value.is_array()) value = Json::array({std::move(value)});
      options[key] = std::move(value);
    } else {
      if (!it->is_array()) *it = Json::array({*it});
      if (value.is_array()) {
        for (auto& v : value) it->push_back(std::move(v));
      } else {
        it->push_back(std::move(value));
      }
    }
  }
  return options;
}

}  // namespace ochat::config
