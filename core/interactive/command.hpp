#pragma once
// The interactive mode's commands: a line starting with '/'.
#include <string>
#include <string_view>

namespace ochat::interactive {

struct Command {
  enum class Name { help, model, system, clear, tools, show, bye, unknown };
  Name name = Name::unknown;
  std::string word;      // the command as typed ("/model")
  std::string argument;  // the rest of the line, without the spaces around it
};

// Parses a line that starts with '/'. "/bye" and "/exit" both end the chat.
Command parse_command(std::string_view line);

// The lines /help prints: one per command.
std::string_view command_help();

}  // namespace ochat::interactive
