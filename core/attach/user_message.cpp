#include "core/attach/user_message.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>
#include <optional>

#include "core/attach/content.hpp"
#include "core/chat/prompt.hpp"
#include "core/error.hpp"

namespace ochat::attach {
namespace {

constexpr std::string_view kStdin = "-";

struct Loaded {
  chat::Attachment attachment;
  std::string text;  // text files: their text
};

Loaded make_loaded(std::string name, Content content) {
  Loaded loaded;
  loaded.attachment.name = std::move(name);
  loaded.attachment.media_type = content.media_type;
  loaded.attachment.size = content.bytes.size();
  if (content.is_image()) {
    loaded.attachment.bytes = std::make_shared<const std::string>(std::move(content.bytes));
  } else {
    loaded.text = std::move(content.bytes);
  }
  return loaded;
}

std::uint64_t regular_size(int fd) {
  struct stat st {};
  if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0)
    return static_cast<std::uint64_t>(st.st_size);
  return 0;
}

struct Fd {
  int fd;
  ~Fd() { ::close(fd); }
};

Loaded load_file(const std::string& path) {
  const std::string subject = fmt::format("cannot attach {}", path);
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw Error(ErrorKind::usage, fmt::format("{}: {}", subject, std::strerror(errno)));
  const Fd closer{fd};
  struct stat st {};
  if (::fstat(fd, &st) != 0)
    throw Error(ErrorKind::usage, fmt::format("{}: {}", subject, std::strerror(errno)));
  if (S_ISDIR(st.st_mode))
    throw Error(ErrorKind::usage, fmt::format("{}: it is a directory", subject));
  return make_loaded(path, read_content(fd, subject, kMaxTextBytes, regular_size(fd)));
}

Loaded load_stdin(int fd) {
  return make_loaded(std::string(kStdin), read_content(fd, "cannot attach standard input",
                                                       kMaxTextBytes, regular_size(fd)));
}

bool blank(std::string_view text) {
  return text.find_first_not_of(" \t\r\n") == std::string_view::npos;
}

}  // namespace

std::string text_block(std::string_view name, std::string_view text) {
  std::string out = "<file name=\"";
  for (char c : name) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  out += "\">\n";
  out += text;
  if (!text.empty() && text.back() != '\n') out += '\n';
  out += "</file>\n";
  return out;
}

chat::Message user_message(const UserInput& input) {
  const auto stdin_attached = std::count(input.attach.begin(), input.attach.end(), kStdin);
  if (stdin_attached > 1)
    throw Error(ErrorKind::usage, "-a - is given twice: standard input can be read only once");
  if (stdin_attached == 1 && input.no_stdin) {
    throw Error(ErrorKind::usage, "-a - reads standard input, which --no-stdin forbids");
  }
  if (stdin_attached == 1 && input.stdin_forced) {
    throw Error(ErrorKind::usage, "'-' and '-a -' both read standard input: give one of them");
  }

  std::vector<Loaded> files;
  for (const auto& name : input.attach)
    files.push_back(name == kStdin ? load_stdin(input.stdin_fd) : load_file(name));

  std::optional<std::string> stdin_text;
  if (stdin_attached == 0 && (input.stdin_forced || input.stdin_implicit)) {
    Content content = read_content(input.stdin_fd, "cannot use standard input", std::nullopt,
                                   regular_size(input.stdin_fd));
    if (content.is_image()) {
      files.push_back(make_loaded(std::string(kStdin), std::move(content)));
    } else {
      stdin_text = std::move(content.bytes);
    }
  }

  chat::Message message;
  message.role = "user";
  for (auto& f : files) {
    if (!f.attachment.is_image()) {
      if (!message.content.empty()) message.content += '\n';  // a blank line between files
      message.content +=
          text_block(f.attachment.name == kStdin ? "standard input" : f.attachment.name, f.text);
    }
    message.attachments.push_back(std::move(f.attachment));
  }
  const bool has_words =
      std::any_of(input.words.begin(), input.words.end(), [](const auto& w) { return !blank(w); });
  const bool has_stdin_text = stdin_text && !blank(*stdin_text);
  if (has_words || has_stdin_text ||
      files.empty()) {  // compose_prompt says when there is no prompt at all
    if (!message.content.empty()) message.content += '\n';
    message.content += chat::compose_prompt(input.words, stdin_text);
  }
  return message;
}

}  // namespace ochat::attach
