#include "core/config/option_value.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdint>

#include "core/error.hpp"
#include "core/text/nearest.hpp"

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

std::string_view type_description(OptionType type) {
  switch (type) {
    case OptionType::integer:
      return "a whole number";
    case OptionType::number:
      return "a number";
    case OptionType::boolean:
      return "true or false";
    case OptionType::text:
      return "a string";
    case OptionType::text_list:
      return "a string or a list of strings";
    case OptionType::object:
      return "a JSON object";
    case OptionType::reserved:
      break;
  }
  return "nothing (ochat sets it)";
}

std::optional<Json> json_option_value(const KnownOption& option, const Json& value) {
  switch (option.type) {
    case OptionType::integer:
      if (value.is_number_integer()) return value;
      break;
    case OptionType::number:
      if (value.is_number()) return value;
      break;
    case OptionType::boolean:
      if (value.is_boolean()) return value;
      break;
    case OptionType::text:
      if (value.is_string()) return value;
      break;
    case OptionType::text_list:
      if (value.is_string()) return Json::array({value});
      if (value.is_array() &&
          std::all_of(value.begin(), value.end(), [](const Json& v) { return v.is_string(); }))
        return value;
      break;
    case OptionType::object:
      if (value.is_object()) return value;
      break;
    case OptionType::reserved:
      break;
  }
  return std::nullopt;
}

namespace {

[[noreturn]] void wrong_type(const KnownOption& option, std::string_view value) {
  throw Error(ErrorKind::usage, fmt::format("-o {} takes {}, got '{}'", option.name,
                                            type_description(option.type), value));
}

// VALUE read as the type of a known option.
Json checked_value(const KnownOption& option, std::string_view value) {
  const char* first = value.data();
  const char* last = value.data() + value.size();
  switch (option.type) {
    case OptionType::integer: {
      std::int64_t i = 0;
      const auto [p, ec] = std::from_chars(first, last, i);
      if (value.empty() || ec != std::errc() || p != last) wrong_type(option, value);
      return i;
    }
    case OptionType::number: {
      std::int64_t i = 0;
      if (const auto [p, ec] = std::from_chars(first, last, i);
          !value.empty() && ec == std::errc() && p == last) {
        return i;
      }
      double d = 0;
      const auto [p, ec] = std::from_chars(first, last, d, std::chars_format::general);
      if (value.empty() || ec != std::errc() || p != last || !std::isfinite(d)) {
        wrong_type(option, value);
      }
      return d;
    }
    case OptionType::boolean:
      if (value == "true") return true;
      if (value == "false") return false;
      wrong_type(option, value);
    case OptionType::text:
      return std::string(value);
    case OptionType::text_list: {
      // A JSON array of strings adds each; anything else ("[INST]" included) is one string.
      if (value.starts_with('[')) {
        Json j = Json::parse(value, nullptr, false);
        if (j.is_array() &&
            std::all_of(j.begin(), j.end(), [](const Json& v) { return v.is_string(); }))
          return j;
      }
      return Json::array({std::string(value)});
    }
    case OptionType::object: {
      Json j = Json::parse(value, nullptr, false);
      if (!j.is_object()) wrong_type(option, value);
      return j;
    }
    case OptionType::reserved:
      break;
  }
  throw Error(ErrorKind::usage, fmt::format("-o {}=... cannot be used: ochat sets '{}' itself",
                                            option.name, option.name));
}

[[noreturn]] void unknown_option(std::string_view key, std::string_view value,
                                 const std::vector<KnownOption>& known) {
  std::vector<std::string_view> names;
  for (const auto& option : known) {
    if (option.type != OptionType::reserved) names.push_back(option.name);
  }
  const std::string near = text::nearest(key, names);
  throw Error(ErrorKind::usage,
              fmt::format("unknown model option '{}'{}", key,
                          near.empty() ? "" : fmt::format(" (did you mean {}?)", near)),
              fmt::format("to send it anyway: -o '!{}={}'", key, value));
}

}  // namespace

Json parse_option_pairs(const std::vector<std::string>& pairs,
                        const std::vector<KnownOption>& known) {
  Json options = Json::object();
  for (const auto& pair : pairs) {
    const bool forced = pair.starts_with('!');
    const std::string_view text = std::string_view(pair).substr(forced ? 1 : 0);
    const auto eq = text.find('=');
    if (eq == std::string_view::npos || eq == 0) {
      throw Error(ErrorKind::usage, fmt::format("-o expects KEY=VALUE, got '{}'", pair),
                  "for example: -o temperature=0.2 -o num_ctx=8192");
    }
    const std::string key(text.substr(0, eq));
    const std::string_view raw = text.substr(eq + 1);
    const KnownOption* option = forced ? nullptr : find_option(known, key);
    if (!forced && !option) unknown_option(key, raw, known);
    Json value = option ? checked_value(*option, raw) : typed_value(raw);
    if (!option || option->type != OptionType::text_list) {
      options[key] = std::move(value);  // given again: the last value counts
      continue;
    }
    // A list: every value given is kept, in order.
    Json& list = options[key];
    if (!list.is_array()) list = Json::array();
    for (auto& v : value) list.push_back(std::move(v));
  }
  return options;
}

}  // namespace ochat::config
