#include "cmd/generate.hpp"

#include <algorithm>
#include <cctype>
#include <memory>
#include <stdexcept>

#include <fmt/format.h>

#include "cmd/cli.hpp"

namespace ochat::cli {
namespace {

// ---------------------------------------------------------------------------------------------
// What the documents say about each option, read from the CLI11 app.

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

struct Spec {
  std::vector<Operand> operands;
  std::vector<Group> groups;
  // The names of the option whose value names the server (Kind::server), if there is one.
  std::vector<std::string> server_names;
  std::vector<std::string> server_longs;
};

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
    e.repeatable = opt->get_expected_max() > 1;
  }
  e.stops = opt == app.get_help_ptr() || opt == app.get_version_ptr();
  for (const CLI::Option* other : opt->get_excludes()) {
    for (const auto& s : other->get_snames()) e.excludes.push_back("-" + s);
    for (const auto& l : other->get_lnames()) e.excludes.push_back("--" + l);
  }
  return e;
}

Spec read_spec(const CLI::App& app) {
  Spec spec;
  for (const CLI::Option* opt : app.get_options()) {
    if (opt->get_group().empty() || !opt->get_positional() || opt->nonpositional()) continue;
    spec.operands.push_back({opt->get_name(true), value_name(opt), one_line(opt->get_description()),
                             opt->get_expected_max() > 1});
  }
  std::vector<std::string> titles = app.get_groups();
  // The default group first, as --help shows it.
  std::stable_partition(titles.begin(), titles.end(), [](const auto& t) { return t == kDefaultGroup; });
  for (const auto& title : titles) {
    if (title.empty()) continue;  // hidden
    Group group{title == kDefaultGroup ? std::string() : title, {}};
    for (const CLI::Option* opt : app.get_options()) {
      if (opt->get_group() == title && opt->nonpositional()) group.entries.push_back(describe(app, opt));
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
      throw std::logic_error(fmt::format(
          "cmd/cli.cpp: value_completions() names {}, which is not a visible option", completion.option));
    }
    if (!found->takes_value() && !found->optional_value) {
      throw std::logic_error(fmt::format("cmd/cli.cpp: value_completions() names {}, which takes no value",
                                         completion.option));
    }
    found->completion = &completion;
    if (completion.kind == ValueCompletion::Kind::server) {
      spec.server_names = found->names();
      spec.server_longs = found->longs;
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

// ---------------------------------------------------------------------------------------------
// Listing the server's models, shared by the three shells: a POSIX sh script run with
// `sh -c SCRIPT sh HOST`, HOST being the --host value on the command line (may be empty).
// It finds the server as ochat does (--host, else OLLAMA_HOST; scheme optional, port 11434
// when there is none, 0.0.0.0 and :: mean loopback, a path is a base path; loopback never
// through a proxy) and prints one model name a line, or nothing, within about a second.
// It is pasted between single quotes in bash, zsh and fish alike, so it holds no single quote
// and no two backslashes in a row (fish reads \\ and \' inside single quotes).
constexpr std::string_view kModelsScript = R"(
h=$(printf %s "${1:-$OLLAMA_HOST}" | tr -d "[:space:]\"\047")
s=http
p=11434
case $h in
  ollama.com) h=https://ollama.com ;;
esac
case $h in
  *://*) s=${h%%://*}; p=; h=${h#*://} ;;
esac
case $s in
  http|https) ;;
  *) exit 0 ;;
esac
a=${h%%/*}
b=
case $h in
  */*) b=/${h#*/} ;;
esac
while [ "${b%/}" != "$b" ]; do b=${b%/}; done
case $a in
  \[*\]:*) n=${a%\]:*}\]; p=${a##*\]:} ;;
  \[*\]) n=$a ;;
  *:*:*) n=[$a] ;;
  *:*) n=${a%%:*}; p=${a#*:} ;;
  *) n=$a ;;
esac
case $n in
  ""|0.0.0.0) n=127.0.0.1 ;;
  "[::]"|"[0:0:0:0:0:0:0:0]") n=[::1] ;;
esac
x=${NO_PROXY:-$no_proxy}
command -v curl >/dev/null || exit 0
curl -s --max-time 1 --noproxy "localhost,127.0.0.1,::1${x:+,$x}" "$s://$n${p:+:$p}$b/api/tags" |
  tr "{}," "\n\n\n" |
  sed -n "s/^[[:space:]]*\"name\"[[:space:]]*:[[:space:]]*\"\([^\"]*\)\".*/\1/p"
)";

std::string models_script() {
  const std::string script(kModelsScript);
  if (script.find('\'') != std::string::npos || script.find("\\\\") != std::string::npos) {
    throw std::logic_error("kModelsScript must hold neither ' nor \\\\");
  }
  return script;
}

