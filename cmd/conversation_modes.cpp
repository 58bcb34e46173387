// --conversations and --show.
#include <filesystem>

#include "cmd/mode_support.hpp"
#include "core/conversation/conversation_file.hpp"
#include "core/conversation/lister.hpp"
#include "core/conversation/reader.hpp"
#include "core/conversation/show.hpp"
#include "core/conversation/state_dir.hpp"
#include "core/error.hpp"
#include "core/text/terminal_filter.hpp"

namespace ochat::cmd {

int run_list_conversations(const config::Options& /*options*/, RunContext& context) {
  std::vector<std::string> warnings;
  const auto list = conversation::list_conversations(
      conversation::conversations_dir(state_dir(context)), warnings);
  for (const auto& w : warnings) warn(context, w);
  for (const auto& summary : list) context.out.append(conversation::listing_line(summary));
  context.out.flush();
  return kExitOk;
}

int run_show(const config::Options& options, RunContext& context) {
  std::string path;
  if (!options.show_name.empty()) {
    path = conversation_path(options.show_name, context, "--show");
  } else {
    const std::string state = state_dir(context);
    const auto last = conversation::most_recent(state, conversation::conversations_dir(state));
    if (!last) throw Error(ErrorKind::usage, "there is no saved conversation to show");
    path = *last;
  }
  conversation::LockOptions read_only;
  read_only.lock = false;  // a run may be adding to it: what is complete shows
  const auto file = conversation::ConversationFile::open(
      path, conversation::ConversationFile::Mode::read, read_only);
  const conversation::Transcript transcript = conversation::read_transcript(file->read(), path);
  for (const auto& w : transcript.warnings) warn(context, w);
  switch (options.output) {
    case config::Output::events:
      conversation::replay(transcript, std::filesystem::absolute(path).lexically_normal().string(),
                           context.sink);
      break;
    case config::Output::text:
      // The model's and the tools' text, made safe for a terminal (unless --raw).
      context.out.append(context.out.is_terminal() && !options.raw
                             ? text::terminal_safe(conversation::render_text(transcript))
                             : conversation::render_text(transcript));
      context.out.flush();
      break;
  }
  return kExitOk;
}

}  // namespace ochat::cmd
