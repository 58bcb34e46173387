#include "cmd/parse_error.hpp"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <string_view>
#include <vector>

namespace ochat::cli {
namespace {

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = up;
    }
  }
  return row[b.size()];
}

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
      const std::size_t d = candidate.rfind(name, 0) == 0 ? 0 : edit_distance(name, candidate);
      if (d < best_distance) best = candidate, best_distance = d;
    }
  }
  return best;
}

}  // namespace

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
