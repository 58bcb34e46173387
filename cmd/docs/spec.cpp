#include "cmd/docs/spec.hpp"

#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cctype>
#include <memory>
#include <stdexcept>

namespace ochat::cli::docs {
namespace {

constexpr std::string_view kDefaultGroup = "Options";  // CLI11's name for it

std::string one_line(std::string text) {
  std::replace(text.begin(), text.end(), '\n', ' ');
  return text;
}

// "[=LEVEL]" in the name --help shows for a flag that takes an optional value.
std::string optional_value_label(const CLI::App& app, const CLI::Option* opt) {
  std::string shown = opt->get_name(false, true);
  if (auto formatter = std::dynamic_pointer_cast<CLI::Formatter>(app.get_formatter())) {
    shown = formatter->make_option_name(opt, false);
  }
  const auto open = shown.find("[=");
  const auto close = shown.find(']', open);
  if (open == std::string::npos || close == std::string::npos) return "VALUE";
  return shown.substr(open + 2, close - open - 2);
}

// "N" for --help's "N:INT in [1 - 1000]" (CLI11 appends the validators' descriptions).
std::string value_name(const CLI::Option* opt) {
  std::string name = opt->get_type_name();
  name = name.substr(0, name.find(':'));
  return name.empty() ? "VALUE" : name;
}

Entry describe(const CLI::App& app, const CLI::Option* opt) {
  Entry e;
  for (const auto& s : opt->get_snames()) e.shorts.push_back("-" + s);
  for (const auto& l : opt->get_lnames()) e.longs.push_back("--" + l);
  e.description = one_line(opt->get_description());
  if (opt->get_expected_max() == 0) {
    // A flag with a default value in braces (--think{true}) also accepts --think=VALUE.
    if (opt->get_name(false, true).find('{') != std::string::npos) {
      e.optional_value = true;
      e.value = optional_value_label(app, opt);
    }
  } else {
    e.value = value_name(opt);
    e.default_value = opt->get_default_str();
    e.repeatable = opt->get_expected_max() > 1 ||
                   opt->get_multi_option_policy() == CLI::MultiOptionPolicy::TakeAll;
  }
  e.stops = opt == app.get_help_ptr() || opt == app.get_version_ptr();
  for (const CLI::Option* other : opt->get_excludes()) {
    for (const auto& s : other->get_snames()) e.excludes.push_back("-" + s);
    for (const auto& l : other->get_lnames()) e.excludes.push_back("--" + l);
  }
  return e;
}

}  // namespace

Spec read_spec(const CLI::App& app) {
  Spec spec;
  for (const CLI::Option* opt : app.get_options()) {
    if (opt->get_group().empty() || !opt->get_positional() || opt->nonpositional()) continue;
    spec.operands.push_back({opt->get_name(true), value_name(opt), one_line(opt->get_description()),
                             opt->get_expected_max() > 1});
  }
  std::vector<std::string> titles = app.get_groups();
  // The default group first, as --help shows it.
  std::stable_partition(titles.begin(), titles.end(),
                        [](const auto& t) { return t == kDefaultGroup; });
  for (const auto& title : titles) {
    if (title.empty()) continue;  // hidden
    Group group{title == kDefaultGroup ? std::string() : title, {}};
    for (const CLI::Option* opt : app.get_options()) {
      if (opt->get_group() == title && opt->nonpositional())
        group.entries.push_back(describe(app, opt));
    }
    if (!group.entries.empty()) spec.groups.push_back(std::move(group));
  }

  for (const ValueCompletion& completion : value_completions()) {
    Entry* found = nullptr;
    for (auto& group : spec.groups) {
      for (auto& e : group.entries) {
        if (!e.longs.empty() && e.longs.front() == completion.option) found = &e;
      }
    }
    if (found == nullptr) {
      throw std::logic_error(
          fmt::format("cmd/cli.cpp: value_completions() names {}, which is not a visible option",
                      completion.option));
    }
    if (!found->takes_value() && !found->optional_value) {
      throw std::logic_error(fmt::format(
          "cmd/cli.cpp: value_completions() names {}, which takes no value", completion.option));
    }
    if (completion.server && !found->takes_value()) {
      throw std::logic_error(fmt::format(
          "cmd/cli.cpp: value_completions() passes {} on, which takes no separate value",
          completion.option));
    }
    found->completion = &completion;
  }
  for (const auto& group : spec.groups) {
    for (const auto& e : group.entries) {
      if (e.completion != nullptr && e.completion->server) spec.server_options.push_back(e);
    }
  }
  return spec;
}

std::vector<std::string> all_names(const Spec& spec) {
  std::vector<std::string> names;
  for (const auto& group : spec.groups) {
    for (const auto& e : group.entries) {
      for (auto& n : e.names()) names.push_back(std::move(n));
    }
  }
  return names;
}

std::string join(const std::vector<std::string>& parts, std::string_view separator) {
  std::string out;
  for (const auto& p : parts) {
    if (!out.empty()) out += separator;
    out += p;
  }
  return out;
}

std::string lower(std::string text) {
  for (auto& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

bool is_kind(const Entry& e, ValueCompletion::Kind kind) {
  return e.completion != nullptr && e.completion->kind == kind;
}

ServerPatterns server_patterns(const Spec& spec) {
  ServerPatterns p;
  for (const auto& e : spec.server_options) {
    for (const auto& n : e.names()) p.separate.push_back(n);
    for (const auto& l : e.longs) p.attached.push_back(l + "=*");
  }
  return p;
}

}  // namespace ochat::cli::docs
