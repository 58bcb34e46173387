#include <algorithm>
#include <cctype>

#include "cmd/docs/documents.hpp"

namespace ochat::cli::docs {
namespace {

std::string roff_escape(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '\\') {
      out += "\\e";
    } else if (c == '-' && (i == 0 || std::string_view(" (['\"-").find(text[i - 1]) !=
                                          std::string_view::npos)) {
      out += "\\-";  // an option's dashes or a minus sign, not a hyphen
    } else {
      out += c;
    }
  }
  return out;
}

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
    if (out.size() == line_start && !word.empty() &&
        (word.front() == '.' || word.front() == '\'')) {
      out += "\\&";
    }
    out += word;
    pos = space + 1;
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
    const std::string_view part =
        value.substr(start, bar == std::string_view::npos ? bar : bar - start);
    const bool placeholder = std::none_of(part.begin(), part.end(), [](char c) {
      return std::islower(static_cast<unsigned char>(c));
    });
    out += (placeholder ? "\\fI" : "\\fB") + roff_escape(part) + "\\fR";
    if (bar == std::string_view::npos) break;
    out += '|';
    start = bar + 1;
  }
  return out;
}

}  // namespace

std::string man_options(const Spec& spec) {
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

}  // namespace ochat::cli::docs
