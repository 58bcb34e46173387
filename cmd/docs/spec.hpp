#pragma once
// What the generated documents say about the command line, read once from the CLI11 app that
// cmd/cli.cpp builds: the options by group, with their value names, defaults and the value
// completion cmd/cli.cpp asks for. The writers (documents.hpp) only format it.
#include <string>
#include <string_view>
#include <vector>

#include "cmd/cli.hpp"

namespace ochat::cli::docs {

struct Entry {
  std::vector<std::string> shorts;  // "-m"
  std::vector<std::string> longs;   // "--model"
  std::string value;                // "NAME"; empty for a flag
  bool optional_value = false;      // a flag that also takes --name=VALUE, like --think[=LEVEL]
  bool repeatable = false;
  bool stops = false;  // --help, --version: nothing else matters after them
  std::string description;
  std::string default_value;
  std::vector<std::string> excludes;  // names of the options it cannot be combined with
  const ValueCompletion* completion = nullptr;

  std::vector<std::string> names() const {
    std::vector<std::string> all = shorts;
    all.insert(all.end(), longs.begin(), longs.end());
    return all;
  }
  bool takes_value() const { return !value.empty() && !optional_value; }
};

struct Group {
  std::string title;  // empty for CLI11's default group, shown first and without a heading
  std::vector<Entry> entries;
};

struct Operand {
  std::string name;   // "prompt"
  std::string value;  // "ARGS"
  std::string description;
  bool repeatable = false;
};

// Everything the documents show, in --help's order.
struct Spec {
  std::vector<Operand> operands;
  std::vector<Group> groups;
  // The options that the model completion passes on to `ochat --list-models`
  // (ValueCompletion::server), in --help's order.
  std::vector<Entry> server_options;
};

// The server options as the completions' case patterns: every name, for the value in the next
// word (`--host`), and each long name with its value attached (`--host=*`).
struct ServerPatterns {
  std::vector<std::string> separate;
  std::vector<std::string> attached;
};
ServerPatterns server_patterns(const Spec& spec);

// Reads `app`, leaving out hidden options (empty group) as --help does. Throws
// std::logic_error when value_completions() names an option that `app` does not have or that
// takes no value.
Spec read_spec(const CLI::App& app);

// Every option name, short and long, in --help's order.
std::vector<std::string> all_names(const Spec& spec);

// True when `e` asks for value completion of this kind.
bool is_kind(const Entry& e, ValueCompletion::Kind kind);

std::string join(const std::vector<std::string>& parts, std::string_view separator);
std::string lower(std::string text);

}  // namespace ochat::cli::docs