// ---------------------------------------------------------------------------------------------
// man: roff

std::string roff_escape(std::string_view text);

// Escapes text for roff and fills it into lines of at most 80 bytes (mandoc -Tlint asks for
// that); no line starts with a control character.
std::string roff_text(std::string_view text) {
  std::string escaped = roff_escape(text);
  std::string out;
  std::size_t line_start = 0;
  std::size_t pos = 0;
  while (pos < escaped.size()) {
    auto space = escaped.find(' ', pos);
    if (space == std::string::npos) space = escaped.size();
    std::string word = escaped.substr(pos, space - pos);
    const bool first = out.size() == line_start;
    if (!first && out.size() - line_start + 1 + word.size() > 80) {
      out += '\n';
      line_start = out.size();
    } else if (!first) {
      out += ' ';
    }
    if (out.size() == line_start && !word.empty() && (word.front() == '.' || word.front() == '\'')) {
      out += "\\&";
    }
    out += word;
    pos = space + 1;
  }
  return out;
}

std::string roff_escape(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '\\') {
      out += "\\e";
    } else if (c == '-' && (i == 0 || std::string_view(" (['\"-").find(text[i - 1]) != std::string_view::npos)) {
      out += "\\-";  // an option's dashes or a minus sign, not a hyphen
    } else {
      out += c;
    }
  }
  return out;
}

std::string roff_name(std::string_view name) {
  std::string out = "\\fB";
  for (char c : name) out += c == '-' ? std::string("\\-") : std::string(1, c);
  return out + "\\fR";
}

// "json|FILE": placeholders (upper case) in italics, literal words in bold.
std::string roff_value(std::string_view value) {
  std::string out;
  std::size_t start = 0;
  for (;;) {
    const auto bar = value.find('|', start);
    const std::string_view part = value.substr(start, bar == std::string_view::npos ? bar : bar - start);
    const bool placeholder = std::none_of(part.begin(), part.end(),
                                          [](char c) { return std::islower(static_cast<unsigned char>(c)); });
    out += (placeholder ? "\\fI" : "\\fB") + roff_escape(part) + "\\fR";
    if (bar == std::string_view::npos) break;
    out += '|';
    start = bar + 1;
  }
  return out;
}

