#include "core/conversation/session.hpp"

#include <fmt/format.h>
#include <sys/stat.h>

#include <cerrno>
#include <filesystem>

#include "core/conversation/state_dir.hpp"
#include "core/error.hpp"

namespace ochat::conversation {
namespace {

constexpr int kMaxNameTries = 1000;

std::string absolute(const std::string& path) {
  std::error_code ec;
  const auto full = std::filesystem::absolute(path, ec);
  return ec ? path : full.lexically_normal().string();
}

// A new file in `dir` named after the time; "-2", "-3", ... when another run took the name.
std::unique_ptr<ConversationFile> create_automatic(const SessionOptions& options,
                                                   const Clock& clock, std::string& path) {
  make_private_dir(options.dir);
  const std::string base = automatic_name(clock.now());
  for (int n = 1; n <= kMaxNameTries; ++n) {
    path = fmt::format("{}/{}{}{}", options.dir, base, n == 1 ? "" : fmt::format("-{}", n),
                       kExtension);
    if (auto file = ConversationFile::create_new(path, options.lock)) return file;
  }
  throw Error(ErrorKind::internal,
              fmt::format("cannot find a free name for a conversation in {}", options.dir));
}

}  // namespace

std::unique_ptr<Session> Session::open(const SessionOptions& options) {
  auto session = std::unique_ptr<Session>(new Session());
  Session& s = *session;
  const Clock& clock = options.clock ? *options.clock : s.system_clock_;
  if (options.path.empty()) {
    s.file_ = create_automatic(options, clock, s.path_);
  } else {
    if (options.save) {
      s.path_ = absolute(options.path);
      // A name in the state directory: the directory is ochat's to create.
      if (!options.dir.empty() && s.path_.starts_with(options.dir + "/"))
        make_private_dir(options.dir);
      s.file_ = ConversationFile::open(options.path, ConversationFile::Mode::create, options.lock);
    } else {
      struct stat st {};
      if (::stat(options.path.c_str(), &st) != 0 && errno == ENOENT)
        return session;  // nothing to read
      s.path_ = absolute(options.path);
      s.file_ = ConversationFile::open(options.path, ConversationFile::Mode::read, options.lock);
    }
  }
  TranscriptReader reader(options.path.empty() ? s.path_ : options.path, /*notes=*/false);
  reader.reserve(s.file_->size());
  s.file_->read([&reader](std::string_view bytes) { reader.feed(bytes); });
  s.transcript_ = reader.finish();
  if (options.warn) {
    for (const auto& w : s.transcript_.warnings) options.warn(w);
  }
  s.saved_ = s.pending_ = s.transcript_.settings;
  s.has_header_ = s.transcript_.header.has_value();
  for (const auto& m : s.transcript_.messages) {
    if (m.role == "system") s.system_ = m.content;
  }
  if (options.save) {
    s.recorder_ = std::make_unique<Recorder>(*s.file_, clock);
    s.recorder_->on_write = [&s, state = options.state, warn = options.warn] {
      s.saved_ = s.pending_;
      s.system_ = s.pending_system_;
      if (s.remembered_ || state.empty()) return;
      s.remembered_ = true;
      try {
        remember_last(state, s.path_);
      } catch (const Error& e) {
        if (warn) warn(e.what());
      }
    };
  }
  return session;
}

std::vector<chat::Message> Session::history() const { return transcript_.messages; }

std::vector<chat::Message> Session::take_history() { return std::move(transcript_.messages); }

void Session::begin_turn(const SavedSettings& now, const std::string& system,
                         const chat::Message& user, std::vector<chat::Message>& messages) {
  const bool new_system = !system.empty() && system != system_prompt();
  if (new_system) messages.push_back(chat::Message::text("system", system));
  pending_system_ = new_system ? system : system_;
  if (!recorder_) system_ = pending_system_;  // nothing to wait for
  messages.push_back(user);
  if (!recorder_) return;
  recorder_->drop_staged();  // an earlier turn that got no reply
  const bool fresh = !has_header_;
  if (fresh) {
    recorder_->begin(now);
    has_header_ = true;
    saved_ = now;
  }
  if (new_system) recorder_->stage(chat::Message::text("system", system));
  recorder_->stage(user, changes(saved_, now));
  pending_ = now;
}

bool saving_enabled(const std::optional<std::string>& value) {
  if (!value) return true;
  for (const char* no : {"0", "false", "no", "off"}) {
    if (*value == no) return false;
  }
  for (const char* yes : {"1", "true", "yes", "on", ""}) {
    if (*value == yes) return true;
  }
  throw Error(ErrorKind::usage, fmt::format("OCHAT_SAVE takes 0 or 1, got '{}'", *value));
}

}  // namespace ochat::conversation
