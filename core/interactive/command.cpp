#include "core/interactive/command.hpp"

#include <array>
#include <utility>

#include "core/text/trim.hpp"

namespace ochat::interactive {

Command parse_command(std::string_view line) {
  line = text::trim(line, " \t");
  const auto space = line.find_first_of(" \t");
  Command command;
  command.word = std::string(line.substr(0, space));
  command.argument = space == std::string_view::npos
                         ? std::string()
                         : std::string(text::trim(line.substr(space), " \t"));
  using Name = Command::Name;
  static constexpr std::array<std::pair<std::string_view, Name>, 8> kNames{{
      {"/help", Name::help},
      {"/?", Name::help},
      {"/model", Name::model},
      {"/system", Name::system},
      {"/clear", Name::clear},
      {"/tools", Name::tools},
      {"/show", Name::show},
      {"/bye", Name::bye},
  }};
  for (const auto& [word, name] : kNames) {
    if (command.word == word) command.name = name;
  }
  if (command.word == "/exit") command.name = Name::bye;
  return command;
}

std::string_view command_help() {
  return "/model NAME    use the model NAME from the next message on (alone: the model in use)\n"
         "/system TEXT   use TEXT as the system prompt from the next message on (alone: show it)\n"
         "/clear         start a new conversation (the current one stays saved)\n"
         "/tools         list the tools offered to the model\n"
         "/show          print the conversation so far\n"
         "/bye           leave (as Ctrl-D does)\n"
         "\"\"\"           on a line of its own, begins or ends a message of many lines\n";
}

}  // namespace ochat::interactive
