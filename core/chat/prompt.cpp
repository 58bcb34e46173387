#include "core/chat/prompt.hpp"

#include "core/error.hpp"

namespace ochat::chat {

std::string compose_prompt(const std::vector<std::string>& args,
                           const std::optional<std::string>& stdin_text) {
  std::string joined;
  for (const auto& a : args) {
    if (!joined.empty()) joined += ' ';
    joined += a;
  }
  const bool has_args = joined.find_first_not_of(" \t\r\n") != std::string::npos;
  const bool has_stdin =
      stdin_text && stdin_text->find_first_not_of(" \t\r\n") != std::string::npos;
  if (!has_args && !has_stdin) {
    throw Error(ErrorKind::usage, "no prompt: give it as arguments or on standard input",
                "ochat -m MODEL \"your question\"   or   ochat -m MODEL < file");
  }
  if (!has_stdin) return joined;
  if (!has_args) return *stdin_text;
  std::string text = *stdin_text;
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  return text + "\n\n" + joined;
}

}  // namespace ochat::chat