std::string generate_man(const Spec& spec) {
  std::string out = ".SH OPTIONS\n";
  for (const auto& operand : spec.operands) {
    out += ".TP\n" + roff_value(operand.value) + (operand.repeatable ? " ...\n" : "\n");
    out += roff_text(operand.description) + "\n";
  }
  for (const auto& group : spec.groups) {
    if (!group.title.empty()) out += ".SS " + roff_escape(group.title) + "\n";
    for (const auto& e : group.entries) {
      std::vector<std::string> names;
      for (const auto& n : e.names()) names.push_back(roff_name(n));
      std::string tag = join(names, ", ");
      if (e.optional_value) {
        tag += "[=" + roff_value(e.value) + "]";
      } else if (e.takes_value()) {
        tag += " " + roff_value(e.value);
      }
      std::string text = e.description;
      if (!e.default_value.empty()) text += " (default: " + e.default_value + ")";
      out += ".TP\n" + tag + "\n" + roff_text(text) + "\n";
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// bash (with bash-completion)

// Single-quoted for sh, bash and zsh.
std::string sh_quote(std::string_view text) {
  std::string out = "'";
  for (char c : text) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

std::string bash_words(const std::vector<std::string>& words) { return sh_quote(join(words, " ")); }

std::string generate_bash(const Spec& spec) {
  using Kind = ValueCompletion::Kind;
  std::string out =
      "# bash completion for ochat                                  -*- shell-script -*-\n"
      "# Generated by `ochat --generate bash` from cmd/cli.cpp: do not edit; run man/regenerate.sh.\n"
      "# Needs bash-completion.\n"
      "\n"
      "# The model names of the server given by --host or OLLAMA_HOST (\"$1\": the --host value).\n"
      "_ochat_models()\n"
      "{\n"
      "    command sh -c '" +
      models_script() +
      "' sh \"$1\" 2>/dev/null\n"
      "}\n"
      "\n"
      "_ochat()\n"
      "{\n"
      "    local cur prev words cword split\n"
      "    _init_completion -s -n : || return\n"
      "\n"
      "    local i server=\n"
      "    for ((i = 1; i < cword; i++)); do\n"
      "        case ${words[i]} in\n"
      "            --) return ;; # only prompt words follow\n";
  for (const auto& n : spec.server_names) out += "            " + n + ") server=${words[i + 1]} ;;\n";
  for (const auto& l : spec.server_longs) {
    out += "            " + l + "=*) server=${words[i]#" + l + "=} ;;\n";
  }
  out +=
      "        esac\n"
      "    done\n"
      "\n"
      "    case $prev in\n";
  std::vector<std::string> free;  // options whose value nobody can guess
  for (const auto& group : spec.groups) {
    for (const auto& e : group.entries) {
      const std::string names = join(e.names(), " | ");
      if (e.optional_value) {
        if (!e.completion) continue;
        out += "        " + names + ")\n";
        out += "            if [[ $split == true ]]; then\n";
        out += "                COMPREPLY=($(compgen -W " + bash_words(e.completion->words) + " -- \"$cur\"))\n";
        out += "                return\n";
        out += "            fi\n";
        out += "            ;;\n";
      } else if (is_kind(e, Kind::model)) {
        out += "        " + names + ")\n";
        out += "            COMPREPLY=($(compgen -W \"$(_ochat_models \"$server\")\" -- \"$cur\"))\n";
        out += "            __ltrim_colon_completions \"$cur\"\n";
        out += "            return\n";
        out += "            ;;\n";
      } else if (is_kind(e, Kind::file)) {
        out += "        " + names + ")\n";
        out += "            _filedir\n";
        if (!e.completion->words.empty()) {
          out += "            COMPREPLY+=($(compgen -W " + bash_words(e.completion->words) + " -- \"$cur\"))\n";
        }
        out += "            return\n";
        out += "            ;;\n";
      } else if (is_kind(e, Kind::directory)) {
        out += "        " + names + ")\n";
        out += "            _filedir -d\n";
        out += "            return\n";
        out += "            ;;\n";
      } else if (is_kind(e, Kind::words)) {
        out += "        " + names + ")\n";
        out += "            COMPREPLY=($(compgen -W " + bash_words(e.completion->words) + " -- \"$cur\"))\n";
        out += "            return\n";
        out += "            ;;\n";
      } else if (e.takes_value()) {
        for (const auto& n : e.names()) free.push_back(n);
      }
    }
  }
  if (!free.empty()) {
    out += "        " + join(free, " | ") + ")\n";
    out += "            return\n";
    out += "            ;;\n";
  }
  out +=
      "    esac\n"
      "    [[ $split == true ]] && return\n"
      "\n"
      "    if [[ $cur == -* ]]; then\n"
      "        COMPREPLY=($(compgen -W " +
      bash_words(all_names(spec)) +
      " -- \"$cur\"))\n"
      "    fi\n"
      "} &&\n"
      "    complete -F _ochat ochat\n";
  return out;
}

// ---------------------------------------------------------------------------------------------
// zsh

// Text inside _arguments' [explanation], itself inside single quotes.
std::string zsh_explanation(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      if (c == '[' || c == ']' || c == '\\') out += '\\';
      out += c;
    }
  }
  return out;
}

std::string zsh_message(std::string_view text) {
  std::string out;
  for (char c : lower(std::string(text))) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      if (c == ':' || c == '\\') out += '\\';
      out += c;
    }
  }
  return out;
}

std::string zsh_action(const Entry& e) {
  using Kind = ValueCompletion::Kind;
  if (!e.completion || e.completion->kind == Kind::server) return " ";
  switch (e.completion->kind) {
    case Kind::model:
      return "_ochat_models";
    case Kind::file:
      if (e.completion->words.empty()) return "_files";
      // _arguments splits its spec at every colon that is not escaped.
      return "_alternative \"values\\:value\\:(" + join(e.completion->words, " ") + ")\" \"files\\:file\\:_files\"";
    case Kind::directory:
      return "_files -/";
    case Kind::words:
      return "(" + join(e.completion->words, " ") + ")";
    case Kind::server:
      break;
  }
  return " ";
}

