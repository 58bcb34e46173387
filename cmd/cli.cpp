#include "cmd/cli.hpp"

#include <CLI/CLI.hpp>

namespace ochat::cli {

namespace {

constexpr const char* kDescription =
    "Stream a chat with a local LLM (Ollama, or any OpenAI-compatible server) to standard output.\n"
    "The prompt is the PROMPT words joined by spaces; standard input is read too when it is a "
    "pipe\n"
    "or a file, or when '-' is given (its text comes first, then a blank line, then the words;\n"
    "an image there is attached as with -a).\n"
    "With no PROMPT while standard input is a terminal, or with -i, it is an interactive chat\n"
    "(/help lists its commands; Ctrl-C stops an answer, Ctrl-D leaves).";

constexpr const char* kExamples =
    "Examples:\n"
    "  ochat -m llama3.2 \"why is the sky blue?\"\n"
    "  git diff | ochat -m qwen3 \"write a commit message for this diff\"\n"
    "  ochat -m gemma3 -a photo.jpg \"what is in this picture?\"\n"
    "  ochat -m llama3.2 -s \"answer in French\" -o temperature=0.2 < notes.txt\n"
    "  ochat -m qwen3 --events \"hi\" | jq -c 'select(.type == \"token\") | .data.text'\n"
    "  ochat -c \"now make it shorter\"        # continue the last conversation\n"
    "  ochat --chat review.jsonl \"...\"       # a conversation of its own, for scripts\n"
    "  ochat -m llama3.2                      # an interactive chat (/help lists its commands)\n"
    "\n"
    "Exit status: 0 ok, 1 other error, 2 usage, 3 cannot connect, 4 server refused the request,\n"
    "5 stream broke, 6 some batch items failed, 124 timeout, 130 interrupted (SIGINT),\n"
    "143 terminated (SIGTERM).\n"
    "See ochat(1) for the --events schema.";

// Shows `--think{true}` (a flag that also takes --think=LEVEL) as `--think[=LEVEL]`.
class HelpFormatter final : public CLI::Formatter {
 public:
  std::string make_option_name(const CLI::Option* opt, bool is_positional) const override {
    std::string name = CLI::Formatter::make_option_name(opt, is_positional);
    if (auto brace = name.find('{'); brace != std::string::npos) {
      name = name.substr(0, brace) + "[=LEVEL]";
    }
    return name;
  }
  // The default goes with the description ("(default: 10)"), not after the value's name
  // ("N=10" reads as if N had to be written with "=10").
  std::string make_option_opts(const CLI::Option* opt) const override {
    std::string opts = CLI::Formatter::make_option_opts(opt);
    if (const std::string& value = opt->get_default_str(); !value.empty()) {
      if (const auto at = opts.find("=" + value); at != std::string::npos)
        opts.erase(at, value.size() + 1);
    }
    return opts;
  }
  std::string make_option_desc(const CLI::Option* opt) const override {
    std::string desc = CLI::Formatter::make_option_desc(opt);
    if (const std::string& value = opt->get_default_str();
        !value.empty() && opt->get_type_size() != 0) {
      desc += " (default: " + value + ")";
    }
    return desc;
  }
};

// An option that takes one value and may be given again, each value kept in order (CLI11 would
// otherwise let one occurrence swallow the words after it, the prompt included).
CLI::Option* repeatable(CLI::Option* opt) {
  return opt->expected(1)->allow_extra_args(false)->multi_option_policy(
      CLI::MultiOptionPolicy::TakeAll);
}

}  // namespace

std::unique_ptr<CLI::App> make_app(config::Options& o) {
  auto app = std::make_unique<CLI::App>(kDescription, "ochat");
  // An option given twice: the last one counts, so an alias or a wrapper script can be overridden.
  app->option_defaults()->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
  app->footer(kExamples);
  app->formatter(std::make_shared<HelpFormatter>());
  app->get_formatter()->column_width(34);
  app->set_version_flag("--version", std::string("ochat ") + OCHAT_VERSION,
                        "Print the version and exit");

  app->add_option("PROMPT", o.prompt,
                  "The prompt, its words joined by spaces; '-' reads standard input")
      ->type_name("PROMPT")
      ->option_text("...");
  app->add_flag("--no-stdin", o.no_stdin,
                "Never read standard input (as ssh -n), e.g. in a loop that reads a list: "
                "while read f; do ochat --no-stdin ...; done < list");

  const char* model = "Model and prompt";
  app->add_option("-m,--model", o.model, "Model to use (default: $OCHAT_MODEL)")
      ->type_name("NAME")
      ->group(model);
  app->add_option("-s,--system", o.system, "System prompt")->type_name("TEXT")->group(model);
  repeatable(app->add_option("-a,--attach", o.attach,
                             "Attach an image (PNG, JPEG, WebP, GIF) or a UTF-8 text file, "
                             "repeatable; '-' reads standard input"))
      ->type_name("FILE")
      ->group(model);
  repeatable(
      app->add_option("-o,--option", o.option_pairs,
                      "Model option, checked against those the protocol documents (!KEY=VALUE: "
                      "sent unchecked), repeatable (e.g. temperature=0.2, num_ctx=8192)"))
      ->type_name("KEY=VALUE")
      ->group(model);
  app->add_option("--format", o.format, "Answer as JSON, or to the JSON Schema in FILE")
      ->type_name("json|FILE")
      ->group(model);
  app->add_flag("--think{true}", o.think,
                "Ask the model to think (alone: on); LEVEL: low, medium, high or max, also as the "
                "next word")
      ->group(model);
  app->add_flag("--no-think", o.no_think,
                "Ask the model not to think (the later of --think and --no-think counts)")
      ->group(model);
  app->add_option("--keep-alive", o.keep_alive,
                  "How long the server keeps the model loaded (e.g. 5m, 0, -1)")
      ->type_name("DURATION")
      ->group(model);

  const char* output = "Output";
  app->add_flag_callback(
         "--events", [&o] { o.output = config::Output::events; },
         "Write JSON Lines events to stdout instead of text")
      ->group(output);
  app->add_flag("--hide-thinking", o.hide_thinking, "Do not show the model's thinking on stderr")
      ->group(output);
  app->add_flag("-n,--no-newline", o.no_newline,
                "Print the answer's exact bytes: no newline added when it does not end with one")
      ->group(output);
  app->add_flag("-v,--verbose", o.verbose, "Print token counts and timings on stderr afterwards")
      ->group(output);
  app->add_flag("--raw", o.raw,
                "Write the model's and the tools' text to a terminal as it is (by default escape "
                "sequences and control characters are shown as ^[ and the like)")
      ->group(output);

  const char* conversations = "Conversations";
  app->add_flag("-i,--interactive", o.interactive,
                "Chat on the terminal, line by line (the default with no PROMPT when standard "
                "input is a terminal); a PROMPT is the first message")
      ->group(conversations);
  app->add_flag("-c,--continue", o.continue_last,
                "Continue the most recent conversation (its model, server, options and tools "
                "unless given again)")
      ->group(conversations);
  app->add_option("--chat", o.chat,
                  "Use this conversation: a FILE (created when missing), or NAME in "
                  "$XDG_STATE_HOME/ochat/conversations")
      ->type_name("FILE|NAME")
      ->group(conversations);
  app->add_flag("--no-save", o.no_save,
                "Do not save this chat (chats are saved unless OCHAT_SAVE=0)")
      ->group(conversations);
  app->add_flag("--conversations", o.list_conversations,
                "Print the saved conversations, newest first, one per line (name, time, model, "
                "messages, first words), and exit")
      ->group(conversations);
  app->add_option("--show", o.show_name,
                  "Print a conversation (default: the most recent) as text, or with --events as "
                  "events, and exit")
      ->type_name("[NAME|FILE]")
      ->expected(0, 1)
      ->group(conversations);

  const char* batch = "Batch";
  app->add_flag("--each", o.each,
                "Run the prompt once per line of standard input (the line, a blank line, then "
                "PROMPT), -j at a time; write one JSON result per line, in input order")
      ->group(batch);
  app->add_option("--each-file", o.each_file,
                  "Read the items from FILE instead of standard input (implies --each)")
      ->type_name("FILE")
      ->group(batch);
  app->add_flag("--each-jsonl", o.each_jsonl,
                "Read each item as a JSON object: {\"prompt\": ..., \"id\", \"system\", "
                "\"model\", \"options\"} (implies --each)")
      ->group(batch);
  app->add_flag("--each-text", o.each_text,
                "Write each answer and a blank line instead of JSON results (implies --each)")
      ->group(batch);
  app->add_option("-j,--jobs", o.jobs, "Items sent to the server at once in batch mode")
      ->type_name("N")
      ->capture_default_str()
      ->check(CLI::Range(1, 256).description(""))
      ->group(batch);
  app->add_option("--resume", o.resume,
                  "Skip the items that succeeded in FILE, the output of an earlier batch: "
                  "ochat --each --resume out.jsonl ... >> out.jsonl")
      ->type_name("FILE")
      ->group(batch);

  const char* tools = "Tools";
  repeatable(app->add_option(
                 "-t,--tool", o.tool_names,
                 "Offer the tools of this plugin (a path, or a name in $OCHAT_PLUGIN_PATH, then in "
                 "$XDG_CONFIG_HOME/ochat/plugins, default ~/.config/ochat/plugins), repeatable"))
      ->type_name("PLUGIN")
      ->group(tools);
  repeatable(app->add_option("--tools-dir", o.tool_dirs,
                             "Offer the tools of every plugin in DIR, repeatable"))
      ->type_name("DIR")
      ->group(tools);
  app->add_option("--max-rounds", o.max_rounds, "Most requests sent to the model in one run")
      ->type_name("N")
      ->capture_default_str()
      ->check(CLI::Range(1, 1000).description(""))
      ->group(tools);
  app->add_option("--tool-timeout", o.tool_timeout,
                  "Seconds a tool call may take before it is killed")
      ->type_name("SECONDS")
      ->capture_default_str()
      ->group(tools);
  app->add_option("--describe-timeout", o.describe_timeout,
                  "Seconds a plugin may take to describe its tools (PLUGIN --describe)")
      ->type_name("SECONDS")
      ->capture_default_str()
      ->group(tools);
  app->add_flag("--confirm", o.confirm, "Ask on the terminal before each tool call")->group(tools);
  repeatable(app->add_option("--mcp", o.mcp_commands,
                             "Offer the tools of the MCP server run by this command line (split "
                             "like shell words, no shell), repeatable"))
      ->type_name("COMMAND")
      ->group(tools);
  repeatable(app->add_option(
                 "--mcp-config", o.mcp_configs,
                 "Start the MCP servers of this JSON file ({\"mcpServers\": ...}), repeatable"))
      ->type_name("FILE")
      ->group(tools);
  app->add_flag("--no-mcp-config", o.no_mcp_config,
                "Leave out $XDG_CONFIG_HOME/ochat/mcp.json (read when tools are asked for)")
      ->group(tools);
  app->add_option("--mcp-timeout", o.mcp_timeout,
                  "Seconds an MCP server may take to start and list its tools")
      ->type_name("SECONDS")
      ->capture_default_str()
      ->group(tools);
  repeatable(app->add_option("--mcp-env", o.mcp_env,
                             "Pass the environment variable NAME (ochat's value, or VALUE) to "
                             "every MCP server, repeatable"))
      ->type_name("NAME[=VALUE]")
      ->group(tools);
  app->add_flag("--list-tools", o.list_tools,
                "Print the tools that would be offered, one per line with its source, and exit")
      ->group(tools);

  const char* server = "Server and timeouts";
  app->add_option(
         "--host", o.host,
         "Server (default: $OLLAMA_HOST, else 127.0.0.1:11434); with --api openai its base URL "
         "(default: $OPENAI_BASE_URL, else http://127.0.0.1:11434/v1)")
      ->type_name("URL")
      ->group(server);
  app->add_option("--api", o.api,
                  "Protocol: ollama, or openai for OpenAI-compatible servers (default: $OCHAT_API)")
      ->type_name("ollama|openai")
      ->group(server);
  app->add_option("--api-key-file", o.api_key_file,
                  "Send the API key on FILE's first line (default: $OCHAT_API_KEY, else "
                  "$OPENAI_API_KEY with --api openai)")
      ->type_name("FILE")
      ->group(server);
  app->add_option("--connect-timeout", o.connect_timeout, "Seconds allowed to connect")
      ->type_name("SECONDS")
      ->capture_default_str()
      ->group(server);
  app->add_option("--idle-timeout", o.idle_timeout,
                  "Longest silence from the server, first byte included (model loads can be slow)")
      ->type_name("SECONDS")
      ->capture_default_str()
      ->group(server);
  app->add_option("--timeout", o.timeout,
                  "Seconds allowed for the whole reply, retries included (default: none)")
      ->type_name("SECONDS")
      ->group(server);
  app->add_option("--retries", o.retries,
                  "Requests sent again when the server is busy or the stream breaks; 0: none "
                  "(default: $OCHAT_RETRIES, else 2)")
      ->type_name("N")
      ->group(server);
  app->add_flag("--list-models", o.list_models, "Print the server's models, one per line, and exit")
      ->group(server);

  // Hidden (empty group): prints a generated document and exits; see cmd/generate.hpp.
  app->add_option("--generate", "Print the man page's OPTIONS section or a completion script")
      ->type_name("man|bash|zsh|fish")
      ->group("");
  return app;
}

std::vector<tools::ToolSource> tool_sources(const CLI::App& app) {
  // parse_order() lists every occurrence of every option, so -t, --tools-dir and --mcp keep their
  // relative order from the command line.
  std::vector<tools::ToolSource> sources;
  using Kind = tools::ToolSource::Kind;
  const CLI::Option* tool = app.get_option("--tool");
  const CLI::Option* dir = app.get_option("--tools-dir");
  const CLI::Option* mcp = app.get_option("--mcp");
  std::size_t next_tool = 0, next_dir = 0, next_mcp = 0;
  for (const CLI::Option* opt : app.parse_order()) {
    if (opt == tool && next_tool < tool->results().size()) {
      sources.push_back({Kind::plugin, tool->results()[next_tool++]});
    } else if (opt == dir && next_dir < dir->results().size()) {
      sources.push_back({Kind::plugin_dir, dir->results()[next_dir++]});
    } else if (opt == mcp && next_mcp < mcp->results().size()) {
      sources.push_back({Kind::mcp_command, mcp->results()[next_mcp++]});
    }
  }
  return sources;
}

std::string requested_document(const CLI::App& app) {
  const CLI::Option* generate = app.get_option("--generate");
  return generate->count() > 0 ? generate->as<std::string>() : std::string();
}

// generate.cpp throws (and so the docs test fails) if an entry names no option of make_app.
const std::vector<ValueCompletion>& value_completions() {
  using Kind = ValueCompletion::Kind;
  static const std::vector<ValueCompletion> table = {
      {"--model", Kind::model, {}},
      {"--attach", Kind::file, {}},
      {"--format", Kind::file, {"json"}},
      {"--think", Kind::words, {config::kThinkLevels.begin(), config::kThinkLevels.end()}},
      {"--host", Kind::none, {}, true},
      {"--api", Kind::words, {"ollama", "openai"}, true},
      {"--api-key-file", Kind::file, {}, true},
      {"--tool", Kind::file, {}},
      {"--tools-dir", Kind::directory, {}},
      {"--mcp", Kind::file, {}},
      {"--mcp-config", Kind::file, {}},
      {"--chat", Kind::conversation, {}},
      {"--show", Kind::conversation, {}},
      {"--each-file", Kind::file, {}},
      {"--resume", Kind::file, {}},
  };
  return table;
}

}  // namespace ochat::cli
