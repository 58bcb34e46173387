#include "core/attach/content.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "core/attach/format.hpp"
#include "core/error.hpp"
#include "core/text/utf8.hpp"

namespace ochat::attach {
namespace {

constexpr std::string_view kNeither = "not UTF-8 text or a PNG, JPEG, WebP or GIF image";

std::string size_text(std::size_t bytes) {
  constexpr std::size_t kMiB = 1024 * 1024;
  return bytes % kMiB == 0 ? fmt::format("{} MiB", bytes / kMiB) : fmt::format("{} bytes", bytes);
}

// The error for bytes whose first `valid` bytes are text and the byte after is not.
[[noreturn]] void not_text(std::string_view subject, const std::string& bytes, std::size_t valid) {
  if (const auto format = other_format(std::string_view(bytes).substr(0, kHeadBytes))) {
    throw Error(ErrorKind::usage,
                fmt::format("{}: it is {}, {}", subject, format->description, kNeither),
                std::string(format->hint));
  }
  const auto byte = static_cast<unsigned char>(bytes[valid]);
  if (byte == 0) {
    throw Error(ErrorKind::usage, fmt::format("{}: it is binary data (a NUL byte at offset {}), {}",
                                              subject, valid, kNeither));
  }
  const auto line =
      std::count(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(valid), '\n') + 1;
  throw Error(
      ErrorKind::usage,
      fmt::format(
          "{}: it is not UTF-8 text (line {} has the byte 0x{:02X}, at offset {}) nor a PNG, "
          "JPEG, WebP or GIF image",
          subject, line, byte, valid),
      "if it is text in another encoding, convert it to UTF-8 first, e.g. iconv -f latin1 -t "
      "utf-8");
}

[[noreturn]] void too_large(std::string_view subject, bool image, std::size_t limit) {
  throw Error(ErrorKind::usage,
              fmt::format("{}: it is larger than {}, the most ochat sends for {}", subject,
                          size_text(limit), image ? "an image" : "a text file"));
}

class Reader {
 public:
  Reader(int fd, std::string_view subject) : fd_(fd), subject_(subject) {}

  // Reads once more; false at the end of the file.
  bool more(std::string& out) {
    for (;;) {
      const ssize_t n = ::read(fd_, buffer_, sizeof buffer_);
      if (n > 0) {
        out.append(buffer_, static_cast<std::size_t>(n));
        return true;
      }
      if (n == 0) return false;
      if (errno != EINTR)
        throw Error(ErrorKind::usage, fmt::format("{}: {}", subject_, std::strerror(errno)));
    }
  }

 private:
  int fd_;
  std::string_view subject_;
  char buffer_[64 * 1024];
};

}  // namespace

Content read_content(int fd, std::string_view subject, std::optional<std::size_t> max_text,
                     std::uint64_t size_hint) {
  Content content;
  std::string& bytes = content.bytes;
  if (size_hint > 0 && size_hint <= std::max<std::uint64_t>(kMaxImageBytes, max_text.value_or(0))) {
    bytes.reserve(static_cast<std::size_t>(size_hint));
  }
  Reader reader(fd, subject);
  bool open = true;
  while (open && bytes.size() < kHeadBytes) open = reader.more(bytes);

  content.media_type = std::string(image_media_type(bytes));
  if (!content.media_type.empty()) {
    if (size_hint > kMaxImageBytes) too_large(subject, true, kMaxImageBytes);
    while (open) {
      open = reader.more(bytes);
      if (bytes.size() > kMaxImageBytes) too_large(subject, true, kMaxImageBytes);
    }
    return content;
  }

  content.media_type = "text/plain";
  std::size_t valid = 0;  // the bytes before are whole UTF-8 characters
  for (;;) {
    const text::Utf8Scan scan = text::scan_utf8(std::string_view(bytes).substr(valid));
    valid += scan.valid;
    if (scan.bad || (!open && valid < bytes.size())) not_text(subject, bytes, valid);
    if (max_text && (bytes.size() > *max_text || size_hint > *max_text))
      too_large(subject, false, *max_text);
    if (!open) return content;
    open = reader.more(bytes);
  }
}

}  // namespace ochat::attach
