#pragma once
// The command line's values as given, before checking. cmd/cli.cpp fills it; settings.cpp
// checks it and combines it with the environment.
#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/tools/tool_source.hpp"

namespace ochat::config {

// The levels of --think LEVEL (besides true and false).
inline constexpr std::array<std::string_view, 4> kThinkLevels = {"low", "medium", "high", "max"};

// Where the output goes: the answer as text, or JSON Lines events (--events).
enum class Output { text, events };

struct Options {
  std::vector<std::string> prompt;  // words of the prompt; "-" asks for standard input
  bool no_stdin = false;            // --no-stdin: never read standard input
  std::vector<std::string> attach;  // -a FILE, in order; "-" is standard input
  std::string host;                 // empty: not given
  std::string api;                  // --api: "ollama", "openai"; empty: not given
  std::string api_key_file;         // --api-key-file; empty: not given
  std::string model;
  std::string system;
  std::vector<std::string> option_pairs;  // KEY=VALUE
  std::string format;                     // "json" or a schema file
  // --think, --think=LEVEL, --think LEVEL: "true" for a bare --think. The parser keeps only the
  // last of --think and --no-think, so that one given later (by hand after an alias) wins.
  std::optional<std::string> think;
  bool no_think = false;
  std::string keep_alive;
  Output output = Output::text;
  bool hide_thinking = false;
  bool no_newline = false;  // -n: no newline added after an answer that lacks one
  bool verbose = false;
  bool raw = false;          // --raw: the model's bytes reach a terminal unfiltered
  bool interactive = false;  // -i: a chat typed on the terminal
  double connect_timeout = 10;
  double idle_timeout = 600;
  double timeout = 0;                   // 0: none
  std::optional<int> retries;           // --retries; not given: $OCHAT_RETRIES, else 2
  std::vector<std::string> tool_names;  // -t
  std::vector<std::string> tool_dirs;   // --tools-dir
  int max_rounds = 10;
  double tool_timeout = 60;
  double describe_timeout = 10;
  bool confirm = false;
  std::vector<std::string> mcp_commands;  // --mcp
  // -t, --tools-dir and --mcp together, in command-line order (the parser fills it).
  std::vector<tools::ToolSource> tool_sources;
  std::vector<std::string> mcp_configs;  // --mcp-config FILE
  bool no_mcp_config = false;
  double mcp_timeout = 30;
  std::vector<std::string> mcp_env;  // --mcp-env NAME[=VALUE]
  bool list_tools = false;
  bool list_models = false;
  bool continue_last = false;  // -c
  std::string chat;            // --chat FILE|NAME; empty: not given
  bool no_save = false;
  bool list_conversations = false;
  bool show = false;      // --show, with or without a value
  std::string show_name;  // its value; empty: the most recent conversation
  // Batch mode: --each, and the flags that imply it.
  bool each = false;
  std::string each_file;    // --each-file FILE; empty: standard input
  bool each_jsonl = false;  // --each-jsonl
  bool each_text = false;   // --each-text
  int jobs = 4;             // -j/--jobs
  bool jobs_given = false;  // -j was given (the parser sets it)
  std::string resume;       // --resume FILE; empty: not given
};

}  // namespace ochat::config
