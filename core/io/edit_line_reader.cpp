#include "core/io/edit_line_reader.hpp"

#include <fcntl.h>
#include <histedit.h>
#include <langinfo.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <clocale>
#include <cstdio>
#include <cstring>
#include <cwchar>

#include "core/error.hpp"
#include "core/io/history_file.hpp"

namespace ochat::io {

struct EditLineReader::State {
  EditLineOptions options;
  EditLine* editor = nullptr;
  History* history = nullptr;
  HistEvent event{};
  std::string prompt;
  bool pasting = false;         // between the terminal's paste start and end marks
  bool history_failed = false;  // the history file could not be written (said once)
  // More input had arrived when the line's newline was read. Learnt then, while the terminal
  // is still in the editor's mode: once it is back in canonical mode, Linux may count a byte
  // that is not there.
  bool more_after_line = false;
};

namespace {

EditLineReader::State& state_of(EditLine* editor) {
  void* data = nullptr;
  el_get(editor, EL_CLIENTDATA, &data);
  return *static_cast<EditLineReader::State*>(data);
}

char* prompt_of(EditLine* editor) { return state_of(editor).prompt.data(); }

// Bound to the marks a terminal in bracketed paste mode puts around a paste.
unsigned char paste_start(EditLine* editor, int) {
  state_of(editor).pasting = true;
  return CC_NORM;
}
unsigned char paste_end(EditLine* editor, int) {
  state_of(editor).pasting = false;
  return CC_NORM;
}

// libedit's read function: one character from standard input, decoded with the locale (as
// libedit's own does), or -1 with errno EINTR once the interrupt descriptor is readable. Waiting
// in poll() on both, rather than in read(), a signal that comes before the wait is not missed.
int read_character(EditLine* editor, wchar_t* out) {
  const int interrupt_fd = state_of(editor).options.interrupt_fd;
  std::mbstate_t state{};
  for (;;) {
    pollfd fds[2] = {{STDIN_FILENO, POLLIN, 0}, {interrupt_fd, POLLIN, 0}};
    const int ready = ::poll(fds, interrupt_fd >= 0 ? 2 : 1, -1);
    if (ready < 0 && errno != EINTR) return -1;
    if (interrupt_fd >= 0 && (fds[1].revents & POLLIN) != 0) {
      errno = EINTR;
      return -1;
    }
    if (ready <= 0) continue;
    char byte = 0;
    const ssize_t got = ::read(STDIN_FILENO, &byte, 1);
    if (got == 0) return 0;
    if (got < 0) {
      if (errno == EINTR || errno == EAGAIN) continue;
      return -1;
    }
    // A Ctrl-D typed while an answer streamed (the terminal in canonical mode) is left as a NUL
    // byte once the editor reads: libedit would take it for a key and wait for another.
    if (byte == '\0') continue;
    wchar_t wide = 0;
    const std::size_t used = std::mbrtowc(&wide, &byte, 1, &state);
    if (used == static_cast<std::size_t>(-2)) continue;  // more bytes of the character to come
    if (used == static_cast<std::size_t>(-1)) {
      wide = 0xFFFD;  // not a character of the locale
    }
    if (wide == L'\n' || wide == L'\r') {
      int waiting = 0;
      state_of(editor).more_after_line =
          ::ioctl(STDIN_FILENO, FIONREAD, &waiting) == 0 && waiting > 0;
    }
    *out = wide;
    return 1;
  }
}

// UTF-8 characters are edited as characters only under a UTF-8 LC_CTYPE.
void use_utf8_locale() {
  if (std::setlocale(LC_CTYPE, "") && std::strcmp(nl_langinfo(CODESET), "UTF-8") == 0) return;
  std::setlocale(LC_CTYPE, "C.UTF-8");
}

}  // namespace

EditLineReader::EditLineReader(const EditLineOptions& options) : state_(std::make_unique<State>()) {
  use_utf8_locale();
  state_->options = options;
  state_->history = ::history_init();
  state_->editor = ::el_init("ochat", stdin, stderr, stderr);
  if (!state_->history || !state_->editor) {
    if (state_->editor) ::el_end(state_->editor);
    if (state_->history) ::history_end(state_->history);
    throw Error(ErrorKind::internal, "cannot start the line editor (libedit)");
  }
  ::history(state_->history, &state_->event, H_SETSIZE, static_cast<int>(options.history_size));
  ::history(state_->history, &state_->event, H_SETUNIQUE, 1);
  if (!options.history_file.empty()) {
    ::history(state_->history, &state_->event, H_LOAD, options.history_file.c_str());
  }
  ::el_set(state_->editor, EL_CLIENTDATA, state_.get());
  ::el_set(state_->editor, EL_PROMPT, prompt_of);
  ::el_set(state_->editor, EL_GETCFN, read_character);
  ::el_set(state_->editor, EL_EDITOR, "emacs");
  ::el_set(state_->editor, EL_HIST, ::history, state_->history);
  // The wide form keeps these (static) names as they are; el_set's narrow form copies them and
  // libedit never frees the copies (LeakSanitizer reported it).
  ::el_wset(state_->editor, EL_ADDFN, L"ochat-paste-start", L"Start of a bracketed paste",
            paste_start);
  ::el_wset(state_->editor, EL_ADDFN, L"ochat-paste-end", L"End of a bracketed paste", paste_end);
  ::el_set(state_->editor, EL_BIND, "\033[200~", "ochat-paste-start", nullptr);
  ::el_set(state_->editor, EL_BIND, "\033[201~", "ochat-paste-end", nullptr);
  ::el_source(state_->editor, nullptr);  // ~/.editrc, as other libedit programs read it
}

EditLineReader::~EditLineReader() {
  ::el_end(state_->editor);
  ::history_end(state_->history);
}

LineInput EditLineReader::read_line(const std::string& prompt) {
  state_->prompt = prompt;
  int count = 0;
  state_->more_after_line = false;
  if (state_->options.bracketed_paste) std::fputs("\033[?2004h", stderr);
  errno = 0;
  const char* line = ::el_gets(state_->editor, &count);
  const int read_errno = errno;
  if (state_->options.bracketed_paste) std::fputs("\033[?2004l", stderr);
  errno = read_errno;
  if (!line) {
    if (count < 0 && errno == EINTR) {
      std::fputs("\n", stderr);  // what was typed stays on its line; a fresh prompt below
      std::fflush(stderr);
      state_->pasting = false;
      return {LineInput::Kind::interrupted, {}};
    }
    std::fputs("\n", stderr);  // the shell's prompt on a line of its own
    std::fflush(stderr);
    return {LineInput::Kind::end, {}};
  }
  std::string text(line, static_cast<std::size_t>(count));
  if (!text.empty() && text.back() == '\n') text.pop_back();
  return {LineInput::Kind::line, std::move(text)};
}

bool EditLineReader::input_pending() { return state_->pasting || state_->more_after_line; }

void EditLineReader::add_history(const std::string& entry) {
  ::history(state_->history, &state_->event, H_ENTER, entry.c_str());
  auto& options = state_->options;
  if (!options.save_history || options.history_file.empty()) return;
  const std::string error = append_history(options.history_file, entry, options.history_size);
  if (!error.empty() && !state_->history_failed) {
    state_->history_failed = true;  // said once: the chat goes on without it
    if (options.warn)
      options.warn("cannot save the history to " + options.history_file + ": " + error);
  }
}

}  // namespace ochat::io
