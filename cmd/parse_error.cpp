#include "cmd/parse_error.hpp"

#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <string_view>
#include <vector>

#include "core/text/nearest.hpp"

namespace ochat::cli {
namespace {

// The visible long option `name` most likely meant: one it begins, else one at most two
// edits away. Empty when there is none.
std::string nearest_option(const CLI::App& app, std::string_view name) {
  if (name.size() < 3 || name.substr(0, 2) != "--") return {};
  std::string best;
  std::size_t best_distance = 3;
  for (const CLI::Option* opt : app.get_options()) {
    if (opt->get_group().empty()) continue;  // hidden
    for (const std::string& l : opt->get_lnames()) {
      const std::string candidate = "--" + l;
      const std::size_t d =
          candidate.rfind(name, 0) == 0 ? 0 : text::edit_distance(name, candidate);
      if (d < best_distance) best = candidate, best_distance = d;
    }
  }
  return best;
}

// The visible long option `word` spells or begins (exact names first); empty when none.
std::string spelled_option(const CLI::App& app, std::string_view word) {
  std::string prefix_of;
  for (const CLI::Option* opt : app.get_options()) {
    if (opt->get_group().empty()) continue;  // hidden
    for (const std::string& l : opt->get_lnames()) {
      if (l == word) return "--" + l;
      if (prefix_of.empty() && word.size() >= 3 && l.rfind(word, 0) == 0) prefix_of = "--" + l;
    }
  }
  return prefix_of;
}

// True when `word` is an option that takes a value in the next word.
bool takes_next_word(const CLI::App& app, const std::string& word) {
  if (word.size() < 2 || word[0] != '-' || word.find('=') != std::string::npos) return false;
  const CLI::Option* opt = app.get_option_no_throw(word);
  return opt != nullptr && opt->get_type_size_min() > 0;
}

}  // namespace

std::string single_dash_message(const CLI::App& app, const std::vector<std::string>& args) {
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "--") break;
    if (i > 0 && takes_next_word(app, args[i - 1])) continue;
    if (arg.size() < 3 || arg[0] != '-' || arg[1] == '-') continue;
    const std::string word = arg.substr(1, arg.find('=') - 1);
    if (const std::string option = spelled_option(app, word); !option.empty()) {
      return fmt::format("unknown option -{} (did you mean {}?)", word, option);
    }
  }
  return {};
}

std::string parse_error_message(const CLI::App& app, const CLI::ParseError& error) {
  if (dynamic_cast<const CLI::ExtrasError*>(&error) == nullptr) return error.what();
  std::string names;
  std::size_t count = 0;
  std::string hint;
  for (const std::string& arg : app.remaining()) {
    const std::string name = arg.substr(0, arg.find('='));
    names += (count++ ? ", " : "") + name;
    if (hint.empty()) hint = nearest_option(app, name);
  }
  std::string message = (count == 1 ? "unknown option " : "unknown options ") + names;
  if (!hint.empty()) message += " (did you mean " + hint + "?)";
  return message;
}

}  // namespace ochat::cli