std::string generate_zsh(const Spec& spec) {
  std::string out =
      "#compdef ochat\n"
      "# zsh completion for ochat\n"
      "# Generated by `ochat --generate zsh` from cmd/cli.cpp: do not edit; run man/regenerate.sh.\n"
      "\n"
      "# The model names of the server given by --host or OLLAMA_HOST.\n"
      "(( $+functions[_ochat_models] )) ||\n"
      "_ochat_models() {\n"
      "  local server= i\n"
      "  for (( i = 2; i < CURRENT; i++ )); do\n"
      "    case ${words[i]} in\n"
      "      --) break ;;\n";
  for (const auto& n : spec.server_names) out += "      " + n + ") server=${(Q)words[i+1]} ;;\n";
  for (const auto& l : spec.server_longs) {
    out += "      " + l + "=*) server=${(Q)${words[i]#" + l + "=}} ;;\n";
  }
  out +=
      "    esac\n"
      "  done\n"
      "  local -a models\n"
      "  models=(${(f)\"$(command sh -c '" +
      models_script() +
      "' sh \"$server\" 2>/dev/null)\"})\n"
      "  _wanted models expl model compadd -a models\n"
      "}\n"
      "\n"
      "_arguments -s -S \\\n";
  for (const auto& group : spec.groups) {
    for (const auto& e : group.entries) {
      std::string exclusions;
      if (e.stops) {
        exclusions = "- *";
      } else {
        std::vector<std::string> excluded = e.excludes;
        if (!e.repeatable) {
          for (const auto& n : e.names()) excluded.push_back(n);
        }
        exclusions = join(excluded, " ");
      }
      std::string prefix = e.repeatable ? "'*" : "'";
      if (!exclusions.empty()) prefix += "(" + exclusions + ")";

      std::vector<std::string> forms;
      for (const auto& s : e.shorts) forms.push_back(s + (e.takes_value() ? "+" : ""));
      for (const auto& l : e.longs) {
        forms.push_back(l + (e.takes_value() ? "=" : e.optional_value ? "=-" : ""));
      }
      std::string names = forms.size() == 1 ? forms.front() : "'{" + join(forms, ",") + "}'";
      std::string line = prefix + names + "[" + zsh_explanation(e.description) + "]";
      if (e.takes_value()) {
        line += ":" + zsh_message(e.value) + ":" + zsh_action(e);
      } else if (e.optional_value) {
        line += "::" + zsh_message(e.value) + ":" + zsh_action(e);
      }
      out += "  " + line + "' \\\n";
    }
  }
  for (const auto& operand : spec.operands) {
    out += "  '" + std::string(operand.repeatable ? "*" : "") + ":" + zsh_message(operand.name) + ": ' \\\n";
  }
  out.erase(out.size() - 3);  // the last " \\\n"
  out += "\n";
  return out;
}

// ---------------------------------------------------------------------------------------------
// fish

std::string fish_quote(std::string_view text) {
  std::string out = "'";
  for (char c : text) {
    if (c == '\'' || c == '\\') out += '\\';
    out += c;
  }
  return out + "'";
}

std::string generate_fish(const Spec& spec) {
  using Kind = ValueCompletion::Kind;
  std::string out =
      "# fish completion for ochat\n"
      "# Generated by `ochat --generate fish` from cmd/cli.cpp: do not edit; run man/regenerate.sh.\n"
      "\n"
      "function __ochat_models --description 'The model names of the server given by --host or OLLAMA_HOST'\n"
      "    set -l server\n"
      "    set -l tokens (commandline -opc)\n"
      "    for i in (seq 2 (count $tokens))\n"
      "        switch $tokens[$i]\n"
      "            case --\n"
      "                break\n";
  for (const auto& n : spec.server_names) {
    out += "            case " + n + "\n";
    out += "                set server $tokens[(math $i + 1)]\n";
  }
  for (const auto& l : spec.server_longs) {
    out += "            case '" + l + "=*'\n";
    out += "                set server (string replace -- " + l + "= '' $tokens[$i])\n";
  }
  out +=
      "        end\n"
      "    end\n"
      "    command sh -c '" +
      models_script() +
      "' sh \"$server\" 2>/dev/null\n"
      "end\n"
      "\n"
      "# The prompt is free text: no file names.\n"
      "complete -c ochat -f\n";
  for (const auto& group : spec.groups) {
    for (const auto& e : group.entries) {
      std::string line = "complete -c ochat";
      for (const auto& s : e.shorts) line += " -s " + s.substr(1);
      for (const auto& l : e.longs) line += " -l " + l.substr(2);
      if (e.takes_value()) {
        if (is_kind(e, Kind::model)) {
          line += " -x -a '(__ochat_models)'";
        } else if (is_kind(e, Kind::file)) {
          line += " -r -F";
          if (!e.completion->words.empty()) line += " -a " + fish_quote(join(e.completion->words, " "));
        } else if (is_kind(e, Kind::directory)) {
          line += " -x -a '(__fish_complete_directories)'";
        } else if (is_kind(e, Kind::words)) {
          line += " -x -a " + fish_quote(join(e.completion->words, " "));
        } else {
          line += " -x";
        }
      } else if (e.optional_value && e.completion && !e.completion->words.empty()) {
        // Without -r, fish offers these only after --name= , as ochat takes them.
        line += " -a " + fish_quote(join(e.completion->words, " "));
      }
      line += " -d " + fish_quote(e.description);
      out += line + "\n";
    }
  }
  return out;
}

}  // namespace

std::vector<std::string> document_names() { return {"man", "bash", "zsh", "fish"}; }

std::string generate(const CLI::App& app, std::string_view name) {
  const Spec spec = read_spec(app);
  if (name == "man") return generate_man(spec);
  if (name == "bash") return generate_bash(spec);
  if (name == "zsh") return generate_zsh(spec);
  if (name == "fish") return generate_fish(spec);
  throw std::invalid_argument(fmt::format("no document named '{}'", name));
}

}  // namespace ochat::cli
